//! The cluster kind's callbacks: what Envoy exports and the module calls.
//! Only those the SDK uses are declared; `nm -D` on the binary lists the rest.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Adds `count` hosts at `priority` in one update (main thread). Each
    /// address is `ip:port`; weights are 1 to 128; `regions`, `zones` and
    /// `sub_zones` hold one (possibly empty) entry per host; `metadata_pairs`
    /// may be NULL with 0 per host. Writes the new hosts to
    /// `result_host_ptrs` (room for `count`). False adds none.
    pub fn envoy_dynamic_module_callback_cluster_add_hosts(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        priority: u32,
        addresses: *const envoy_dynamic_module_type_module_buffer,
        weights: *const u32,
        regions: *const envoy_dynamic_module_type_module_buffer,
        zones: *const envoy_dynamic_module_type_module_buffer,
        sub_zones: *const envoy_dynamic_module_type_module_buffer,
        metadata_pairs: *const envoy_dynamic_module_type_module_buffer,
        metadata_pairs_per_host: usize,
        count: usize,
        result_host_ptrs: *mut envoy_dynamic_module_type_cluster_host_envoy_ptr,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Removes hosts made by add_hosts in one update (main thread); returns
    /// how many were in the cluster.
    pub fn envoy_dynamic_module_callback_cluster_remove_hosts(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
        host_envoy_ptrs: *const envoy_dynamic_module_type_cluster_host_envoy_ptr,
        count: usize,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The first hosts are in: Envoy's startup may go on. Once, during or
    /// after cluster_init.
    pub fn envoy_dynamic_module_callback_cluster_pre_init_complete(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// A scheduler that posts cluster_scheduled events to the main thread
    /// from any thread; the module deletes it.
    pub fn envoy_dynamic_module_callback_cluster_scheduler_new(
        cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    ) -> envoy_dynamic_module_type_cluster_scheduler_module_ptr;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Deletes a scheduler made by cluster_scheduler_new.
    pub fn envoy_dynamic_module_callback_cluster_scheduler_delete(
        scheduler_module_ptr: envoy_dynamic_module_type_cluster_scheduler_module_ptr,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Posts `event_id` to cluster_scheduled on the main thread (thread-safe).
    pub fn envoy_dynamic_module_callback_cluster_scheduler_commit(
        scheduler_module_ptr: envoy_dynamic_module_type_cluster_scheduler_module_ptr,
        event_id: u64,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// How many healthy hosts the worker's host set has at `priority`.
    pub fn envoy_dynamic_module_callback_cluster_lb_get_healthy_host_count(
        lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
        priority: u32,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The healthy host at `index` (NULL past the end).
    pub fn envoy_dynamic_module_callback_cluster_lb_get_healthy_host(
        lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
        priority: u32,
        index: usize,
    ) -> envoy_dynamic_module_type_cluster_host_envoy_ptr;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The weight (1 to 128) of the healthy host at `index`; 0 past the end.
    pub fn envoy_dynamic_module_callback_cluster_lb_get_healthy_host_weight(
        lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
        priority: u32,
        index: usize,
    ) -> u32;
}
