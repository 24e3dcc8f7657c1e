//! The bootstrap extension: process-wide module code outside any request,
//! named in the bootstrap's `bootstrap_extensions`. Its configuration lives on
//! the main thread for the life of the server; it may register admin
//! endpoints, run timers there, and hears of server start, worker start,
//! drain and shutdown.
//!
//! Envoy 1.40 resolves all seventeen hooks below when a bootstrap extension
//! names the module (a module missing one is refused at load). Every config
//! hook and every extension hook runs on the main thread, except
//! worker_thread_initialized, which runs once on each worker. Envoy holds its
//! startup (no listener accepts) until the module calls
//! config_signal_init_complete.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
