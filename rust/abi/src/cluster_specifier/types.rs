//! The cluster_specifier kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one cluster specifier configuration (while config_new runs).
pub type envoy_dynamic_module_type_cluster_specifier_config_envoy_ptr = *mut c_void;

/// The module's side of one cluster specifier configuration.
pub type envoy_dynamic_module_type_cluster_specifier_config_module_ptr = *const c_void;

/// One request's selection: its headers and the decision the module records;
/// valid during cluster_specifier_select only.
pub type envoy_dynamic_module_type_cluster_specifier_context_envoy_ptr = *mut c_void;
