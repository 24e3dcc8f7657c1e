//! The early_header_mutation kind's callbacks: what Envoy exports and the
//! module calls, each valid only during the mutate hook. All are new in 1.40:
//! the SDK looks them up at load (rust/sdk/src/since.rs) instead of linking.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// The `index`th value of request header `key` in `result`; false when
    /// there is no such value. `total_count` (may be NULL) gets how many values
    /// the header has.
    pub fn envoy_dynamic_module_callback_early_header_mutation_get_header_value(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count: *mut usize,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// How many request header values there are (a name with two values counts twice).
    pub fn envoy_dynamic_module_callback_early_header_mutation_get_headers_size(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Writes every request header into `result_headers`, which has room for
    /// get_headers_size entries.
    pub fn envoy_dynamic_module_callback_early_header_mutation_get_headers(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        result_headers: *mut envoy_dynamic_module_type_envoy_http_header,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Replaces every value of request header `key` with `value` (Envoy copies
    /// both). False for an empty key.
    pub fn envoy_dynamic_module_callback_early_header_mutation_set_header(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Adds a value to request header `key`, keeping the ones it has. False for
    /// an empty key.
    pub fn envoy_dynamic_module_callback_early_header_mutation_add_header(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// Removes every value of request header `key` (an absent one is success).
    /// False for an empty key.
    pub fn envoy_dynamic_module_callback_early_header_mutation_remove_header(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// A string attribute of the stream. Only the connection's (source and
    /// destination address, TLS, connection id) and the request's own are set
    /// this early: route, response and upstream ones are not.
    pub fn envoy_dynamic_module_callback_early_header_mutation_get_attribute_string(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.37 to 1.39.
    /// An integer attribute of the stream (same availability as the strings).
    pub fn envoy_dynamic_module_callback_early_header_mutation_get_attribute_int(
        envoy_ptr: envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut u64,
    ) -> bool;
}
