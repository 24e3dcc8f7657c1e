//! `listener_sni_router` (listener filter): reads the server name (SNI) from
//! a TLS ClientHello without terminating TLS, and sets it as the connection's
//! requested server name (and its transport protocol to `tls`), so that
//! `filter_chain_match.server_names` sends each name to its own chain; those
//! chains then pass the still-encrypted bytes on (`tcp_proxy`).
//!
//! Config (JSON object, optional; unknown fields refused):
//! `{"max_read_bytes": 16389}`: the most bytes Envoy peeks for one
//! ClientHello, 64 to 16389 (a full TLS record, the default).
//!
//! What each connection gets:
//!
//! | first bytes | outcome | counter |
//! |---|---|---|
//! | a ClientHello naming a host | name set (lowercased), chain by name | `listener_sni_router_routed` |
//! | a ClientHello without a name, or split over records | nothing set: the default chain | `listener_sni_router_no_sni` |
//! | not TLS | nothing set: the default chain | `listener_sni_router_not_tls` |
//! | a ClientHello bigger than `max_read_bytes` | nothing set: the default chain | `listener_sni_router_too_large` |
//! | TLS-looking but broken (record over 2^14 bytes, bad lengths, a name that is not a host name) | closed, details `listener_sni_router_malformed` | `listener_sni_router_malformed` |
//! | a truncated ClientHello, or nothing at all | waits; Envoy's `listener_filters_timeout` closes it (the lab: 5 s) | none |
//!
//! Memory per pending connection: Envoy's peek buffer of at most
//! `max_read_bytes`, and a filter of one pointer; the name is copied once.

use crate::shared::client_hello::{self, Hello, MAX_CLIENT_HELLO_RECORD};
use envoy_dm_sdk::listener::{
    EnvoyListenerFilter, EnvoyListenerFilterConfig, ListenerFilter, ListenerFilterConfig,
    ListenerFilterStatus,
};
use envoy_dm_sdk::{BoxError, MetricId};
use std::sync::Arc;

/// The smallest peek that can hold a ClientHello with a short name.
pub const MIN_READ_BYTES: usize = 64;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    max_read_bytes: Option<usize>,
}

pub struct Counters {
    routed: MetricId,
    no_sni: MetricId,
    not_tls: MetricId,
    too_large: MetricId,
    malformed: MetricId,
}

pub struct SniRouterConfig {
    max_read_bytes: usize,
    counters: Arc<Counters>,
}

impl SniRouterConfig {
    pub fn new(
        envoy: &mut impl EnvoyListenerFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let max_read_bytes = if config.iter().all(u8::is_ascii_whitespace) {
            MAX_CLIENT_HELLO_RECORD
        } else {
            let settings: Settings = envoy_dm_sdk::parse_json(config)?;
            let n = settings.max_read_bytes.unwrap_or(MAX_CLIENT_HELLO_RECORD);
            if !(MIN_READ_BYTES..=MAX_CLIENT_HELLO_RECORD).contains(&n) {
                return Err(format!(
                    "max_read_bytes must be {MIN_READ_BYTES} to {MAX_CLIENT_HELLO_RECORD}, got {n}"
                )
                .into());
            }
            n
        };
        let mut counter = |name: &str| envoy.define_counter(&format!("listener_sni_router_{name}"));
        let counters = Counters {
            routed: counter("routed")?,
            no_sni: counter("no_sni")?,
            not_tls: counter("not_tls")?,
            too_large: counter("too_large")?,
            malformed: counter("malformed")?,
        };
        Ok(Self {
            max_read_bytes,
            counters: Arc::new(counters),
        })
    }
}

impl<E: EnvoyListenerFilter> ListenerFilterConfig<E> for SniRouterConfig {
    fn new_listener_filter(&self, _envoy: &mut E) -> Box<dyn ListenerFilter<E>> {
        Box::new(SniRouter {
            max_read_bytes: self.max_read_bytes,
            counters: self.counters.clone(),
        })
    }
}

pub struct SniRouter {
    max_read_bytes: usize,
    counters: Arc<Counters>,
}

impl<E: EnvoyListenerFilter> ListenerFilter<E> for SniRouter {
    fn on_accept(&mut self, _envoy: &mut E) -> ListenerFilterStatus {
        ListenerFilterStatus::StopIteration
    }

