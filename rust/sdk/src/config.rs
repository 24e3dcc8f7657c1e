//! The configuration handle: what a filter may ask of Envoy while its
//! configuration is being created (on the main thread).

use crate::abi;
use crate::handle::module_buffer;

/// A metric defined by a configuration, used later from its streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricId(pub usize);

/// Envoy as seen while a filter configuration is created.
pub trait EnvoyHttpFilterConfig {
    /// Defines a counter with these label names. Only possible during creation.
    fn define_counter(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String>;
    /// Defines a histogram with these label names. Only possible during creation.
    fn define_histogram(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String>;
}

/// The real configuration handle, wrapping the `filter_config_envoy_ptr` Envoy
/// passes to http_filter_config_new.
pub struct EnvoyConfigHandle {
    raw: abi::envoy_dynamic_module_type_http_filter_config_envoy_ptr,
}

impl EnvoyConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running http_filter_config_new.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_http_filter_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

type DefineFn = unsafe extern "C" fn(
    abi::envoy_dynamic_module_type_http_filter_config_envoy_ptr,
    abi::envoy_dynamic_module_type_module_buffer,
    *mut abi::envoy_dynamic_module_type_module_buffer,
    usize,
    *mut usize,
) -> abi::envoy_dynamic_module_type_metrics_result;

impl EnvoyConfigHandle {
    fn define(
        &mut self,
        define: DefineFn,
        name: &str,
        labels: &[&str],
    ) -> Result<MetricId, String> {
        let mut label_bufs: Vec<_> = labels.iter().map(|l| module_buffer(l.as_bytes())).collect();
        let mut id = 0usize;
        // SAFETY: every buffer outlives the call; `id` is written by Envoy.
        let result = unsafe {
            define(
                self.raw,
                module_buffer(name.as_bytes()),
                label_bufs.as_mut_ptr(),
                label_bufs.len(),
                &mut id,
            )
        };
        match result {
            abi::envoy_dynamic_module_type_metrics_result::Success => Ok(MetricId(id)),
            other => Err(format!("defining metric {name:?} failed: {other:?}")),
        }
    }
}

impl EnvoyHttpFilterConfig for EnvoyConfigHandle {
    fn define_counter(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define(
            abi::envoy_dynamic_module_callback_http_filter_config_define_counter,
            name,
            labels,
        )
    }

    fn define_histogram(&mut self, name: &str, labels: &[&str]) -> Result<MetricId, String> {
        self.define(
            abi::envoy_dynamic_module_callback_http_filter_config_define_histogram,
            name,
            labels,
        )
    }
}
