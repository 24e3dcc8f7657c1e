//! What an early header mutation may ask of Envoy: during one request's
//! mutate, and while its configuration is created.

use crate::abi;
use crate::ffi::{self, envoy_bytes, module_buffer, EMPTY};
use crate::since::call;
use crate::AttributeId;

/// Envoy as seen during one request's mutate. The real implementation is
/// [`EnvoyEarlyHeaderMutationHandle`]; unit tests use
/// `testing::FakeEarlyHeaderMutation`. Header names are lowercase.
pub trait EnvoyEarlyHeaderMutation {
    /// Every value of request header `key`, in order.
    fn header_values(&self, key: &str) -> Vec<&[u8]>;
    /// Every request header, a (name, value) pair per value.
    fn headers(&self) -> Vec<(&[u8], &[u8])>;
    /// Replaces every value of `key` with `value`; false for an empty key.
    fn set_header(&mut self, key: &str, value: &[u8]) -> bool;
    /// Adds a value to `key`; false for an empty key.
    fn add_header(&mut self, key: &str, value: &[u8]) -> bool;
    /// Removes every value of `key` (absent is success); false for an empty key.
    fn remove_header(&mut self, key: &str) -> bool;
    /// A string attribute; only the connection's and the request's own are set
    /// this early (e.g. `SourceAddress`, `ip:port`).
    fn attribute_string(&self, id: AttributeId) -> Option<&[u8]>;
    /// An integer attribute (e.g. `ConnectionId`).
    fn attribute_int(&self, id: AttributeId) -> Option<u64>;
}

/// Envoy as seen while an early header mutation configuration is created.
/// Envoy 1.40 exports no callback for it (no metrics, no log of its own), so
/// it has no methods yet; constructors take it like every other kind's.
pub trait EnvoyEarlyHeaderMutationConfig {}

/// The real handle, wrapping the context pointer of the running mutate hook.
pub struct EnvoyEarlyHeaderMutationHandle {
    raw: abi::envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
}

impl EnvoyEarlyHeaderMutationHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current mutate hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_early_header_mutation_context_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

// Every call below goes through since::call (the callbacks are 1.40's): the
// kind exists only on Envoys that export them.
impl EnvoyEarlyHeaderMutation for EnvoyEarlyHeaderMutationHandle {
    fn header_values(&self, key: &str) -> Vec<&[u8]> {
        // SAFETY: the live context pointer; the bytes stay Envoy's for this hook, which the
        // handle (made for one call) does not outlive.
        unsafe {
            ffi::header_values(|index, value, count| {
                call::envoy_dynamic_module_callback_early_header_mutation_get_header_value(
                    self.raw,
                    module_buffer(key.as_bytes()),
                    value,
                    index,
                    count,
                )
            })
        }
    }

    fn headers(&self) -> Vec<(&[u8], &[u8])> {
        // SAFETY: the live context pointer.
        let n = unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_get_headers_size(self.raw)
        };
        if n == 0 {
            return Vec::new();
        }
        let mut headers = vec![
            abi::envoy_dynamic_module_type_envoy_http_header {
                key_ptr: core::ptr::null(),
                key_length: 0,
                value_ptr: core::ptr::null(),
                value_length: 0,
            };
            n
        ];
        // SAFETY: the array is sized by the count Envoy reported in this hook.
        if !unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_get_headers(
                self.raw,
                headers.as_mut_ptr(),
            )
        } {
            return Vec::new();
        }
        headers
            .iter()
            // SAFETY: Envoy's bytes, valid for this hook.
            .map(|h| unsafe {
                (
                    envoy_bytes(h.key_ptr, h.key_length),
                    envoy_bytes(h.value_ptr, h.value_length),
                )
            })
            .collect()
    }

    fn set_header(&mut self, key: &str, value: &[u8]) -> bool {
        // SAFETY: the live context pointer; Envoy copies both buffers.
        unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_set_header(
                self.raw,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn add_header(&mut self, key: &str, value: &[u8]) -> bool {
        // SAFETY: as set_header.
        unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_add_header(
                self.raw,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn remove_header(&mut self, key: &str) -> bool {
        // SAFETY: the live context pointer; Envoy reads the key during the call.
        unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_remove_header(
                self.raw,
                module_buffer(key.as_bytes()),
            )
        }
    }

    fn attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        let mut value = EMPTY;
        // SAFETY: the live context pointer; the bytes are Envoy's for this hook.
        unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_get_attribute_string(
                self.raw, id, &mut value,
            )
            .then(|| envoy_bytes(value.ptr, value.length))
        }
    }

    fn attribute_int(&self, id: AttributeId) -> Option<u64> {
        let mut value = 0u64;
        // SAFETY: the live context pointer; `value` is written by Envoy.
        unsafe {
            call::envoy_dynamic_module_callback_early_header_mutation_get_attribute_int(
                self.raw, id, &mut value,
            )
            .then_some(value)
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to early_header_mutation_config_new.
pub struct EnvoyEarlyHeaderMutationConfigHandle {
    _raw: abi::envoy_dynamic_module_type_early_header_mutation_config_envoy_ptr,
}

impl EnvoyEarlyHeaderMutationConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_early_header_mutation_config_envoy_ptr,
    ) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyEarlyHeaderMutationConfig for EnvoyEarlyHeaderMutationConfigHandle {}
