//! Types shared by Envoy and the module: buffers, opaque pointers and enums.
//!
//! Every enum is `#[repr(C)]` so the header gets a distinct C enum type per enum,
//! which cgo and g++ then check. Values are Envoy's, counted from 0 in order.

use core::ffi::{c_char, c_void};

// ---------------------------------------------------------------------------
// Buffers and headers
// ---------------------------------------------------------------------------

/// A NUL-terminated version string the module returns from program_init.
/// The module owns it; it must outlive the call.
pub type envoy_dynamic_module_type_abi_version_module_ptr = *const c_char;

/// Start of bytes owned by the module. Envoy only reads them during the call.
pub type envoy_dynamic_module_type_buffer_module_ptr = *const c_char;

/// Start of bytes owned by Envoy. Valid only for as long as the hook or
/// callback that handed them over says.
pub type envoy_dynamic_module_type_buffer_envoy_ptr = *const c_char;

/// Bytes owned by Envoy, passed by value as pointer and length (not NUL-terminated).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct envoy_dynamic_module_type_envoy_buffer {
    pub ptr: envoy_dynamic_module_type_buffer_envoy_ptr,
    pub length: usize,
}

/// Bytes owned by the module, passed by value as pointer and length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct envoy_dynamic_module_type_module_buffer {
    pub ptr: envoy_dynamic_module_type_buffer_module_ptr,
    pub length: usize,
}

/// A read-only array of Envoy buffers. A typedef because cgo cannot spell
/// `const T*` in an exported Go function's signature.
pub type envoy_dynamic_module_type_envoy_buffer_const_ptr =
    *const envoy_dynamic_module_type_envoy_buffer;

/// One header (name and value) owned by the module, e.g. for a local reply.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct envoy_dynamic_module_type_module_http_header {
    pub key_ptr: envoy_dynamic_module_type_buffer_module_ptr,
    pub key_length: usize,
    pub value_ptr: envoy_dynamic_module_type_buffer_module_ptr,
    pub value_length: usize,
}

/// One header owned by Envoy's header map, as listed by get_headers.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct envoy_dynamic_module_type_envoy_http_header {
    pub key_ptr: envoy_dynamic_module_type_buffer_envoy_ptr,
    pub key_length: usize,
    pub value_ptr: envoy_dynamic_module_type_buffer_envoy_ptr,
    pub value_length: usize,
}

// ---------------------------------------------------------------------------
// Opaque pointers, one pair per object that lives on both sides
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------

/// Which header map of the stream a header callback works on.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_http_header_type {
    RequestHeader,
    RequestTrailer,
    ResponseHeader,
    ResponseTrailer,
}

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

/// Severity of a log line; Envoy's own levels.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum envoy_dynamic_module_type_log_level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Critical,
    Off,
}

/// Whether Envoy started an HTTP callout (what http_filter_http_callout returns).
/// Only Success means a done hook will follow.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_http_callout_init_result {
    Success,
    /// One of `:method`, `:path`, `:authority` is missing.
    MissingRequiredHeaders,
    /// No cluster of that name in Envoy's configuration.
    ClusterNotFound,
    DuplicateCalloutId,
    /// The async client refused or finished the request at once (no healthy
    /// host, overflow): Envoy has already discarded it.
    CannotCreateRequest,
}

/// How an HTTP callout ended.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_http_callout_result {
    Success,
    Reset,
    ExceedResponseBufferLimit,
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

/// Outcome of a metrics callback.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_metrics_result {
    Success,
    /// The id was never defined (or belongs to another configuration).
    MetricNotFound,
    /// The number of label values differs from the number of label names.
    InvalidLabels,
    /// Metrics can only be defined while the configuration is being created.
    Frozen,
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

/// Envoy's request attributes (see Envoy's "attributes" documentation), read
/// with the get_attribute callbacks. Names map to attribute paths:
/// RequestPath is `request.path`, XdsRouteName is `xds.route_name`, and so on.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_attribute_id {
    RequestPath,
    RequestUrlPath,
    RequestHost,
    RequestScheme,
    RequestMethod,
    RequestHeaders,
    RequestReferer,
    RequestUserAgent,
    RequestTime,
    RequestId,
    RequestProtocol,
    RequestQuery,
    /// Not served by Envoy 1.40 as string or int: measure durations in the module.
    RequestDuration,
    RequestSize,
    RequestTotalSize,
    ResponseCode,
    ResponseCodeDetails,
    ResponseFlags,
    ResponseGrpcStatus,
    ResponseHeaders,
    ResponseTrailers,
    ResponseSize,
    ResponseTotalSize,
    ResponseBackendLatency,
    /// The downstream peer as `ip:port`.
    SourceAddress,
    SourcePort,
    DestinationAddress,
    DestinationPort,
    ConnectionId,
    ConnectionMtls,
    ConnectionRequestedServerName,
    ConnectionTlsVersion,
    ConnectionSubjectLocalCertificate,
    ConnectionSubjectPeerCertificate,
    ConnectionDnsSanLocalCertificate,
    ConnectionDnsSanPeerCertificate,
    ConnectionUriSanLocalCertificate,
    ConnectionUriSanPeerCertificate,
    ConnectionSha256PeerCertificateDigest,
    ConnectionTransportFailureReason,
    ConnectionTerminationDetails,
    /// The chosen upstream host as `ip:port`; absent until one is chosen.
    UpstreamAddress,
    UpstreamPort,
    UpstreamTlsVersion,
    UpstreamSubjectLocalCertificate,
    UpstreamSubjectPeerCertificate,
    UpstreamDnsSanLocalCertificate,
    UpstreamDnsSanPeerCertificate,
    UpstreamUriSanLocalCertificate,
    UpstreamUriSanPeerCertificate,
    UpstreamSha256PeerCertificateDigest,
    UpstreamLocalAddress,
    UpstreamTransportFailureReason,
    UpstreamRequestAttemptCount,
    UpstreamCxPoolReadyDuration,
    UpstreamLocality,
    XdsNode,
    XdsClusterName,
    XdsClusterMetadata,
    XdsListenerDirection,
    XdsListenerMetadata,
    XdsRouteName,
    XdsRouteMetadata,
    XdsVirtualHostName,
    XdsVirtualHostMetadata,
    XdsUpstreamHostMetadata,
    XdsFilterChainName,
    HealthCheck,
}
