//! What a tracer may ask of Envoy: the trace context of the request a span
//! is started for or injected into, and counters defined with its
//! configuration. Every callback of this kind is `@since` 1.38, so the
//! handles call them through [`crate::since`], never linked.

use crate::abi;
use crate::abi::envoy_dynamic_module_type_metrics_result as MetricsResult;
use crate::ffi::{envoy_bytes, module_buffer};
use crate::since::call;
use crate::BoxError;

/// The trace context of one request (its headers) during start_span or
/// span_inject_context. The real implementation is
/// [`EnvoyTraceContextHandle`]; unit tests use `testing::FakeTraceContext`.
pub trait EnvoyTraceContext {
    /// The value of `key` (a lowercase header name).
    fn value(&self, key: &str) -> Option<&[u8]>;
    /// Sets `key`, replacing any value.
    fn set_value(&mut self, key: &str, value: &[u8]);
    fn remove_value(&mut self, key: &str);
    fn protocol(&self) -> Option<&[u8]>;
    fn host(&self) -> Option<&[u8]>;
    fn path(&self) -> Option<&[u8]>;
    fn method(&self) -> Option<&[u8]>;
}

/// Envoy while a tracer configuration is created: counters are defined now
/// or never (Envoy freezes them after tracer_config_new).
pub trait EnvoyTracerConfig {
    fn define_counter(&mut self, name: &str) -> Result<TracerCounter, BoxError>;
}

/// A counter of the tracer's configuration, usable from any worker.
#[derive(Debug, Clone, Copy)]
pub struct TracerCounter {
    config: abi::envoy_dynamic_module_type_tracer_config_envoy_ptr,
    id: usize,
}

// SAFETY: Envoy's config pointer outlives the module's config, and its
// counter callbacks are thread-safe.
unsafe impl Send for TracerCounter {}
// SAFETY: as Send: the pointer is only handed back to Envoy's thread-safe callbacks.
unsafe impl Sync for TracerCounter {}

impl TracerCounter {
    /// A counter that counts nothing (the fake's).
    pub fn detached() -> Self {
        Self {
            config: core::ptr::null_mut(),
            id: 0,
        }
    }

    pub fn add(&self, value: u64) {
        if self.config.is_null() || value == 0 {
            return;
        }
        // SAFETY: the config pointer is alive while the module's config is.
        unsafe {
            call::envoy_dynamic_module_callback_tracer_increment_counter(
                self.config,
                self.id,
                core::ptr::null_mut(),
                0,
                value,
            );
        }
    }
}

/// The real handle, wrapping the `span_envoy_ptr` of the running hook.
pub struct EnvoyTraceContextHandle {
    raw: abi::envoy_dynamic_module_type_tracer_span_envoy_ptr,
}

impl EnvoyTraceContextHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the running hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_tracer_span_envoy_ptr) -> Self {
        Self { raw }
    }

    /// One of the four getters without a key.
    fn getter(
        &self,
        get: unsafe fn(
            abi::envoy_dynamic_module_type_tracer_span_envoy_ptr,
            *mut abi::envoy_dynamic_module_type_envoy_buffer,
        ) -> bool,
    ) -> Option<&[u8]> {
        let mut out = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        // SAFETY: the span pointer is live during the hook this handle does
        // not outlive; the bytes are Envoy's for as long.
        unsafe { get(self.raw, &mut out).then(|| envoy_bytes(out.ptr, out.length)) }
    }
}

impl EnvoyTraceContext for EnvoyTraceContextHandle {
    fn value(&self, key: &str) -> Option<&[u8]> {
        let mut out = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        // SAFETY: as `getter`; Envoy reads the key during the call.
        unsafe {
            call::envoy_dynamic_module_callback_tracer_get_trace_context_value(
                self.raw,
                module_buffer(key.as_bytes()),
                &mut out,
            )
            .then(|| envoy_bytes(out.ptr, out.length))
        }
    }

    fn set_value(&mut self, key: &str, value: &[u8]) {
        // SAFETY: Envoy copies both during the call.
        unsafe {
            call::envoy_dynamic_module_callback_tracer_set_trace_context_value(
                self.raw,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn remove_value(&mut self, key: &str) {
        // SAFETY: Envoy reads the key during the call.
        unsafe {
            call::envoy_dynamic_module_callback_tracer_remove_trace_context_value(
                self.raw,
                module_buffer(key.as_bytes()),
            )
        }
    }

    fn protocol(&self) -> Option<&[u8]> {
        self.getter(call::envoy_dynamic_module_callback_tracer_get_trace_context_protocol)
    }

    fn host(&self) -> Option<&[u8]> {
        self.getter(call::envoy_dynamic_module_callback_tracer_get_trace_context_host)
    }

    fn path(&self) -> Option<&[u8]> {
        self.getter(call::envoy_dynamic_module_callback_tracer_get_trace_context_path)
    }

    fn method(&self) -> Option<&[u8]> {
        self.getter(call::envoy_dynamic_module_callback_tracer_get_trace_context_method)
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to tracer_config_new (and keeps alive with the configuration).
pub struct EnvoyTracerConfigHandle {
    raw: abi::envoy_dynamic_module_type_tracer_config_envoy_ptr,
}

impl EnvoyTracerConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_tracer_config_envoy_ptr) -> Self {
        Self { raw }
    }
}

impl EnvoyTracerConfig for EnvoyTracerConfigHandle {
    fn define_counter(&mut self, name: &str) -> Result<TracerCounter, BoxError> {
        crate::since::TRACER_DEFINE_COUNTER.require()?;
        let mut id = 0usize;
        // SAFETY: the config pointer is live during config_new; Envoy copies the name.
        let result = unsafe {
            call::envoy_dynamic_module_callback_tracer_define_counter(
                self.raw,
                module_buffer(name.as_bytes()),
                core::ptr::null_mut(),
                0,
                &mut id,
            )
        };
        match result {
            MetricsResult::Success => Ok(TracerCounter {
                config: self.raw,
                id,
            }),
            other => Err(format!("cannot define counter {name}: {other:?}").into()),
        }
    }
}
