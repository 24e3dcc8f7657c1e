//! The listener kind's types: opaque pointers, enums and structs.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

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
