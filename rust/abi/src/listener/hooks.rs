//! The listener kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a listener filter configuration from its
    /// filter_name and filter_config bytes (both borrowed for this call). NULL
    /// makes Envoy refuse the configuration.
    pub fn envoy_dynamic_module_on_listener_filter_config_new(
        filter_config_envoy_ptr: envoy_dynamic_module_type_listener_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_listener_filter_config_module_ptr;

    /// Releases a configuration made by listener_filter_config_new.
    pub fn envoy_dynamic_module_on_listener_filter_config_destroy(
        filter_config_ptr: envoy_dynamic_module_type_listener_filter_config_module_ptr,
    );

    /// Creates the per-connection filter. NULL makes Envoy close the socket.
    pub fn envoy_dynamic_module_on_listener_filter_new(
        filter_config_ptr: envoy_dynamic_module_type_listener_filter_config_module_ptr,
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
    ) -> envoy_dynamic_module_type_listener_filter_module_ptr;

    /// The socket was accepted; nothing has been read from it yet.
    pub fn envoy_dynamic_module_on_listener_filter_on_accept(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
    ) -> envoy_dynamic_module_type_on_listener_filter_status;

    /// More bytes were peeked; `data_length` is all of them so far, readable
    /// with listener_filter_get_buffer_chunk during this call.
    pub fn envoy_dynamic_module_on_listener_filter_on_data(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
        data_length: usize,
    ) -> envoy_dynamic_module_type_on_listener_filter_status;

    /// The peer closed the socket while the filter was still waiting for data.
    pub fn envoy_dynamic_module_on_listener_filter_on_close(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
    );

    /// How many bytes Envoy may peek for this filter; 0 means on_data is never called.
    pub fn envoy_dynamic_module_on_listener_filter_get_max_read_bytes(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
    ) -> usize;

    /// Releases the per-connection filter.
    pub fn envoy_dynamic_module_on_listener_filter_destroy(
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
    );

    /// Runs on the connection's worker after a commit on its scheduler.
    pub fn envoy_dynamic_module_on_listener_filter_scheduled(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
        event_id: u64,
    );

    /// Runs on the main thread after a commit on the configuration's scheduler.
    pub fn envoy_dynamic_module_on_listener_filter_config_scheduled(
        filter_config_envoy_ptr: envoy_dynamic_module_type_listener_filter_config_envoy_ptr,
        filter_config_module_ptr: envoy_dynamic_module_type_listener_filter_config_module_ptr,
        event_id: u64,
    );

    /// An HTTP callout started by the filter has finished; headers and body
    /// chunks are borrowed for this call and may be NULL on failure.
    pub fn envoy_dynamic_module_on_listener_filter_http_callout_done(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
        callout_id: u64,
        result: envoy_dynamic_module_type_http_callout_result,
        headers: *mut envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
        body_chunks_size: usize,
    );
}
