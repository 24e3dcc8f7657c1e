//! `{{name}}`: (say what it does). Written by `make new-filter`: a
//! load-balancing policy that sends every request to the healthy host at the
//! index its config names (the lab config's cluster lists upstream a, then
//! b). Its hooks are below, with the ABI hook each answers.
//!
//! Config (JSON): `{"index": 1}`.

use envoy_dm_sdk::lb::{
    EnvoyLoadBalancer, EnvoyLoadBalancerConfig, HostSelection, LoadBalancer, LoadBalancerConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per cluster's policy config on Envoy's main thread
/// (`envoy_dynamic_module_on_lb_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    index: u32,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut impl EnvoyLoadBalancerConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        Ok(config)
    }
}

impl<E: EnvoyLoadBalancer> LoadBalancerConfig<E> for {{Camel}}Config {
    /// One load balancer per worker (`envoy_dynamic_module_on_lb_new`).
    fn new_load_balancer(&self, _envoy: &mut E) -> Box<dyn LoadBalancer<E>> {
        Box::new({{Camel}} { index: self.index })
    }
}

pub struct {{Camel}} {
    index: u32,
}

impl<E: EnvoyLoadBalancer> LoadBalancer<E> for {{Camel}} {
    // envoy_dynamic_module_on_lb_choose_host: one request's host, as a
    // priority and an index among that priority's healthy hosts. None: no
    // host (Envoy answers 503).
    fn choose_host(&mut self, envoy: &mut E) -> Option<HostSelection> {
        let healthy = envoy.healthy_hosts_count(0);
        if healthy == 0 {
            return None;
        }
        let index = self.index % u32::try_from(healthy).unwrap_or(u32::MAX);
        Some(HostSelection { priority: 0, index })
    }

    // envoy_dynamic_module_on_lb_on_host_membership_update: hosts came or
    // went (health checks, EDS); nothing to rebuild here.
    fn on_host_membership_update(&mut self, _envoy: &mut E, _added: usize, _removed: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::lb::testing::{FakeLoadBalancer, FakeLoadBalancerConfig};

    #[test]
    fn picks_the_configured_healthy_host() {
        let config = {{Camel}}Config::new(&mut FakeLoadBalancerConfig, br#"{"index": 1}"#).unwrap();
        let mut envoy = FakeLoadBalancer::with_hosts(&[("127.0.0.1:1", 1), ("127.0.0.1:2", 1)]);
        let mut lb = config.new_load_balancer(&mut envoy);
        let chosen = lb.choose_host(&mut envoy).unwrap();
        assert_eq!(envoy.healthy_address(chosen.index), Some("127.0.0.1:2"));
        let mut none = FakeLoadBalancer::with_hosts(&[]);
        assert_eq!(lb.choose_host(&mut none), None);
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"index": -1}"#, "invalid value"),
            (r#"{"index": 1, "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeLoadBalancerConfig, config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
