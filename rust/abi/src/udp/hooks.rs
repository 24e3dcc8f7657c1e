//! The udp kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

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
