//! The stream handle: what a filter may ask of Envoy during one HTTP stream.

use crate::abi;
use crate::{AttributeId, HeaderType};

/// Envoy as seen from one stream. The real implementation is
/// [`EnvoyFilterHandle`]; unit tests use `testing::FakeEnvoyFilter`.
///
/// Byte slices returned here borrow Envoy's memory: the borrow checker keeps
/// them from outliving the next change to the stream, as the ABI requires.
pub trait EnvoyHttpFilter {
    /// The first value of header `key` (lowercase), if present.
    fn get_header(&self, kind: HeaderType, key: &str) -> Option<&[u8]>;
    /// Every (name, value) of a header map, pseudo-headers included, in order.
    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])>;
    /// Replaces every value of `key` with `value`. An empty value removes the
    /// header (Envoy 1.40 cannot store an empty value through this ABI).
    fn set_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool;
    /// Appends a value to `key`, keeping the existing ones.
    fn add_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool;
    /// Removes every value of `key`.
    fn remove_header(&mut self, kind: HeaderType, key: &str) -> bool {
        self.set_header(kind, key, b"")
    }
    /// A string attribute, when Envoy knows it at this point of the stream.
    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]>;
    /// An integer attribute, when Envoy knows it at this point of the stream.
    fn get_attribute_int(&self, id: AttributeId) -> Option<u64>;
    /// Answers the stream from Envoy with a local reply. The calling hook should
    /// then return a Stop status.
    fn send_response(&mut self, status: u32, headers: &[(&str, &[u8])], body: &[u8], details: &str);
}

/// The real handle: a thin wrapper of the `filter_envoy_ptr` Envoy passes to
/// every stream hook.
pub struct EnvoyFilterHandle {
    raw: abi::envoy_dynamic_module_type_http_filter_envoy_ptr,
}

impl EnvoyFilterHandle {
    /// # Safety
    /// `raw` must be the live filter pointer Envoy passed to the current hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_http_filter_envoy_ptr) -> Self {
        Self { raw }
    }

    pub fn raw(&self) -> abi::envoy_dynamic_module_type_http_filter_envoy_ptr {
        self.raw
    }
}

/// Lends module bytes to Envoy for the duration of one call.
pub(crate) fn module_buffer(bytes: &[u8]) -> abi::envoy_dynamic_module_type_module_buffer {
    abi::envoy_dynamic_module_type_module_buffer {
        ptr: bytes.as_ptr().cast(),
        length: bytes.len(),
    }
}

/// Views Envoy-owned bytes as a slice.
///
/// # Safety
/// `ptr`..`ptr+len` must be readable for the returned lifetime.
pub(crate) unsafe fn envoy_bytes<'a>(ptr: *const core::ffi::c_char, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        core::slice::from_raw_parts(ptr.cast(), len)
    }
}

const NULL_ENVOY_BUFFER: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

impl EnvoyHttpFilter for EnvoyFilterHandle {
    fn get_header(&self, kind: HeaderType, key: &str) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: the handle is live for the hook; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_header(
                self.raw,
                kind,
                module_buffer(key.as_bytes()),
                &mut out,
                0,
                core::ptr::null_mut(),
            )
        };
        // SAFETY: Envoy's value stays valid until the stream changes, which needs &mut self.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }

    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])> {
        // SAFETY: as above; the array is sized by the count Envoy reports.
        unsafe {
            let n = abi::envoy_dynamic_module_callback_http_get_headers_size(self.raw, kind);
            let mut raw = vec![
                abi::envoy_dynamic_module_type_envoy_http_header {
                    key_ptr: core::ptr::null(),
                    key_length: 0,
                    value_ptr: core::ptr::null(),
                    value_length: 0,
                };
                n
            ];
            if n == 0
                || !abi::envoy_dynamic_module_callback_http_get_headers(
                    self.raw,
                    kind,
                    raw.as_mut_ptr(),
                )
            {
                return Vec::new();
            }
            raw.iter()
                .map(|h| {
                    (
                        envoy_bytes(h.key_ptr, h.key_length),
                        envoy_bytes(h.value_ptr, h.value_length),
                    )
                })
                .collect()
        }
    }

    fn set_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool {
        // SAFETY: both buffers are read by Envoy during the call only.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_header(
                self.raw,
                kind,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn add_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) -> bool {
        // SAFETY: both buffers are read by Envoy during the call only.
        unsafe {
            abi::envoy_dynamic_module_callback_http_add_header(
                self.raw,
                kind,
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: the handle is live; the string lives for the current hook.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_filter_get_attribute_string(
                self.raw, id, &mut out,
            )
        };
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }

    fn get_attribute_int(&self, id: AttributeId) -> Option<u64> {
        let mut out = 0u64;
        // SAFETY: the handle is live; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_filter_get_attribute_int(self.raw, id, &mut out)
        };
        found.then_some(out)
    }

    fn send_response(
        &mut self,
        status: u32,
        headers: &[(&str, &[u8])],
        body: &[u8],
        details: &str,
    ) {
        let mut raw: Vec<abi::envoy_dynamic_module_type_module_http_header> = headers
            .iter()
            .map(|(k, v)| abi::envoy_dynamic_module_type_module_http_header {
                key_ptr: k.as_ptr().cast(),
                key_length: k.len(),
                value_ptr: v.as_ptr().cast(),
                value_length: v.len(),
            })
            .collect();
        // SAFETY: every buffer outlives the call, which is when Envoy reads them.
        unsafe {
            abi::envoy_dynamic_module_callback_http_send_response(
                self.raw,
                status,
                raw.as_mut_ptr(),
                raw.len(),
                module_buffer(body),
                module_buffer(details.as_bytes()),
            )
        }
    }
}
