//! The cluster kind: a cluster type (`envoy.clusters.dynamic_modules`) whose
//! hosts the module discovers (on the main thread) and whose load balancer the
//! module is (one per worker, asked for a host on every request).
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config, cluster and load-balancer traits             |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies over the handle traits, panic barrier        |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewClusterConfig;
pub use filter::{Cluster, ClusterConfig, ClusterLb};
pub use handle::{
    ClusterScheduler, EnvoyCluster, EnvoyClusterConfig, EnvoyClusterConfigHandle,
    EnvoyClusterHandle, EnvoyClusterLb, EnvoyClusterLbHandle, HostId,
};
