//! What a bridge may ask of Envoy during one request. Every callback of this
//! kind is `@since` 1.38 or 1.39, so the handle calls them through
//! [`crate::since`], never linked.

use crate::abi;
use crate::abi::upstream_http_tcp_bridge as uhtb;
use crate::ffi::{envoy_bytes, first_header_value, module_buffer};
use crate::since::call;

/// Envoy as seen by one request's bridge. The real implementation is
/// [`EnvoyUpstreamHttpTcpBridgeHandle`]; unit tests use `testing::FakeBridge`.
pub trait EnvoyUpstreamHttpTcpBridge {
    /// The first value of the request header `name` (lowercase; pseudo-headers
    /// such as `:method` and `:path` included).
    fn request_header(&self, name: &str) -> Option<&[u8]>;
    /// Every request header, in order.
    fn request_headers(&self) -> Vec<(&[u8], &[u8])>;
    /// Writes bytes to the TCP upstream; `end_stream` half-closes it after them.
    fn send_upstream_data(&mut self, data: &[u8], end_stream: bool);
    /// Answers the request whole.
    fn send_response(&mut self, status: u32, headers: &[(&str, &[u8])], body: &[u8]);
    /// Starts a streamed answer; `end_stream` ends it.
    fn send_response_headers(&mut self, status: u32, headers: &[(&str, &[u8])], end_stream: bool);
    /// A piece of a streamed answer's body; `end_stream` ends it.
    fn send_response_data(&mut self, data: &[u8], end_stream: bool);
    /// Ends a streamed answer with trailers.
    fn send_response_trailers(&mut self, trailers: &[(&str, &[u8])]);
    /// Whether this request's answer has started (by this or an earlier hook):
    /// the SDK answers a failed request only when it has not.
    fn response_started(&self) -> bool;
}

/// Envoy as seen while a bridge configuration is created. Nothing is asked of
/// it; the trait keeps every kind's constructor alike.
pub trait EnvoyUpstreamHttpTcpBridgeConfig {}

/// The real handle, wrapping the `bridge_envoy_ptr` of the running hook.
pub struct EnvoyUpstreamHttpTcpBridgeHandle {
    raw: uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    started: bool,
}

impl EnvoyUpstreamHttpTcpBridgeHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current hook;
    /// `started`: whether an earlier hook began the answer.
    pub unsafe fn from_raw(
        raw: uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        started: bool,
    ) -> Self {
        Self { raw, started }
    }

    /// The slices of one of Envoy's buffers through its count and getter.
    pub(crate) fn chunks(
        &self,
        count: unsafe fn(
            uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
        ) -> usize,
        get: unsafe fn(
            uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
            *mut abi::envoy_dynamic_module_type_envoy_buffer,
            *mut usize,
        ),
    ) -> Vec<&[u8]> {
        // SAFETY: a plain query on the live pointer.
        let n = unsafe { count(self.raw) };
        if n == 0 {
            return Vec::new();
        }
        let empty = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        let mut bufs = vec![empty; n];
        let mut written = 0usize;
        // SAFETY: `bufs` holds the `n` slices Envoy reported.
        unsafe { get(self.raw, bufs.as_mut_ptr(), &mut written) };
        bufs.iter()
            .take(written.min(n))
            // SAFETY: Envoy's slices, valid during the running hook, which
            // this handle does not outlive.
            .map(|b| unsafe { envoy_bytes(b.ptr, b.length) })
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The request body piece of the running encode_data.
    pub fn request_body_chunks(&self) -> Vec<&[u8]> {
        self.chunks(
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_buffer_chunks_size,
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_buffer,
        )
    }

    /// The bytes of the running on_upstream_data.
    pub fn upstream_data_chunks(&self) -> Vec<&[u8]> {
        self.chunks(
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_response_buffer_chunks_size,
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_response_buffer,
        )
    }
}

/// Module headers as Envoy's array; the array borrows `headers`.
fn module_headers(
    headers: &[(&str, &[u8])],
) -> Vec<abi::envoy_dynamic_module_type_module_http_header> {
    headers
        .iter()
        .map(|(k, v)| abi::envoy_dynamic_module_type_module_http_header {
            key_ptr: k.as_ptr().cast(),
            key_length: k.len(),
            value_ptr: v.as_ptr().cast(),
            value_length: v.len(),
        })
        .collect()
}

impl EnvoyUpstreamHttpTcpBridge for EnvoyUpstreamHttpTcpBridgeHandle {
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        // SAFETY: the bridge is live during the hook, which this handle does
        // not outlive; the value is Envoy's for as long.
        unsafe {
            first_header_value(
                self.raw,
                name,
                call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_header,
            )
        }
    }

    fn request_headers(&self) -> Vec<(&[u8], &[u8])> {
        // SAFETY: a plain query on the live pointer.
        let n = unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_headers_size(
                self.raw,
            )
        };
        if n == 0 {
            return Vec::new();
        }
        let empty = abi::envoy_dynamic_module_type_envoy_http_header {
            key_ptr: core::ptr::null(),
            key_length: 0,
            value_ptr: core::ptr::null(),
            value_length: 0,
        };
        let mut headers = vec![empty; n];
        // SAFETY: the array holds the `n` headers Envoy reported.
        let ok = unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_get_request_headers(
                self.raw,
                headers.as_mut_ptr(),
            )
        };
        if !ok {
            return Vec::new();
        }
        headers
            .iter()
            // SAFETY: Envoy's header bytes, valid during the running hook.
            .map(|h| unsafe {
                (
                    envoy_bytes(h.key_ptr, h.key_length),
                    envoy_bytes(h.value_ptr, h.value_length),
                )
            })
            .collect()
    }

    fn send_upstream_data(&mut self, data: &[u8], end_stream: bool) {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_upstream_data(
                self.raw,
                module_buffer(data),
                end_stream,
            )
        }
    }

    fn send_response(&mut self, status: u32, headers: &[(&str, &[u8])], body: &[u8]) {
        self.started = true;
        let mut list = module_headers(headers);
        // SAFETY: Envoy copies the headers and the body during the call.
        unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response(
                self.raw,
                status,
                list.as_mut_ptr(),
                list.len(),
                module_buffer(body),
            )
        }
    }

    fn send_response_headers(&mut self, status: u32, headers: &[(&str, &[u8])], end_stream: bool) {
        self.started = true;
        let mut list = module_headers(headers);
        // SAFETY: Envoy copies the headers during the call.
        unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_headers(
                self.raw,
                status,
                list.as_mut_ptr(),
                list.len(),
                end_stream,
            )
        }
    }

    fn send_response_data(&mut self, data: &[u8], end_stream: bool) {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_data(
                self.raw,
                module_buffer(data),
                end_stream,
            )
        }
    }

    fn send_response_trailers(&mut self, trailers: &[(&str, &[u8])]) {
        let mut list = module_headers(trailers);
        // SAFETY: Envoy copies the trailers during the call.
        unsafe {
            call::envoy_dynamic_module_callback_upstream_http_tcp_bridge_send_response_trailers(
                self.raw,
                list.as_mut_ptr(),
                list.len(),
            )
        }
    }

    fn response_started(&self) -> bool {
        self.started
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to upstream_http_tcp_bridge_config_new.
pub struct EnvoyUpstreamHttpTcpBridgeConfigHandle {
    _raw: uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_config_envoy_ptr,
}

impl EnvoyUpstreamHttpTcpBridgeConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: uhtb::envoy_dynamic_module_type_upstream_http_tcp_bridge_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyUpstreamHttpTcpBridgeConfig for EnvoyUpstreamHttpTcpBridgeConfigHandle {}
