//! The bootstrap extensions' exported hooks: only the `extern "C"` glue, each a call into
//! [`body`](super::body) with Envoy's arguments. The SDK exports them for every
//! module; the module's [`module!`](crate::module) registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The bootstrap extensions the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewBootstrapExtensionConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;
use ::core::ffi::c_void;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_config_new(
    extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_bootstrap_extension_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), extension_config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_config_destroy(
    extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(extension_config_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_new(
    extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
) -> envoy_dynamic_module_type_bootstrap_extension_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::extension_new(extension_config_ptr, extension_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_server_initialized(
    extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::extension_lifecycle(
            extension_envoy_ptr,
            extension_module_ptr,
            h::Lifecycle::ServerInitialized,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_worker_thread_initialized(
    _extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    _extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
) {
    // On a worker: the extension is main-thread state (see hooks.rs).
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_drain_started(
    extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::extension_lifecycle(
            extension_envoy_ptr,
            extension_module_ptr,
            h::Lifecycle::DrainStarted,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_shutdown(
    extension_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_envoy_ptr,
    extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
    completion_callback: Option<unsafe extern "C" fn(context: *mut c_void)>,
    completion_context: *mut c_void,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::extension_shutdown(
            extension_envoy_ptr,
            extension_module_ptr,
            completion_callback,
            completion_context,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_destroy(
    extension_module_ptr: envoy_dynamic_module_type_bootstrap_extension_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::extension_destroy(extension_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_config_scheduled(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _event_id: u64,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_http_callout_done(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _callout_id: u64,
    _result: envoy_dynamic_module_type_http_callout_result,
    _headers: *mut envoy_dynamic_module_type_envoy_http_header,
    _headers_size: usize,
    _body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
    _body_chunks_size: usize,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_timer_fired(
    extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    timer_ptr: envoy_dynamic_module_type_bootstrap_extension_timer_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_timer_fired(extension_config_envoy_ptr, extension_config_ptr, timer_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_file_changed(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _path: envoy_dynamic_module_type_envoy_buffer,
    _events: u32,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_admin_request(
    extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    method: envoy_dynamic_module_type_envoy_buffer,
    path: envoy_dynamic_module_type_envoy_buffer,
    body: envoy_dynamic_module_type_envoy_buffer,
) -> u32 {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::config_admin_request(
            extension_config_envoy_ptr,
            extension_config_ptr,
            method,
            path,
            body,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_cluster_add_or_update(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _cluster_name: envoy_dynamic_module_type_envoy_buffer,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_cluster_removal(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _cluster_name: envoy_dynamic_module_type_envoy_buffer,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_listener_add_or_update(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _listener_name: envoy_dynamic_module_type_envoy_buffer,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_bootstrap_extension_listener_removal(
    _extension_config_envoy_ptr: envoy_dynamic_module_type_bootstrap_extension_config_envoy_ptr,
    _extension_config_ptr: envoy_dynamic_module_type_bootstrap_extension_config_module_ptr,
    _listener_name: envoy_dynamic_module_type_envoy_buffer,
) {
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn bootstrap_hooks_match_the_abi() {
    use crate::abi::bootstrap as a;
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_config_new,
        envoy_dynamic_module_on_bootstrap_extension_config_new,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_config_destroy,
        envoy_dynamic_module_on_bootstrap_extension_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_new,
        envoy_dynamic_module_on_bootstrap_extension_new,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_server_initialized,
        envoy_dynamic_module_on_bootstrap_extension_server_initialized,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_worker_thread_initialized,
        envoy_dynamic_module_on_bootstrap_extension_worker_thread_initialized,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_drain_started,
        envoy_dynamic_module_on_bootstrap_extension_drain_started,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_shutdown,
        envoy_dynamic_module_on_bootstrap_extension_shutdown,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_destroy,
        envoy_dynamic_module_on_bootstrap_extension_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_config_scheduled,
        envoy_dynamic_module_on_bootstrap_extension_config_scheduled,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _, _, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_http_callout_done,
        envoy_dynamic_module_on_bootstrap_extension_http_callout_done,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_timer_fired,
        envoy_dynamic_module_on_bootstrap_extension_timer_fired,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_file_changed,
        envoy_dynamic_module_on_bootstrap_extension_file_changed,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_admin_request,
        envoy_dynamic_module_on_bootstrap_extension_admin_request,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_cluster_add_or_update,
        envoy_dynamic_module_on_bootstrap_extension_cluster_add_or_update,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_cluster_removal,
        envoy_dynamic_module_on_bootstrap_extension_cluster_removal,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_listener_add_or_update,
        envoy_dynamic_module_on_bootstrap_extension_listener_add_or_update,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        a::envoy_dynamic_module_on_bootstrap_extension_listener_removal,
        envoy_dynamic_module_on_bootstrap_extension_listener_removal,
    ];
}
