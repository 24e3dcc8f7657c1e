//! The UDP listener filter: runs on every datagram a UDP listener receives,
//! before the next UDP filter (for example udp_proxy). It may read the
//! datagram, answer the peer with a datagram of its own, and stop the datagram
//! from going further.
//!
//! Envoy 1.40 resolves all five hooks below when a UDP listener filter config
//! names the module. The filter lives as long as the listener on a worker;
//! on_data runs on that worker, the config hooks on the main thread.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
