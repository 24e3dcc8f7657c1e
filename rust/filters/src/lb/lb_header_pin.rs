//! `lb_header_pin`: a load-balancing policy for an ordinary cluster. A request
//! whose pin header names a healthy host goes to that host (a debugging
//! session on one replica, a tenant kept on its warm cache); every other
//! request, and a pinned one whose host is unhealthy or was rejected by the
//! route's retry predicates, gets a weighted random choice among the healthy
//! hosts, by the endpoints' `load_balancing_weight`.
//!
//! Config (JSON object):
//! * `header`: the request header that pins (default `x-pin-host`);
//! * `hosts`: names for the cluster's endpoints, `{"alpha": "127.0.0.1:1260"}`;
//!   the header names a host by one of these names or by its `ip:port`.
//!
//! The header is the client's: an unknown name or address, or a value that
//! is not text, is no pin (the weighted choice), never an error.

use crate::shared::header_name::check_name;
use envoy_dm_sdk::lb::{
    EnvoyLoadBalancer, EnvoyLoadBalancerConfig, HostSelection, LoadBalancer, LoadBalancerConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// More names than any cluster this policy serves; bounds the config.
const MAX_HOSTS: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default = "default_header")]
    header: String,
    #[serde(default)]
    hosts: BTreeMap<String, String>,
}

fn default_header() -> String {
    "x-pin-host".to_string()
}

/// The checked config, shared by every worker's load balancer.
#[derive(Debug, PartialEq, Eq)]
pub struct Settings {
    pub header: String,
    /// Name to `ip:port`, as Envoy writes host addresses.
    pub hosts: BTreeMap<String, String>,
}

impl Settings {
    /// Parses and checks the config; the error says what is wrong.
    pub fn parse(config: &[u8]) -> Result<Self, BoxError> {
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        let header = check_name("header", &raw.header, false)?;
        if raw.hosts.len() > MAX_HOSTS {
            return Err(format!("hosts: {} names, at most {MAX_HOSTS}", raw.hosts.len()).into());
        }
        let mut hosts = BTreeMap::new();
        for (name, address) in raw.hosts {
            if name.is_empty() {
                return Err("hosts: a name is empty".into());
            }
            let parsed: SocketAddr = address
                .parse()
                .map_err(|_| format!("hosts.{name}: {address:?} is not an ip:port address"))?;
            // Envoy's own spelling of the address, which the header is compared with.
            hosts.insert(name, parsed.to_string());
        }
        Ok(Self { header, hosts })
    }

    /// The `ip:port` a pin header's value names, if it names one.
    fn target<'a>(&'a self, value: &'a [u8]) -> Option<&'a str> {
        let value = std::str::from_utf8(value).ok()?.trim();
        Some(self.hosts.get(value).map_or(value, String::as_str))
    }
}

pub struct HeaderPinConfig(Arc<Settings>);

impl HeaderPinConfig {
    pub fn new(_envoy: &mut impl EnvoyLoadBalancerConfig, config: &[u8]) -> Result<Self, BoxError> {
        Ok(Self(Arc::new(Settings::parse(config)?)))
    }
}

impl<E: EnvoyLoadBalancer> LoadBalancerConfig<E> for HeaderPinConfig {
    fn new_load_balancer(&self, _envoy: &mut E) -> Box<dyn LoadBalancer<E>> {
        Box::new(HeaderPin(self.0.clone()))
    }
}

/// One worker's load balancer: no state of its own beyond the config, so every
/// choice reads the hosts as Envoy has them now.
pub struct HeaderPin(Arc<Settings>);

const PRIORITY: u32 = 0;

/// Whether the retry predicates reject the healthy host at `index`, which they
/// name by its index among all hosts.
fn rejected<E: EnvoyLoadBalancer>(envoy: &E, address: &str) -> bool {
    (0..envoy.hosts_count(PRIORITY))
        .find(|&i| envoy.host_address(PRIORITY, i) == Some(address))
        .is_some_and(|i| envoy.should_select_another_host(PRIORITY, i))
}

/// A weighted random index among the healthy hosts `usable` lets through.
fn weighted<E: EnvoyLoadBalancer>(envoy: &E, usable: impl Fn(usize) -> bool) -> Option<usize> {
    let n = envoy.healthy_hosts_count(PRIORITY);
    let weight = |i| {
        if usable(i) {
            u64::from(envoy.healthy_host_weight(PRIORITY, i))
        } else {
            0
        }
    };
    let total: u64 = (0..n).map(weight).sum();
    if total == 0 {
        return None;
    }
    let mut point = fastrand::u64(0..total);
    (0..n).find(|&i| {
        let w = weight(i);
        if point < w {
            return true;
        }
        point -= w;
        false
    })
}

