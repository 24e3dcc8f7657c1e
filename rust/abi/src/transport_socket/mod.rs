//! The transport socket (`envoy.transport_sockets.dynamic_modules`): a
//! listener's filter chain or a cluster names the module as the
//! `transport_socket`, and Envoy hands it every byte between the kernel
//! socket and the connection's filters: the module reads and writes the
//! socket itself and fills or drains Envoy's buffers (framing, encryption,
//! byte accounting).
//!
//! One factory configuration per filter chain or cluster, shared by every
//! worker; one socket per connection, on the worker that owns it. Envoy 1.37
//! has no such kind; 1.38 and 1.39 have it with other I/O callbacks. The hook
//! and callback shapes here are 1.40's, read off the 1.40 binary (the
//! callbacks' machine code and the Rust SDK built into it).

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
