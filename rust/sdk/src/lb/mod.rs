//! The load-balancing policy kind: code that chooses, per upstream request
//! (and per retry), which host of an ordinary cluster the request goes to.
//! A cluster names it in `load_balancing_policy`; one load balancer lives per
//! worker, built from the one configuration.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config and load balancer traits                      |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier      |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewLoadBalancerConfig;
pub use filter::{HostSelection, LoadBalancer, LoadBalancerConfig};
pub use handle::{
    EnvoyLoadBalancer, EnvoyLoadBalancerConfig, EnvoyLoadBalancerConfigHandle,
    EnvoyLoadBalancerHandle,
};
