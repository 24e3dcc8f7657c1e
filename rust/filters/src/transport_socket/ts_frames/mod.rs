//! `ts_frames`: a length-prefixed framing socket between two Envoys. Every
//! write leaves as frames `[u32 big-endian length][payload]` of at most
//! `max_frame_bytes`; every read is parsed back into plain bytes. A header
//! announcing 0 or more than `max_frame_bytes` (the first bytes of a
//! plaintext client read that way) closes the connection with that failure
//! reason, before any of its payload is read: the socket holds at most one
//! outgoing frame and four header bytes, whatever the peer sends.
//!
//! The same socket serves both ends: a cluster's `transport_socket`
//! (upstream, Envoy connects) and a filter chain's (downstream, Envoy
//! accepts). Config (a JSON object): `{"max_frame_bytes": 16384}` (1 to
//! 16 MiB, default 16384); both ends must agree, as a frame over the
//! reader's maximum is refused.
//!
//! Counts, per filter in lab_status: `frames_in`, `frames_out`, `bytes_in`,
//! `bytes_out` (payload bytes) and `refused` (connections closed on a bad
//! frame).

pub mod frame;
pub mod socket;

use envoy_dm_sdk::transport_socket::handle::required;
use envoy_dm_sdk::transport_socket::{
    EnvoyTransportSocket, EnvoyTransportSocketConfig, TransportSocket, TransportSocketConfig,
};
use envoy_dm_sdk::BoxError;
use frame::LIMIT_FRAME_BYTES;
use serde::Deserialize;
use socket::{Counters, FramesSocket};

/// The name this socket is registered under.
pub const NAME: &str = "ts_frames";

/// The default largest payload of one frame.
pub const DEFAULT_MAX_FRAME_BYTES: u32 = 16384;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default = "default_max")]
    max_frame_bytes: u64,
}

fn default_max() -> u64 {
    DEFAULT_MAX_FRAME_BYTES as u64
}

/// One configured framing socket, shared by every worker.
pub struct FramesConfig {
    max_frame_bytes: u32,
    counters: Counters,
}

impl FramesConfig {
    /// The format is the same whichever end (`is_upstream`) this config serves.
    pub fn new(
        _envoy: &mut impl EnvoyTransportSocketConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        required()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.max_frame_bytes == 0 || raw.max_frame_bytes > LIMIT_FRAME_BYTES as u64 {
            return Err(format!(
                "max_frame_bytes must be between 1 and {LIMIT_FRAME_BYTES}, not {}",
                raw.max_frame_bytes
            )
            .into());
        }
        Ok(Self {
            max_frame_bytes: raw.max_frame_bytes as u32,
            counters: Counters::of(NAME),
        })
    }

    pub fn max_frame_bytes(&self) -> u32 {
        self.max_frame_bytes
    }
}

impl<E: EnvoyTransportSocket> TransportSocketConfig<E> for FramesConfig {
    fn new_transport_socket(&self, _envoy: &mut E) -> Box<dyn TransportSocket<E>> {
        Box::new(FramesSocket::new(self.max_frame_bytes, self.counters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::transport_socket::testing::FakeTransportSocketConfig;

    fn new(config: &str) -> Result<u32, String> {
        FramesConfig::new(&mut FakeTransportSocketConfig::default(), config.as_bytes())
            .map(|c| c.max_frame_bytes())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_refusals() {
        assert_eq!(new("{}").unwrap(), DEFAULT_MAX_FRAME_BYTES);
        assert_eq!(new(r#"{"max_frame_bytes": 5}"#).unwrap(), 5);
        assert!(new(r#"{"max_frame_bytes": 0}"#)
            .unwrap_err()
            .contains("between 1 and 16777216"));
        assert!(new(r#"{"max_frame_bytes": 16777217}"#)
            .unwrap_err()
            .contains("not 16777217"));
        assert!(new(r#"{"max_frame": 5}"#)
            .unwrap_err()
            .contains("unknown field"));
        assert!(new("").unwrap_err().contains("empty"));
        assert!(new("[1]").unwrap_err().contains("JSON object"));
    }
}
