//! The header_formatter kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a header formatter configuration from
    /// `header_formatter_name` and `header_formatter_config` (both borrowed for
    /// this call), on the main thread. NULL makes Envoy refuse the protocol
    /// options that name it.
    pub fn envoy_dynamic_module_on_header_formatter_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_header_formatter_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_header_formatter_config_module_ptr;

    /// Releases a configuration made by header_formatter_config_new (Envoy
    /// calls it on the main thread once no formatter of it is left).
    pub fn envoy_dynamic_module_on_header_formatter_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_header_formatter_config_module_ptr,
    );

    /// Creates the formatter of one HTTP/1 message, on the worker of its
    /// connection. NULL declines: that message keeps Envoy's default casing.
    pub fn envoy_dynamic_module_on_header_formatter_new(
        config_module_ptr: envoy_dynamic_module_type_header_formatter_config_module_ptr,
        formatter_envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
    ) -> envoy_dynamic_module_type_header_formatter_module_ptr;

    /// Releases a formatter made by header_formatter_new, on whatever thread
    /// drops the header map that carried it.
    pub fn envoy_dynamic_module_on_header_formatter_destroy(
        formatter_module_ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
    );

    /// Shows the formatter one header name of its message as it arrived on the
    /// wire (`key` borrowed for this call), in order, before any format.
    pub fn envoy_dynamic_module_on_header_formatter_process_key(
        formatter_envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
        formatter_module_ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
        key: envoy_dynamic_module_type_envoy_buffer,
    );

    /// How to write header name `key` (lowercase) on the wire: true with the
    /// spelling in `result` (module memory that must stay valid until the next
    /// call on this formatter: Envoy copies it first); false, or an empty
    /// result, keeps `key`.
    pub fn envoy_dynamic_module_on_header_formatter_format(
        formatter_envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
        formatter_module_ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
        key: envoy_dynamic_module_type_envoy_buffer,
        result: *mut envoy_dynamic_module_type_module_buffer,
    ) -> bool;
}
