//! The bootstrap kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

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
