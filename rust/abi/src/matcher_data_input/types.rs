//! The matcher_data_input kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one data input configuration (NULL in Envoy 1.40).
pub type envoy_dynamic_module_type_matcher_data_input_config_envoy_ptr = *mut c_void;

/// The module's side of one data input configuration.
pub type envoy_dynamic_module_type_matcher_data_input_config_module_ptr = *const c_void;

/// The data one evaluation looks at and its result: valid only during the
/// matcher_data_input_get hook it is passed to.
pub type envoy_dynamic_module_type_matcher_data_input_envoy_ptr = *mut c_void;
