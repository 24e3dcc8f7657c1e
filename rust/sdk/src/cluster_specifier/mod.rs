//! The cluster specifier kind: code that chooses, per request, which cluster
//! a route sends it to (a canary or A/B split, a header override). A route's
//! `cluster_specifier_plugin` names it; there is no per-request instance, only
//! the configuration, shared by every worker.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config trait                                         |
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

pub use body::NewClusterSpecifierConfig;
pub use filter::ClusterSpecifierConfig;
pub use handle::{
    EnvoyClusterSpecifier, EnvoyClusterSpecifierConfig, EnvoyClusterSpecifierConfigHandle,
    EnvoyClusterSpecifierHandle,
};
