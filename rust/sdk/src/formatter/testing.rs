//! A fake of the formatter's Envoy handles for unit tests.

use super::{EnvoyFormatter, EnvoyFormatterConfig};
use crate::{AttributeId, HeaderType};

/// One log line's worth of Envoy state: its request and response headers (in
/// order, one entry per value), and the string attributes and dynamic
/// metadata it was given.
#[derive(Debug, Default, Clone)]
pub struct FakeFormatter {
    pub request_headers: Vec<(String, Vec<u8>)>,
    pub response_headers: Vec<(String, Vec<u8>)>,
    pub strings: Vec<(AttributeId, Vec<u8>)>,
    pub ints: Vec<(AttributeId, u64)>,
    /// (namespace, path, value)
    pub metadata: Vec<(String, String, Vec<u8>)>,
}

impl FakeFormatter {
    /// A line whose request had these headers (values as raw bytes).
    pub fn with_request_headers(headers: &[(&str, &[u8])]) -> Self {
        Self {
            request_headers: headers
                .iter()
                // Envoy keeps header names lowercase.
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_vec()))
                .collect(),
            ..Self::default()
        }
    }
}

impl EnvoyFormatter for FakeFormatter {
    fn header_values(&self, kind: HeaderType, key: &str) -> Vec<&[u8]> {
        let map = match kind {
            HeaderType::RequestHeader => &self.request_headers,
            HeaderType::ResponseHeader => &self.response_headers,
            _ => return Vec::new(),
        };
        map.iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
            .collect()
    }
    fn attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        self.strings
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, v)| v.as_slice())
    }
    fn attribute_int(&self, id: AttributeId) -> Option<u64> {
        self.ints.iter().find(|(i, _)| *i == id).map(|(_, v)| *v)
    }
    fn dynamic_metadata(&self, namespace: &str, path: &str) -> Option<&[u8]> {
        self.metadata
            .iter()
            .find(|(n, p, _)| n == namespace && p == path)
            .map(|(_, _, v)| v.as_slice())
    }
}

/// A formatter configuration being created.
#[derive(Debug, Default)]
pub struct FakeFormatterConfig;

impl EnvoyFormatterConfig for FakeFormatterConfig {}
