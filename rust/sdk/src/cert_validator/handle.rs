//! What a certificate validator may ask of Envoy during a handshake: the
//! connection's filter state, and (through its verdict) the reason of a
//! failure. Every callback of this kind is `@since` 1.38 (1.37 has no such
//! kind), so the handles call them through [`crate::since`], never linked.

use crate::abi;
use crate::ffi::{envoy_bytes, module_buffer};
use crate::since::{self, call};

/// Envoy as seen by a validator during one do_verify_cert_chain. The real
/// implementation is [`EnvoyCertValidatorHandle`]; unit tests use
/// `testing::FakeCertValidator`.
pub trait EnvoyCertValidator {
    /// Sets a string in the connection's filter state (read-only, for the
    /// connection's life); false when Envoy refuses (e.g. the key is taken).
    fn set_filter_state(&mut self, key: &str, value: &[u8]) -> bool;
    /// A string of the connection's filter state.
    fn filter_state(&self, key: &str) -> Option<&[u8]>;
    /// The reason of a refusal, for Envoy's log (the body calls it with a
    /// [`Verdict::Refused`](super::Verdict)'s details).
    fn set_error_details(&mut self, details: &str);
}

/// Envoy as seen while a validator configuration is created. Nothing is
/// asked of it yet; the trait keeps every kind's constructor alike.
pub trait EnvoyCertValidatorConfig {}

/// The real handle, wrapping the `config_envoy_ptr` of the running
/// do_verify_cert_chain.
pub struct EnvoyCertValidatorHandle {
    raw: abi::envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
}

impl EnvoyCertValidatorHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running
    /// do_verify_cert_chain.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyCertValidator for EnvoyCertValidatorHandle {
    fn set_filter_state(&mut self, key: &str, value: &[u8]) -> bool {
        if since::CERT_VALIDATOR_SET_FILTER_STATE.get().is_none() {
            return false;
        }
        // SAFETY: the pointer is live during the hook this handle lives in;
        // Envoy copies both buffers during the call.
        unsafe {
            call::envoy_dynamic_module_callback_cert_validator_set_filter_state(
                self.raw,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn filter_state(&self, key: &str) -> Option<&[u8]> {
        since::CERT_VALIDATOR_GET_FILTER_STATE.get()?;
        let mut out = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        // SAFETY: as set_filter_state; Envoy's bytes stay valid during the hook.
        unsafe {
            let found = call::envoy_dynamic_module_callback_cert_validator_get_filter_state(
                self.raw,
                module_buffer(key.as_bytes()),
                &mut out,
            );
            (found && !out.ptr.is_null()).then(|| envoy_bytes(out.ptr, out.length))
        }
    }

    fn set_error_details(&mut self, details: &str) {
        if since::CERT_VALIDATOR_SET_ERROR_DETAILS.get().is_none() {
            return;
        }
        // SAFETY: as set_filter_state; Envoy copies the bytes.
        unsafe {
            call::envoy_dynamic_module_callback_cert_validator_set_error_details(
                self.raw,
                module_buffer(details.as_bytes()),
            )
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy passes
/// to cert_validator_config_new.
pub struct EnvoyCertValidatorConfigHandle {
    _raw: abi::envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
}

impl EnvoyCertValidatorConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyCertValidatorConfig for EnvoyCertValidatorConfigHandle {}
