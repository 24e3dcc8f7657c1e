//! The cluster kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a cluster configuration (`cluster_name`
    /// and `cluster_config`, both borrowed for this call). NULL makes Envoy
    /// refuse the cluster.
    pub fn envoy_dynamic_module_on_cluster_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_cluster_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_cluster_config_module_ptr;

    /// Releases a configuration made by cluster_config_new.
    pub fn envoy_dynamic_module_on_cluster_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_cluster_config_module_ptr,
    );

    /// Creates the cluster from its configuration (main thread). NULL fails
    /// the cluster.
    pub fn envoy_dynamic_module_on_cluster_new(
        config_module_ptr: envoy_dynamic_module_type_cluster_config_module_ptr,
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    ) -> envoy_dynamic_module_type_cluster_module_ptr;

    /// The cluster starts: add the first hosts, then call
    /// cluster_pre_init_complete (now or later); Envoy's startup waits for it.
    pub fn envoy_dynamic_module_on_cluster_init(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    );

    /// Releases the cluster.
    pub fn envoy_dynamic_module_on_cluster_destroy(
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    );

    /// Creates one worker's load balancer. NULL leaves that worker without
    /// one (no host for its requests).
    pub fn envoy_dynamic_module_on_cluster_lb_new(
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
        lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
    ) -> envoy_dynamic_module_type_cluster_lb_module_ptr;

    /// Releases a worker's load balancer.
    pub fn envoy_dynamic_module_on_cluster_lb_destroy(
        lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
    );

    /// Picks the host of one request: writes it to `host_out` (NULL: no host,
    /// the request fails with 503) and NULL to `async_handle_out` (an answer
    /// now), or NULL and a handle to answer later.
    pub fn envoy_dynamic_module_on_cluster_lb_choose_host(
        lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
        context_envoy_ptr: envoy_dynamic_module_type_cluster_lb_context_envoy_ptr,
        host_out: *mut envoy_dynamic_module_type_cluster_host_envoy_ptr,
        async_handle_out: *mut envoy_dynamic_module_type_cluster_lb_async_handle_module_ptr,
    );

    /// A request whose host was to be answered later went away first.
    pub fn envoy_dynamic_module_on_cluster_lb_cancel_host_selection(
        lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
        async_handle_module_ptr: envoy_dynamic_module_type_cluster_lb_async_handle_module_ptr,
    );

    /// The worker's host set changed: `num_hosts_added` and
    /// `num_hosts_removed` hosts.
    pub fn envoy_dynamic_module_on_cluster_lb_on_host_membership_update(
        lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
        lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
        num_hosts_added: usize,
        num_hosts_removed: usize,
    );

    /// An event committed through a cluster scheduler, on the main thread.
    pub fn envoy_dynamic_module_on_cluster_scheduled(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
        event_id: u64,
    );

    /// An event the module fanned out to every worker (not used by this SDK).
    pub fn envoy_dynamic_module_on_cluster_worker_event(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
        event_id: u64,
    );

    /// Releases what the module published to the worker slot (not used by this SDK).
    pub fn envoy_dynamic_module_on_cluster_worker_slot_data_destroy(
        data_module_ptr: envoy_dynamic_module_type_cluster_worker_slot_data_module_ptr,
    );

    /// Envoy finished starting (main thread).
    pub fn envoy_dynamic_module_on_cluster_server_initialized(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    );

    /// Envoy started draining (main thread).
    pub fn envoy_dynamic_module_on_cluster_drain_started(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    );

    /// Envoy is about to exit: the module calls
    /// `completion_callback(completion_context)` exactly once; Envoy waits for it.
    pub fn envoy_dynamic_module_on_cluster_shutdown(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
        completion_callback: unsafe extern "C" fn(context: *mut c_void),
        completion_context: *mut c_void,
    );

    /// The answer of an HTTP callout the cluster made (not used by this SDK:
    /// it makes none).
    pub fn envoy_dynamic_module_on_cluster_http_callout_done(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
        callout_id: u64,
        result: envoy_dynamic_module_type_http_callout_result,
        headers: *mut envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
        body_chunks_size: usize,
    );
}
