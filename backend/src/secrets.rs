//! Random secrets (session ids, API tokens) and how they are stored: only a SHA-256 digest, which
//! is enough for 256-bit random values and cheap to check on every request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `prefix` followed by 32 random bytes, URL-safe.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored for a secret: its SHA-256 digest, in hex.
pub fn digest(secret: &str) -> String {
    hex::encode(digest_bytes(secret))
}

/// The same digest as bytes, for lookups on every request.
pub fn digest_bytes(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_digests_stable() {
        let a = generate("sb_admin_");
        let b = generate("sb_admin_");
        assert_ne!(a, b);
        assert!(a.starts_with("sb_admin_"));
        assert_eq!(a.len(), "sb_admin_".len() + 43);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest(&a).len(), 64);
        // FIPS 180-2's example: SHA-256 of "abc".
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(digest("abc"), abc);
        assert_eq!(hex::encode(digest_bytes("abc")), abc);
    }
}
