//! The access_logger kind's callbacks: what Envoy exports and the module calls.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

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
