//! The early_header_mutation kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one early header mutation configuration.
pub type envoy_dynamic_module_type_early_header_mutation_config_envoy_ptr = *mut c_void;

/// The module's side of one early header mutation configuration.
pub type envoy_dynamic_module_type_early_header_mutation_config_module_ptr = *const c_void;

/// One request being mutated: valid only during the mutate hook it is passed to.
pub type envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr = *mut c_void;
