//! The route specifier (`envoy.router.route_specifiers.dynamic_modules`): a
//! virtual host's, a route's or a route table's `route_specifiers` names the
//! module, and Envoy asks it, per request and after route matching, which
//! route the request takes: one of the route templates its configuration
//! declares, the matched route unchanged, or none.
//!
//! Envoy 1.40 resolves the four hooks below when a route table names the
//! module. The configuration is made on the main thread with the route table;
//! on_route runs on the worker that routes the request (again when a filter
//! clears the route cache); route_destroy may run on any thread. Envoy 1.39
//! and older do not have the kind; its callbacks are `@since` 1.40.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
