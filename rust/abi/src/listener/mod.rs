//! The listener filter: runs on a freshly accepted TCP socket before any filter
//! chain is chosen. It may read (peek) the first bytes, set what the chain
//! match looks at (transport protocol, server name) or close the socket.
//!
//! Envoy 1.40 resolves all eleven hooks below when a listener filter config
//! names the module, and refuses the config naming the first one missing.
//! Every hook of one connection runs on its worker thread; the config hooks on
//! the main thread.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
