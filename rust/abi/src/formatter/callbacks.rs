//! The formatter kind's callbacks: what Envoy exports and the module calls,
//! each valid only during the format hook. All are new in 1.39: the SDK looks
//! them up at load (rust/sdk/src/since.rs) instead of linking. Header types
//! are RequestHeader, ResponseHeader and ResponseTrailer (and RequestTrailer,
//! where the log line has them).

use super::types::*;
use crate::access_logger::types::envoy_dynamic_module_type_access_log_type;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// How many headers of `header_type` the log line has (0 when it has no
    /// such map, e.g. response headers of a request that got no response).
    pub fn envoy_dynamic_module_callback_formatter_get_headers_size(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
    ) -> usize;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Writes every header of `header_type` into `result_headers`, which has
    /// room for get_headers_size entries; false when there is no such map.
    pub fn envoy_dynamic_module_callback_formatter_get_headers(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        result_headers: *mut envoy_dynamic_module_type_envoy_http_header,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// The `index`th value of header `key` of `header_type` in `result`; false
    /// when there is no such value. `total_count_out` (may be NULL) gets how
    /// many values the header has.
    pub fn envoy_dynamic_module_callback_formatter_get_header_value(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count_out: *mut usize,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// A string attribute of the stream (request, response, connection,
    /// upstream, as the log line has them).
    pub fn envoy_dynamic_module_callback_formatter_get_attribute_string(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// An integer attribute of the stream (e.g. the response code).
    pub fn envoy_dynamic_module_callback_formatter_get_attribute_int(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut u64,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// A boolean attribute of the stream.
    pub fn envoy_dynamic_module_callback_formatter_get_attribute_bool(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut bool,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// The string value at `path` (dot-separated keys) under dynamic metadata
    /// namespace `filter_name`; false when absent or not a string.
    pub fn envoy_dynamic_module_callback_formatter_get_dynamic_metadata(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        filter_name: envoy_dynamic_module_type_module_buffer,
        path: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// The body of the local reply Envoy sent for this request, if it sent one.
    pub fn envoy_dynamic_module_callback_formatter_get_local_reply_body(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Why this line is written (end of request, periodic, upstream, ...).
    pub fn envoy_dynamic_module_callback_formatter_get_access_log_type(
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
    ) -> envoy_dynamic_module_type_access_log_type;
}
