//! The bootstrap kind's types: opaque pointers, enums and structs.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one bootstrap extension configuration.
pub type envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr = *mut c_void;

/// The module's side of one bootstrap extension configuration.
pub type envoy_dynamic_module_type_bootstrap_extension_config_module_ptr = *const c_void;

/// Envoy's side of the bootstrap extension (one per configuration).
pub type envoy_dynamic_module_type_bootstrap_extension_envoy_ptr = *mut c_void;

/// The module's side of the bootstrap extension.
pub type envoy_dynamic_module_type_bootstrap_extension_module_ptr = *const c_void;

/// A main-thread timer Envoy made for the module (timer_new); the module owns
/// it and releases it with timer_delete.
pub type envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr = *mut c_void;
