//! The access logger (`envoy.access_loggers.dynamic_modules`): Envoy calls it
//! once per finished request with the request's stream info, including
//! requests it rejected before any HTTP filter ran (a malformed request, a
//! header block over the listener's limit).
//!
//! Envoy 1.40 resolves all six hooks below when an `access_log` entry names the
//! module. One logger lives per worker thread (and one on the main thread);
//! its config is shared by them. The getters below are valid only during
//! access_logger_log, on the `logger_envoy_ptr` it was passed; the metric
//! callbacks take the configuration's `config_envoy_ptr` and may be called
//! from any thread for as long as the configuration lives.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
