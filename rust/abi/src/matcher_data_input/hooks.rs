//! The matcher_data_input kind's hooks: what the module exports and Envoy
//! calls (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a data input configuration from
    /// `input_name` and `input_config` (both borrowed for this call), on the
    /// main thread. NULL makes Envoy refuse the configuration that holds it.
    pub fn envoy_dynamic_module_on_matcher_data_input_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_matcher_data_input_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_matcher_data_input_config_module_ptr;

    /// Releases a configuration made by matcher_data_input_config_new.
    pub fn envoy_dynamic_module_on_matcher_data_input_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_matcher_data_input_config_module_ptr,
    );

    /// Computes the value of one evaluation, on the worker evaluating the tree
    /// (so concurrently with other workers on the same configuration). The
    /// value is what set_result last stored; without a set_result call the
    /// input has no data.
    pub fn envoy_dynamic_module_on_matcher_data_input_get(
        config_module_ptr: envoy_dynamic_module_type_matcher_data_input_config_module_ptr,
        data_input_envoy_ptr: envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
    );
}
