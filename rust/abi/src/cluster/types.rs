//! The cluster kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one cluster configuration.
pub type envoy_dynamic_module_type_cluster_config_envoy_ptr = *mut c_void;

/// The module's side of one cluster configuration.
pub type envoy_dynamic_module_type_cluster_config_module_ptr = *const c_void;

/// Envoy's side of one cluster (main thread): add and remove hosts through it.
pub type envoy_dynamic_module_type_cluster_envoy_ptr = *mut c_void;

/// The module's side of one cluster.
pub type envoy_dynamic_module_type_cluster_module_ptr = *const c_void;

/// Envoy's side of one worker's load balancer: reads that worker's host set.
pub type envoy_dynamic_module_type_cluster_lb_envoy_ptr = *mut c_void;

/// The module's side of one worker's load balancer.
pub type envoy_dynamic_module_type_cluster_lb_module_ptr = *const c_void;

/// One host of the cluster, valid while the host is in the cluster.
pub type envoy_dynamic_module_type_cluster_host_envoy_ptr = *mut c_void;

/// One request's load-balancing context (headers, hash key); may be NULL.
pub type envoy_dynamic_module_type_cluster_lb_context_envoy_ptr = *mut c_void;

/// A scheduler the module owns: posts events to the cluster's main thread
/// from any thread; deleted by the module.
pub type envoy_dynamic_module_type_cluster_scheduler_module_ptr = *mut c_void;

/// The module's handle of a host selection it finishes later (not used by
/// this SDK: every selection is answered at once).
pub type envoy_dynamic_module_type_cluster_lb_async_handle_module_ptr = *mut c_void;

/// What the module publishes to the cluster's worker slot (not used by this SDK).
pub type envoy_dynamic_module_type_cluster_worker_slot_data_module_ptr = *mut c_void;
