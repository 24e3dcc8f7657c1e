//! The network filter configuration handle: what a filter may ask of Envoy
//! while its configuration is created (main thread).

use crate::abi;
use crate::abi::network as net;
use crate::ffi::define_labelless;
use crate::MetricId;

/// Envoy as seen while a network filter configuration is created. Network
/// metrics in ABI v0.2.0 have no labels.
pub trait EnvoyNetworkFilterConfig {
    /// Defines a counter. Only possible during creation.
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String>;
    /// Defines a gauge. Only possible during creation.
    fn define_gauge(&mut self, name: &str) -> Result<MetricId, String>;
}

/// The real handle, wrapping the pointer Envoy passes to network_filter_config_new.
pub struct EnvoyNetworkConfigHandle {
    raw: net::envoy_dynamic_module_type_network_filter_config_envoy_ptr,
}

impl EnvoyNetworkConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running network_filter_config_new.
    pub unsafe fn from_raw(
        raw: net::envoy_dynamic_module_type_network_filter_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }

    fn define(
        &mut self,
        define: unsafe extern "C" fn(
            net::envoy_dynamic_module_type_network_filter_config_envoy_ptr,
            abi::envoy_dynamic_module_type_module_buffer,
            *mut usize,
        ) -> abi::envoy_dynamic_module_type_metrics_result,
        name: &str,
    ) -> Result<MetricId, String> {
        // SAFETY: `raw` is the pointer of the running network_filter_config_new.
        unsafe { define_labelless(self.raw, define, "metric", name) }
    }
}

impl EnvoyNetworkFilterConfig for EnvoyNetworkConfigHandle {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        self.define(
            net::envoy_dynamic_module_callback_network_filter_config_define_counter,
            name,
        )
    }

    fn define_gauge(&mut self, name: &str) -> Result<MetricId, String> {
        self.define(
            net::envoy_dynamic_module_callback_network_filter_config_define_gauge,
            name,
        )
    }
}
