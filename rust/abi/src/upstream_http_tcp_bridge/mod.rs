//! The upstream HTTP-to-TCP bridge (`envoy.upstreams.http.dynamic_modules`): a
//! cluster's `upstream_config` names the module, and Envoy hands it each HTTP
//! request routed to that cluster over a plain TCP connection to the chosen
//! host. The module turns the request into bytes for that connection and the
//! bytes that come back into the HTTP response (HTTP to Redis, say).
//!
//! Envoy 1.38 and later resolve the eight hooks below when a cluster names the
//! module. The configuration is made lazily on each worker, at the first
//! request that needs a connection (not at startup, not by `--mode
//! validate`); a bridge is made per request once its connection is ready and
//! is destroyed with the request. Envoy 1.37 does not have the kind; its
//! callbacks are `@since` 1.38 (two of them 1.39).

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
