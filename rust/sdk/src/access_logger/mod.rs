//! The access logger kind: Envoy calls the logger once per finished request
//! with its stream info, including requests Envoy rejected before any HTTP
//! filter ran (a malformed request, a header block over the listener's limit),
//! which no HTTP filter ever sees.
//!
//! | file         | concept                                                      |
//! |--------------|--------------------------------------------------------------|
//! | `filter.rs`  | the config and logger traits                                 |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls     |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier          |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each  |
//! | `testing.rs` | fake handles (feature `testing`)                             |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewAccessLoggerConfig;
pub use filter::{AccessLogType, AccessLogger, AccessLoggerConfig};
pub use handle::{
    BytesInfo, EnvoyAccessLog, EnvoyAccessLogHandle, EnvoyAccessLoggerConfig,
    EnvoyAccessLoggerConfigHandle, TimingInfo,
};
