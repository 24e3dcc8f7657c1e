//! The lb kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a load-balancing policy configuration:
    /// `name` is the config's `lb_policy_name`, `config` its `lb_policy_config`
    /// (both borrowed for this call). NULL makes Envoy refuse the cluster.
    pub fn envoy_dynamic_module_on_lb_config_new(
        lb_config_envoy_ptr: envoy_dynamic_module_type_lb_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_lb_config_module_ptr;

    /// Releases a configuration made by lb_config_new.
    pub fn envoy_dynamic_module_on_lb_config_destroy(
        lb_config_module_ptr: envoy_dynamic_module_type_lb_config_module_ptr,
    );

    /// Creates one worker's load balancer. NULL leaves that worker without one:
    /// every request there gets no host (503).
    pub fn envoy_dynamic_module_on_lb_new(
        lb_config_module_ptr: envoy_dynamic_module_type_lb_config_module_ptr,
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
    ) -> envoy_dynamic_module_type_lb_module_ptr;

    /// Chooses a host: writes its priority and its index among that priority's
    /// healthy hosts and returns true, or returns false for "no host" (Envoy
    /// answers 503 no_healthy_upstream). An index out of range is no host too.
    pub fn envoy_dynamic_module_on_lb_choose_host(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
        context_envoy_ptr: envoy_dynamic_module_type_lb_context_envoy_ptr,
        result_priority: *mut u32,
        result_index: *mut u32,
    ) -> bool;

    /// The cluster's hosts changed (added, removed, or their health): counts of
    /// those added and removed, which may both be 0 for a health change.
    pub fn envoy_dynamic_module_on_lb_on_host_membership_update(
        lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
        lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
        num_hosts_added: usize,
        num_hosts_removed: usize,
    );

    /// Releases one worker's load balancer.
    pub fn envoy_dynamic_module_on_lb_destroy(
        lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
    );
}
