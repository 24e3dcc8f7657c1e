//! The UDP listener filters' exported hooks: only the `extern "C"` glue, each a call into
//! [`body`](super::body) with Envoy's arguments. The SDK exports them for every
//! module; the module's [`module!`](crate::module) registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The UDP listener filters the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewUdpListenerFilterConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_udp_listener_filter_config_new(
    filter_config_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_udp_listener_filter_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), filter_config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_udp_listener_filter_config_destroy(
    filter_config_ptr: envoy_dynamic_module_type_udp_listener_filter_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(filter_config_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_udp_listener_filter_new(
    filter_config_ptr: envoy_dynamic_module_type_udp_listener_filter_config_module_ptr,
    filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
) -> envoy_dynamic_module_type_udp_listener_filter_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::filter_new(filter_config_ptr, filter_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_udp_listener_filter_on_data(
    filter_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_udp_listener_filter_module_ptr,
) -> envoy_dynamic_module_type_on_udp_listener_filter_status {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::on_data(filter_envoy_ptr, filter_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_udp_listener_filter_destroy(
    filter_module_ptr: envoy_dynamic_module_type_udp_listener_filter_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::filter_destroy(filter_module_ptr) }
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn udp_hooks_match_the_abi() {
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::udp::envoy_dynamic_module_on_udp_listener_filter_config_new,
        envoy_dynamic_module_on_udp_listener_filter_config_new,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        crate::abi::udp::envoy_dynamic_module_on_udp_listener_filter_config_destroy,
        envoy_dynamic_module_on_udp_listener_filter_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        crate::abi::udp::envoy_dynamic_module_on_udp_listener_filter_new,
        envoy_dynamic_module_on_udp_listener_filter_new,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        crate::abi::udp::envoy_dynamic_module_on_udp_listener_filter_on_data,
        envoy_dynamic_module_on_udp_listener_filter_on_data,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        crate::abi::udp::envoy_dynamic_module_on_udp_listener_filter_destroy,
        envoy_dynamic_module_on_udp_listener_filter_destroy,
    ];
}
