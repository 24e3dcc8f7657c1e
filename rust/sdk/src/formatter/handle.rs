//! What a formatter may ask of Envoy: while one log line is formatted, and
//! while its configuration is created.

use crate::abi;
use crate::ffi::{self, envoy_bytes, module_buffer, EMPTY};
use crate::since::call;
use crate::{AttributeId, HeaderType};

/// Envoy as seen while one log line is formatted. The real implementation is
/// [`EnvoyFormatterHandle`]; unit tests use `testing::FakeFormatter`. Header
/// names are lowercase.
pub trait EnvoyFormatter {
    /// Every value of header `key` in the line's map of `kind`, in order
    /// (none when the line has no such map).
    fn header_values(&self, kind: HeaderType, key: &str) -> Vec<&[u8]>;
    /// A string attribute of the stream (e.g. `SourceAddress`).
    fn attribute_string(&self, id: AttributeId) -> Option<&[u8]>;
    /// An integer attribute of the stream (e.g. `ResponseCode`).
    fn attribute_int(&self, id: AttributeId) -> Option<u64>;
    /// The string at `path` (dot-separated) of dynamic metadata `namespace`.
    fn dynamic_metadata(&self, namespace: &str, path: &str) -> Option<&[u8]>;
}

/// Envoy as seen while a formatter configuration is created. Envoy exports
/// no callback for it, so it has no methods yet; constructors take it like
/// every other kind's.
pub trait EnvoyFormatterConfig {}

/// The real handle, wrapping the context pointer of the running format hook.
pub struct EnvoyFormatterHandle {
    raw: abi::envoy_dynamic_module_type_formatter_context_envoy_ptr,
}

impl EnvoyFormatterHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current format hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_formatter_context_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

// Every call goes through since::call (the callbacks are 1.39's): the kind
// exists only on Envoys that export them.
impl EnvoyFormatter for EnvoyFormatterHandle {
    fn header_values(&self, kind: HeaderType, key: &str) -> Vec<&[u8]> {
        // SAFETY: the live context pointer; the bytes stay Envoy's for this hook, which the
        // handle (made for one call) does not outlive.
        unsafe {
            ffi::header_values(|index, value, count| {
                call::envoy_dynamic_module_callback_formatter_get_header_value(
                    self.raw,
                    kind,
                    module_buffer(key.as_bytes()),
                    value,
                    index,
                    count,
                )
            })
        }
    }

    fn attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        let mut value = EMPTY;
        // SAFETY: the live context pointer; the bytes are Envoy's for this hook.
        unsafe {
            call::envoy_dynamic_module_callback_formatter_get_attribute_string(
                self.raw, id, &mut value,
            )
            .then(|| envoy_bytes(value.ptr, value.length))
        }
    }

    fn attribute_int(&self, id: AttributeId) -> Option<u64> {
        let mut value = 0u64;
        // SAFETY: the live context pointer; `value` is written by Envoy.
        unsafe {
            call::envoy_dynamic_module_callback_formatter_get_attribute_int(
                self.raw, id, &mut value,
            )
            .then_some(value)
        }
    }

    fn dynamic_metadata(&self, namespace: &str, path: &str) -> Option<&[u8]> {
        let mut value = EMPTY;
        // SAFETY: the live context pointer; both names outlive the call; the
        // bytes are Envoy's for this hook.
        unsafe {
            call::envoy_dynamic_module_callback_formatter_get_dynamic_metadata(
                self.raw,
                module_buffer(namespace.as_bytes()),
                module_buffer(path.as_bytes()),
                &mut value,
            )
            .then(|| envoy_bytes(value.ptr, value.length))
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to formatter_config_new.
pub struct EnvoyFormatterConfigHandle {
    _raw: abi::envoy_dynamic_module_type_formatter_config_envoy_ptr,
}

impl EnvoyFormatterConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_formatter_config_envoy_ptr) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyFormatterConfig for EnvoyFormatterConfigHandle {}
