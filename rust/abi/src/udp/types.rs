//! The udp kind's types: opaque pointers, enums and structs.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

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
