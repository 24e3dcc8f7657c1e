//! The matcher and matching data input kinds' untrusted input: the
//! forwarding header mt_cidr_set reads and the path and header di_tenant
//! reads. Never a panic; mt_cidr_set's CIDR set answers as a plain scan of
//! its blocks would; di_tenant's value is always a well-formed tenant id, and
//! the one the path names when the path names one.
//!
//! Input: one mode byte. Even: mt_cidr_set; the rest is an address probe (the
//! first 16 bytes, as IPv6, or IPv4 when the mode byte is a multiple of 4) and
//! then the header's values as lines. Odd: di_tenant; the rest is the path,
//! a newline, then the header's values as lines.

#![no_main]

use envoy_dm_sdk::matcher::testing::FakeMatcherConfig;
use envoy_dm_sdk::matcher::MatcherResult;
use envoy_dm_sdk::matcher_data_input::testing::FakeMatcherDataInputConfig;
use libfuzzer_sys::fuzz_target;
use rust_module::matcher::mt_cidr_set::{client_address, CidrSetConfig, Hop};
use rust_module::matcher_data_input::di_tenant::TenantConfig;
use rust_module::shared::cidr::{Cidr, CidrSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

const BLOCKS: &[&str] = &[
    "10.0.0.0/8",
    "192.168.0.0/16",
    "192.168.7.0/24",
    "203.0.113.9",
    "0.0.0.0/1",
    "fd00::/8",
    "2001:db8::/32",
    "::ffff:0:0/96",
    "::1",
];

struct Fixture {
    blocks: Vec<Cidr>,
    set: CidrSet,
    matcher: CidrSetConfig,
    tenant: TenantConfig,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let blocks: Vec<Cidr> = BLOCKS.iter().map(|b| Cidr::parse(b).unwrap()).collect();
        let config = format!(r#"{{"cidrs": {BLOCKS:?}}}"#);
        Fixture {
            set: CidrSet::new(blocks.clone()),
            blocks,
            matcher: CidrSetConfig::new(&mut FakeMatcherConfig, config.as_bytes()).unwrap(),
            tenant: TenantConfig::new(&mut FakeMatcherDataInputConfig, b"{}").unwrap(),
        }
    })
}

fn well_formed(id: &[u8]) -> bool {
    (1..=63).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && id[0] != b'-'
        && id[id.len() - 1] != b'-'
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    if mode % 2 == 0 {
        let (probe, header) = rest.split_at(rest.len().min(16));
        let mut octets = [0u8; 16];
        octets[..probe.len()].copy_from_slice(probe);
        let addr = if mode % 4 == 0 {
            IpAddr::V4(Ipv4Addr::new(octets[0], octets[1], octets[2], octets[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(octets))
        };
        let scan = f.blocks.iter().any(|b| b.contains(addr));
        assert_eq!(f.set.contains(addr), scan, "{addr}");
        let values: Vec<&[u8]> = header.split(|b| *b == b'\n').collect();
        let answer = f.matcher.decide(&values);
        let want = match client_address(&values, Hop::Last) {
            Ok(Some(a)) if f.blocks.iter().any(|b| b.contains(a)) => MatcherResult::Match,
            Ok(_) => MatcherResult::NoMatch,
            Err(_) => MatcherResult::Error,
        };
        assert_eq!(answer, want);
    } else {
        let mut lines = rest.split(|b| *b == b'\n');
        let path = lines.next().unwrap_or_default();
        let header: Vec<&[u8]> = lines.collect();
        let value = f.tenant.tenant(Some(path), &header);
        if let Some(v) = &value {
            assert!(well_formed(v), "{v:?}");
        }
        if let Some(after) = path.strip_prefix(b"/t/") {
            let end = after
                .iter()
                .position(|b| matches!(b, b'/' | b'?' | b'#'))
                .unwrap_or(after.len());
            let segment = after[..end].to_ascii_lowercase();
            assert!(value.is_none() || value.as_deref() == Some(&segment[..]));
        }
    }
});
