//! The HTTP filter's types: opaque pointers, the hooks' status enums, the
//! body and metadata selectors.

use core::ffi::c_void;

/// Envoy's side of one filter configuration (a filter in a listener's chain).
/// Used to define metrics while the configuration is being created.
pub type envoy_dynamic_module_type_http_filter_config_envoy_ptr = *mut c_void;

/// The module's side of one filter configuration, returned by
/// http_filter_config_new and freed in http_filter_config_destroy.
pub type envoy_dynamic_module_type_http_filter_config_module_ptr = *const c_void;

/// The module's per-route override, returned by http_filter_per_route_config_new
/// and freed in http_filter_per_route_config_destroy.
pub type envoy_dynamic_module_type_http_filter_per_route_config_module_ptr = *const c_void;

/// Envoy's side of one filter instance, i.e. one HTTP stream. Dead after
/// http_filter_destroy.
pub type envoy_dynamic_module_type_http_filter_envoy_ptr = *mut c_void;

/// The module's side of one stream, returned by http_filter_new and freed in
/// http_filter_destroy.
pub type envoy_dynamic_module_type_http_filter_module_ptr = *const c_void;

/// A handle for waking a stream from any thread; made by Envoy, deleted by the module.
/// Envoy does not dereference it after scheduler_delete.
pub type envoy_dynamic_module_type_http_filter_scheduler_module_ptr = *mut c_void;

/// Which body a body callback works on: the chunk of the current body hook
/// ("Received") or everything Envoy holds so far ("Buffered").
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_http_body_type {
    ReceivedRequestBody,
    BufferedRequestBody,
    ReceivedResponseBody,
    BufferedResponseBody,
}

/// Why a streaming callout was reset.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_http_stream_reset_reason {
    ConnectionFailure,
    ConnectionTermination,
    LocalReset,
    LocalRefusedStreamReset,
    Overflow,
    RemoteReset,
    RemoteRefusedStreamReset,
    ProtocolError,
}

/// What the request_headers hook tells Envoy to do next.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_request_headers_status {
    /// Pass the headers on to the next filter.
    Continue,
    /// Hold the headers until the module calls continue_decoding.
    StopIteration,
    ContinueAndDontEndStream,
    /// Hold headers and buffer the body until continue_decoding.
    StopAllIterationAndBuffer,
    StopAllIterationAndWatermark,
}

/// What the request_body hook tells Envoy to do next.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_request_body_status {
    Continue,
    /// Keep this chunk in Envoy's buffer and call the hook again with the next one.
    StopIterationAndBuffer,
    StopIterationAndWatermark,
    StopIterationNoBuffer,
}

/// What the request_trailers hook tells Envoy to do next.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_request_trailers_status {
    Continue,
    StopIteration,
}

/// What the response_headers hook tells Envoy to do next.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_response_headers_status {
    Continue,
    StopIteration,
    ContinueAndDontEndStream,
    StopAllIterationAndBuffer,
    StopAllIterationAndWatermark,
}

/// What the response_body hook tells Envoy to do next.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_response_body_status {
    Continue,
    StopIterationAndBuffer,
    StopIterationAndWatermark,
    StopIterationNoBuffer,
}

/// What the response_trailers hook tells Envoy to do next.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_response_trailers_status {
    Continue,
    StopIteration,
}

/// What the optional local_reply hook tells Envoy to do with a local reply.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_http_filter_local_reply_status {
    /// Send the local reply.
    Continue,
    /// Reset the stream instead.
    ContinueAndResetStream,
}

/// Where a get_metadata callback reads from: the stream's dynamic metadata,
/// or the metadata of its route, cluster, host or the host's locality.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_metadata_source {
    Dynamic,
    Route,
    Cluster,
    Host,
    HostLocality,
}
