//! The network (L4) filter part of the ABI: a filter in a listener's
//! `filter_chains[].filters`, created per TCP connection, that sees the bytes
//! read from the downstream (`read`) and the bytes written back to it (`write`).
//!
//! Kept apart from the HTTP filter's declarations so each kind reads on its own;
//! abi/abi.h lists these after the HTTP ones.

pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use types::*;
