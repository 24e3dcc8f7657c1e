//! The upstream_http_tcp_bridge kind's types: opaque pointers.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one bridge configuration (while the config_new hook runs).
pub type envoy_dynamic_module_type_upstream_http_tcp_bridge_config_envoy_ptr = *mut c_void;

/// The module's side of one bridge configuration (one per worker).
pub type envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr = *const c_void;

/// Envoy's side of one request's bridge: its request headers and body, its TCP
/// connection, and the response it sends back. Valid during the bridge hooks.
pub type envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr = *mut c_void;

/// The module's side of one request's bridge.
pub type envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr = *const c_void;
