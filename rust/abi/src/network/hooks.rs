//! Network filter hooks: what the module exports and Envoy calls.
//!
//! Declarations only; the SDK defines them with `#[no_mangle]` and checks each
//! definition against its declaration here. All hooks of one connection run on
//! that connection's worker thread, one at a time; the config hooks run on the
//! main thread.

use crate::network::types::*;
use crate::types::*;

extern "C" {
    /// Network filter: creates the module's side of a filter configuration.
    /// `name` is the configured filter_name, `config` the filter_config bytes;
    /// both are borrowed for this call only. NULL makes Envoy refuse the config.
    pub fn envoy_dynamic_module_on_network_filter_config_new(
        filter_config_envoy_ptr: envoy_dynamic_module_type_network_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_network_filter_config_module_ptr;

    /// Releases a configuration made by network_filter_config_new.
    pub fn envoy_dynamic_module_on_network_filter_config_destroy(
        filter_config_ptr: envoy_dynamic_module_type_network_filter_config_module_ptr,
    );

    /// Creates the per-connection filter. NULL makes Envoy close the connection.
    pub fn envoy_dynamic_module_on_network_filter_new(
        filter_config_ptr: envoy_dynamic_module_type_network_filter_config_module_ptr,
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    ) -> envoy_dynamic_module_type_network_filter_module_ptr;

    /// A connection was accepted; the callbacks are usable from here on.
    pub fn envoy_dynamic_module_on_network_filter_new_connection(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    ) -> envoy_dynamic_module_type_on_network_filter_data_status;

    /// Bytes arrived from the downstream; `data_length` is the read buffer's
    /// size, `end_stream` says the downstream half-closed.
    pub fn envoy_dynamic_module_on_network_filter_read(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
        data_length: usize,
        end_stream: bool,
    ) -> envoy_dynamic_module_type_on_network_filter_data_status;

    /// Bytes are about to be written to the downstream; `data_length` is the
    /// write buffer's size, `end_stream` says the write side closes after them.
    pub fn envoy_dynamic_module_on_network_filter_write(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
        data_length: usize,
        end_stream: bool,
    ) -> envoy_dynamic_module_type_on_network_filter_data_status;

    /// A connection event: closed by either side, or connected.
    pub fn envoy_dynamic_module_on_network_filter_event(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
        event: envoy_dynamic_module_type_network_connection_event,
    );

    /// Releases the per-connection filter. Its Envoy pointer is dead afterwards.
    pub fn envoy_dynamic_module_on_network_filter_destroy(
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    );

    /// An HTTP callout started by the filter has finished; headers and body
    /// chunks are borrowed for this call and may be NULL on failure.
    pub fn envoy_dynamic_module_on_network_filter_http_callout_done(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
        callout_id: u64,
        result: envoy_dynamic_module_type_http_callout_result,
        headers: *mut envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
        body_chunks_size: usize,
    );

    /// Runs on the connection's worker after a network filter scheduler commit.
    pub fn envoy_dynamic_module_on_network_filter_scheduled(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
        event_id: u64,
    );

    /// Runs on the main thread after a network filter config scheduler commit.
    pub fn envoy_dynamic_module_on_network_filter_config_scheduled(
        filter_config_ptr: envoy_dynamic_module_type_network_filter_config_module_ptr,
        event_id: u64,
    );

    /// The connection's write buffer went over its high watermark.
    pub fn envoy_dynamic_module_on_network_filter_above_write_buffer_high_watermark(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    );

    /// The connection's write buffer drained below its low watermark.
    pub fn envoy_dynamic_module_on_network_filter_below_write_buffer_low_watermark(
        filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    );
}
