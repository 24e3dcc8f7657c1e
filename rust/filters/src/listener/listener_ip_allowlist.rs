//! `listener_ip_allowlist` (listener filter): accepts or closes a connection by
//! its source address, before Envoy reads a single byte from it.
//!
//! Config (JSON object; unknown fields refused):
//! `{"allow": ["127.0.0.0/8", "::1/128"], "deny": ["127.0.0.2/32"]}`
//!
//! - A source matching any `deny` CIDR is closed, whatever `allow` says.
//! - Otherwise, with a non-empty `allow`, only a source matching one of it is
//!   accepted; with an empty or absent `allow`, everything not denied is.
//! - Both lists empty is refused: the filter would do nothing.
//! - An IPv4-mapped IPv6 source (`::ffff:a.b.c.d`) is matched as IPv4.
//! - A source that is not an IP address (a Unix socket, or unreadable) is
//!   closed: the filter fails closed.
//! - CIDRs must have their host bits zero (`10.0.0.1/8` is refused, naming
//!   `10.0.0.0/8`), so the list reads as what it matches.
//!
//! A closed connection gets termination details `listener_ip_allowlist_denied`;
//! counters `listener_ip_allowlist_allowed` and `listener_ip_allowlist_denied`.
//! Each decision is a linear scan of the lists: no state per connection.

use crate::shared::cidr::Cidr;
use envoy_dm_sdk::listener::{
    EnvoyListenerFilter, EnvoyListenerFilterConfig, ListenerFilter, ListenerFilterConfig,
    ListenerFilterStatus,
};
use envoy_dm_sdk::{BoxError, MetricId};
use std::net::IpAddr;
use std::sync::Arc;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

/// The parsed lists and counters, shared by every connection's filter.
pub struct Rules {
    allow: Vec<Cidr>,
    deny: Vec<Cidr>,
    allowed: MetricId,
    denied: MetricId,
}

pub struct IpAllowlistConfig(Arc<Rules>);

fn parse_list(field: &str, list: &[String]) -> Result<Vec<Cidr>, String> {
    list.iter()
        .enumerate()
        .map(|(i, text)| Cidr::parse(text).map_err(|e| format!("{field}[{i}]: {e}")))
        .collect()
}

impl IpAllowlistConfig {
    pub fn new(
        envoy: &mut impl EnvoyListenerFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        let allow = parse_list("allow", &settings.allow)?;
        let deny = parse_list("deny", &settings.deny)?;
        if allow.is_empty() && deny.is_empty() {
            return Err("allow and deny are both empty; list at least one CIDR".into());
        }
        Ok(Self(Arc::new(Rules {
            allow,
            deny,
            allowed: envoy.define_counter("listener_ip_allowlist_allowed")?,
            denied: envoy.define_counter("listener_ip_allowlist_denied")?,
        })))
    }
}

impl Rules {
    /// Whether a connection from `addr` may go on.
    pub fn admits(&self, addr: IpAddr) -> bool {
        !self.deny.iter().any(|c| c.contains(addr))
            && (self.allow.is_empty() || self.allow.iter().any(|c| c.contains(addr)))
    }
}

impl<E: EnvoyListenerFilter> ListenerFilterConfig<E> for IpAllowlistConfig {
    fn new_listener_filter(&self, _envoy: &mut E) -> Box<dyn ListenerFilter<E>> {
        Box::new(IpAllowlist(self.0.clone()))
    }
}

pub struct IpAllowlist(Arc<Rules>);

impl<E: EnvoyListenerFilter> ListenerFilter<E> for IpAllowlist {
    fn on_accept(&mut self, envoy: &mut E) -> ListenerFilterStatus {
        let config = &self.0;
        let admitted = envoy
            .remote_address()
            .and_then(|(ip, _)| ip.parse::<IpAddr>().ok())
            .is_some_and(|ip| config.admits(ip));
        if admitted {
            envoy.increment_counter(config.allowed, 1);
            ListenerFilterStatus::Continue
        } else {
            envoy.increment_counter(config.denied, 1);
            envoy.close_socket("listener_ip_allowlist_denied");
            ListenerFilterStatus::StopIteration
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::listener::testing::{FakeListenerConfig, FakeListenerFilter};

    fn config(json: &str) -> Result<IpAllowlistConfig, BoxError> {
        IpAllowlistConfig::new(&mut FakeListenerConfig::default(), json.as_bytes())
    }

    fn accept(config: &IpAllowlistConfig, ip: &str) -> FakeListenerFilter {
        let mut envoy = FakeListenerFilter::from_peer(ip, 40000);
        let mut filter = config.new_listener_filter(&mut envoy);
        let status = filter.on_accept(&mut envoy);
        assert_eq!(
            status == ListenerFilterStatus::Continue,
            envoy.closed.is_none()
        );
        envoy
    }

    #[test]
    fn deny_beats_allow() {
        let c = config(r#"{"allow": ["127.0.0.0/8"], "deny": ["127.0.0.2/32"]}"#).unwrap();
        assert!(accept(&c, "127.0.0.1").closed.is_none());
        let denied = accept(&c, "127.0.0.2");
        assert_eq!(
            denied.closed.as_deref(),
            Some("listener_ip_allowlist_denied")
        );
        assert_eq!(denied.counter(c.0.denied), 1);
        assert!(accept(&c, "10.0.0.1").closed.is_some());
        assert!(accept(&c, "::ffff:127.0.0.1").closed.is_none());
        assert!(accept(&c, "::1").closed.is_some());
    }

    #[test]
    fn deny_only_admits_the_rest() {
        let c = config(r#"{"deny": ["10.0.0.0/8", "2001:db8::/32"]}"#).unwrap();
        assert!(accept(&c, "192.0.2.1").closed.is_none());
        assert!(accept(&c, "10.1.2.3").closed.is_some());
        assert!(accept(&c, "2001:db8::1").closed.is_some());
        assert!(accept(&c, "2001:db9::1").closed.is_none());
    }

    #[test]
    fn no_address_is_closed() {
        let c = config(r#"{"deny": ["10.0.0.0/8"]}"#).unwrap();
        let mut envoy = FakeListenerFilter::default();
        let mut filter = c.new_listener_filter(&mut envoy);
        assert_eq!(
            filter.on_accept(&mut envoy),
            ListenerFilterStatus::StopIteration
        );
        assert!(envoy.closed.is_some());
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        for (json, want) in [
            ("{}", "both empty"),
            (r#"{"allow": []}"#, "both empty"),
            (
                r#"{"allow": ["10.0.0.1/8"]}"#,
                "did you mean \"10.0.0.0/8\"",
            ),
            (
                r#"{"allow": ["10.0.0.0/33"]}"#,
                "allow[0]: \"10.0.0.0/33\": prefix length must be 0 to 32",
            ),
            (
                r#"{"deny": ["nonsense"]}"#,
                "deny[0]: \"nonsense\" is not an IP address",
            ),
            (r#"{"allow": "10.0.0.0/8"}"#, "invalid type"),
            (r#"{"alow": []}"#, "unknown field `alow`"),
        ] {
            let err = config(json).err().unwrap().to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
        assert!(config("").is_err());
    }

    #[test]
    fn zero_prefix_matches_everything_of_its_family() {
        let c = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(c.contains("203.0.113.9".parse().unwrap()));
        assert!(!c.contains("::2".parse().unwrap()));
        assert!(Cidr::parse("::/0")
            .unwrap()
            .contains("::2".parse().unwrap()));
    }
}
