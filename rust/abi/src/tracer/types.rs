//! The tracer kind's types: opaque pointers and the trace reason.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one tracer configuration (valid while the connection
/// manager that declares it lives); the metric callbacks take it.
pub type envoy_dynamic_module_type_tracer_config_envoy_ptr = *mut c_void;

/// The module's side of one tracer configuration.
pub type envoy_dynamic_module_type_tracer_config_module_ptr = *const c_void;

/// Envoy's side of one span: the trace context callbacks read and write,
/// through it, the request headers at start_span and the upstream request's
/// at span_inject_context; valid during those hooks only.
pub type envoy_dynamic_module_type_tracer_span_envoy_ptr = *mut c_void;

/// The module's side of one span (start_span or span_spawn_child made it).
pub type envoy_dynamic_module_type_tracer_span_module_ptr = *const c_void;

/// Why Envoy traces, or does not trace, a request (start_span's `reason`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_trace_reason {
    NotTraceable,
    HealthCheck,
    Sampling,
    ServiceForced,
    ClientForced,
}
