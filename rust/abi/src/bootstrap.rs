//! The bootstrap extension: process-wide module code outside any request,
//! named in the bootstrap's `bootstrap_extensions`. Its configuration lives on
//! the main thread for the life of the server; it may register admin
//! endpoints, run timers there, and hears of server start, worker start,
//! drain and shutdown.
//!
//! Envoy 1.40 resolves all seventeen hooks below when a bootstrap extension
//! names the module (a module missing one is refused at load). Every config
//! hook and every extension hook runs on the main thread, except
//! worker_thread_initialized, which runs once on each worker. Envoy holds its
//! startup (no listener accepts) until the module calls
//! config_signal_init_complete.

use crate::types::*;
use core::ffi::c_void;

// ------------------------------------------------------------------- types

/// Envoy's side of one bootstrap extension configuration.
pub type envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr = *mut c_void;

/// The module's side of one bootstrap extension configuration.
pub type envoy_dynamic_module_type_bootstrap_extension_config_module_ptr = *const c_void;

/// Envoy's side of the bootstrap extension (one per configuration).
pub type envoy_dynamic_module_type_bootstrap_extension_envoy_ptr = *mut c_void;

/// The module's side of the bootstrap extension.
pub type envoy_dynamic_module_type_bootstrap_extension_module_ptr = *const c_void;

/// A main-thread timer Envoy made for the module (timer_new); the module owns
/// it and releases it with timer_delete.
pub type envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr = *mut c_void;

// ------------------------------------------------------------------- hooks

extern "C" {
    /// Creates the module's side of a bootstrap extension configuration (both
    /// buffers borrowed for this call). NULL makes Envoy refuse the bootstrap.
    pub fn envoy_dynamic_module_on_bootstrap_extension_config_new(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_bootstrap_extension_config_module_ptr;

    /// Releases a configuration made by bootstrap_extension_config_new.
    pub fn envoy_dynamic_module_on_bootstrap_extension_config_destroy(
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    );

    /// Creates the extension of a configuration.
    pub fn envoy_dynamic_module_on_bootstrap_extension_new(
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    ) -> envoy_dynamic_module_type_bootstrap_extension_module_ptr;

    /// The server finished initializing (main thread).
    pub fn envoy_dynamic_module_on_bootstrap_extension_server_initialized(
        extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
        extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    );

    /// A worker thread started; runs on that worker, once per worker.
    pub fn envoy_dynamic_module_on_bootstrap_extension_worker_thread_initialized(
        extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
        extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    );

    /// The server's drain began (for example `POST /drain_listeners`).
    pub fn envoy_dynamic_module_on_bootstrap_extension_drain_started(
        extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
        extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    );

    /// The server is shutting down. Envoy waits until the module calls
    /// `completion_callback(completion_context)`, exactly once.
    pub fn envoy_dynamic_module_on_bootstrap_extension_shutdown(
        extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
        extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
        completion_callback: Option<unsafe extern "C" fn(context: *mut c_void)>,
        completion_context: *mut c_void,
    );

    /// Releases the extension.
    pub fn envoy_dynamic_module_on_bootstrap_extension_destroy(
        extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    );

    /// An event committed through the config's scheduler arrived (main thread).
    pub fn envoy_dynamic_module_on_bootstrap_extension_config_scheduled(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        event_id: u64,
    );

    /// An HTTP callout of the config finished; headers and body are borrowed
    /// for this call.
    pub fn envoy_dynamic_module_on_bootstrap_extension_http_callout_done(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        callout_id: u64,
        result: envoy_dynamic_module_type_http_callout_result,
        headers: *mut envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
        body_chunks_size: usize,
    );

    /// A timer made by timer_new fired (main thread).
    pub fn envoy_dynamic_module_on_bootstrap_extension_timer_fired(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
    );

    /// A file watched with file_watcher_add_watch changed.
    pub fn envoy_dynamic_module_on_bootstrap_extension_file_changed(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        path: envoy_dynamic_module_type_envoy_buffer,
        events: u32,
    );

    /// A request to an admin path the config registered. The body goes back
    /// through admin_set_response during this call; the return value is the
    /// HTTP status. Envoy answers with `content-type: text/plain`.
    pub fn envoy_dynamic_module_on_bootstrap_extension_admin_request(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        method: envoy_dynamic_module_type_envoy_buffer,
        path: envoy_dynamic_module_type_envoy_buffer,
        body: envoy_dynamic_module_type_envoy_buffer,
    ) -> u32;

    /// A cluster was added or updated (after enable_cluster_lifecycle).
    pub fn envoy_dynamic_module_on_bootstrap_extension_cluster_add_or_update(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        cluster_name: envoy_dynamic_module_type_envoy_buffer,
    );

    /// A cluster was removed (after enable_cluster_lifecycle).
    pub fn envoy_dynamic_module_on_bootstrap_extension_cluster_removal(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        cluster_name: envoy_dynamic_module_type_envoy_buffer,
    );

    /// A listener was added or updated (after enable_listener_lifecycle).
    pub fn envoy_dynamic_module_on_bootstrap_extension_listener_add_or_update(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        listener_name: envoy_dynamic_module_type_envoy_buffer,
    );

    /// A listener was removed (after enable_listener_lifecycle).
    pub fn envoy_dynamic_module_on_bootstrap_extension_listener_removal(
        extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
        extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
        listener_name: envoy_dynamic_module_type_envoy_buffer,
    );
}

// --------------------------------------------------------------- callbacks

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
