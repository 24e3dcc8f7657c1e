//! Fakes of the access logger's Envoy handles for unit tests.

use super::handle::UNSET_TIMING;
use super::{BytesInfo, EnvoyAccessLog, EnvoyAccessLoggerConfig, TimingInfo};
use crate::{AttributeId, HeaderType, MetricId};
use std::collections::HashMap;

/// One log event's worth of Envoy state.
#[derive(Debug, Clone)]
pub struct FakeAccessLog {
    /// Headers per map; a map that is absent reads as empty.
    pub headers: HashMap<HeaderType, Vec<(String, Vec<u8>)>>,
    pub string_attributes: HashMap<AttributeId, Vec<u8>>,
    pub int_attributes: HashMap<AttributeId, u64>,
    pub response_code: Option<u32>,
    pub response_code_details: Option<String>,
    pub response_flags: u64,
    pub protocol: Option<String>,
    pub timing: TimingInfo,
    pub bytes: BytesInfo,
    /// (id, value) of every counter increment.
    pub counters: Vec<(MetricId, u64)>,
}

impl Default for FakeAccessLog {
    fn default() -> Self {
        Self {
            headers: HashMap::new(),
            string_attributes: HashMap::new(),
            int_attributes: HashMap::new(),
            response_code: None,
            response_code_details: None,
            response_flags: 0,
            protocol: None,
            timing: UNSET_TIMING,
            bytes: BytesInfo {
                bytes_received: 0,
                bytes_sent: 0,
                wire_bytes_received: 0,
                wire_bytes_sent: 0,
            },
            counters: Vec::new(),
        }
    }
}

impl FakeAccessLog {
    /// A finished request with these request headers and response code.
    pub fn with_request(headers: &[(&str, &str)], code: u32) -> Self {
        let mut this = Self {
            response_code: Some(code),
            ..Self::default()
        };
        for (k, v) in headers {
            this.add_header(HeaderType::RequestHeader, k, v.as_bytes());
        }
        this
    }

    pub fn add_header(&mut self, kind: HeaderType, key: &str, value: &[u8]) {
        self.headers
            .entry(kind)
            .or_default()
            .push((key.to_string(), value.to_vec()));
    }

    /// The sum of increments of counter `id`.
    pub fn counter(&self, id: MetricId) -> u64 {
        self.counters
            .iter()
            .filter(|(i, _)| *i == id)
            .map(|(_, v)| v)
            .sum()
    }
}

impl EnvoyAccessLog for FakeAccessLog {
    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])> {
        self.headers
            .get(&kind)
            .map(|h| {
                h.iter()
                    .map(|(k, v)| (k.as_bytes(), v.as_slice()))
                    .collect()
            })
            .unwrap_or_default()
    }
    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        self.string_attributes.get(&id).map(|v| v.as_slice())
    }
    fn get_attribute_int(&self, id: AttributeId) -> Option<u64> {
        self.int_attributes.get(&id).copied()
    }
    fn response_code(&self) -> Option<u32> {
        self.response_code
    }
    fn response_code_details(&self) -> Option<&[u8]> {
        self.response_code_details.as_deref().map(str::as_bytes)
    }
    fn response_flags(&self) -> u64 {
        self.response_flags
    }
    fn protocol(&self) -> Option<&[u8]> {
        self.protocol.as_deref().map(str::as_bytes)
    }
    fn timing_info(&self) -> TimingInfo {
        self.timing
    }
    fn bytes_info(&self) -> BytesInfo {
        self.bytes
    }
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        self.counters.push((id, value));
        true
    }
}

/// An access logger configuration being created: records defined counters.
#[derive(Debug, Default)]
pub struct FakeAccessLoggerConfig {
    pub counters: Vec<String>,
}

impl EnvoyAccessLoggerConfig for FakeAccessLoggerConfig {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        self.counters.push(name.to_string());
        Ok(MetricId(self.counters.len() - 1))
    }
}
