//! The cluster: a cluster type (`envoy.clusters.dynamic_modules`) whose hosts
//! the module discovers and adds, and whose load balancer the module is.
//!
//! Envoy 1.40 creates the configuration and the cluster on the main thread,
//! calls cluster_init there (the module adds its first hosts, then calls
//! pre_init_complete so that Envoy's startup goes on), and makes one load
//! balancer per worker, whose choose_host picks a host for every request on
//! that worker. Host changes made on the main thread reach every worker's load
//! balancer as a membership update.

// Declaration order is the order of abi/abi.h.
pub mod types;

pub mod hooks;

pub mod callbacks;

pub use callbacks::*;
pub use hooks::*;
pub use types::*;
