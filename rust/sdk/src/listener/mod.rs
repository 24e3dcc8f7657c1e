//! The listener filter kind: a filter that sees an accepted TCP socket before
//! Envoy picks its filter chain. It may peek at the first bytes, set the
//! transport protocol or server name the chain match uses, or close the socket.
//!
//! | file         | concept                                                    |
//! |--------------|------------------------------------------------------------|
//! | `filter.rs`  | the config and filter traits                               |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls   |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier          |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each  |
//! | `testing.rs` | fake handles (feature `testing`)                           |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewListenerFilterConfig;
pub use filter::{ListenerFilter, ListenerFilterConfig, ListenerFilterStatus};
pub use handle::{
    EnvoyListenerConfigHandle, EnvoyListenerFilter, EnvoyListenerFilterConfig,
    EnvoyListenerFilterHandle,
};
