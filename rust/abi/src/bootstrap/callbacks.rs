//! The bootstrap kind's callbacks: what Envoy exports and the module calls.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Lets Envoy's startup go on: listeners accept only once every bootstrap
    /// extension configuration has called this (once).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_config_signal_init_complete(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    );

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

    /// Removes an endpoint added with register_admin_handler (removable only).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_remove_admin_handler(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        path_prefix: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// Sets the body of the admin response; valid during admin_request only.
    /// Envoy copies the bytes.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_admin_set_response(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        response_body: envoy_dynamic_module_type_module_buffer,
    );

    /// Makes a disabled main-thread timer whose expiry calls timer_fired.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_new(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    ) -> envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr;

    /// Arms the timer to fire once after `delay_milliseconds` (re-arming moves it).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_enable(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
        delay_milliseconds: u64,
    );

    /// Disarms the timer.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_disable(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    );

    /// Whether the timer is armed.
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_enabled(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    ) -> bool;

    /// Releases the timer (disarming it).
    pub fn envoy_dynamic_module_callback_bootstrap_extension_timer_delete(
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    );
}
