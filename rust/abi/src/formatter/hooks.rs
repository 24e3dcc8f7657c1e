//! The formatter kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a formatter configuration (both buffers
    /// borrowed for this call), on the main thread. NULL makes Envoy refuse the
    /// format string, and with it the access log's listener.
    pub fn envoy_dynamic_module_on_formatter_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_formatter_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_formatter_config_module_ptr;

    /// Releases a configuration made by formatter_config_new, once every
    /// provider it made is gone.
    pub fn envoy_dynamic_module_on_formatter_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_formatter_config_module_ptr,
    );

    /// Offers one `%COMMAND(command_arg):max_length%` of a format string (both
    /// buffers borrowed for this call), on the main thread. NULL means "not my
    /// command": Envoy asks its other parsers and refuses the format string
    /// when none knows it. `max_length` is meaningful only when
    /// `has_max_length`; the provider then truncates its own output.
    pub fn envoy_dynamic_module_on_formatter_parse(
        config_module_ptr: envoy_dynamic_module_type_formatter_config_module_ptr,
        command: envoy_dynamic_module_type_envoy_buffer,
        command_arg: envoy_dynamic_module_type_envoy_buffer,
        has_max_length: bool,
        max_length: usize,
    ) -> envoy_dynamic_module_type_formatter_provider_module_ptr;

    /// Releases a provider made by formatter_parse.
    pub fn envoy_dynamic_module_on_formatter_provider_destroy(
        provider_module_ptr: envoy_dynamic_module_type_formatter_provider_module_ptr,
    );

    /// Formats one log line's value, on the worker writing it (so concurrently
    /// with other workers on the same provider). True with `result` set: the
    /// value (module-owned bytes, which Envoy copies before the next call on
    /// this thread). False: no value (Envoy writes `-` in a text format, null
    /// in a JSON one).
    pub fn envoy_dynamic_module_on_formatter_format(
        provider_module_ptr: envoy_dynamic_module_type_formatter_provider_module_ptr,
        context_envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
        result: *mut envoy_dynamic_module_type_module_buffer,
    ) -> bool;
}
