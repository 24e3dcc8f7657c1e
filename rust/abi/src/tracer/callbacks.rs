//! The tracer kind's callbacks: what Envoy exports and the module calls.
//! Envoy 1.37 exports none of them: each is `@since` 1.38, resolved at load
//! by the SDKs (never linked).

use super::types::*;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The trace context (request header) `key` into `value_out` (Envoy's
    /// bytes, valid during the running hook). False when absent.
    pub fn envoy_dynamic_module_callback_tracer_get_trace_context_value(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Sets the trace context value `key` (copied by Envoy).
    pub fn envoy_dynamic_module_callback_tracer_set_trace_context_value(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Removes the trace context value `key`.
    pub fn envoy_dynamic_module_callback_tracer_remove_trace_context_value(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The request's protocol (e.g. `HTTP/1.1`). False when unknown.
    pub fn envoy_dynamic_module_callback_tracer_get_trace_context_protocol(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        value_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The request's host (authority). False when unknown.
    pub fn envoy_dynamic_module_callback_tracer_get_trace_context_host(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        value_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The request's path. False when unknown.
    pub fn envoy_dynamic_module_callback_tracer_get_trace_context_path(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        value_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// The request's method. False when unknown.
    pub fn envoy_dynamic_module_callback_tracer_get_trace_context_method(
        span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
        value_out: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Defines a counter (during tracer_config_new only; `Frozen` after).
    pub fn envoy_dynamic_module_callback_tracer_define_counter(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        label_names: *mut envoy_dynamic_module_type_module_buffer,
        label_names_length: usize,
        counter_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Defines a gauge (during tracer_config_new only).
    pub fn envoy_dynamic_module_callback_tracer_define_gauge(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        label_names: *mut envoy_dynamic_module_type_module_buffer,
        label_names_length: usize,
        gauge_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Defines a histogram (during tracer_config_new only).
    pub fn envoy_dynamic_module_callback_tracer_define_histogram(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        label_names: *mut envoy_dynamic_module_type_module_buffer,
        label_names_length: usize,
        histogram_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Adds `value` to a defined counter.
    pub fn envoy_dynamic_module_callback_tracer_increment_counter(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Sets a defined gauge.
    pub fn envoy_dynamic_module_callback_tracer_set_gauge(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// Records a value in a defined histogram.
    pub fn envoy_dynamic_module_callback_tracer_record_histogram_value(
        config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;
}
