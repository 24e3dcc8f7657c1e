//! The lb kind's callbacks: what Envoy exports and the module calls. Envoy
//! 1.37 exports none of them: each is `@since` 1.38, resolved at load by the
//! SDKs (never linked), so a module that has the kind still loads in 1.37.

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// How many hosts the cluster has at `priority`, healthy or not.
    pub fn envoy_dynamic_module_callback_lb_get_hosts_count(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        priority: u32,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The address (`ip:port`) of host `index` among all hosts at `priority`;
    /// Envoy's bytes, valid until the hosts change.
    pub fn envoy_dynamic_module_callback_lb_get_host_address(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        priority: u32,
        index: usize,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// How many hosts at `priority` are healthy: the range of choose_host's index.
    pub fn envoy_dynamic_module_callback_lb_get_healthy_hosts_count(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        priority: u32,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The address (`ip:port`) of healthy host `index` at `priority`.
    pub fn envoy_dynamic_module_callback_lb_get_healthy_host_address(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        priority: u32,
        index: usize,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The `load_balancing_weight` of healthy host `index` at `priority` (1 when unset).
    pub fn envoy_dynamic_module_callback_lb_get_healthy_host_weight(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        priority: u32,
        index: usize,
    ) -> u32;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Value `index` of the downstream request header `key`; `optional_size`
    /// (may be NULL) receives how many values it has. False when absent.
    pub fn envoy_dynamic_module_callback_lb_context_get_downstream_header(
        context_envoy_ptr: envoy_dynamic_module_type_lb_context_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        optional_size: *mut usize,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Whether the route's retry predicates reject host `index` (among all
    /// hosts at `priority`) for this attempt, e.g. a host that already failed it.
    pub fn envoy_dynamic_module_callback_lb_context_should_select_another_host(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        context_envoy_ptr: envoy_dynamic_module_type_lb_context_envoy_ptr,
        priority: u32,
        index: usize,
    ) -> bool;
}
