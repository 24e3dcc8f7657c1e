//! The tracer kind: code that makes the spans of a connection manager's
//! traced requests, reads the incoming trace context and writes the
//! outgoing one. A connection manager's `tracing.provider` names it; each
//! span is an instance, on the worker of its request.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config and span traits, Envoy's sampling decision    |
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

pub use body::NewTracerConfig;
pub use filter::{Decision, Span, TraceReason, TracerConfig};
pub use handle::{
    EnvoyTraceContext, EnvoyTraceContextHandle, EnvoyTracerConfig, EnvoyTracerConfigHandle,
    TracerCounter,
};
