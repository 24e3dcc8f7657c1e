//! The bootstrap extension kind: process-wide module code outside any
//! request, configured in the bootstrap's `bootstrap_extensions`. It lives on
//! the main thread for the server's life: admin endpoints, timers, and the
//! server's start, drain and shutdown.
//!
//! | file         | concept                                                      |
//! |--------------|--------------------------------------------------------------|
//! | `filter.rs`  | the config and extension traits                              |
//! | `handle.rs`  | the Envoy handle traits, timers, their real ABI-backed impls |
//! | `hooks.rs`   | hook bodies, panic barrier, `declare_bootstrap_extensions!`  |
//! | `testing.rs` | fake handles (feature `testing`)                             |

pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use filter::{AdminResponse, BootstrapExtension, BootstrapExtensionConfig};
pub use handle::{
    EnvoyBootstrapConfig, EnvoyBootstrapConfigHandle, EnvoyBootstrapExtension,
    EnvoyBootstrapExtensionHandle, Timer, TimerId, TimerOps,
};
pub use hooks::NewBootstrapExtensionConfig;
