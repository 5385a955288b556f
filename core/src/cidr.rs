//! IP address ranges: `192.168.1.0/24`, `2001:db8::/32`, or a single address (a range of one).
//! Flag targeting's IN_CIDR constraint and the server's trusted-proxy setting both read them. An
//! IPv4 address seen as IPv6 (`::ffff:192.168.1.7`, as a dual-stack listener reports it) is the
//! IPv4 address it is.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Reads `address` or `address/prefix`; None for anything else.
    pub fn parse(text: &str) -> Option<Cidr> {
        text.parse().ok()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                same_prefix(u32::from(net).into(), u32::from(a).into(), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                same_prefix(u128::from(net), u128::from(a), 128, self.prefix)
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// Refuses, with the reason, a prefix longer than the address, a host name or stray text.
    fn from_str(s: &str) -> Result<Cidr, String> {
        let text = s.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let written: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not an address or CIDR range"))?;
        let width = bits(written);
        let prefix = match prefix.map(str::trim) {
            None => width,
            // Digits only: `u8::from_str` would also take `+24`.
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= width && p.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => return Err(format!("{s:?} has a prefix length outside 0-{width}")),
            },
        };
        let network = written.to_canonical();
        // A mapped IPv4 range's prefix counts the 96 bits of its IPv6 wrapping.
        let prefix = prefix
            .checked_sub(width - bits(network))
            .ok_or_else(|| format!("{s:?} has a prefix length outside 96-128"))?;
        Ok(Cidr { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Reads an address as a context gives it; None if it is not one.
pub fn address(text: &str) -> Option<IpAddr> {
    text.trim().parse().ok()
}

fn bits(a: IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

fn same_prefix(net: u128, a: u128, width: u8, prefix: u8) -> bool {
    let host_bits = u32::from(width - prefix);
    // A shift by the whole width (a /0 range) is out of range for the type; all match then.
    net.checked_shr(host_bits).unwrap_or(0) == a.checked_shr(host_bits).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(network: &str, address: &str) -> bool {
        Cidr::parse(network)
            .unwrap()
            .contains(address.parse().unwrap())
    }

    #[test]
    fn networks_hold_their_addresses_and_no_others() {
        // (network, address, inside): worked out by hand from the prefix bits.
        let table = [
            ("127.0.0.1", "127.0.0.1", true),
            ("127.0.0.1", "127.0.0.2", false),
            ("160.33.0.0/16", "160.33.0.33", true),
            ("160.33.0.0/16", "160.34.0.1", false),
            ("10.0.0.0/8", "10.255.255.255", true),
            ("10.0.0.0/8", "11.0.0.0", false),
            ("192.168.1.128/25", "192.168.1.127", false),
            ("192.168.1.128/25", "192.168.1.200", true),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("0.0.0.0/0", "2001:db8::1", false),
            ("2001:db8::/32", "2001:db8:0:1::42", true),
            ("2001:db8::/32", "2001:db9::1", false),
            ("2001:db8::1", "2001:db8::1", true),
            ("2001:db8::1", "2001:db8::2", false),
            ("::/0", "::1", true),
            ("192.168.1.0/24", "::ffff:192.168.1.7", true),
            ("::ffff:192.168.1.0/120", "192.168.1.7", true),
            ("::ffff:192.168.1.0/120", "192.168.2.7", false),
        ];
        for (network, address, expected) in table {
            assert_eq!(inside(network, address), expected, "{address} in {network}");
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            "10.0.0.0/33".parse::<Cidr>(),
            Err("\"10.0.0.0/33\" has a prefix length outside 0-32".into())
        );
        assert_eq!(
            "nonsense".parse::<Cidr>(),
            Err("\"nonsense\" is not an address or CIDR range".into())
        );
        assert_eq!(
            Cidr::parse(" 10.1.0.0/16 ").map(|c| c.to_string()),
            Some("10.1.0.0/16".into())
        );
    }

    #[test]
    fn what_is_not_a_network_is_refused() {
        for text in [
            "127.invalid",
            "bad::cidr",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/8/8",
            "::ffff:10.0.0.0/95",
            "example.com",
            "",
        ] {
            assert_eq!(Cidr::parse(text), None, "{text:?}");
        }
        assert_eq!(address("127.0.0.1 "), Some([127, 0, 0, 1].into()));
        assert_eq!(address("localhost"), None);
    }
}
