//! The matching data input: a value for Envoy's generic matching tree (a
//! virtual host's `matcher`, RBAC's `matcher`, ...) computed by the module from
//! the request's (and, where the tree sees them, the response's) headers. The
//! value is a string that the tree's own matchers dispatch on (an exact match
//! map, a prefix map, a string matcher); no value is "no data", so the tree's
//! `on_no_match` applies.
//!
//! Envoy 1.40 resolves the three hooks below when an `input` names
//! `envoy.matching.inputs.dynamic_module_string_data_input` (the message
//! `DynamicModuleDataInput`). There is no per-request instance: one
//! configuration, made on the main thread, is asked concurrently from every
//! worker. The kind and every callback are new in Envoy 1.40.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
