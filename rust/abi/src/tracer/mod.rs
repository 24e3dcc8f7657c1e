//! The tracer (`envoy.tracers.dynamic_modules`): a connection manager's
//! `tracing.provider` names the module, and Envoy asks it for a span per
//! traced request, a child span per upstream call, and to write the trace
//! context into the upstream request.
//!
//! Envoy 1.40 resolves the 17 hooks below when a connection manager names
//! the module (1.38 and 1.39 the same but `span_reserve_tags`; 1.37 has no
//! such kind). The configuration is made on the main thread; spans live on
//! the worker of their request. The callbacks are `@since` 1.38.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
