//! The keys that seal secret config values at rest (XChaCha20-Poly1305, an AEAD cipher).
//!
//! Keys come from `SWITCHBOARD_SECRET_KEYS` (or a file): `ID:BASE64`, comma- or line-separated,
//! the first one current. A sealed value names its key, so after a rotation the old keys stay
//! listed until `switchboard rotate-secrets` has sealed everything again under the current one.
//! Each value is bound to its namespace and entry key (the associated data), so a sealed value
//! copied into another entry's row does not open.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;
use switchboard_core::config::SECRET_MASK;

/// What every sealed value starts with; the format's version is in it.
const SEALED_PREFIX: &str = "sb1.";
const NONCE_BYTES: usize = 24;
const KEY_BYTES: usize = 32;
const KEY_ID_MAX: usize = 32;

#[derive(Clone)]
struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

/// The configured keys; empty when none is configured (secret entries are then refused).
#[derive(Clone, Default)]
pub struct Keyring {
    /// The first is current.
    keys: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("Keyring").field("key_ids", &ids).finish()
    }
}

/// Why a sealed value does not open. Never says anything about the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("not a sealed value")]
    NotSealed,
    #[error("sealed with key {0:?}, which is not configured")]
    UnknownKey(String),
    #[error("the sealed value does not open with key {0:?} (altered, or moved from another entry)")]
    Damaged(String),
}

impl Keyring {
    /// Reads `ID:BASE64` items separated by commas or lines; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Keyring, String> {
        let mut keys: Vec<Key> = Vec::new();
        let items = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .flat_map(|l| l.split(','))
            .map(str::trim)
            .filter(|i| !i.is_empty());
        for (n, item) in items.enumerate() {
            let (id, b64) = item
                .split_once(':')
                .ok_or_else(|| format!("key {}: write it as ID:BASE64 (e.g. 2026a:…)", n + 1))?;
            let id = id.trim();
            if id.is_empty()
                || id.len() > KEY_ID_MAX
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(format!(
                    "key {}: the id is 1 to {KEY_ID_MAX} letters, digits, - or _",
                    n + 1
                ));
            }
            if keys.iter().any(|k| k.id == id) {
                return Err(format!("key id {id:?} is listed twice"));
            }
            let b64 = b64.trim();
            let bytes = STANDARD
                .decode(b64)
                .or_else(|_| URL_SAFE_NO_PAD.decode(b64.trim_end_matches('=')))
                .map_err(|_| format!("key {id:?}: not base64"))?;
            if bytes.len() != KEY_BYTES {
                return Err(format!(
                    "key {id:?}: must be {KEY_BYTES} random bytes (44 base64 characters), got {}; \
                     make one with: openssl rand -base64 32",
                    bytes.len()
                ));
            }
            let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
                .map_err(|_| format!("key {id:?}: wrong length"))?;
            keys.push(Key {
                id: id.to_string(),
                cipher,
            });
        }
        Ok(Keyring { keys })
    }

    /// Is there a key to seal with?
    pub fn can_seal(&self) -> bool {
        !self.keys.is_empty()
    }

    /// The id new values are sealed with.
    pub fn current_id(&self) -> Option<&str> {
        self.keys.first().map(|k| k.id.as_str())
    }

    /// Seals `plain` for the entry `context` (namespace/key). None without a key.
    pub fn seal(&self, context: &str, plain: &str) -> Option<String> {
        let key = self.keys.first()?;
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = key
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .ok()?;
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&sealed);
        Some(format!(
            "{SEALED_PREFIX}{}.{}",
            key.id,
            URL_SAFE_NO_PAD.encode(raw)
        ))
    }

    /// The plain text of a value sealed for `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, OpenError> {
        let (id, body) = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .ok_or(OpenError::NotSealed)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| OpenError::UnknownKey(id.to_string()))?;
        let damaged = || OpenError::Damaged(id.to_string());
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| damaged())?;
        if raw.len() < NONCE_BYTES {
            return Err(damaged());
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_BYTES);
        let plain = key
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| damaged())?;
        String::from_utf8(plain).map_err(|_| damaged())
    }

    /// Was `sealed` sealed with a key other than the current one?
    pub fn is_stale(&self, sealed: &str) -> bool {
        let id = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .map(|(id, _)| id);
        id != self.current_id()
    }
}

