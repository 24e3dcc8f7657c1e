//! The input matcher: a predicate of Envoy's generic matching tree (a virtual
//! host's `matcher`, RBAC's `matcher`, ...) decided by the module. Its input is
//! `envoy.matching.inputs.dynamic_module_data_input`, which hands the module
//! the request's headers (and the response's, where the tree sees them)
//! through the callbacks below; the hook answers match or no match.
//!
//! Envoy 1.38 and later resolve the three hooks below when a
//! `custom_match` names `envoy.matching.matchers.dynamic_modules`. There is no
//! per-request instance: one configuration, made on the main thread, is asked
//! concurrently from every worker. 1.40 adds `set_error` and the config's
//! `on_error` (what an error counts as: no match, or match).

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
