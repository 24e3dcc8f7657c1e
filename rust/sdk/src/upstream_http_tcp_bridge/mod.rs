//! The upstream HTTP-to-TCP bridge kind: code that carries each HTTP request
//! a cluster receives over a plain TCP connection to the chosen host, in the
//! host's own protocol (HTTP to Redis, say), and turns the bytes that come
//! back into the HTTP response. A cluster's `upstream_config` names it; one
//! configuration per worker, one bridge per request.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config and per-request traits                        |
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

pub use body::NewUpstreamHttpTcpBridgeConfig;
pub use filter::{UpstreamHttpTcpBridge, UpstreamHttpTcpBridgeConfig};
pub use handle::{
    EnvoyUpstreamHttpTcpBridge, EnvoyUpstreamHttpTcpBridgeConfig,
    EnvoyUpstreamHttpTcpBridgeConfigHandle, EnvoyUpstreamHttpTcpBridgeHandle,
};
