//! The routing kinds' untrusted input: the request headers their choices read.
//! lb_header_pin is fed a config and a pin header value: a config is refused
//! with a reason or accepted, and a choice is always a healthy host, never a
//! panic. cs_canary_split is fed the same bytes as its config and override
//! header: it always decides, and an override goes to the cluster the value
//! names or to none ("").
//!
//! Input: one byte of host health (bit i: host i healthy), then the config and
//! the header value, split at the first NUL.

#![no_main]

use envoy_dm_sdk::cluster_specifier::testing::{FakeClusterSpecifier, FakeClusterSpecifierConfig};
use envoy_dm_sdk::cluster_specifier::ClusterSpecifierConfig;
use envoy_dm_sdk::lb::testing::{FakeLoadBalancer, FakeLoadBalancerConfig};
use envoy_dm_sdk::lb::LoadBalancerConfig;
use libfuzzer_sys::fuzz_target;
use rust_module::cluster_specifier::cs_canary_split::CanarySplitConfig;
use rust_module::lb::lb_header_pin::HeaderPinConfig;

const HOSTS: [(&str, u32); 3] = [
    ("127.0.0.1:1260", 1),
    ("127.0.0.1:1261", 0),
    ("127.0.0.1:1262", 7),
];

fuzz_target!(|data: &[u8]| {
    let Some((&health, rest)) = data.split_first() else {
        return;
    };
    let (config, value) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&b"{\"hosts\": {\"a\": \"127.0.0.1:1260\"}}"[..], rest),
    };
    if let Ok(split) = CanarySplitConfig::new(&mut FakeClusterSpecifierConfig, config) {
        let mut envoy = FakeClusterSpecifier::with_random(u64::from(health) * 7919);
        envoy
            .headers
            .push(("x-cluster".to_string(), value.to_vec()));
        assert!(split.select(&mut envoy));
        let chosen = envoy.cluster.expect("a decision");
        let named = std::str::from_utf8(value).map(str::trim).unwrap_or("");
        assert!(
            chosen.is_empty() || chosen == named,
            "{chosen:?} for {value:?}"
        );
    }
    let Ok(config) = HeaderPinConfig::new(&mut FakeLoadBalancerConfig, config) else {
        return;
    };
    let mut envoy = FakeLoadBalancer::with_hosts(&HOSTS);
    for (i, host) in envoy.hosts.iter_mut().enumerate() {
        host.healthy = health & (1 << i) != 0;
    }
    envoy
        .headers
        .push(("x-pin-host".to_string(), value.to_vec()));
    let mut lb = config.new_load_balancer(&mut envoy);
    let healthy = envoy.hosts.iter().filter(|h| h.healthy).count();
    match lb.choose_host(&mut envoy) {
        Some(chosen) => {
            assert_eq!(chosen.priority, 0);
            assert!((chosen.index as usize) < healthy);
        }
        // No host only when no healthy host carries weight (and none was pinned).
        None => assert!(envoy.hosts.iter().all(|h| !h.healthy || h.weight == 0)),
    }
});
