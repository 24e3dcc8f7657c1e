//! `udp_dns_gateway` (UDP listener filter): answers DNS A queries for the
//! names in its config from the config, passes every other query on to the
//! next UDP filter (in the lab, `udp_proxy` to an upstream resolver), and
//! drops datagrams that are not DNS queries.
//!
//! Config (JSON object; unknown fields refused):
//! `{"records": {"a.lab.test": ["10.0.0.1"], "b.lab.test": ["10.0.0.2", "10.0.0.3"]}, "ttl": 60}`
//!
//! - `records`: 1 or more names, each with 1 to 8 IPv4 addresses. Names are
//!   matched case-insensitively, without a trailing dot; a name must be a
//!   valid host name (letters, digits, `-`, `_`, labels of 1-63, at most 253).
//! - `ttl`: seconds, 0 to 86400, default 60.
//!
//! What each datagram gets:
//!
//! | datagram | outcome | counter |
//! |---|---|---|
//! | a QUERY (opcode 0) for a configured name, class IN, type A or ANY | an authoritative answer with its addresses, from the listener's address | `udp_dns_gateway_answered` |
//! | the same with another type (AAAA, MX, ...) | an authoritative NOERROR with no records: the name is ours | `udp_dns_gateway_answered` |
//! | any other well-formed query | passed on to the next filter | `udp_dns_gateway_forwarded` |
//! | shorter than a header, a response (QR=1), no question, a truncated or over-long name, a compression loop or forward pointer, a reserved label type | dropped | `udp_dns_gateway_malformed` |
//!
//! Only the first question is read; the rest of the packet is passed on
//! untouched. Memory: nothing is kept between datagrams; one datagram costs
//! at most one name (255 bytes) and one answer (under 512 bytes).

pub mod dns_message;

use self::dns_message::{parse_query, CLASS_IN};
use envoy_dm_sdk::udp::{
    EnvoyUdpListenerFilter, EnvoyUdpListenerFilterConfig, UdpListenerFilter,
    UdpListenerFilterConfig, UdpListenerFilterStatus,
};
use envoy_dm_sdk::{BoxError, MetricId};
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;

/// The most addresses one name may have: the answer stays under 512 bytes.
pub const MAX_ADDRESSES: usize = 8;
pub const MAX_TTL: u32 = 86_400;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    records: BTreeMap<String, Vec<String>>,
    #[serde(default = "default_ttl")]
    ttl: u32,
}

fn default_ttl() -> u32 {
    60
}

pub struct Zone {
    records: HashMap<String, Vec<Ipv4Addr>>,
    ttl: u32,
    answered: MetricId,
    forwarded: MetricId,
    malformed: MetricId,
}

pub struct DnsGatewayConfig(Arc<Zone>);

fn check_name(name: &str) -> Result<String, String> {
    let key = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let ok = !key.is_empty()
        && key.len() <= 253
        && key.split('.').all(|l| (1..=63).contains(&l.len()))
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(key)
    } else {
        Err(format!("records: {name:?} is not a valid host name"))
    }
}

