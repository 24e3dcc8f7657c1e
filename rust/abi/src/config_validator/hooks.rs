//! The config_validator kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a config validator: `name` is the
    /// config's `extension_name`, `config` its `extension_config` (both
    /// borrowed for this call). NULL makes Envoy refuse the config source.
    pub fn envoy_dynamic_module_on_config_validator_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_config_validator_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_config_validator_config_module_ptr;

    /// Releases a configuration made by config_validator_config_new.
    pub fn envoy_dynamic_module_on_config_validator_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
    );

    /// Judges a state-of-the-world update of `type_url`: every resource the
    /// update holds. False refuses the update; the reason is what the module
    /// set with config_validator_set_rejection_message during this call.
    pub fn envoy_dynamic_module_on_config_validator_validate(
        context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
        config_module_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
        type_url: envoy_dynamic_module_type_envoy_buffer,
        resources: *const envoy_dynamic_module_type_config_validator_resource,
        resources_count: usize,
    ) -> bool;

    /// Judges a delta update: the resources added or changed, and the names
    /// of those removed. False refuses it, as validate.
    pub fn envoy_dynamic_module_on_config_validator_validate_delta(
        context_envoy_ptr: envoy_dynamic_module_type_config_validator_context_envoy_ptr,
        config_module_ptr: envoy_dynamic_module_type_config_validator_config_module_ptr,
        type_url: envoy_dynamic_module_type_envoy_buffer,
        added_resources: *const envoy_dynamic_module_type_config_validator_resource,
        added_resources_count: usize,
        removed_resources: *const envoy_dynamic_module_type_envoy_buffer,
        removed_resources_count: usize,
    ) -> bool;
}
