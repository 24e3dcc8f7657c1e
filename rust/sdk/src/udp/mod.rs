//! The UDP listener filter kind: a filter that sees every datagram a UDP
//! listener receives, before the next UDP filter (for example udp_proxy). It
//! may answer the sender with datagrams of its own and stop the datagram there.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config and filter traits                             |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier          |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each  |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewUdpListenerFilterConfig;
pub use filter::{UdpListenerFilter, UdpListenerFilterConfig, UdpListenerFilterStatus};
pub use handle::{
    EnvoyUdpConfigHandle, EnvoyUdpListenerFilter, EnvoyUdpListenerFilterConfig,
    EnvoyUdpListenerFilterHandle,
};
