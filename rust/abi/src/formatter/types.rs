//! The formatter kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one formatter configuration.
pub type envoy_dynamic_module_type_formatter_config_envoy_ptr = *mut c_void;

/// The module's side of one formatter configuration.
pub type envoy_dynamic_module_type_formatter_config_module_ptr = *const c_void;

/// The module's side of one parsed command (its provider).
pub type envoy_dynamic_module_type_formatter_provider_module_ptr = *const c_void;

/// One log line being formatted: valid only during the format hook it is passed to.
pub type envoy_dynamic_module_type_formatter_context_envoy_ptr = *mut c_void;
