//! The tracer kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a tracer configuration: `name` is the
    /// config's `tracer_name`, `config` its `tracer_config` (both borrowed
    /// for this call). NULL makes Envoy refuse the connection manager.
    pub fn envoy_dynamic_module_on_tracer_config_new(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_tracer_config_module_ptr;

    /// Releases a configuration made by tracer_config_new.
    pub fn envoy_dynamic_module_on_tracer_config_destroy(
        config_module_ptr: envoy_dynamic_module_type_tracer_config_module_ptr,
    );

    /// Starts the span of one request: `span_envoy_ptr` reads the request's
    /// trace context during this call; `traced` and `reason` are Envoy's
    /// sampling decision. NULL makes it a span that records nothing.
    pub fn envoy_dynamic_module_on_tracer_start_span(
        config_module_ptr: envoy_dynamic_module_type_tracer_config_module_ptr,
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        operation_name: envoy_dynamic_module_type_envoy_buffer,
        traced: bool,
        reason: envoy_dynamic_module_type_trace_reason,
    ) -> envoy_dynamic_module_type_tracer_span_module_ptr;

    /// Renames the span.
    pub fn envoy_dynamic_module_on_tracer_span_set_operation(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        operation: envoy_dynamic_module_type_envoy_buffer,
    );

    /// One tag (both buffers borrowed for this call).
    pub fn envoy_dynamic_module_on_tracer_span_set_tag(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        key: envoy_dynamic_module_type_envoy_buffer,
        value: envoy_dynamic_module_type_envoy_buffer,
    );

    /// One event at `timestamp_ns` (nanoseconds since the Unix epoch).
    pub fn envoy_dynamic_module_on_tracer_span_log(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        timestamp_ns: i64,
        event: envoy_dynamic_module_type_envoy_buffer,
    );

    /// The span is over (it is destroyed later, with span_destroy).
    pub fn envoy_dynamic_module_on_tracer_span_finish(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    );

    /// Writes the span's context into an outgoing request: `span_envoy_ptr`
    /// reaches that request's headers during this call.
    pub fn envoy_dynamic_module_on_tracer_span_inject_context(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
    );

    /// A child span (the upstream call) starting at `start_time_ns`. NULL
    /// makes it a span that records nothing.
    pub fn envoy_dynamic_module_on_tracer_span_spawn_child(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        start_time_ns: i64,
    ) -> envoy_dynamic_module_type_tracer_span_module_ptr;

    /// Envoy's later sampling decision for the span.
    pub fn envoy_dynamic_module_on_tracer_span_set_sampled(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        sampled: bool,
    );

    /// Whether Envoy's own sampling decision applies to the span.
    pub fn envoy_dynamic_module_on_tracer_span_use_local_decision(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    ) -> bool;

    /// A baggage value into `value_out` (the module's bytes, read by Envoy
    /// right after the call); false when there is none.
    pub fn envoy_dynamic_module_on_tracer_span_get_baggage(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        key: envoy_dynamic_module_type_envoy_buffer,
        value_out: *mut envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// Sets a baggage value.
    pub fn envoy_dynamic_module_on_tracer_span_set_baggage(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        key: envoy_dynamic_module_type_envoy_buffer,
        value: envoy_dynamic_module_type_envoy_buffer,
    );

    /// The trace id as text into `value_out` (the module's bytes, read by
    /// Envoy right after the call); false when there is none.
    pub fn envoy_dynamic_module_on_tracer_span_get_trace_id(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        value_out: *mut envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// The span id as text, as span_get_trace_id.
    pub fn envoy_dynamic_module_on_tracer_span_get_span_id(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        value_out: *mut envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// Releases a span made by start_span or span_spawn_child.
    pub fn envoy_dynamic_module_on_tracer_span_destroy(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    );

    /// Envoy 1.40 only (1.38 and 1.39 do not look it up): how many tags
    /// Envoy is about to set. No copy of the v0.2.0 header was readable here;
    /// this declaration is a hint the module may ignore.
    pub fn envoy_dynamic_module_on_tracer_span_reserve_tags(
        span_module_ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
        count: usize,
    );
}
