//! The access logger (`envoy.access_loggers.dynamic_modules`): Envoy calls it
//! once per finished request with the request's stream info, including
//! requests it rejected before any HTTP filter ran (a malformed request, a
//! header block over the listener's limit).
//!
//! Envoy 1.40 resolves all six hooks below when an `access_log` entry names the
//! module. One logger lives per worker thread (and one on the main thread);
//! its config is shared by them. The getters below are valid only during
//! access_logger_log, on the `logger_envoy_ptr` it was passed; the metric
//! callbacks take the configuration's `config_envoy_ptr` and may be called
//! from any thread for as long as the configuration lives.

use crate::types::*;
use core::ffi::c_void;

// ------------------------------------------------------------------- types

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

// ------------------------------------------------------------------- hooks

extern "C" {
    /// Creates the module's side of an access logger configuration (both
    /// buffers borrowed for this call). NULL makes Envoy refuse it.
    pub fn envoy_dynamic_module_on_access_logger_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_access_logger_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_access_logger_config_module_ptr;

    /// Releases a configuration made by access_logger_config_new, after every
    /// logger made from it.
    pub fn envoy_dynamic_module_on_access_logger_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_access_logger_config_module_ptr,
    );

    /// Creates the logger of one thread. NULL makes Envoy skip logging there.
    pub fn envoy_dynamic_module_on_access_logger_new(
        config_module_ptr: envoy_dynamic_module_type_access_logger_config_module_ptr,
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
    ) -> envoy_dynamic_module_type_access_logger_module_ptr;

    /// One log event; read it with the access_logger getters during this call.
    /// `log_type` is an envoy_dynamic_module_type_access_log_type value.
    pub fn envoy_dynamic_module_on_access_logger_log(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        logger_module_ptr: envoy_dynamic_module_type_access_logger_module_ptr,
        log_type: u32,
    );

    /// Releases a logger made by access_logger_new.
    pub fn envoy_dynamic_module_on_access_logger_destroy(
        logger_module_ptr: envoy_dynamic_module_type_access_logger_module_ptr,
    );

    /// Asks a logger to hand over what it buffered (before its destroy).
    pub fn envoy_dynamic_module_on_access_logger_flush(
        logger_module_ptr: envoy_dynamic_module_type_access_logger_module_ptr,
    );
}

// --------------------------------------------------------------- callbacks

extern "C" {
    /// How many headers of `header_type` the logged request has (0 when that
    /// map does not exist, as for a request rejected before its headers parsed).
    pub fn envoy_dynamic_module_callback_access_logger_get_headers_size(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
    ) -> usize;

    /// Writes every header of `header_type` into `result_headers`, which has
    /// room for get_headers_size entries. Valid during access_logger_log only.
    pub fn envoy_dynamic_module_callback_access_logger_get_headers(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        result_headers: *mut envoy_dynamic_module_type_envoy_http_header,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// A string attribute of the logged request (as the HTTP filter's
    /// get_attribute_string); false when absent.
    pub fn envoy_dynamic_module_callback_access_logger_get_attribute_string(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// An integer attribute of the logged request; false when absent.
    pub fn envoy_dynamic_module_callback_access_logger_get_attribute_int(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut u64,
    ) -> bool;

    /// The response code sent downstream, 0 when none was.
    pub fn envoy_dynamic_module_callback_access_logger_get_response_code(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
    ) -> u32;

    /// Why Envoy answered as it did (`via_upstream`, `http1.codec_error`, ...).
    pub fn envoy_dynamic_module_callback_access_logger_get_response_code_details(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Envoy's response flags as a bit set (bit i is CoreResponseFlag i).
    pub fn envoy_dynamic_module_callback_access_logger_get_response_flags(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
    ) -> u64;

    /// The downstream protocol: "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3".
    pub fn envoy_dynamic_module_callback_access_logger_get_protocol(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Fills `timing_info` (unset moments are -1).
    pub fn envoy_dynamic_module_callback_access_logger_get_timing_info(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        timing_info: *mut envoy_dynamic_module_type_timing_info,
    );

    /// Fills `bytes_info`.
    pub fn envoy_dynamic_module_callback_access_logger_get_bytes_info(
        logger_envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
        bytes_info: *mut envoy_dynamic_module_type_bytes_info,
    );

    /// Defines a counter `dynamicmodulescustom.{name}` while the configuration
    /// is created; writes its id.
    pub fn envoy_dynamic_module_callback_access_logger_config_define_counter(
        config_envoy_ptr: envoy_dynamic_module_type_access_logger_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        counter_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Adds to a counter defined by this configuration; any thread.
    pub fn envoy_dynamic_module_callback_access_logger_increment_counter(
        config_envoy_ptr: envoy_dynamic_module_type_access_logger_config_envoy_ptr,
        id: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;
}
