//! The cluster's exported hooks: only the `extern "C"` glue, each a call into
//! [`body`](super::body) with Envoy's arguments. The SDK exports them for every
//! module; the module's [`module!`](crate::module) registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The clusters the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewClusterConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;
use core::ffi::c_void;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_cluster_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_cluster_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_cluster_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_new(
    config_module_ptr: envoy_dynamic_module_type_cluster_config_module_ptr,
    _cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
) -> envoy_dynamic_module_type_cluster_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::cluster_new(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_init(
    cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::init(cluster_envoy_ptr, cluster_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_destroy(
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::cluster_destroy(cluster_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_lb_new(
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
) -> envoy_dynamic_module_type_cluster_lb_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::lb_new(cluster_module_ptr, lb_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_lb_destroy(
    lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::lb_destroy(lb_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_lb_choose_host(
    lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
    _context_envoy_ptr: envoy_dynamic_module_type_cluster_lb_context_envoy_ptr,
    host_out: *mut envoy_dynamic_module_type_cluster_host_envoy_ptr,
    async_handle_out: *mut envoy_dynamic_module_type_cluster_lb_async_handle_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI; both outputs are Envoy's to read.
    unsafe {
        *async_handle_out = core::ptr::null_mut();
        *host_out = h::choose_host(lb_module_ptr);
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_lb_cancel_host_selection(
    _lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
    _async_handle_module_ptr: envoy_dynamic_module_type_cluster_lb_async_handle_module_ptr,
) {
    // Every selection is answered at once: nothing is ever pending.
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_lb_on_host_membership_update(
    lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
    lb_module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
    num_hosts_added: usize,
    num_hosts_removed: usize,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::membership_update(
            lb_envoy_ptr,
            lb_module_ptr,
            num_hosts_added,
            num_hosts_removed,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_scheduled(
    cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    event_id: u64,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::main_thread_event(
            cluster_envoy_ptr,
            cluster_module_ptr,
            "cluster_scheduled",
            |c, e| c.scheduled(e, event_id),
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_worker_event(
    _cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    _cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    _event_id: u64,
) {
    // The SDK fans nothing out to workers.
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_worker_slot_data_destroy(
    _data_module_ptr: envoy_dynamic_module_type_cluster_worker_slot_data_module_ptr,
) {
    // The SDK publishes nothing to the worker slot.
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_server_initialized(
    cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::main_thread_event(
            cluster_envoy_ptr,
            cluster_module_ptr,
            "cluster_server_initialized",
            |c, e| c.server_initialized(e),
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_drain_started(
    cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::main_thread_event(
            cluster_envoy_ptr,
            cluster_module_ptr,
            "cluster_drain_started",
            |c, e| c.drain_started(e),
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_shutdown(
    cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    completion_callback: unsafe extern "C" fn(context: *mut c_void),
    completion_context: *mut c_void,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::main_thread_event(
            cluster_envoy_ptr,
            cluster_module_ptr,
            "cluster_shutdown",
            |c, e| c.shutdown(e),
        );
        // Exactly once, panic or not: Envoy waits for it.
        completion_callback(completion_context);
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_cluster_http_callout_done(
    _cluster_envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    _cluster_module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    _callout_id: u64,
    _result: envoy_dynamic_module_type_http_callout_result,
    _headers: *mut envoy_dynamic_module_type_envoy_http_header,
    _headers_size: usize,
    _body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
    _body_chunks_size: usize,
) {
    // The SDK makes no callouts from a cluster.
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn cluster_hooks_match_the_abi() {
    use crate::abi::cluster as a;
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_cluster_config_new,
        envoy_dynamic_module_on_cluster_config_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        a::envoy_dynamic_module_on_cluster_config_destroy,
        envoy_dynamic_module_on_cluster_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        a::envoy_dynamic_module_on_cluster_new,
        envoy_dynamic_module_on_cluster_new,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        a::envoy_dynamic_module_on_cluster_init,
        envoy_dynamic_module_on_cluster_init,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        a::envoy_dynamic_module_on_cluster_destroy,
        envoy_dynamic_module_on_cluster_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        a::envoy_dynamic_module_on_cluster_lb_new,
        envoy_dynamic_module_on_cluster_lb_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        a::envoy_dynamic_module_on_cluster_lb_destroy,
        envoy_dynamic_module_on_cluster_lb_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _); 2] = [
        a::envoy_dynamic_module_on_cluster_lb_choose_host,
        envoy_dynamic_module_on_cluster_lb_choose_host,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        a::envoy_dynamic_module_on_cluster_lb_cancel_host_selection,
        envoy_dynamic_module_on_cluster_lb_cancel_host_selection,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _); 2] = [
        a::envoy_dynamic_module_on_cluster_lb_on_host_membership_update,
        envoy_dynamic_module_on_cluster_lb_on_host_membership_update,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        a::envoy_dynamic_module_on_cluster_scheduled,
        envoy_dynamic_module_on_cluster_scheduled,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        a::envoy_dynamic_module_on_cluster_worker_event,
        envoy_dynamic_module_on_cluster_worker_event,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        a::envoy_dynamic_module_on_cluster_worker_slot_data_destroy,
        envoy_dynamic_module_on_cluster_worker_slot_data_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        a::envoy_dynamic_module_on_cluster_server_initialized,
        envoy_dynamic_module_on_cluster_server_initialized,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        a::envoy_dynamic_module_on_cluster_drain_started,
        envoy_dynamic_module_on_cluster_drain_started,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _); 2] = [
        a::envoy_dynamic_module_on_cluster_shutdown,
        envoy_dynamic_module_on_cluster_shutdown,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _, _, _, _); 2] = [
        a::envoy_dynamic_module_on_cluster_http_callout_done,
        envoy_dynamic_module_on_cluster_http_callout_done,
    ];
}
