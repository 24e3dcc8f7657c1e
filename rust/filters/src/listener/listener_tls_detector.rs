//! `listener_tls_detector` (listener filter): peeks at the first three bytes
//! of a connection and sets its transport protocol to `tls` (a TLS handshake
//! record: `16 03 00..04`) or `raw_buffer` (anything else), so that
//! `filter_chain_match.transport_protocol` sends TLS and plaintext to
//! different chains of one port. It reads no further and terminates nothing.
//!
//! Config: absent or `{}`.
//!
//! - A plaintext client is decided on its first byte that breaks the pattern
//!   (usually the first), so it waits for no more than it sent.
//! - A client that sends nothing is left to Envoy's `listener_filters_timeout`
//!   (the lab sets 5 s): then it is closed, since the listener does not set
//!   `continue_on_listener_filters_timeout`. Protocols where the server speaks
//!   first do not belong behind this filter.
//! - SSLv2-style hellos are not TLS here.
//! - Envoy peeks at most 3 bytes for this filter: the memory it holds per
//!   pending connection is that, plus a zero-sized filter.
//!
//! Counters `listener_tls_detector_tls` and `listener_tls_detector_plaintext`.

use crate::shared::client_hello::looks_like_tls;
use envoy_dm_sdk::listener::{
    EnvoyListenerFilter, EnvoyListenerFilterConfig, ListenerFilter, ListenerFilterConfig,
    ListenerFilterStatus,
};
use envoy_dm_sdk::{BoxError, MetricId};

/// Bytes the filter needs to decide.
pub const PEEK_BYTES: usize = 3;

pub struct TlsDetectorConfig {
    tls: MetricId,
    plaintext: MetricId,
}

impl TlsDetectorConfig {
    pub fn new(
        envoy: &mut impl EnvoyListenerFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        if !config.iter().all(u8::is_ascii_whitespace) {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct NoSettings {}
            let NoSettings {} = envoy_dm_sdk::parse_json(config)?;
        }
        Ok(Self {
            tls: envoy.define_counter("listener_tls_detector_tls")?,
            plaintext: envoy.define_counter("listener_tls_detector_plaintext")?,
        })
    }
}

impl<E: EnvoyListenerFilter> ListenerFilterConfig<E> for TlsDetectorConfig {
    fn new_listener_filter(&self, _envoy: &mut E) -> Box<dyn ListenerFilter<E>> {
        Box::new(TlsDetector {
            tls: self.tls,
            plaintext: self.plaintext,
        })
    }
}

pub struct TlsDetector {
    tls: MetricId,
    plaintext: MetricId,
}

impl<E: EnvoyListenerFilter> ListenerFilter<E> for TlsDetector {
    fn on_accept(&mut self, _envoy: &mut E) -> ListenerFilterStatus {
        ListenerFilterStatus::StopIteration
    }

    fn on_data(&mut self, envoy: &mut E, _data_length: usize) -> ListenerFilterStatus {
        let (protocol, counter) = match looks_like_tls(envoy.buffer()) {
            None => return ListenerFilterStatus::StopIteration,
            Some(true) => ("tls", self.tls),
            Some(false) => ("raw_buffer", self.plaintext),
        };
        envoy.set_detected_transport_protocol(protocol);
        envoy.increment_counter(counter, 1);
        ListenerFilterStatus::Continue
    }

    fn max_read_bytes(&self) -> usize {
        PEEK_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::listener::testing::{FakeListenerConfig, FakeListenerFilter};

    fn detect(bytes: &[u8]) -> (ListenerFilterStatus, Option<String>) {
        let config = TlsDetectorConfig::new(&mut FakeListenerConfig::default(), b"").unwrap();
        let mut envoy = FakeListenerFilter::from_peer("127.0.0.1", 1);
        let mut filter = config.new_listener_filter(&mut envoy);
        assert_eq!(
            filter.on_accept(&mut envoy),
            ListenerFilterStatus::StopIteration
        );
        assert_eq!(filter.max_read_bytes(), 3);
        envoy.peeked = bytes.to_vec();
        let status = filter.on_data(&mut envoy, bytes.len());
        (status, envoy.transport_protocol)
    }

    #[test]
    fn tells_tls_from_plaintext() {
        let hello = crate::shared::client_hello::build(Some(b"a.lab.test"));
        assert_eq!(
            detect(&hello[..3]),
            (ListenerFilterStatus::Continue, Some("tls".into()))
        );
        assert_eq!(
            detect(b"GET"),
            (ListenerFilterStatus::Continue, Some("raw_buffer".into()))
        );
        assert_eq!(
            detect(b"G"),
            (ListenerFilterStatus::Continue, Some("raw_buffer".into()))
        );
        assert_eq!(detect(&[0x16]), (ListenerFilterStatus::StopIteration, None));
        assert_eq!(detect(&[0x16, 0x03, 0x09]).1, Some("raw_buffer".into()));
    }

    #[test]
    fn takes_no_settings() {
        let mut envoy = FakeListenerConfig::default();
        assert!(TlsDetectorConfig::new(&mut envoy, b"{}").is_ok());
        let err = TlsDetectorConfig::new(&mut envoy, br#"{"peek": 5}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("unknown field `peek`"), "{err}");
    }
}
