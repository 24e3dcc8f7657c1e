//! The upstream_http_tcp_bridge kind's hooks: what the module exports and
//! Envoy calls (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a bridge configuration: `name` is the
    /// config's `bridge_name`, `config` its `bridge_config` (both borrowed for
    /// this call). Called on a worker, at its first request for the cluster.
    /// NULL makes that request (and each later one on the worker) fail: Envoy
    /// makes no connection pool and answers 503.
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr;

    /// Releases a configuration made by upstream_http_tcp_bridge_config_new.
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr,
    );

    /// Creates one request's bridge, once its TCP connection is ready. NULL
    /// makes Envoy reset the request.
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_new(
        config_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr,
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    ) -> envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr;

    /// The request headers arrived (`end_of_stream`: no body follows). The
    /// module may send upstream data or answer at once.
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_headers(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
        end_of_stream: bool,
    );

    /// A piece of the request body is in the request buffer (Envoy drains it
    /// after this hook: the module copies what it keeps).
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_data(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
        end_of_stream: bool,
    );

    /// The request trailers arrived: the request is complete.
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_trailers(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
    );

    /// Bytes from the TCP upstream are in the response buffer: only those of
    /// this read (the module keeps what it needs across reads).
    /// `end_of_stream`: the upstream half-closed.
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_on_upstream_data(
        bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
        end_of_stream: bool,
    );

    /// Releases one request's bridge (the request ended, answered or not).
    pub fn envoy_dynamic_module_on_upstream_http_tcp_bridge_destroy(
        bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
    );
}
