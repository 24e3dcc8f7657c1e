//! Fakes of the listener filter's Envoy handles for unit tests.

use super::{EnvoyListenerFilter, EnvoyListenerFilterConfig};
use crate::MetricId;

/// One accepted connection's worth of Envoy state.
#[derive(Debug, Default, Clone)]
pub struct FakeListenerFilter {
    pub remote: Option<(String, u32)>,
    /// What `buffer()` returns: the bytes "peeked" so far.
    pub peeked: Vec<u8>,
    pub transport_protocol: Option<String>,
    pub server_name: Option<String>,
    /// The details of `close_socket`, once called.
    pub closed: Option<String>,
    /// (id, value) of every counter increment.
    pub counters: Vec<(MetricId, u64)>,
}

impl FakeListenerFilter {
    /// A connection from `ip:port`.
    pub fn from_peer(ip: &str, port: u32) -> Self {
        Self {
            remote: Some((ip.to_string(), port)),
            ..Self::default()
        }
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

impl EnvoyListenerFilter for FakeListenerFilter {
    fn remote_address(&self) -> Option<(String, u32)> {
        self.remote.clone()
    }
    fn buffer(&self) -> &[u8] {
        &self.peeked
    }
    fn set_detected_transport_protocol(&mut self, protocol: &str) {
        // Envoy ignores an empty value; so does the fake.
        if !protocol.is_empty() {
            self.transport_protocol = Some(protocol.to_string());
        }
    }
    fn set_requested_server_name(&mut self, name: &str) {
        if !name.is_empty() {
            self.server_name = Some(name.to_string());
        }
    }
    fn close_socket(&mut self, details: &str) {
        self.closed = Some(details.to_string());
    }
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        self.counters.push((id, value));
        true
    }
}

/// A listener filter configuration being created: records defined counters.
#[derive(Debug, Default)]
pub struct FakeListenerConfig {
    pub counters: Vec<String>,
}

impl EnvoyListenerFilterConfig for FakeListenerConfig {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        self.counters.push(name.to_string());
        Ok(MetricId(self.counters.len() - 1))
    }
}
