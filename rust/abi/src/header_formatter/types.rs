//! The header_formatter kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one header formatter configuration.
pub type envoy_dynamic_module_type_header_formatter_config_envoy_ptr = *mut c_void;

/// The module's side of one header formatter configuration.
pub type envoy_dynamic_module_type_header_formatter_config_module_ptr = *const c_void;

/// Envoy's side of one formatter (one HTTP/1 message's).
pub type envoy_dynamic_module_type_header_formatter_envoy_ptr = *mut c_void;

/// The module's side of one formatter.
pub type envoy_dynamic_module_type_header_formatter_module_ptr = *const c_void;
