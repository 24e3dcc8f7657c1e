//! The UDP listener filter: runs on every datagram a UDP listener receives,
//! before the next UDP filter (for example udp_proxy). It may read the
//! datagram, answer the peer with a datagram of its own, and stop the datagram
//! from going further.
//!
//! Envoy 1.40 resolves all five hooks below when a UDP listener filter config
//! names the module. The filter lives as long as the listener on a worker;
//! on_data runs on that worker, the config hooks on the main thread.

use crate::types::*;
use core::ffi::c_void;

// ------------------------------------------------------------------- types

/// Envoy's side of one UDP listener filter configuration.
pub type envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr = *mut c_void;

/// The module's side of one UDP listener filter configuration.
pub type envoy_dynamic_module_type_udp_listener_filter_config_module_ptr = *const c_void;

/// Envoy's side of one UDP listener filter instance (one per worker).
pub type envoy_dynamic_module_type_udp_listener_filter_envoy_ptr = *mut c_void;

/// The module's side of one UDP listener filter instance.
pub type envoy_dynamic_module_type_udp_listener_filter_module_ptr = *const c_void;

/// What on_data returns: Continue passes the datagram to the next UDP filter;
/// StopIteration drops it there.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_on_udp_listener_filter_status {
    Continue,
    StopIteration,
}

// ------------------------------------------------------------------- hooks

extern "C" {
    /// Creates the module's side of a UDP listener filter configuration (both
    /// buffers borrowed for this call). NULL makes Envoy refuse it.
    pub fn envoy_dynamic_module_on_udp_listener_filter_config_new(
        filter_config_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_udp_listener_filter_config_module_ptr;

    /// Releases a configuration made by udp_listener_filter_config_new.
    pub fn envoy_dynamic_module_on_udp_listener_filter_config_destroy(
        filter_config_ptr: envoy_dynamic_module_type_udp_listener_filter_config_module_ptr,
    );

    /// Creates the filter instance of one worker's listener. NULL makes Envoy
    /// pass every datagram on unfiltered.
    pub fn envoy_dynamic_module_on_udp_listener_filter_new(
        filter_config_ptr: envoy_dynamic_module_type_udp_listener_filter_config_module_ptr,
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
    ) -> envoy_dynamic_module_type_udp_listener_filter_module_ptr;

    /// A datagram arrived; read it with the get_datagram_* callbacks during this call.
    pub fn envoy_dynamic_module_on_udp_listener_filter_on_data(
        filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_udp_listener_filter_module_ptr,
    ) -> envoy_dynamic_module_type_on_udp_listener_filter_status;

    /// Releases the filter instance.
    pub fn envoy_dynamic_module_on_udp_listener_filter_destroy(
        filter_module_ptr: envoy_dynamic_module_type_udp_listener_filter_module_ptr,
    );
}

// --------------------------------------------------------------- callbacks

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