/// The associated data a secret entry's value is sealed with.
pub fn context(namespace: &str, key: &str) -> String {
    format!("{namespace}/{key}")
}

/// What people and audit records see instead of a secret: the mask and a fingerprint of the
/// sealed bytes, so a change shows as a change while nothing about the value is revealed (it is
/// a hash of random-nonce ciphertext, not of the value).
pub fn masked(sealed: &str) -> String {
    let digest = Sha256::digest(sealed.as_bytes());
    format!("{SECRET_MASK} #{}", &hex::encode(digest)[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const K2: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

    fn ring(text: &str) -> Keyring {
        Keyring::parse(text).unwrap()
    }

    #[test]
    fn sealed_values_open_with_their_key_and_context_only() {
        let r = ring(&format!("one:{K1}"));
        let s = r.seal("checkout/db_password", "hunter2").unwrap();
        assert!(s.starts_with("sb1.one."), "{s}");
        assert!(!s.contains("hunter2"));
        assert_eq!(r.open("checkout/db_password", &s).unwrap(), "hunter2");
        assert_eq!(
            r.open("checkout/other", &s),
            Err(OpenError::Damaged("one".into()))
        );
        // Two sealings of one value differ (random nonce).
        assert_ne!(s, r.seal("checkout/db_password", "hunter2").unwrap());
    }

    #[test]
    fn altered_values_and_unknown_keys_do_not_open() {
        let r = ring(&format!("one:{K1}"));
        let s = r.seal("a/b", "value").unwrap();
        let mut altered = s.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            r.open("a/b", &altered),
            Err(OpenError::Damaged("one".into()))
        );
        let other = ring(&format!("two:{K2}"));
        assert_eq!(
            other.open("a/b", &s),
            Err(OpenError::UnknownKey("one".into()))
        );
        assert_eq!(r.open("a/b", "plain text"), Err(OpenError::NotSealed));
        assert_eq!(
            r.open("a/b", "sb1.one.%%%"),
            Err(OpenError::Damaged("one".into()))
        );
        assert_eq!(
            r.open("a/b", "sb1.one."),
            Err(OpenError::Damaged("one".into()))
        );
    }

    #[test]
    fn rotation_seals_with_the_first_key_and_opens_with_any_listed() {
        let old = ring(&format!("one:{K1}"));
        let s = old.seal("a/b", "v").unwrap();
        let rotated = ring(&format!(
            "two:{K2}\n# kept until rotate-secrets ran\none:{K1}"
        ));
        assert_eq!(rotated.current_id(), Some("two"));
        assert_eq!(rotated.open("a/b", &s).unwrap(), "v");
        assert!(rotated.is_stale(&s));
        let again = rotated.seal("a/b", "v").unwrap();
        assert!(!rotated.is_stale(&again));
        assert!(again.starts_with("sb1.two."));
    }

    #[test]
    fn key_lists_are_checked() {
        assert!(!ring("").can_seal());
        assert!(ring(&format!(" one:{K1} , two:{K2} ")).can_seal());
        let err = |t: &str| Keyring::parse(t).unwrap_err();
        assert!(err("nocolon").contains("ID:BASE64"));
        assert!(err(&format!("bad id:{K1}")).contains("letters, digits"));
        assert!(err(&format!("a:{K1},a:{K2}")).contains("listed twice"));
        assert!(err("a:!!!").contains("not base64"));
        assert!(err("a:AAAA").contains("32 random bytes"));
    }

    #[test]
    fn masks_show_a_change_and_nothing_of_the_value() {
        let r = ring(&format!("one:{K1}"));
        let a = r.seal("a/b", "secret").unwrap();
        let b = r.seal("a/b", "secret").unwrap();
        assert!(masked(&a).starts_with(SECRET_MASK));
        assert_eq!(masked(&a), masked(&a));
        assert_ne!(masked(&a), masked(&b));
        assert!(!masked(&a).contains("secret"));
        assert!(switchboard_core::config::is_masked(&masked(&a)));
    }
}
