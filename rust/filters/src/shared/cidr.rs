//! CIDR blocks: parsed strictly (host bits must be zero, so a list reads as
//! what it matches) and matched with IPv4-mapped IPv6 sources taken as IPv4.
//! Used by the filters that decide on a client's address.

use std::net::IpAddr;

/// One CIDR block: a network address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x::y/n`; a bare address means a single host.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or CIDR"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: prefix length must be 0 to {max}"))?,
        };
        let cidr = Self { network, prefix };
        let masked = cidr.masked(network);
        if masked != network {
            return Err(format!(
                "{text:?} has host bits set; did you mean \"{masked}/{prefix}\"?"
            ));
        }
        Ok(cidr)
    }

    fn masked(&self, addr: IpAddr) -> IpAddr {
        match addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V4((u32::from(a) & mask).into())
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V6((u128::from(a) & mask).into())
            }
        }
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        addr.is_ipv4() == self.network.is_ipv4() && self.masked(addr) == self.network
    }
}

/// Many CIDR blocks matched at once: the blocks grouped by family and prefix
/// length, each group a hash set of network addresses, so one lookup costs a
/// mask and a hash per distinct prefix length (at most 33 + 129), however
/// many blocks the set holds.
#[derive(Debug, Clone, Default)]
pub struct CidrSet {
    groups: Vec<(Cidr, std::collections::HashSet<IpAddr>)>,
    len: usize,
}

impl CidrSet {
    /// The set of these blocks (duplicates kept once).
    pub fn new(blocks: impl IntoIterator<Item = Cidr>) -> Self {
        let mut set = Self::default();
        for block in blocks {
            // The group's key is any block of that family and prefix length.
            let at = set.groups.iter().position(|(k, _)| {
                k.prefix == block.prefix && k.network.is_ipv4() == block.network.is_ipv4()
            });
            let group = match at {
                Some(i) => &mut set.groups[i].1,
                None => {
                    set.groups.push((block, Default::default()));
                    &mut set.groups.last_mut().expect("just pushed").1
                }
            };
            if group.insert(block.network) {
                set.len += 1;
            }
        }
        set
    }

    /// How many distinct blocks the set holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether any block contains `addr` (IPv4-mapped IPv6 taken as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        self.groups.iter().any(|(key, networks)| {
            key.network.is_ipv4() == addr.is_ipv4() && networks.contains(&key.masked(addr))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(blocks: &[&str]) -> CidrSet {
        CidrSet::new(blocks.iter().map(|b| Cidr::parse(b).unwrap()))
    }

    #[test]
    fn a_set_matches_what_its_blocks_match() {
        let s = set(&[
            "10.0.0.0/8",
            "192.168.1.0/24",
            "192.168.7.0/24",
            "fd00::/8",
            "203.0.113.9",
        ]);
        assert_eq!(s.len(), 5);
        for yes in [
            "10.1.2.3",
            "192.168.7.200",
            "fd12::1",
            "203.0.113.9",
            "::ffff:10.9.9.9",
        ] {
            assert!(s.contains(yes.parse().unwrap()), "{yes}");
        }
        for no in ["11.0.0.1", "192.168.2.1", "fe80::1", "203.0.113.10", "::1"] {
            assert!(!s.contains(no.parse().unwrap()), "{no}");
        }
    }

    #[test]
    fn a_large_set_counts_its_distinct_blocks() {
        let blocks: Vec<String> = (0..20_000u32)
            .map(|i| format!("{}.{}.{}.0/24", 10 + i / 65536, (i / 256) % 256, i % 256))
            .collect();
        let s = CidrSet::new(
            blocks
                .iter()
                .chain(&blocks)
                .map(|b| Cidr::parse(b).unwrap()),
        );
        assert_eq!(s.len(), 20_000);
        assert!(s.contains("10.78.31.5".parse().unwrap()));
        assert!(!s.contains("10.200.0.1".parse().unwrap()));
        assert!(set(&["0.0.0.0/0"]).contains("8.8.8.8".parse().unwrap()));
        assert!(!set(&["0.0.0.0/0"]).contains("::2".parse().unwrap()));
    }
}
