//! Types every kind shares: buffers, headers, log levels, metric and callout results.
//!
//! Every enum is `#[repr(C)]` so the header gets a distinct C enum type per enum,
//! which cgo and g++ then check. Values are Envoy's, counted from 0 in order.

use core::ffi::c_char;

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

/// Which header map of the stream a header callback works on.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_http_header_type {
    RequestHeader,
    RequestTrailer,
    ResponseHeader,
    ResponseTrailer,
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
