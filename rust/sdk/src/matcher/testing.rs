//! A fake of the matcher's Envoy handles for unit tests.

use super::{EnvoyMatcher, EnvoyMatcherConfig};
use crate::HeaderType;

/// One evaluation's worth of Envoy state: the request's headers (and the
/// response's, when the tree has them), in order, one entry per value.
#[derive(Debug, Default, Clone)]
pub struct FakeMatcher {
    pub request_headers: Vec<(String, Vec<u8>)>,
    pub response_headers: Vec<(String, Vec<u8>)>,
}

impl FakeMatcher {
    /// An evaluation of a request with these headers (no response yet).
    pub fn with_headers(headers: &[(&str, &str)]) -> Self {
        Self {
            // Envoy keeps header names lowercase.
            request_headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.as_bytes().to_vec()))
                .collect(),
            response_headers: Vec::new(),
        }
    }

    fn map(&self, map: HeaderType) -> &[(String, Vec<u8>)] {
        match map {
            HeaderType::RequestHeader => &self.request_headers,
            HeaderType::ResponseHeader => &self.response_headers,
            // The tree hands a matcher no request trailers; response trailers
            // are not modelled.
            HeaderType::RequestTrailer | HeaderType::ResponseTrailer => &[],
        }
    }
}

impl EnvoyMatcher for FakeMatcher {
    fn header_values(&self, map: HeaderType, key: &str) -> Vec<&[u8]> {
        self.map(map)
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
            .collect()
    }
    fn headers(&self, map: HeaderType) -> Vec<(&[u8], &[u8])> {
        self.map(map)
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_slice()))
            .collect()
    }
}

/// A matcher configuration being created.
#[derive(Debug, Default)]
pub struct FakeMatcherConfig;

impl EnvoyMatcherConfig for FakeMatcherConfig {}
