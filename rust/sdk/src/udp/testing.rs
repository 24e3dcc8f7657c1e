//! Fakes of the UDP listener filter's Envoy handles for unit tests.

use super::{EnvoyUdpListenerFilter, EnvoyUdpListenerFilterConfig};
use crate::MetricId;
use std::borrow::Cow;

/// One datagram's worth of Envoy state.
#[derive(Debug, Default, Clone)]
pub struct FakeUdpListenerFilter {
    pub data: Vec<u8>,
    pub peer: Option<(String, u32)>,
    /// Every datagram sent back to the peer.
    pub sent: Vec<Vec<u8>>,
    /// (id, value) of every counter increment.
    pub counters: Vec<(MetricId, u64)>,
}

impl FakeUdpListenerFilter {
    /// A datagram `data` from 127.0.0.1:5353.
    pub fn with_datagram(data: &[u8]) -> Self {
        Self {
            data: data.to_vec(),
            peer: Some(("127.0.0.1".to_string(), 5353)),
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

impl EnvoyUdpListenerFilter for FakeUdpListenerFilter {
    fn datagram(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn peer_address(&self) -> Option<(String, u32)> {
        self.peer.clone()
    }
    fn send_to_peer(&mut self, data: &[u8]) -> bool {
        self.sent.push(data.to_vec());
        true
    }
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        self.counters.push((id, value));
        true
    }
}

/// A UDP listener filter configuration being created: records defined counters.
#[derive(Debug, Default)]
pub struct FakeUdpConfig {
    pub counters: Vec<String>,
}

impl EnvoyUdpListenerFilterConfig for FakeUdpConfig {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        self.counters.push(name.to_string());
        Ok(MetricId(self.counters.len() - 1))
    }
}
