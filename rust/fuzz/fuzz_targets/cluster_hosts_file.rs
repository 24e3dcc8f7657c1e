//! The hosts file of cluster_file_hosts (written by operators and scripts while
//! Envoy reads it), against invariants:
//!
//! - parsing never panics, whatever the bytes;
//! - an accepted file has 1 to MAX_HOSTS hosts, each `ip:port` exactly as the
//!   standard library prints it (so one address has one spelling) and a weight
//!   Envoy accepts (1 to MAX_WEIGHT);
//! - writing the accepted hosts back as a file and parsing it gives the same hosts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_module::cluster::cluster_file_hosts::hosts_file::{parse, MAX_HOSTS, MAX_WEIGHT};
use std::net::SocketAddr;

fuzz_target!(|data: &[u8]| {
    let Ok(hosts) = parse(data) else {
        return;
    };
    assert!((1..=MAX_HOSTS).contains(&hosts.len()), "{}", hosts.len());
    for (address, weight) in &hosts {
        let parsed: SocketAddr = address.parse().expect("an accepted address parses");
        assert_eq!(&parsed.to_string(), address, "one spelling per address");
        assert!((1..=MAX_WEIGHT).contains(weight), "{weight}");
    }
    let entries: Vec<_> = hosts
        .iter()
        .map(|(a, w)| serde_json::json!({"address": a, "weight": w}))
        .collect();
    let again = serde_json::to_vec(&serde_json::json!({ "hosts": entries })).unwrap();
    assert_eq!(parse(&again).expect("written back, it parses"), hosts);
});
