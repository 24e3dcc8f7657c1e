//! The matcher kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one matcher configuration (NULL in Envoy 1.38 to 1.40).
pub type envoy_dynamic_module_type_matcher_config_envoy_ptr = *mut c_void;

/// The module's side of one matcher configuration.
pub type envoy_dynamic_module_type_matcher_config_module_ptr = *const c_void;

/// The data one match looks at: valid only during the matcher_match hook it
/// is passed to.
pub type envoy_dynamic_module_type_matcher_input_envoy_ptr = *mut c_void;
