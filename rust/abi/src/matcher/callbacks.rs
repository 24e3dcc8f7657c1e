//! The matcher kind's callbacks: what Envoy exports and the module calls, each
//! valid only during the matcher_match hook. 1.37 exports none of them: the
//! SDK looks them up at load (rust/sdk/src/since.rs) instead of linking.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// How many headers (one per value) the `header_type` map has; 0 when the
    /// match has no such map (response headers while matching a request).
    pub fn envoy_dynamic_module_callback_matcher_get_headers_size(
        matcher_input_envoy_ptr: envoy_dynamic_module_type_matcher_input_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Writes every header of the `header_type` map into `result_headers`,
    /// which has room for get_headers_size entries; false without such a map.
    pub fn envoy_dynamic_module_callback_matcher_get_headers(
        matcher_input_envoy_ptr: envoy_dynamic_module_type_matcher_input_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        result_headers: *mut envoy_dynamic_module_type_envoy_http_header,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The `index`th value of header `key` of the `header_type` map in
    /// `result`; false when there is none. `total_count` (may be NULL) gets
    /// how many values the header has.
    pub fn envoy_dynamic_module_callback_matcher_get_header_value(
        matcher_input_envoy_ptr: envoy_dynamic_module_type_matcher_input_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// This match could not be decided: Envoy ignores matcher_match's answer
    /// and applies the config's `on_error` (NO_MATCH by default).
    pub fn envoy_dynamic_module_callback_matcher_set_error(
        matcher_input_envoy_ptr: envoy_dynamic_module_type_matcher_input_envoy_ptr,
    );
}
