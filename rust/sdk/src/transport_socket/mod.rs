//! The transport socket kind: code between the kernel socket and a
//! connection (framing, encryption, byte accounting). A listener's filter
//! chain or a cluster names it as its `transport_socket`; each connection gets
//! its own socket, on its worker, which reads and writes the kernel socket
//! itself and fills Envoy's read buffer or drains its write buffer.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config and socket traits, the result of one I/O      |
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

pub use body::NewTransportSocketConfig;
pub use filter::{ConnectionEvent, IoResult, PostIoAction, TransportSocket, TransportSocketConfig};
pub use handle::{
    EnvoyTransportSocket, EnvoyTransportSocketConfig, EnvoyTransportSocketConfigHandle,
    EnvoyTransportSocketHandle, IoError,
};
