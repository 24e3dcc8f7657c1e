//! The upstream_http_tcp_bridge kind's callbacks: what Envoy exports and the
//! module calls. Envoy 1.37 exports none of them: each is `@since` 1.38 (the
//! two chunk counts 1.39), resolved at load by the SDKs (never linked), so a
//! module that has the kind still loads in 1.37.
//!
//! Envoy 1.38 has the two buffer getters but not their chunk counts: it writes
//! every slice into the caller's array without being told its size, which no
//! caller can size safely. The SDK reads buffers only where the counts exist.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Value `index` of the request header `key`; `total_count_out` (may be
    /// NULL) receives how many values it has. False when absent.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_header(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        total_count_out: *mut usize,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// How many request headers there are (0 before encode_headers).
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_headers_size(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Fills `result_headers`, which must hold get_request_headers_size entries.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_headers(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        result_headers: *mut envoy_dynamic_module_type_envoy_http_header,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Fills `result_buffer` with the slices of the request body piece of the
    /// running encode_data (it must hold get_request_buffer_chunks_size
    /// entries) and `result_buffer_length` with their number.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_buffer(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        result_buffer: *mut envoy_dynamic_module_type_envoy_buffer,
        result_buffer_length: *mut usize,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37.0 and 1.38.
    /// How many slices get_request_buffer writes.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_buffer_chunks_size(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Fills `result_buffer` with the slices of the bytes the running
    /// on_upstream_data received (it must hold
    /// get_response_buffer_chunks_size entries) and `result_buffer_length`
    /// with their number.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_response_buffer(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        result_buffer: *mut envoy_dynamic_module_type_envoy_buffer,
        result_buffer_length: *mut usize,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37.0 and 1.38.
    /// How many slices get_response_buffer writes.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_response_buffer_chunks_size(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Writes bytes to the TCP upstream (Envoy copies them); `end_stream`
    /// half-closes the connection after them.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_upstream_data(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        data: envoy_dynamic_module_type_module_buffer,
        end_stream: bool,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Answers the request whole: status, headers and body (Envoy copies them).
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        status_code: u32,
        headers_vector: *mut envoy_dynamic_module_type_module_http_header,
        headers_vector_size: usize,
        body: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Starts a streamed response: status and headers; `end_stream` ends it.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_headers(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        status_code: u32,
        headers_vector: *mut envoy_dynamic_module_type_module_http_header,
        headers_vector_size: usize,
        end_stream: bool,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// A piece of a streamed response's body; `end_stream` ends it.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_data(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        data: envoy_dynamic_module_type_module_buffer,
        end_stream: bool,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Ends a streamed response with trailers.
    pub fn envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_trailers(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        trailers_vector: *mut envoy_dynamic_module_type_module_http_header,
        trailers_vector_size: usize,
    );
}
