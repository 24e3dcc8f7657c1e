//! Data a stream leaves for other filters and for Envoy itself: dynamic
//! metadata (namespaced keys, read by `%DYNAMIC_METADATA(ns:key)%`, routing and
//! other filters) and filter state (keys holding bytes, read by
//! `%FILTER_STATE(key:PLAIN)%` and by filters that look the key up). The
//! ABI-backed implementation is in handle.rs, beside the rest of the handle.

use crate::abi;

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
