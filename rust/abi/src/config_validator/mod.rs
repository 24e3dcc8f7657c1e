//! The xDS config validator (`envoy.config.validators.dynamic_modules`): an
//! `ApiConfigSource`'s (or `ads_config`'s) `config_validators` names the
//! module, and Envoy hands it every xDS update of the type URLs its config
//! lists before applying it. A refusal makes Envoy reject the whole update
//! (a NACK to the control plane, `update_rejected` in the stats) and keep
//! serving the last accepted config.
//!
//! Envoy 1.40 resolves the four hooks below when it builds the subscription
//! (main thread) and runs both validate hooks on the main thread. Envoy 1.39
//! and older do not have the kind; its two callbacks are `@since` 1.40.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
