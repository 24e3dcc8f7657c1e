//! The listener kind's callbacks: what Envoy exports and the module calls.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

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
