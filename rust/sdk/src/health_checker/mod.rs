//! The health checker kind: code that checks each host of a cluster at every
//! interval (a custom protocol, e.g. Redis `PING`). A cluster's
//! `health_checks[].custom_health_check` names it; Envoy keeps the interval,
//! the timeout and the thresholds, and the module only says, per check, what
//! it found. One session lives per host, on the main thread; the check itself
//! may run anywhere, its result reported through a [`HealthReporter`].
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config and session traits                            |
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

pub use body::NewHealthCheckerConfig;
pub use filter::{HealthCheckerConfig, HealthCheckerSession};
pub use handle::{
    EnvoyHealthChecker, EnvoyHealthCheckerConfig, EnvoyHealthCheckerConfigHandle,
    EnvoyHealthCheckerHandle, EnvoyHealthReporter, HealthReporter, HostHealth,
};