impl DnsGatewayConfig {
    pub fn new(
        envoy: &mut impl EnvoyUdpListenerFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        if settings.records.is_empty() {
            return Err("records is empty; list at least one name".into());
        }
        if settings.ttl > MAX_TTL {
            return Err(format!("ttl must be 0 to {MAX_TTL}, got {}", settings.ttl).into());
        }
        let mut records = HashMap::new();
        for (name, addresses) in &settings.records {
            let key = check_name(name)?;
            if addresses.is_empty() || addresses.len() > MAX_ADDRESSES {
                return Err(format!(
                    "records[{name:?}]: 1 to {MAX_ADDRESSES} addresses, got {}",
                    addresses.len()
                )
                .into());
            }
            let parsed = addresses
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    a.parse::<Ipv4Addr>().map_err(|_| {
                        format!("records[{name:?}][{i}]: {a:?} is not an IPv4 address")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if records.insert(key.clone(), parsed).is_some() {
                return Err(format!("records: {key:?} is listed twice").into());
            }
        }
        Ok(Self(Arc::new(Zone {
            records,
            ttl: settings.ttl,
            answered: envoy.define_counter("udp_dns_gateway_answered")?,
            forwarded: envoy.define_counter("udp_dns_gateway_forwarded")?,
            malformed: envoy.define_counter("udp_dns_gateway_malformed")?,
        })))
    }
}

impl DnsGatewayConfig {
    /// What the filter does with `datagram` (for tests and fuzzing).
    pub fn decide(&self, datagram: &[u8]) -> Decision {
        self.0.decide(datagram)
    }
}

/// What the gateway does with one datagram.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Answer(Vec<u8>),
    Forward,
    Drop(dns_message::Malformed),
}

impl Zone {
    pub fn decide(&self, datagram: &[u8]) -> Decision {
        let query = match parse_query(datagram) {
            Ok(q) => q,
            Err(why) => return Decision::Drop(why),
        };
        if query.opcode != 0 || query.qclass != CLASS_IN {
            return Decision::Forward;
        }
        match self.records.get(&query.name()) {
            Some(addresses) => Decision::Answer(dns_message::answer(&query, addresses, self.ttl)),
            None => Decision::Forward,
        }
    }
}

impl<E: EnvoyUdpListenerFilter> UdpListenerFilterConfig<E> for DnsGatewayConfig {
    fn new_udp_listener_filter(&self, _envoy: &mut E) -> Box<dyn UdpListenerFilter<E>> {
        Box::new(DnsGateway(self.0.clone()))
    }
}

pub struct DnsGateway(Arc<Zone>);

impl<E: EnvoyUdpListenerFilter> UdpListenerFilter<E> for DnsGateway {
    fn on_data(&mut self, envoy: &mut E) -> UdpListenerFilterStatus {
        let zone = &self.0;
        let decision = zone.decide(&envoy.datagram());
        match decision {
            Decision::Answer(answer) => {
                envoy.send_to_peer(&answer);
                envoy.increment_counter(zone.answered, 1);
                UdpListenerFilterStatus::StopIteration
            }
            Decision::Forward => {
                envoy.increment_counter(zone.forwarded, 1);
                UdpListenerFilterStatus::Continue
            }
            Decision::Drop(_) => {
                envoy.increment_counter(zone.malformed, 1);
                UdpListenerFilterStatus::StopIteration
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dns_message::{build_query, read_answer, Malformed, TYPE_A};
    use super::*;
    use envoy_dm_sdk::udp::testing::{FakeUdpConfig, FakeUdpListenerFilter};

    const LAB: &str = r#"{"records": {"a.lab.test": ["10.0.0.1"], "B.lab.test.": ["10.0.0.2", "10.0.0.3"]}, "ttl": 30}"#;

    fn config(json: &str) -> Result<DnsGatewayConfig, BoxError> {
        DnsGatewayConfig::new(&mut FakeUdpConfig::default(), json.as_bytes())
    }

    fn send(
        config: &DnsGatewayConfig,
        datagram: &[u8],
    ) -> (UdpListenerFilterStatus, FakeUdpListenerFilter) {
        let mut envoy = FakeUdpListenerFilter::with_datagram(datagram);
        let mut filter = config.new_udp_listener_filter(&mut envoy);
        let status = filter.on_data(&mut envoy);
        (status, envoy)
    }

    #[test]
    fn answers_configured_names() {
        let c = config(LAB).unwrap();
        let (status, envoy) = send(&c, &build_query(9, "b.LAB.test", TYPE_A));
        assert_eq!(status, UdpListenerFilterStatus::StopIteration);
        let (id, addrs) = read_answer(&envoy.sent[0]).unwrap();
        assert_eq!(id, 9);
        assert_eq!(
            addrs,
            vec![Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 3)]
        );
        assert_eq!(envoy.counter(c.0.answered), 1);
    }

    #[test]
    fn forwards_other_names_and_drops_garbage() {
        let c = config(LAB).unwrap();
        let (status, envoy) = send(&c, &build_query(1, "example.org", TYPE_A));
        assert_eq!(status, UdpListenerFilterStatus::Continue);
        assert!(envoy.sent.is_empty());
        assert_eq!(envoy.counter(c.0.forwarded), 1);
        for garbage in [&b""[..], b"hello", &[0u8; 12]] {
            let (status, envoy) = send(&c, garbage);
            assert_eq!(status, UdpListenerFilterStatus::StopIteration);
            assert_eq!(envoy.counter(c.0.malformed), 1);
        }
        let mut looped = build_query(1, "", TYPE_A);
        looped.truncate(12);
        looped.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(
            c.0.decide(&looped),
            Decision::Drop(Malformed::ForwardPointer)
        );
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        for (json, want) in [
            (r#"{"records": {}}"#, "records is empty"),
            (r#"{"records": {"a": []}}"#, "1 to 8 addresses, got 0"),
            (
                r#"{"records": {"a": ["::1"]}}"#,
                "\"::1\" is not an IPv4 address",
            ),
            (
                r#"{"records": {"a b": ["10.0.0.1"]}}"#,
                "\"a b\" is not a valid host name",
            ),
            (
                r#"{"records": {"a": ["10.0.0.1"], "A.": ["10.0.0.2"]}}"#,
                "listed twice",
            ),
            (
                r#"{"records": {"a": ["10.0.0.1"]}, "ttl": 100000}"#,
                "ttl must be 0 to 86400",
            ),
            (
                r#"{"records": {"a": ["10.0.0.1"]}, "tll": 1}"#,
                "unknown field `tll`",
            ),
            (r#"{"ttl": 1}"#, "missing field `records`"),
        ] {
            let err = config(json).err().unwrap().to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
    }
}
