//! The early header mutation: runs on a request's headers as soon as the
//! connection manager has decoded them, before routing, tracing, request-id
//! generation and every HTTP filter. It may read, set, add and remove request
//! headers and read the stream's connection attributes.
//!
//! Envoy 1.40 resolves the three hooks below when an HTTP connection manager's
//! `early_header_mutation_extensions` entry names the module. There is no
//! per-request instance: one configuration, made on the main thread, is called
//! concurrently from every worker. Every callback is new in Envoy 1.40.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
