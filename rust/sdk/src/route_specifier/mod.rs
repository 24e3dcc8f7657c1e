//! The route specifier kind: code that chooses, per request and after route
//! matching, which route the request takes (a tenant's route template, the
//! matched route unchanged, or none). A virtual host's, route's or route
//! table's `route_specifiers` names it; there is no per-request instance,
//! only the configuration, shared by every worker.
//!
//! | file         | concept                                                  |
//! |--------------|----------------------------------------------------------|
//! | `filter.rs`  | the config trait and what on_route returns               |
//! | `handle.rs`  | the Envoy handle traits and their real, ABI-backed impls |
//! | `body.rs`    | hook bodies, generic over the handle, panic barrier      |
//! | `hooks.rs`   | the exported `extern "C"` glue, one call into `body` each |
//! | `testing.rs` | fake handles (feature `testing`)                         |

pub mod body;
pub mod filter;
pub mod handle;
pub mod hooks;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::NewRouteSpecifierConfig;
pub use filter::{Decision, OnRoute, RouteSpecifierConfig};
pub use handle::{
    EnvoyRouteSpecifier, EnvoyRouteSpecifierConfig, EnvoyRouteSpecifierConfigHandle,
    EnvoyRouteSpecifierHandle,
};
