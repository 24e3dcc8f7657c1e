//! The early_header_mutation kind's hooks: what the module exports and Envoy
//! calls (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of an early header mutation configuration
    /// (both buffers borrowed for this call), on the main thread. NULL makes
    /// Envoy refuse the connection manager's config.
    pub fn envoy_dynamic_module_on_early_header_mutation_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_early_header_mutation_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_early_header_mutation_config_module_ptr;

    /// Releases a configuration made by early_header_mutation_config_new.
    pub fn envoy_dynamic_module_on_early_header_mutation_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_early_header_mutation_config_module_ptr,
    );

    /// Mutates one request's headers, on the worker that decoded them (so
    /// concurrently with other workers on the same configuration). True lets the
    /// next early header mutation extension run; false skips the rest.
    pub fn envoy_dynamic_module_on_early_header_mutation_mutate(
        config_module_ptr: envoy_dynamic_module_type_early_header_mutation_config_module_ptr,
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
    ) -> bool;
}
