//! The udp kind's callbacks: what Envoy exports and the module calls.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// The current datagram's size in bytes (0 outside on_data).
    pub fn envoy_dynamic_module_callback_udp_listener_filter_get_datagram_data_size(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
    ) -> usize;

    /// How many slices the current datagram is stored in.
    pub fn envoy_dynamic_module_callback_udp_listener_filter_get_datagram_data_chunks_size(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
    ) -> usize;

    /// Writes the datagram's slices into `chunks_out`, which has room for
    /// get_datagram_data_chunks_size entries. Valid during on_data only.
    pub fn envoy_dynamic_module_callback_udp_listener_filter_get_datagram_data_chunks(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
        chunks_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// The current datagram's sender: IP address as text and port.
    pub fn envoy_dynamic_module_callback_udp_listener_filter_get_peer_address(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
        address_out: *mut envoy_dynamic_module_type_envoy_buffer,
        port_out: *mut u32,
    ) -> bool;

    /// Sends `data` from the listener's address to `peer_address:peer_port`, or
    /// to the current datagram's sender when `peer_address` is empty. Envoy
    /// copies the bytes.
    pub fn envoy_dynamic_module_callback_udp_listener_filter_send_datagram(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
        data: envoy_dynamic_module_type_module_buffer,
        peer_address: envoy_dynamic_module_type_module_buffer,
        peer_port: u32,
    ) -> bool;

    /// Defines a counter `dynamicmodulescustom.{name}` while the configuration
    /// is created; writes its id.
    pub fn envoy_dynamic_module_callback_udp_listener_filter_config_define_counter(
        filter_config_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        counter_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Adds to a counter defined by this filter's configuration.
    pub fn envoy_dynamic_module_callback_udp_listener_filter_increment_counter(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
        id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;
}
