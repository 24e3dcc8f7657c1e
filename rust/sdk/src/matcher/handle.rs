//! What a matcher may ask of Envoy: during one evaluation, and while its
//! configuration is created.

use crate::abi;
use crate::ffi::{self, envoy_bytes, module_buffer};
use crate::since::{call, MATCHER_SET_ERROR};
use crate::HeaderType;

/// Envoy as seen during one evaluation. The real implementation is
/// [`EnvoyMatcherHandle`]; unit tests use `testing::FakeMatcher`. Header names
/// are lowercase; a map the tree does not have (response headers while a
/// request is routed) reads as empty.
pub trait EnvoyMatcher {
    /// Every value of header `key` in the `map`, in order.
    fn header_values(&self, map: HeaderType, key: &str) -> Vec<&[u8]>;
    /// Every header of the `map`, a (name, value) pair per value.
    fn headers(&self, map: HeaderType) -> Vec<(&[u8], &[u8])>;
}

/// Envoy as seen while a matcher configuration is created. Envoy 1.40 passes
/// no pointer and exports no callback for it, so it has no methods;
/// constructors take it like every other kind's.
pub trait EnvoyMatcherConfig {}

/// The real handle, wrapping the input pointer of the running match hook.
pub struct EnvoyMatcherHandle {
    raw: abi::envoy_dynamic_module_type_matcher_input_envoy_ptr,
}

impl EnvoyMatcherHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current match hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_matcher_input_envoy_ptr) -> Self {
        Self { raw }
    }

    /// Tells Envoy this evaluation is an error (its config's `on_error`
    /// decides); false on Envoys without set_error (before 1.40).
    pub(crate) fn set_error(&self) -> bool {
        match MATCHER_SET_ERROR.get() {
            Some(set_error) => {
                // SAFETY: Envoy's export of set_error; the live input pointer.
                unsafe { set_error(self.raw) };
                true
            }
            None => false,
        }
    }
}

// Every call below goes through since::call (1.38's callbacks): the kind
// exists only on Envoys that export them.
impl EnvoyMatcher for EnvoyMatcherHandle {
    fn header_values(&self, map: HeaderType, key: &str) -> Vec<&[u8]> {
        // SAFETY: the live input pointer; the bytes stay Envoy's for this hook, which the
        // handle (made for one call) does not outlive.
        unsafe {
            ffi::header_values(|index, value, count| {
                call::envoy_dynamic_module_callback_matcher_get_header_value(
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

    fn headers(&self, map: HeaderType) -> Vec<(&[u8], &[u8])> {
        // SAFETY: the live input pointer.
        let n =
            unsafe { call::envoy_dynamic_module_callback_matcher_get_headers_size(self.raw, map) };
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
            call::envoy_dynamic_module_callback_matcher_get_headers(
                self.raw,
                map,
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
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to matcher_config_new (NULL in 1.38 to 1.40).
pub struct EnvoyMatcherConfigHandle {
    _raw: abi::envoy_dynamic_module_type_matcher_config_envoy_ptr,
}

impl EnvoyMatcherConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_matcher_config_envoy_ptr) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyMatcherConfig for EnvoyMatcherConfigHandle {}
