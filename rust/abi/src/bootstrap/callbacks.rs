//! The bootstrap kind's callbacks: what Envoy exports and the module calls.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Lets Envoy's startup go on: listeners accept only once every bootstrap
    /// extension configuration has called this (once).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_config_signal_init_complete(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Adds an admin endpoint at `path_prefix` whose requests reach
    /// bootstrap_extension_admin_request. False when the prefix is taken or
    /// there is no admin. Envoy copies both buffers.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_register_admin_handler(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        path_prefix: envoy_dynamic_module_type_module_buffer,
        help_text: envoy_dynamic_module_type_module_buffer,
        removable: bool,
        mutates_server_state: bool,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Removes an endpoint added with register_admin_handler (removable only).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_remove_admin_handler(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        path_prefix: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Sets the body of the admin response; valid during admin_request only.
    /// Envoy copies the bytes.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_admin_set_response(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        response_body: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Makes a disabled main-thread timer whose expiry calls timer_fired.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_new(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    ) -> envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Arms the timer to fire once after `delay_milliseconds` (re-arming moves it).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_enable(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
        delay_milliseconds: u64,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Disarms the timer.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_disable(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Whether the timer is armed.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_enabled(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Releases the timer (disarming it).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_delete(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    );
}
