//! The matcher_data_input kind's callbacks: what Envoy exports and the module
//! calls, each valid only during the matcher_data_input_get hook. All are new
//! in 1.40: the SDK looks them up at load (rust/sdk/src/since.rs) instead of
//! linking.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// The `index`th value of header `key` of the `header_type` map in
    /// `result`; false when there is none (or no such map: response headers
    /// while matching a request). `total_count` (may be NULL) gets how many
    /// values the header has.
    pub fn envoy_dynamic_module_callback_matcher_data_input_get_header_value(
        data_input_envoy_ptr: envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Stores this evaluation's value (Envoy copies the bytes); a later call
    /// replaces it.
    pub fn envoy_dynamic_module_callback_matcher_data_input_set_result(
        data_input_envoy_ptr: envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
        result: envoy_dynamic_module_type_module_buffer,
    );
}
