//! A fake of the matching data input's Envoy handles for unit tests.

use super::{EnvoyMatcherDataInput, EnvoyMatcherDataInputConfig};
use crate::HeaderType;

/// One evaluation's worth of Envoy state: the request's headers, in order,
/// one entry per value (pseudo-headers such as `:path` included).
#[derive(Debug, Default, Clone)]
pub struct FakeMatcherDataInput {
    pub request_headers: Vec<(String, Vec<u8>)>,
}

impl FakeMatcherDataInput {
    /// An evaluation of a request with these headers.
    pub fn with_headers(headers: &[(&str, &str)]) -> Self {
        Self {
            // Envoy keeps header names lowercase.
            request_headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.as_bytes().to_vec()))
                .collect(),
        }
    }
}

impl EnvoyMatcherDataInput for FakeMatcherDataInput {
    fn header_values(&self, map: HeaderType, key: &str) -> Vec<&[u8]> {
        if map != HeaderType::RequestHeader {
            return Vec::new();
        }
        self.request_headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
            .collect()
    }
}

/// A data input configuration being created.
#[derive(Debug, Default)]
pub struct FakeMatcherDataInputConfig;

impl EnvoyMatcherDataInputConfig for FakeMatcherDataInputConfig {}
