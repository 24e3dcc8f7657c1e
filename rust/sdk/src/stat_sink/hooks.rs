//! The stats sinks' exported hooks: only the `extern "C"` glue, each a call
//! into [`body`](super::body) with Envoy's arguments. The SDK exports them for
//! every module; the module's [`module!`](crate::module) registration fills
//! [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The stats sinks the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewStatSinkConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_stat_sink_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_stat_sink_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_stat_sink_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_stat_sink_flush(
    config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    snapshot_envoy_ptr: envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::flush(config_module_ptr, snapshot_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_stat_sink_on_histogram_complete(
    config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    histogram_name: envoy_dynamic_module_type_envoy_buffer,
    value: u64,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::on_histogram_complete(config_module_ptr, histogram_name, value) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_stat_sink_config_scheduled(
    config_envoy_ptr: envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
    config_module_ptr: envoy_dynamic_module_type_stat_sink_config_module_ptr,
    event_id: u64,
) {
    h::config_scheduled(config_envoy_ptr, config_module_ptr, event_id)
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn stat_sink_hooks_match_the_abi() {
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::stat_sink::envoy_dynamic_module_on_stat_sink_config_new,
        envoy_dynamic_module_on_stat_sink_config_new,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        crate::abi::stat_sink::envoy_dynamic_module_on_stat_sink_config_destroy,
        envoy_dynamic_module_on_stat_sink_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        crate::abi::stat_sink::envoy_dynamic_module_on_stat_sink_flush,
        envoy_dynamic_module_on_stat_sink_flush,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::stat_sink::envoy_dynamic_module_on_stat_sink_on_histogram_complete,
        envoy_dynamic_module_on_stat_sink_on_histogram_complete,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        crate::abi::stat_sink::envoy_dynamic_module_on_stat_sink_config_scheduled,
        envoy_dynamic_module_on_stat_sink_config_scheduled,
    ];
}
