//! `lb_fault_injection`: a test-only load-balancing policy that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: that selection
//! gets no host (503), one line is logged, the load balancer is rebuilt and
//! the next request is served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": P}`: `config` panics in its constructor, `lb_new` in
//! every build of a load balancer, `choose_host` for a request carrying
//! `x-fault: choose_host`, `on_host_membership_update` at every change of the
//! hosts or their health, `lb_destroy` when a load balancer is released. Any
//! other selection is the first healthy host.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::lb::{
    EnvoyLoadBalancer, EnvoyLoadBalancerConfig, HostSelection, LoadBalancer, LoadBalancerConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

const PHASES: [&str; 5] = [
    "config",
    "lb_new",
    "choose_host",
    "on_host_membership_update",
    "lb_destroy",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    phase: String,
}

pub struct LbFaultConfig {
    phase: &'static str,
}

impl LbFaultConfig {
    pub fn new(_envoy: &mut impl EnvoyLoadBalancerConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        let phase = PHASES
            .into_iter()
            .find(|p| *p == raw.phase)
            .ok_or_else(|| format!("phase must be one of {}", PHASES.join(", ")))?;
        if phase == "config" {
            panic!("fault injected in config");
        }
        Ok(Self { phase })
    }
}

impl<E: EnvoyLoadBalancer> LoadBalancerConfig<E> for LbFaultConfig {
    fn new_load_balancer(&self, _envoy: &mut E) -> Box<dyn LoadBalancer<E>> {
        if self.phase == "lb_new" {
            panic!("fault injected in lb_new");
        }
        Box::new(LbFault { phase: self.phase })
    }
}

pub struct LbFault {
    phase: &'static str,
}

impl<E: EnvoyLoadBalancer> LoadBalancer<E> for LbFault {
    fn choose_host(&mut self, envoy: &mut E) -> Option<HostSelection> {
        if self.phase == "choose_host" && envoy.request_header("x-fault") == Some(b"choose_host") {
            panic!("fault injected in choose_host");
        }
        (envoy.healthy_hosts_count(0) > 0).then_some(HostSelection {
            priority: 0,
            index: 0,
        })
    }

    fn on_host_membership_update(&mut self, _envoy: &mut E, _added: usize, _removed: usize) {
        if self.phase == "on_host_membership_update" {
            panic!("fault injected in on_host_membership_update");
        }
    }
}

impl Drop for LbFault {
    fn drop(&mut self) {
        if self.phase == "lb_destroy" && !std::thread::panicking() {
            panic!("fault injected in lb_destroy");
        }
    }
}
