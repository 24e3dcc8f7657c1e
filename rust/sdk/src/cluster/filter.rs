//! The three traits a cluster implements: its configuration, the cluster
//! (main thread: discovery), and one load balancer per worker.

use super::{EnvoyCluster, EnvoyClusterLb, HostId};

/// One configured cluster type (`cluster_name` in Envoy's config).
pub trait ClusterConfig: Send + Sync {
    /// Makes the cluster, once per cluster Envoy creates from this config.
    fn new_cluster(&self) -> Box<dyn Cluster>;
}

/// The cluster: lives on the main thread, where it adds and removes hosts.
/// The SDK keeps it behind a lock, as workers ask it for load balancers.
pub trait Cluster: Send {
    /// The first hosts. Envoy's startup waits until this returns (the SDK
    /// then tells Envoy the cluster is ready, with whatever hosts it has).
    fn init(&mut self, envoy: &mut dyn EnvoyCluster);
    /// An event committed through a [`super::ClusterScheduler`].
    fn scheduled(&mut self, _envoy: &mut dyn EnvoyCluster, _event_id: u64) {}
    /// Envoy finished starting.
    fn server_initialized(&mut self, _envoy: &mut dyn EnvoyCluster) {}
    /// Envoy started draining.
    fn drain_started(&mut self, _envoy: &mut dyn EnvoyCluster) {}
    /// Envoy is about to exit (the SDK tells Envoy when this returns).
    fn shutdown(&mut self, _envoy: &mut dyn EnvoyCluster) {}
    /// One worker's load balancer.
    fn new_load_balancer(&self) -> Box<dyn ClusterLb>;
}

/// One worker's load balancer: sees that worker's host set, one request at a time.
pub trait ClusterLb: Send {
    /// The host of one request; None answers it 503 (no healthy upstream).
    fn choose_host(&mut self, envoy: &mut dyn EnvoyClusterLb) -> Option<HostId>;
    /// The worker's host set changed.
    fn host_membership_update(
        &mut self,
        _envoy: &mut dyn EnvoyClusterLb,
        _added: usize,
        _removed: usize,
    ) {
    }
}
