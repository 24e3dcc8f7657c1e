//! The access_logger kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

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
