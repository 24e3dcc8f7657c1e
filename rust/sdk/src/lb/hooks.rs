//! The load-balancing policy's exported hooks: only the `extern "C"` glue,
//! each a call into [`body`](super::body) with Envoy's arguments. The SDK
//! exports them for every module; the module's [`module!`](crate::module)
//! registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The load-balancing policies the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewLoadBalancerConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_lb_config_new(
    lb_config_envoy_ptr: envoy_dynamic_module_type_lb_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_lb_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), lb_config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_lb_config_destroy(
    lb_config_module_ptr: envoy_dynamic_module_type_lb_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(lb_config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_lb_new(
    lb_config_module_ptr: envoy_dynamic_module_type_lb_config_module_ptr,
    lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
) -> envoy_dynamic_module_type_lb_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::lb_new(lb_config_module_ptr, lb_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_lb_choose_host(
    lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
    lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
    context_envoy_ptr: envoy_dynamic_module_type_lb_context_envoy_ptr,
    result_priority: *mut u32,
    result_index: *mut u32,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::choose_host(
            lb_envoy_ptr,
            lb_module_ptr,
            context_envoy_ptr,
            result_priority,
            result_index,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_lb_on_host_membership_update(
    lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
    lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
    num_hosts_added: usize,
    num_hosts_removed: usize,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::on_host_membership_update(
            lb_envoy_ptr,
            lb_module_ptr,
            num_hosts_added,
            num_hosts_removed,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_lb_destroy(
    lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::lb_destroy(lb_module_ptr) }
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn lb_hooks_match_the_abi() {
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::lb::envoy_dynamic_module_on_lb_config_new,
        envoy_dynamic_module_on_lb_config_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        crate::abi::lb::envoy_dynamic_module_on_lb_config_destroy,
        envoy_dynamic_module_on_lb_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        crate::abi::lb::envoy_dynamic_module_on_lb_new,
        envoy_dynamic_module_on_lb_new,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _) -> _; 2] = [
        crate::abi::lb::envoy_dynamic_module_on_lb_choose_host,
        envoy_dynamic_module_on_lb_choose_host,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _); 2] = [
        crate::abi::lb::envoy_dynamic_module_on_lb_on_host_membership_update,
        envoy_dynamic_module_on_lb_on_host_membership_update,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        crate::abi::lb::envoy_dynamic_module_on_lb_destroy,
        envoy_dynamic_module_on_lb_destroy,
    ];
}
