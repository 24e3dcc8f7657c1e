//! The listener filter kind: a filter that sees an accepted TCP socket before
//! Envoy picks its filter chain. It may peek at the first bytes, set the
//! transport protocol or server name the chain match uses, or close the socket.
//!
//! | file         | concept                                                    |
//! |--------------|------------------------------------------------------------|
//! | `filter.rs`  | the config and filter traits                               |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls   |
//! | `hooks.rs`   | hook bodies, fail-closed barrier, `declare_listener_filters!` |
//! | `testing.rs` | fake handles (feature `testing`)                           |

pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use filter::{ListenerFilter, ListenerFilterConfig, ListenerFilterStatus};
pub use handle::{
    EnvoyListenerConfigHandle, EnvoyListenerFilter, EnvoyListenerFilterConfig,
    EnvoyListenerFilterHandle,
};
pub use hooks::NewListenerFilterConfig;
