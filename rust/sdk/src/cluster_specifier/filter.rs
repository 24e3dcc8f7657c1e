//! The trait a cluster specifier implements.

use super::EnvoyClusterSpecifier;

/// One configured cluster specifier, shared by every worker: it chooses a
/// cluster per request and keeps nothing per request.
pub trait ClusterSpecifierConfig<E: EnvoyClusterSpecifier>: Send + Sync {
    /// Chooses this request's cluster with `envoy.set_cluster_name` and
    /// returns true; false keeps Envoy's previous decision (none on the
    /// first call).
    fn select(&self, envoy: &mut E) -> bool;
}