    fn on_data(&mut self, envoy: &mut E, _data_length: usize) -> ListenerFilterStatus {
        let c = &self.counters;
        let buffer = envoy.buffer();
        let full = buffer.len() >= self.max_read_bytes;
        let counter = match client_hello::parse(buffer) {
            Hello::NeedMore if !full => return ListenerFilterStatus::StopIteration,
            Hello::NeedMore => c.too_large,
            Hello::NotTls => c.not_tls,
            Hello::NoServerName => {
                envoy.set_detected_transport_protocol("tls");
                c.no_sni
            }
            Hello::ServerName(name) => {
                envoy.set_detected_transport_protocol("tls");
                envoy.set_requested_server_name(&name);
                c.routed
            }
            Hello::Malformed(_) => {
                envoy.increment_counter(c.malformed, 1);
                envoy.close_socket("listener_sni_router_malformed");
                return ListenerFilterStatus::StopIteration;
            }
        };
        envoy.increment_counter(counter, 1);
        ListenerFilterStatus::Continue
    }

    fn max_read_bytes(&self) -> usize {
        self.max_read_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::listener::testing::{FakeListenerConfig, FakeListenerFilter};

    fn run(config: &str, bytes: &[u8]) -> (ListenerFilterStatus, FakeListenerFilter) {
        let config =
            SniRouterConfig::new(&mut FakeListenerConfig::default(), config.as_bytes()).unwrap();
        let mut envoy = FakeListenerFilter::from_peer("127.0.0.1", 1);
        let mut filter = config.new_listener_filter(&mut envoy);
        assert_eq!(
            filter.on_accept(&mut envoy),
            ListenerFilterStatus::StopIteration
        );
        envoy.peeked = bytes.to_vec();
        let status = filter.on_data(&mut envoy, bytes.len());
        (status, envoy)
    }

    #[test]
    fn routes_by_name() {
        let (status, envoy) = run("", &client_hello::build(Some(b"B.lab.test")));
        assert_eq!(status, ListenerFilterStatus::Continue);
        assert_eq!(envoy.server_name.as_deref(), Some("b.lab.test"));
        assert_eq!(envoy.transport_protocol.as_deref(), Some("tls"));
        assert_eq!(envoy.counters, vec![(MetricId(0), 1)]);
    }

    #[test]
    fn no_name_and_plaintext_go_to_the_default_chain() {
        let (status, envoy) = run("{}", &client_hello::build(None));
        assert_eq!(
            (status, envoy.server_name),
            (ListenerFilterStatus::Continue, None)
        );
        let (status, envoy) = run("", b"GET / HTTP/1.1\r\n");
        assert_eq!(
            (status, envoy.server_name.clone()),
            (ListenerFilterStatus::Continue, None)
        );
        assert_eq!(envoy.counters, vec![(MetricId(2), 1)]);
    }

    #[test]
    fn waits_for_a_truncated_hello_until_the_peek_is_full() {
        let hello = client_hello::build(Some(b"a.lab.test"));
        let (status, envoy) = run("", &hello[..20]);
        assert_eq!(status, ListenerFilterStatus::StopIteration);
        assert!(envoy.closed.is_none());
        let (status, envoy) = run(r#"{"max_read_bytes": 64}"#, &hello[..64]);
        assert_eq!(status, ListenerFilterStatus::Continue);
        assert_eq!(envoy.counters, vec![(MetricId(3), 1)]);
    }

    #[test]
    fn an_oversized_record_is_closed() {
        let (status, envoy) = run("", &[0x16, 0x03, 0x01, 0xff, 0xff, 0x01]);
        assert_eq!(status, ListenerFilterStatus::StopIteration);
        assert_eq!(
            envoy.closed.as_deref(),
            Some("listener_sni_router_malformed")
        );
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let mut envoy = FakeListenerConfig::default();
        for (json, want) in [
            (
                r#"{"max_read_bytes": 10}"#,
                "max_read_bytes must be 64 to 16389, got 10",
            ),
            (r#"{"max_read_bytes": 100000}"#, "got 100000"),
            (r#"{"max_read_bytes": -1}"#, "-1"),
            (r#"{"routes": {}}"#, "unknown field `routes`"),
        ] {
            let err = SniRouterConfig::new(&mut envoy, json.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
    }
}
