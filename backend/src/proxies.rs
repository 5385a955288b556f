//! Which proxies in front of the server are trusted, and so which address a request came from.
//!
//! Each proxy appends the address it received the request from to `X-Forwarded-For`, so entries
//! on the right were written by hops closer to the server. Everything to the left of what the
//! nearest trusted hops wrote is the client's own claim and worthless for throttling: the client
//! address is the one added by the outermost trusted proxy.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use switchboard_core::cidr::Cidr;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TrustedProxies {
    /// No proxy: the peer is the client and forwarding headers are ignored.
    #[default]
    None,
    /// This many proxies always stand in front of the server (the peer is the nearest one).
    Hops(usize),
    /// Peers within these ranges are proxies; the client is the nearest address outside them.
    Ranges(Vec<Cidr>),
}

impl TrustedProxies {
    /// `false`/`0`, `true` (one proxy), a number of proxies, or a comma-separated list of
    /// addresses and CIDR ranges.
    pub fn parse(value: &str) -> Result<TrustedProxies, String> {
        let v = value.trim();
        match v.to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "off" | "0" => return Ok(TrustedProxies::None),
            "true" | "yes" | "on" => return Ok(TrustedProxies::Hops(1)),
            _ => {}
        }
        if let Ok(n) = v.parse::<usize>() {
            return Ok(TrustedProxies::Hops(n));
        }
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Cidr::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies::Ranges)
            .map_err(|e| {
                format!("{e}; expected false, true, a number of proxies, or addresses/CIDR ranges")
            })
    }

    /// Is `peer` (the TCP peer) one of the trusted proxies, so its forwarding headers count?
    pub fn trusts_peer(&self, peer: Option<IpAddr>) -> bool {
        match self {
            TrustedProxies::None => false,
            TrustedProxies::Hops(n) => *n > 0,
            TrustedProxies::Ranges(ranges) => {
                peer.is_some_and(|p| ranges.iter().any(|r| r.contains(p)))
            }
        }
    }

    /// The client's address given the TCP peer and the `X-Forwarded-For` entries in order
    /// (all headers joined, left to right).
    pub fn client(&self, peer: Option<IpAddr>, forwarded: &[&str]) -> Option<IpAddr> {
        if !self.trusts_peer(peer) {
            return peer;
        }
        let hops: Vec<Option<IpAddr>> = forwarded.iter().map(|e| parse_entry(e)).collect();
        match self {
            TrustedProxies::None => peer,
            TrustedProxies::Hops(n) => {
                // The last `n` entries were written by the `n` proxies; the leftmost of them is
                // what the outermost proxy saw. Fewer entries: the request skipped outer proxies,
                // and the leftmost entry was still written by a trusted one.
                if hops.is_empty() {
                    return peer;
                }
                let at = hops.len().saturating_sub(*n);
                hops[at].or(peer)
            }
            TrustedProxies::Ranges(ranges) => {
                let mut client = peer;
                for hop in hops.iter().rev() {
                    match hop {
                        // Written by a trusted proxy (the previous `client`): believe it.
                        Some(ip) => {
                            client = Some(*ip);
                            if !ranges.iter().any(|r| r.contains(*ip)) {
                                break;
                            }
                        }
                        // Garbage from beyond the trusted hops: the last trusted address stands.
                        None => break,
                    }
                }
                client
            }
        }
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustedProxies::None => write!(f, "none"),
            TrustedProxies::Hops(n) => write!(f, "{n} hop(s)"),
            TrustedProxies::Ranges(r) => {
                let list: Vec<String> = r.iter().map(ToString::to_string).collect();
                write!(f, "{}", list.join(","))
            }
        }
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:80`, `[::1]:80`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    e.parse::<IpAddr>()
        .or_else(|_| e.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn parses_the_setting() {
        assert_eq!(TrustedProxies::parse("false"), Ok(TrustedProxies::None));
        assert_eq!(TrustedProxies::parse(""), Ok(TrustedProxies::None));
        assert_eq!(TrustedProxies::parse("true"), Ok(TrustedProxies::Hops(1)));
        assert_eq!(TrustedProxies::parse("2"), Ok(TrustedProxies::Hops(2)));
        let TrustedProxies::Ranges(r) =
            TrustedProxies::parse("10.0.0.0/8, 192.168.1.7,fd00::/8").unwrap()
        else {
            panic!("expected ranges");
        };
        assert_eq!(r.len(), 3);
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("maybe").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/8,nonsense").is_err());
    }

    /// (setting, peer, X-Forwarded-For entries, the client address), worked out by hand.
    #[test]
    fn the_client_is_what_the_outermost_trusted_proxy_saw() {
        let cases: &[(&str, &str, &[&str], &str)] = &[
            // No proxy trusted: the header is the client's claim and ignored.
            ("false", "198.51.100.1", &["1.1.1.1"], "198.51.100.1"),
            // One proxy: the entry it appended (rightmost), not the forged ones on the left.
            ("1", "10.0.0.2", &["1.1.1.1", "203.0.113.9"], "203.0.113.9"),
            ("1", "10.0.0.2", &["203.0.113.9"], "203.0.113.9"),
            ("1", "10.0.0.2", &[], "10.0.0.2"),
            // Two proxies (CDN, then nginx).
            (
                "2",
                "10.0.0.2",
                &["1.1.1.1", "203.0.113.9", "172.16.0.5"],
                "203.0.113.9",
            ),
            ("2", "10.0.0.2", &["203.0.113.9"], "203.0.113.9"),
            // With a port.
            (
                "1",
                "10.0.0.2",
                &["1.1.1.1", "203.0.113.9:4711"],
                "203.0.113.9",
            ),
            ("1", "10.0.0.2", &["[2001:db8::7]:443"], "2001:db8::7"),
            // Ranges: walk right to left past trusted addresses.
            (
                "10.0.0.0/8",
                "10.0.0.2",
                &["1.1.1.1", "203.0.113.9", "10.0.0.3"],
                "203.0.113.9",
            ),
            (
                "10.0.0.0/8",
                "10.0.0.2",
                &["1.1.1.1", "203.0.113.9"],
                "203.0.113.9",
            ),
            // A peer outside the ranges is the client, whatever it claims.
            ("10.0.0.0/8", "198.51.100.1", &["1.1.1.1"], "198.51.100.1"),
            // Every hop trusted: the leftmost one is the best known.
            (
                "10.0.0.0/8",
                "10.0.0.2",
                &["10.9.9.9", "10.0.0.3"],
                "10.9.9.9",
            ),
            // Garbage from the client stops the walk at the last trusted hop's observation.
            (
                "10.0.0.0/8",
                "10.0.0.2",
                &["not an ip", "10.0.0.3"],
                "10.0.0.3",
            ),
        ];
        for (setting, peer, xff, expected) in cases {
            let proxies = TrustedProxies::parse(setting).unwrap();
            assert_eq!(
                proxies.client(ip(peer), xff),
                ip(expected),
                "{setting} {peer} {xff:?}"
            );
        }
    }
}
