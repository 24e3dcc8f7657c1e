//! Data a stream leaves for other filters and for Envoy itself: dynamic
//! metadata (namespaced keys, read by `%DYNAMIC_METADATA(ns:key)%`, routing and
//! other filters) and filter state (keys holding bytes, read by
//! `%FILTER_STATE(key:PLAIN)%` and by filters that look the key up).

use crate::abi;
use crate::ffi::{envoy_bytes, module_buffer};
use crate::http::handle::EnvoyFilterHandle;

/// Where a metadata read looks: the stream's dynamic metadata, or the
/// metadata of its route, cluster or host.
pub type MetadataSource = abi::envoy_dynamic_module_type_metadata_source;

/// The metadata and filter-state part of a stream's handle. Every
/// [`crate::EnvoyHttpFilter`] has it; the fake keeps both in maps.
pub trait EnvoyHttpMetadata {
    /// Sets `key` in namespace `ns` of the stream's dynamic metadata.
    fn set_dynamic_metadata_string(&mut self, ns: &str, key: &str, value: &str);
    /// Sets `key` in namespace `ns` of the stream's dynamic metadata to a number.
    fn set_dynamic_metadata_number(&mut self, ns: &str, key: &str, value: f64);
    /// A string value of `source`'s metadata, if present and a string.
    fn get_metadata_string(&self, source: MetadataSource, ns: &str, key: &str) -> Option<&[u8]>;
    /// A number of `source`'s metadata, if present and a number.
    fn get_metadata_number(&self, source: MetadataSource, ns: &str, key: &str) -> Option<f64>;
    /// Stores `value` under `key` in the stream's filter state, read-only: set
    /// a key once per stream. False when Envoy has no stream info to hold it.
    fn set_filter_state_bytes(&mut self, key: &str, value: &[u8]) -> bool;
    /// The bytes stored under `key` in the stream's filter state.
    fn get_filter_state_bytes(&self, key: &str) -> Option<&[u8]>;
}

const NULL_ENVOY_BUFFER: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

impl EnvoyHttpMetadata for EnvoyFilterHandle {
    fn set_dynamic_metadata_string(&mut self, ns: &str, key: &str, value: &str) {
        // SAFETY: the three buffers are copied by Envoy during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_dynamic_metadata_string(
                self.raw(),
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                module_buffer(value.as_bytes()),
            )
        }
    }

    fn set_dynamic_metadata_number(&mut self, ns: &str, key: &str, value: f64) {
        // SAFETY: both buffers are copied by Envoy during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_dynamic_metadata_number(
                self.raw(),
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                value,
            )
        }
    }

    fn get_metadata_string(&self, source: MetadataSource, ns: &str, key: &str) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: a live handle; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_metadata_string(
                self.raw(),
                source,
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        // SAFETY: Envoy's string lives until the metadata changes, which needs &mut self.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }

    fn get_metadata_number(&self, source: MetadataSource, ns: &str, key: &str) -> Option<f64> {
        let mut out = 0f64;
        // SAFETY: a live handle; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_metadata_number(
                self.raw(),
                source,
                module_buffer(ns.as_bytes()),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        found.then_some(out)
    }

    fn set_filter_state_bytes(&mut self, key: &str, value: &[u8]) -> bool {
        // SAFETY: both buffers are copied by Envoy during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_set_filter_state_bytes(
                self.raw(),
                module_buffer(key.as_bytes()),
                module_buffer(value),
            )
        }
    }

    fn get_filter_state_bytes(&self, key: &str) -> Option<&[u8]> {
        let mut out = NULL_ENVOY_BUFFER;
        // SAFETY: a live handle; `out` is written by Envoy.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_filter_state_bytes(
                self.raw(),
                module_buffer(key.as_bytes()),
                &mut out,
            )
        };
        // SAFETY: the stored object lives as long as the stream's filter state.
        found.then(|| unsafe { envoy_bytes(out.ptr, out.length) })
    }
}
