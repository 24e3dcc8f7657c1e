//! The tracer's exported hooks: only the `extern "C"` glue, each a call into
//! [`body`](super::body) with Envoy's arguments. The SDK exports them for
//! every module; the module's [`module!`](crate::module) registration fills
//! [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The tracers the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewTracerConfig> =
    crate::registry::Table::new();

use super::body as h;
use crate::abi::*;
use crate::ffi::envoy_bytes;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_tracer_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_tracer_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_start_span(
    config_module_ptr: envoy_dynamic_module_type_tracer_config_module_ptr,
    span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
    operation_name: envoy_dynamic_module_type_envoy_buffer,
    traced: bool,
    reason: envoy_dynamic_module_type_trace_reason,
) -> envoy_dynamic_module_type_tracer_span_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe {
        h::start_span(
            config_module_ptr,
            span_envoy_ptr,
            operation_name,
            traced,
            reason,
        )
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_set_operation(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    operation: envoy_dynamic_module_type_envoy_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (span, op) = unsafe {
        (
            h::span(span_module_ptr),
            envoy_bytes(operation.ptr, operation.length),
        )
    };
    let op = String::from_utf8_lossy(op);
    span.with("span_set_operation", |s| s.set_operation(&op));
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_set_tag(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
    value: envoy_dynamic_module_type_envoy_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (span, key, value) = unsafe {
        (
            h::span(span_module_ptr),
            envoy_bytes(key.ptr, key.length),
            envoy_bytes(value.ptr, value.length),
        )
    };
    span.with("span_set_tag", |s| s.set_tag(key, value));
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_log(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    timestamp_ns: i64,
    event: envoy_dynamic_module_type_envoy_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (span, event) = unsafe {
        (
            h::span(span_module_ptr),
            envoy_bytes(event.ptr, event.length),
        )
    };
    span.with("span_log", |s| s.log(timestamp_ns, event));
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_finish(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let span = unsafe { h::span(span_module_ptr) };
    span.with("span_finish", |s| s.finish());
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_inject_context(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::span_inject_context(span_module_ptr, span_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_spawn_child(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    start_time_ns: i64,
) -> envoy_dynamic_module_type_tracer_span_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::span_spawn_child(span_module_ptr, name, start_time_ns) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_set_sampled(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    sampled: bool,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let span = unsafe { h::span(span_module_ptr) };
    span.with("span_set_sampled", |s| s.set_sampled(sampled));
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_use_local_decision(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    let span = unsafe { h::span(span_module_ptr) };
    span.with("span_use_local_decision", |s| s.use_local_decision())
        .unwrap_or(true)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_get_baggage(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
    value_out: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    let (span, key) = unsafe { (h::span(span_module_ptr), envoy_bytes(key.ptr, key.length)) };
    let value = span.with("span_get_baggage", |s| s.baggage(key)).flatten();
    let value = value.map(|v| String::from_utf8_lossy(&v).into_owned());
    h::lend(span, value, value_out)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_set_baggage(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
    value: envoy_dynamic_module_type_envoy_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (span, key, value) = unsafe {
        (
            h::span(span_module_ptr),
            envoy_bytes(key.ptr, key.length),
            envoy_bytes(value.ptr, value.length),
        )
    };
    span.with("span_set_baggage", |s| s.set_baggage(key, value));
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_get_trace_id(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    value_out: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    let span = unsafe { h::span(span_module_ptr) };
    let id = span.with("span_get_trace_id", |s| s.trace_id()).flatten();
    h::lend(span, id, value_out)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_get_span_id(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    value_out: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    let span = unsafe { h::span(span_module_ptr) };
    let id = span.with("span_get_span_id", |s| s.span_id()).flatten();
    h::lend(span, id, value_out)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_destroy(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::span_destroy(span_module_ptr) }
}

/// Envoy 1.40's hint of how many tags follow; spans size themselves.
#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_tracer_span_reserve_tags(
    span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    count: usize,
) {
    let _ = (span_module_ptr, count);
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn tracer_hooks_match_the_abi() {
    use crate::abi::tracer as t;
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_config_new,
        envoy_dynamic_module_on_tracer_config_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        t::envoy_dynamic_module_on_tracer_config_destroy,
        envoy_dynamic_module_on_tracer_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _, _, _, _) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_start_span,
        envoy_dynamic_module_on_tracer_start_span,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_set_operation,
        envoy_dynamic_module_on_tracer_span_set_operation,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_set_tag,
        envoy_dynamic_module_on_tracer_span_set_tag,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_log,
        envoy_dynamic_module_on_tracer_span_log,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        t::envoy_dynamic_module_on_tracer_span_finish,
        envoy_dynamic_module_on_tracer_span_finish,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_inject_context,
        envoy_dynamic_module_on_tracer_span_inject_context,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_span_spawn_child,
        envoy_dynamic_module_on_tracer_span_spawn_child,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_set_sampled,
        envoy_dynamic_module_on_tracer_span_set_sampled,
    ];
    let _: [unsafe extern "C" fn(_) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_span_use_local_decision,
        envoy_dynamic_module_on_tracer_span_use_local_decision,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_span_get_baggage,
        envoy_dynamic_module_on_tracer_span_get_baggage,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_set_baggage,
        envoy_dynamic_module_on_tracer_span_set_baggage,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_span_get_trace_id,
        envoy_dynamic_module_on_tracer_span_get_trace_id,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        t::envoy_dynamic_module_on_tracer_span_get_span_id,
        envoy_dynamic_module_on_tracer_span_get_span_id,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        t::envoy_dynamic_module_on_tracer_span_destroy,
        envoy_dynamic_module_on_tracer_span_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        t::envoy_dynamic_module_on_tracer_span_reserve_tags,
        envoy_dynamic_module_on_tracer_span_reserve_tags,
    ];
}