impl<E: EnvoyLoadBalancer> LoadBalancer<E> for HeaderPin {
    fn choose_host(&mut self, envoy: &mut E) -> Option<HostSelection> {
        let envoy = &*envoy;
        let n = envoy.healthy_hosts_count(PRIORITY);
        let pinned = envoy
            .request_header(&self.0.header)
            .and_then(|value| self.0.target(value))
            .and_then(|target| {
                (0..n).find(|&i| envoy.healthy_host_address(PRIORITY, i) == Some(target))
            })
            .filter(|&i| {
                let address = envoy.healthy_host_address(PRIORITY, i).unwrap_or_default();
                !rejected(envoy, address)
            });
        let index = match pinned {
            Some(i) => i,
            None => {
                let first = weighted(envoy, |_| true)?;
                let address = envoy
                    .healthy_host_address(PRIORITY, first)
                    .unwrap_or_default();
                if rejected(envoy, address) {
                    // A retry: choose again among the hosts the predicates allow
                    // (the previous choice included), falling back to the first.
                    weighted(envoy, |i| {
                        !rejected(
                            envoy,
                            envoy.healthy_host_address(PRIORITY, i).unwrap_or_default(),
                        )
                    })
                    .unwrap_or(first)
                } else {
                    first
                }
            }
        };
        Some(HostSelection {
            priority: PRIORITY,
            index: u32::try_from(index).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::lb::testing::{FakeLoadBalancer, FakeLoadBalancerConfig};

    const A: &str = "127.0.0.1:1260";
    const B: &str = "127.0.0.1:1261";
    const C: &str = "127.0.0.1:1262";

    fn lb() -> HeaderPin {
        let config = br#"{"hosts": {"alpha": "127.0.0.1:1260", "beta": "127.0.0.1:1261", "gamma": "127.0.0.1:1262"}}"#;
        let made = HeaderPinConfig::new(&mut FakeLoadBalancerConfig, config).unwrap();
        HeaderPin(made.0)
    }

    fn cluster() -> FakeLoadBalancer {
        FakeLoadBalancer::with_hosts(&[(A, 1), (B, 2), (C, 7)])
    }

    fn chosen(lb: &mut HeaderPin, envoy: &mut FakeLoadBalancer) -> String {
        let pick = lb.choose_host(envoy).expect("a host");
        assert_eq!(pick.priority, 0);
        envoy.healthy_address(pick.index).unwrap().to_string()
    }

    #[test]
    fn a_pin_by_name_or_address_goes_to_that_host() {
        let mut lb = lb();
        for value in ["beta", B, " beta "] {
            let mut envoy = cluster().header("x-pin-host", value);
            for _ in 0..50 {
                assert_eq!(chosen(&mut lb, &mut envoy), B, "{value}");
            }
        }
    }

    #[test]
    fn without_a_pin_the_weights_hold() {
        fastrand::seed(7);
        let mut lb = lb();
        let mut envoy = cluster();
        let mut seen = BTreeMap::new();
        for _ in 0..10_000 {
            *seen.entry(chosen(&mut lb, &mut envoy)).or_insert(0) += 1;
        }
        for (host, share) in [(A, 0.1), (B, 0.2), (C, 0.7)] {
            let got = f64::from(seen[host]) / 10_000.0;
            assert!((got - share).abs() < 0.02, "{host}: {got} vs {share}");
        }
    }

    #[test]
    fn an_unhealthy_or_unknown_pin_falls_back_to_the_weighted_choice() {
        let mut lb = lb();
        for mut envoy in [
            cluster().unhealthy(B).header("x-pin-host", "beta"),
            cluster().unhealthy(B).header("x-pin-host", B),
        ] {
            for _ in 0..200 {
                assert_ne!(chosen(&mut lb, &mut envoy), B);
            }
        }
        for value in ["delta", "10.0.0.1:80", "", "\u{1F600}"] {
            let mut envoy = cluster().header("x-pin-host", value);
            let mut seen = std::collections::BTreeSet::new();
            for _ in 0..500 {
                seen.insert(chosen(&mut lb, &mut envoy));
            }
            assert_eq!(seen.len(), 3, "{value:?}: {seen:?}");
        }
        let mut envoy = cluster();
        envoy.headers.push(("x-pin-host".into(), vec![0xff, 0xfe]));
        chosen(&mut lb, &mut envoy);
    }

    #[test]
    fn a_retry_avoids_the_host_the_predicates_reject() {
        let mut lb = lb();
        let mut envoy = cluster().header("x-pin-host", "gamma");
        envoy.rejected.push(C.to_string());
        for _ in 0..300 {
            assert_ne!(chosen(&mut lb, &mut envoy), C);
        }
    }

    #[test]
    fn no_healthy_host_is_no_host() {
        let mut lb = lb();
        let mut envoy = cluster().unhealthy(A).unhealthy(B).unhealthy(C);
        assert_eq!(lb.choose_host(&mut envoy), None);
        let mut zero = FakeLoadBalancer::with_hosts(&[(A, 0)]);
        assert_eq!(lb.choose_host(&mut zero), None);
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        for (config, why) in [
            (&br#"{"header": "x pin"}"#[..], "is not a valid HTTP token"),
            (
                br#"{"hosts": {"a": "localhost:80"}}"#,
                "hosts.a: \"localhost:80\" is not an ip:port address",
            ),
            (br#"{"hosts": {"": "127.0.0.1:80"}}"#, "a name is empty"),
            (br#"{"pin": 1}"#, "unknown field `pin`"),
            (b"[]", "expected a JSON object"),
        ] {
            let error = Settings::parse(config).expect_err("refused").to_string();
            assert!(error.contains(why), "{error}");
        }
        assert_eq!(Settings::parse(b"{}").unwrap().header, "x-pin-host");
    }
}
