//! What a load balancer may ask of Envoy: the cluster's hosts as its worker
//! sees them, and, while choosing, the request's headers and retry state.
//!
//! Every callback of this kind is `@since` 1.38 (Envoy 1.37 has no such kind),
//! so the handle calls them through [`crate::since`], never linked.

use crate::abi;
use crate::ffi::{envoy_bytes, module_buffer};
use crate::since::call;

/// Envoy as seen by one worker's load balancer. The real implementation is
/// [`EnvoyLoadBalancerHandle`]; unit tests use `testing::FakeLoadBalancer`.
pub trait EnvoyLoadBalancer {
    /// How many hosts the cluster has at `priority`, healthy or not.
    fn hosts_count(&self, priority: u32) -> usize;
    /// The address (`ip:port`) of host `index` among all hosts at `priority`.
    fn host_address(&self, priority: u32, index: usize) -> Option<&str>;
    /// How many hosts at `priority` are healthy.
    fn healthy_hosts_count(&self, priority: u32) -> usize;
    /// The address (`ip:port`) of healthy host `index` at `priority`.
    fn healthy_host_address(&self, priority: u32, index: usize) -> Option<&str>;
    /// The endpoint's `load_balancing_weight` (1 when unset).
    fn healthy_host_weight(&self, priority: u32, index: usize) -> u32;
    /// The first value of the request's header `name` (lowercase); None
    /// outside choose_host or when absent.
    fn request_header(&self, name: &str) -> Option<&[u8]>;
    /// Whether the route's retry predicates reject host `index` (among all
    /// hosts) for this attempt, e.g. the host the previous attempt failed on.
    fn should_select_another_host(&self, priority: u32, index: usize) -> bool;
}

/// Envoy as seen while a load-balancing policy configuration is created.
/// Nothing is asked of it yet; the trait keeps every kind's constructor alike
/// and leaves room for metrics.
pub trait EnvoyLoadBalancerConfig {}

/// The real handle: one worker's `lb_envoy_ptr`, and the request's context
/// while choose_host runs (NULL otherwise).
pub struct EnvoyLoadBalancerHandle {
    lb: abi::envoy_dynamic_module_type_lb_envoy_ptr,
    context: abi::envoy_dynamic_module_type_lb_context_envoy_ptr,
}

impl EnvoyLoadBalancerHandle {
    /// # Safety
    /// `lb` (and `context`, unless NULL) must be the live pointers Envoy passed
    /// to the current hook.
    pub unsafe fn from_raw(
        lb: abi::envoy_dynamic_module_type_lb_envoy_ptr,
        context: abi::envoy_dynamic_module_type_lb_context_envoy_ptr,
    ) -> Self {
        Self { lb, context }
    }
}

const EMPTY: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

/// Envoy's address bytes as text (addresses are ASCII; anything else is None).
///
/// # Safety
/// `found` says whether `buffer` was written with Envoy bytes that outlive `'a`.
unsafe fn address<'a>(
    found: bool,
    buffer: abi::envoy_dynamic_module_type_envoy_buffer,
) -> Option<&'a str> {
    if !found || buffer.ptr.is_null() {
        return None;
    }
    // SAFETY: Envoy's bytes, valid while the hosts stay (the caller's contract).
    core::str::from_utf8(unsafe { envoy_bytes(buffer.ptr, buffer.length) }).ok()
}

impl EnvoyLoadBalancer for EnvoyLoadBalancerHandle {
    fn hosts_count(&self, priority: u32) -> usize {
        // SAFETY: a plain call on the live pointer.
        unsafe { call::envoy_dynamic_module_callback_lb_get_hosts_count(self.lb, priority) }
    }

    fn host_address(&self, priority: u32, index: usize) -> Option<&str> {
        let mut out = EMPTY;
        // SAFETY: `out` is live; the address lives as long as the host set,
        // which does not change during the hook this handle was made for.
        unsafe {
            let found = call::envoy_dynamic_module_callback_lb_get_host_address(
                self.lb, priority, index, &mut out,
            );
            address(found, out)
        }
    }

    fn healthy_hosts_count(&self, priority: u32) -> usize {
        // SAFETY: a plain call on the live pointer.
        unsafe { call::envoy_dynamic_module_callback_lb_get_healthy_hosts_count(self.lb, priority) }
    }

    fn healthy_host_address(&self, priority: u32, index: usize) -> Option<&str> {
        let mut out = EMPTY;
        // SAFETY: as in host_address.
        unsafe {
            let found = call::envoy_dynamic_module_callback_lb_get_healthy_host_address(
                self.lb, priority, index, &mut out,
            );
            address(found, out)
        }
    }

    fn healthy_host_weight(&self, priority: u32, index: usize) -> u32 {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            call::envoy_dynamic_module_callback_lb_get_healthy_host_weight(self.lb, priority, index)
        }
    }

    fn request_header(&self, name: &str) -> Option<&[u8]> {
        if self.context.is_null() {
            return None;
        }
        let mut out = EMPTY;
        // SAFETY: the context is live during choose_host, which this handle
        // does not outlive; the value is Envoy's for as long.
        unsafe {
            let found = call::envoy_dynamic_module_callback_lb_context_get_downstream_header(
                self.context,
                module_buffer(name.as_bytes()),
                &mut out,
                0,
                core::ptr::null_mut(),
            );
            (found && !out.ptr.is_null()).then(|| envoy_bytes(out.ptr, out.length))
        }
    }

    fn should_select_another_host(&self, priority: u32, index: usize) -> bool {
        if self.context.is_null() {
            return false;
        }
        // SAFETY: both pointers are live during choose_host.
        unsafe {
            call::envoy_dynamic_module_callback_lb_context_should_select_another_host(
                self.lb,
                self.context,
                priority,
                index,
            )
        }
    }
}

/// The real configuration handle, wrapping the `lb_config_envoy_ptr` Envoy
/// passes to lb_config_new.
pub struct EnvoyLoadBalancerConfigHandle {
    _raw: abi::envoy_dynamic_module_type_lb_config_envoy_ptr,
}

impl EnvoyLoadBalancerConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_lb_config_envoy_ptr) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyLoadBalancerConfig for EnvoyLoadBalancerConfigHandle {}
