//! The HTTP filter part of the ABI: a filter in an HTTP connection manager's
//! `http_filters`, one configuration per filter and one instance per stream.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use types::*;
