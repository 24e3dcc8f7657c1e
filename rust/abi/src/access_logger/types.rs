//! The access_logger kind's types: opaque pointers, enums and structs.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one access logger configuration.
pub type envoy_dynamic_module_type_access_logger_config_envoy_ptr = *mut c_void;

/// The module's side of one access logger configuration.
pub type envoy_dynamic_module_type_access_logger_config_module_ptr = *const c_void;

/// Envoy's side of one log event: the stream info being logged.
pub type envoy_dynamic_module_type_access_logger_envoy_ptr = *mut c_void;

/// The module's side of one logger (one per thread).
pub type envoy_dynamic_module_type_access_logger_module_ptr = *const c_void;

/// Why Envoy logs (its `AccessLog::AccessLogType`). An HTTP request is logged
/// once, with DownstreamEnd, unless the listener asks for periodic or
/// start-of-request logs. Hooks take it as a plain integer: a value a newer
/// Envoy adds must not be undefined behaviour in Rust.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum envoy_dynamic_module_type_access_log_type {
    NotSet,
    TcpUpstreamConnected,
    TcpPeriodic,
    TcpConnectionEnd,
    DownstreamStart,
    DownstreamPeriodic,
    DownstreamEnd,
    UpstreamPoolReady,
    UpstreamPeriodic,
    UpstreamEnd,
    DownstreamTunnelSuccessfullyEstablished,
    UdpTunnelUpstreamConnected,
    UdpPeriodic,
    UdpSessionEnd,
}

/// The request's timings: the start as Unix time, the rest as nanoseconds
/// since the start, -1 when that moment did not happen.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct envoy_dynamic_module_type_timing_info {
    pub start_time_unix_ns: i64,
    pub request_complete_duration_ns: i64,
    pub first_upstream_tx_byte_sent_ns: i64,
    pub last_upstream_tx_byte_sent_ns: i64,
    pub first_upstream_rx_byte_received_ns: i64,
    pub last_upstream_rx_byte_received_ns: i64,
    pub first_downstream_tx_byte_sent_ns: i64,
    pub last_downstream_tx_byte_sent_ns: i64,
}

/// Body bytes received from and sent to the downstream, and the same on the
/// wire (with framing and TLS).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct envoy_dynamic_module_type_bytes_info {
    pub bytes_received: u64,
    pub bytes_sent: u64,
    pub wire_bytes_received: u64,
    pub wire_bytes_sent: u64,
}
