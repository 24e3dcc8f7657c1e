//! What a matching data input may ask of Envoy: during one evaluation, and
//! while its configuration is created.

use crate::abi;
use crate::ffi::{self, module_buffer};
use crate::since::call;
use crate::HeaderType;

/// Envoy as seen during one evaluation. The real implementation is
/// [`EnvoyMatcherDataInputHandle`]; unit tests use
/// `testing::FakeMatcherDataInput`. A map the tree does not have (response
/// headers while a request is routed) reads as empty.
pub trait EnvoyMatcherDataInput {
    /// Every value of header `key` in the `map`, in order.
    fn header_values(&self, map: HeaderType, key: &str) -> Vec<&[u8]>;
}

/// Envoy as seen while a data input configuration is created. Envoy 1.40
/// passes no pointer and exports no callback for it, so it has no methods;
/// constructors take it like every other kind's.
pub trait EnvoyMatcherDataInputConfig {}

/// The real handle, wrapping the pointer of the running get hook.
pub struct EnvoyMatcherDataInputHandle {
    raw: abi::envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
}

impl EnvoyMatcherDataInputHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current get hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_matcher_data_input_envoy_ptr,
    ) -> Self {
        Self { raw }
    }

    /// Hands Envoy this evaluation's value (Envoy copies it).
    pub(crate) fn set_result(&self, value: &[u8]) {
        // SAFETY: the live pointer; the bytes outlive the call.
        unsafe {
            call::envoy_dynamic_module_callback_matcher_data_input_set_result(
                self.raw,
                module_buffer(value),
            )
        }
    }
}

// Every call goes through since::call (1.40's callbacks): the kind exists only
// on Envoys that export them.
impl EnvoyMatcherDataInput for EnvoyMatcherDataInputHandle {
    fn header_values(&self, map: HeaderType, key: &str) -> Vec<&[u8]> {
        // SAFETY: the live pointer; the bytes stay Envoy's for this hook, which the
        // handle (made for one call) does not outlive.
        unsafe {
            ffi::header_values(|index, value, count| {
                call::envoy_dynamic_module_callback_matcher_data_input_get_header_value(
                    self.raw,
                    map,
                    module_buffer(key.as_bytes()),
                    value,
                    index,
                    count,
                )
            })
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to matcher_data_input_config_new (NULL in 1.40).
pub struct EnvoyMatcherDataInputConfigHandle {
    _raw: abi::envoy_dynamic_module_type_matcher_data_input_config_envoy_ptr,
}

impl EnvoyMatcherDataInputConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_matcher_data_input_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyMatcherDataInputConfig for EnvoyMatcherDataInputConfigHandle {}
