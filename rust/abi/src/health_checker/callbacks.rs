//! The health_checker kind's callbacks: what Envoy exports and the module
//! calls. Envoy 1.38 and older export none of them: each is `@since` 1.39,
//! resolved at load by the SDKs (never linked).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// A scheduler that reports this session's results; call it during a hook
    /// of the session (main thread), then use it from any thread. NULL when
    /// `session_envoy_ptr` is NULL.
    pub fn envoy_dynamic_module_callback_health_checker_scheduler_new(
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
    ) -> envoy_dynamic_module_type_health_checker_scheduler_module_ptr;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// Reports one check's result, from any thread: Envoy applies it on the
    /// main thread if the check is still waiting (not timed out, not reported).
    pub fn envoy_dynamic_module_callback_health_checker_scheduler_report(
        scheduler_module_ptr: envoy_dynamic_module_type_health_checker_scheduler_module_ptr,
        health: envoy_dynamic_module_type_host_health,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// Releases a scheduler, from any thread.
    pub fn envoy_dynamic_module_callback_health_checker_scheduler_delete(
        scheduler_module_ptr: envoy_dynamic_module_type_health_checker_scheduler_module_ptr,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// The host's address (`ip:port`); Envoy's bytes, valid during the hook.
    pub fn envoy_dynamic_module_callback_health_checker_get_host_address(
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// The string `key` of the host's endpoint metadata under `filter_name`;
    /// false when absent or not a string.
    pub fn envoy_dynamic_module_callback_health_checker_get_host_metadata_string(
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
        filter_name: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// The number `key` of the host's endpoint metadata under `filter_name`.
    pub fn envoy_dynamic_module_callback_health_checker_get_host_metadata_number(
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
        filter_name: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut f64,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// The bool `key` of the host's endpoint metadata under `filter_name`.
    pub fn envoy_dynamic_module_callback_health_checker_get_host_metadata_bool(
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
        filter_name: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut bool,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.38.
    /// The host's health as Envoy knows it now (Unhealthy for a NULL session).
    pub fn envoy_dynamic_module_callback_health_checker_get_host_health(
        session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
    ) -> envoy_dynamic_module_type_host_health;
}
