//! What an HTTP/1 header formatter may ask of Envoy: nothing yet. Envoy 1.40
//! exports no callback for this kind; the handles exist so that constructors
//! take one like every other kind's, and so that a later Envoy's callbacks
//! have a place.

use crate::abi;

/// Envoy as seen by one formatter (no methods in Envoy 1.40).
pub trait EnvoyHeaderFormatter {}

/// Envoy as seen while a formatter configuration is created (no methods in
/// Envoy 1.40).
pub trait EnvoyHeaderFormatterConfig {}

/// The real handle, wrapping the formatter pointer Envoy passes to each hook.
pub struct EnvoyHeaderFormatterHandle {
    _raw: abi::envoy_dynamic_module_type_header_formatter_envoy_ptr,
}

impl EnvoyHeaderFormatterHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_header_formatter_envoy_ptr) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyHeaderFormatter for EnvoyHeaderFormatterHandle {}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to header_formatter_config_new.
pub struct EnvoyHeaderFormatterConfigHandle {
    _raw: abi::envoy_dynamic_module_type_header_formatter_config_envoy_ptr,
}

impl EnvoyHeaderFormatterConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_header_formatter_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyHeaderFormatterConfig for EnvoyHeaderFormatterConfigHandle {}
