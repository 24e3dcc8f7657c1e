//! The load-balancing policy (`envoy.load_balancing_policies.dynamic_modules`):
//! an ordinary cluster's `load_balancing_policy` names the module, and Envoy asks
//! it which host of the cluster each upstream request (and each retry) goes to.
//!
//! Envoy 1.40 resolves all six hooks below when a cluster's policy names the
//! module. The configuration is made on the main thread when the cluster is;
//! one load balancer lives per worker thread (and one on the main thread), and
//! choose_host runs on that worker, once per host selection. Envoy 1.37 does not
//! have the kind; its callbacks exist from 1.38 (tagged `@since`).

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
