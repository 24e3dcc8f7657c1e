//! The xDS config validator kind: code that judges each xDS update (a set of
//! listeners, clusters, ...) before Envoy applies it, and refuses the whole
//! update when one resource breaks a rule. A config source's
//! `config_validators` names it; there is no per-update instance, only the
//! configuration, on the main thread.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config trait and the resources it judges             |
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

pub use body::NewConfigValidatorConfig;
pub use filter::{ConfigValidatorConfig, Resource};
pub use handle::{
    EnvoyConfigValidator, EnvoyConfigValidatorConfig, EnvoyConfigValidatorConfigHandle,
    EnvoyConfigValidatorHandle,
};
