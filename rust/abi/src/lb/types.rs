//! The lb kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one load-balancing policy configuration (while lb_config_new runs).
pub type envoy_dynamic_module_type_lb_config_envoy_ptr = *mut c_void;

/// The module's side of one load-balancing policy configuration.
pub type envoy_dynamic_module_type_lb_config_module_ptr = *const c_void;

/// Envoy's side of one worker's load balancer: the cluster's hosts as that
/// worker sees them.
pub type envoy_dynamic_module_type_lb_envoy_ptr = *mut c_void;

/// The module's side of one worker's load balancer.
pub type envoy_dynamic_module_type_lb_module_ptr = *const c_void;

/// The request a host is chosen for (its headers, its retry state); valid
/// during lb_choose_host only, and NULL when Envoy chooses without a request.
pub type envoy_dynamic_module_type_lb_context_envoy_ptr = *mut c_void;
