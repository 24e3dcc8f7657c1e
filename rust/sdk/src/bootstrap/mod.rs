//! The bootstrap extension kind: process-wide module code outside any
//! request, configured in the bootstrap's `bootstrap_extensions`. It lives on
//! the main thread for the server's life: admin endpoints, timers, and the
//! server's start, drain and shutdown.
//!
//! | file         | concept                                                      |
//! |--------------|--------------------------------------------------------------|
//! | `filter.rs`  | the config and extension traits                              |
//! | `handle.rs`  | the Envoy handle traits, timers, their real ABI-backed impls |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier          |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each  |
//! | `testing.rs` | fake handles (feature `testing`)                             |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewBootstrapExtensionConfig;
pub use filter::{AdminResponse, BootstrapExtension, BootstrapExtensionConfig};
pub use handle::{
    EnvoyBootstrapConfig, EnvoyBootstrapConfigHandle, EnvoyBootstrapExtension,
    EnvoyBootstrapExtensionHandle, Timer, TimerId, TimerOps,
};
