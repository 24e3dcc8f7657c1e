//! The listener filter: runs on a freshly accepted TCP socket before any filter
//! chain is chosen. It may read (peek) the first bytes, set what the chain
//! match looks at (transport protocol, server name) or close the socket.
//!
//! Envoy 1.40 resolves all eleven hooks below when a listener filter config
//! names the module, and refuses the config naming the first one missing.
//! Every hook of one connection runs on its worker thread; the config hooks on
//! the main thread.

use crate::types::*;
use core::ffi::c_void;

// ------------------------------------------------------------------- types

/// Envoy's side of one listener filter configuration; used to define metrics
/// while the configuration is being created.
pub type envoy_dynamic_module_type_listener_filter_config_envoy_ptr = *mut c_void;

/// The module's side of one listener filter configuration, returned by
/// listener_filter_config_new and freed in listener_filter_config_destroy.
pub type envoy_dynamic_module_type_listener_filter_config_module_ptr = *const c_void;

/// Envoy's side of one accepted connection's listener filter. Dead after
/// listener_filter_destroy.
pub type envoy_dynamic_module_type_listener_filter_envoy_ptr = *mut c_void;

/// The module's side of one accepted connection, returned by
/// listener_filter_new and freed in listener_filter_destroy.
pub type envoy_dynamic_module_type_listener_filter_module_ptr = *const c_void;

/// What on_accept and on_data return: Continue hands the socket to the next
/// listener filter (or the filter chain); StopIteration waits for more bytes
/// (up to get_max_read_bytes) or, after close_socket, ends the connection.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_on_listener_filter_status {
    Continue,
    StopIteration,
}

// ------------------------------------------------------------------- hooks

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

// --------------------------------------------------------------- callbacks

extern "C" {
    /// The bytes peeked so far, as one slice, valid during on_data only.
    /// False (and an empty buffer) outside on_data.
    pub fn envoy_dynamic_module_callback_listener_filter_get_buffer_chunk(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        chunk_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// The peer's IP address as text and its port; false when it is not an IP
    /// socket. The text is Envoy's, valid while the connection lives.
    pub fn envoy_dynamic_module_callback_listener_filter_get_remote_address(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        address_out: *mut envoy_dynamic_module_type_envoy_buffer,
        port_out: *mut u32,
    ) -> bool;

    /// Sets what filter_chain_match.transport_protocol compares with ("tls",
    /// "raw_buffer"). An empty buffer is ignored.
    pub fn envoy_dynamic_module_callback_listener_filter_set_detected_transport_protocol(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        protocol: envoy_dynamic_module_type_module_buffer,
    );

    /// Sets what filter_chain_match.server_names compares with. An empty
    /// buffer is ignored.
    pub fn envoy_dynamic_module_callback_listener_filter_set_requested_server_name(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
    );

    /// Closes the socket, recording `details` as the connection's termination
    /// details. The calling hook then returns StopIteration.
    pub fn envoy_dynamic_module_callback_listener_filter_close_socket(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        details: envoy_dynamic_module_type_module_buffer,
    );

    /// Defines a counter `dynamicmodulescustom.{name}` while the configuration
    /// is created; writes its id.
    pub fn envoy_dynamic_module_callback_listener_filter_config_define_counter(
        filter_config_envoy_ptr: envoy_dynamic_module_type_listener_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        counter_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Adds to a counter defined by this connection's configuration.
    pub fn envoy_dynamic_module_callback_listener_filter_increment_counter(
        filter_envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
        id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;
}
