//! The two traits a load-balancing policy implements.

use super::EnvoyLoadBalancer;

/// The host a load balancer chose: its priority and its index among that
/// priority's healthy hosts (the range of `healthy_hosts_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostSelection {
    pub priority: u32,
    pub index: u32,
}

/// One configured policy, shared by the load balancers of every worker.
pub trait LoadBalancerConfig<E: EnvoyLoadBalancer>: Send + Sync {
    /// Makes one worker's load balancer.
    fn new_load_balancer(&self, envoy: &mut E) -> Box<dyn LoadBalancer<E>>;
}

/// One worker's load balancer: chooses hosts for that worker's requests, one
/// at a time.
pub trait LoadBalancer<E: EnvoyLoadBalancer> {
    /// The host for this request (or retry), or None: Envoy then answers 503.
    fn choose_host(&mut self, envoy: &mut E) -> Option<HostSelection>;

    /// The cluster's hosts or their health changed. No request is in flight:
    /// `envoy` has hosts, no request headers.
    fn on_host_membership_update(&mut self, _envoy: &mut E, _added: usize, _removed: usize) {}
}
