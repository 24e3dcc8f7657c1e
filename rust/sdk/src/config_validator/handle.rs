//! What a config validator may ask of Envoy while it judges an update, and
//! while its configuration is made. Both callbacks of this kind are `@since`
//! 1.40, so the handle calls them through [`crate::since`], never linked.

use crate::abi;
use crate::ffi::module_buffer;
use crate::since::call;

/// Envoy as seen during one validation. The real implementation is
/// [`EnvoyConfigValidatorHandle`]; unit tests use `testing::FakeConfigValidator`.
pub trait EnvoyConfigValidator {
    /// How many clusters Envoy holds from CDS now, before this update.
    fn dynamic_cluster_count(&self) -> u64;
    /// The reason Envoy gives for the refusal this validation returns (the
    /// SDK's body sets it from the validator's `Err`).
    fn set_rejection_message(&self, message: &str);
}

/// Envoy as seen while a validator configuration is made: nothing to ask
/// (Envoy 1.40 exports no callback on the config pointer).
pub trait EnvoyConfigValidatorConfig {}

/// The real handle, wrapping the `context_envoy_ptr` of the running validation.
pub struct EnvoyConfigValidatorHandle {
    raw: abi::envoy_dynamic_module_type_config_validator_context_envoy_ptr,
}

impl EnvoyConfigValidatorHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current validate call.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_config_validator_context_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyConfigValidator for EnvoyConfigValidatorHandle {
    fn dynamic_cluster_count(&self) -> u64 {
        // SAFETY: a plain call on the live context.
        unsafe {
            call::envoy_dynamic_module_callback_config_validator_get_dynamic_cluster_count(self.raw)
        }
    }

    fn set_rejection_message(&self, message: &str) {
        // SAFETY: Envoy copies the message during the call.
        unsafe {
            call::envoy_dynamic_module_callback_config_validator_set_rejection_message(
                self.raw,
                module_buffer(message.as_bytes()),
            )
        }
    }
}

/// The real config handle (config_new's pointer, unused by any callback).
pub struct EnvoyConfigValidatorConfigHandle {
    _raw: abi::envoy_dynamic_module_type_config_validator_config_envoy_ptr,
}

impl EnvoyConfigValidatorConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_config_validator_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyConfigValidatorConfig for EnvoyConfigValidatorConfigHandle {}
