//! Unleash's bucketing: MurmurHash3 (x86, 32-bit) of `groupId:stickinessValue`, so a user lands in
//! the same bucket on every replica, after every restart, and as Unleash would put them.

/// Seed Unleash uses for variant assignment (rollouts use 0).
pub const VARIANT_SEED: u32 = 86_028_157;

/// MurmurHash3 x86_32 (Austin Appleby, public domain).
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, b) in tail.iter().enumerate() {
            k |= (*b as u32) << (8 * i);
        }
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Hash of `group:value` without allocating for short inputs.
fn hash_pair(group: &str, value: &str, seed: u32) -> u32 {
    let len = group.len() + 1 + value.len();
    if len <= 256 {
        let mut buf = [0u8; 256];
        buf[..group.len()].copy_from_slice(group.as_bytes());
        buf[group.len()] = b':';
        buf[group.len() + 1..len].copy_from_slice(value.as_bytes());
        murmur3_32(&buf[..len], seed)
    } else {
        murmur3_32(format!("{group}:{value}").as_bytes(), seed)
    }
}

/// A bucket in `1..=modulus` (Unleash's `normalizedValue`).
pub fn bucket(group: &str, value: &str, modulus: u32, seed: u32) -> u32 {
    hash_pair(group, value, seed) % modulus.max(1) + 1
}

/// The rollout bucket, 1..=100: a user is in a `p`% rollout when their bucket is at most `p`.
pub fn rollout_bucket(group: &str, value: &str) -> u32 {
    bucket(group, value, 100, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors() {
        // From the reference implementation's verification suite and common test vectors.
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_32(b"", 0xffff_ffff), 0x81f1_6f39);
        assert_eq!(murmur3_32(&[0xff, 0xff, 0xff, 0xff], 0), 0x7629_3b50);
        assert_eq!(murmur3_32(&[0x21, 0x43, 0x65, 0x87], 0), 0xf55b_516b);
        assert_eq!(murmur3_32(&[0x21, 0x43, 0x65], 0), 0x7e4a_8634);
        assert_eq!(murmur3_32(&[0x21, 0x43], 0), 0xa0f7_b07a);
        assert_eq!(murmur3_32(&[0x21], 0), 0x7266_1cf4);
        assert_eq!(murmur3_32(b"Hello, world!", 1234), 0xfaf6_cdb3);
        assert_eq!(
            murmur3_32(b"The quick brown fox jumps over the lazy dog", 0x9747_b28c),
            0x2fa8_26cd
        );
    }

    #[test]
    fn long_pairs_hash_like_short_ones() {
        let long = "x".repeat(400);
        assert_eq!(
            hash_pair("g", &long, 0),
            murmur3_32(format!("g:{long}").as_bytes(), 0)
        );
        assert_eq!(
            hash_pair("group", "user-1", 7),
            murmur3_32(b"group:user-1", 7)
        );
    }

    #[test]
    fn buckets_are_in_range() {
        for i in 0..1000 {
            let b = rollout_bucket("g", &i.to_string());
            assert!((1..=100).contains(&b));
        }
        assert_eq!(bucket("g", "u", 1, VARIANT_SEED), 1);
    }

    /// 100,000 ids at 25%: within ±1% of 25,000, and the same ids every time.
    #[test]
    fn a_quarter_rollout_takes_a_quarter_and_is_sticky() {
        let inside = |i: u32| rollout_bucket("checkout-v2", &format!("user-{i}")) <= 25;
        let count = (0..100_000).filter(|&i| inside(i)).count();
        assert!((24_000..=26_000).contains(&count), "{count}");
        let again = (0..100_000).filter(|&i| inside(i)).count();
        assert_eq!(count, again);
        // Raising the percentage keeps everyone who was in.
        assert!(
            (0..100_000)
                .filter(|&i| inside(i))
                .all(|i| rollout_bucket("checkout-v2", &format!("user-{i}")) <= 50)
        );
    }
}
