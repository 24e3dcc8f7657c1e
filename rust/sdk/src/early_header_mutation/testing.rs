//! A fake of the early header mutation's Envoy handles for unit tests.

use super::{EnvoyEarlyHeaderMutation, EnvoyEarlyHeaderMutationConfig};
use crate::AttributeId;

/// One request's worth of Envoy state: its headers, in order, one entry per
/// value, and the client's address.
#[derive(Debug, Default, Clone)]
pub struct FakeEarlyHeaderMutation {
    pub headers: Vec<(String, Vec<u8>)>,
    /// `SourceAddress`, as Envoy gives it (`ip:port`).
    pub source_address: Option<String>,
}

impl FakeEarlyHeaderMutation {
    /// A request with these headers from 127.0.0.1:40000.
    pub fn with_headers(headers: &[(&str, &str)]) -> Self {
        Self {
            headers: headers
                .iter()
                // Envoy keeps header names lowercase.
                .map(|(k, v)| (k.to_ascii_lowercase(), v.as_bytes().to_vec()))
                .collect(),
            source_address: Some("127.0.0.1:40000".to_string()),
        }
    }

    /// The same, from `address` (`ip:port`, or None for none).
    pub fn from(mut self, address: Option<&str>) -> Self {
        self.source_address = address.map(str::to_string);
        self
    }

    /// The header names present, in order, each once.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (k, _) in &self.headers {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
        names
    }
}

impl EnvoyEarlyHeaderMutation for FakeEarlyHeaderMutation {
    fn header_values(&self, key: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
            .collect()
    }
    fn headers(&self) -> Vec<(&[u8], &[u8])> {
        self.headers
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_slice()))
            .collect()
    }
    fn set_header(&mut self, key: &str, value: &[u8]) -> bool {
        if key.is_empty() {
            return false;
        }
        self.remove_header(key);
        self.headers
            .push((key.to_ascii_lowercase(), value.to_vec()));
        true
    }
    fn add_header(&mut self, key: &str, value: &[u8]) -> bool {
        if key.is_empty() {
            return false;
        }
        self.headers
            .push((key.to_ascii_lowercase(), value.to_vec()));
        true
    }
    fn remove_header(&mut self, key: &str) -> bool {
        if key.is_empty() {
            return false;
        }
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        true
    }
    fn attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        match id {
            AttributeId::SourceAddress => self.source_address.as_deref().map(str::as_bytes),
            _ => None,
        }
    }
    fn attribute_int(&self, id: AttributeId) -> Option<u64> {
        match id {
            AttributeId::ConnectionId => Some(1),
            _ => None,
        }
    }
}

/// An early header mutation configuration being created.
#[derive(Debug, Default)]
pub struct FakeEarlyHeaderMutationConfig;

impl EnvoyEarlyHeaderMutationConfig for FakeEarlyHeaderMutationConfig {}
