//! The cluster specifier (`envoy.router.cluster_specifier_plugin.dynamic_modules`):
//! a route's `cluster_specifier_plugin` names the module, and Envoy asks it,
//! per request, which cluster the route sends the request to (a canary or
//! A/B split, a header override).
//!
//! Envoy 1.40 resolves the three hooks below when a route names the module.
//! The configuration is made on the main thread with the route table; select
//! runs on the worker that routes the request (again when a filter clears the
//! route cache). Envoy 1.39 and older do not have the kind; its callbacks are
//! `@since` 1.40.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
