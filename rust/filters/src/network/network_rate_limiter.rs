//! `network_rate_limiter`: at most `max_connections` connections at once
//! through one configured filter (one listener's chain, all workers together).
//! Put it before `tcp_proxy`.
//!
//! Config (JSON; a StringValue, since Envoy turns Struct numbers into strings):
//! `{"max_connections": N, "stat_prefix": "network_rate_limiter"}`; N from 1 to
//! 1,000,000, `stat_prefix` optional (letters, digits, `_`, `.`), unknown fields
//! refused.
//!
//! Behaviour:
//! - a connection over the limit is closed at once, before any byte is read or
//!   any upstream connection is made, with termination details
//!   `network_rate_limiter_over_limit`; it counts in `{stat_prefix}.rejected`;
//! - an admitted connection counts in `{stat_prefix}.accepted` and in the gauge
//!   `{stat_prefix}.active` until it closes, by either side; its slot is free
//!   again as soon as Envoy reports the close;
//! - the limit is on concurrent connections, not on a rate: nothing is timed.
//!
//! Memory: one atomic counter per configuration, nothing per connection.

pub use crate::shared::stat_prefix::check_stat_prefix;
use envoy_dm_sdk::network::{
    CloseType, ConnectionEvent, EnvoyNetworkFilter, EnvoyNetworkFilterConfig, NetworkFilter,
    NetworkFilterConfig, NetworkFilterStatus,
};
use envoy_dm_sdk::BoxError;
use envoy_dm_sdk::MetricId;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub const MAX_LIMIT: u64 = 1_000_000;
pub const OVER_LIMIT_DETAILS: &str = "network_rate_limiter_over_limit";

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    max_connections: i64,
    #[serde(default = "default_prefix")]
    stat_prefix: String,
}

fn default_prefix() -> String {
    "network_rate_limiter".into()
}

pub struct RateLimiterConfig {
    pub max_connections: u64,
    active: Arc<AtomicU64>,
    accepted: MetricId,
    rejected: MetricId,
    active_gauge: MetricId,
}

impl RateLimiterConfig {
    pub fn new(envoy: &mut impl EnvoyNetworkFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        if !(1..=MAX_LIMIT as i64).contains(&settings.max_connections) {
            return Err(format!(
                "max_connections must be 1 to {MAX_LIMIT}, got {}",
                settings.max_connections
            )
            .into());
        }
        check_stat_prefix(&settings.stat_prefix)?;
        let p = &settings.stat_prefix;
        Ok(Self {
            max_connections: settings.max_connections as u64,
            active: Arc::new(AtomicU64::new(0)),
            accepted: envoy.define_counter(&format!("{p}.accepted"))?,
            rejected: envoy.define_counter(&format!("{p}.rejected"))?,
            active_gauge: envoy.define_gauge(&format!("{p}.active"))?,
        })
    }

    /// Connections holding a slot now.
    pub fn active(&self) -> u64 {
        self.active.load(Ordering::Acquire)
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilterConfig<E> for RateLimiterConfig {
    fn new_network_filter(&self, _envoy: &mut E) -> Box<dyn NetworkFilter<E>> {
        Box::new(RateLimiter {
            max: self.max_connections,
            active: Arc::clone(&self.active),
            accepted: self.accepted,
            rejected: self.rejected,
            active_gauge: self.active_gauge,
            holds_slot: false,
        })
    }
}

pub struct RateLimiter {
    max: u64,
    active: Arc<AtomicU64>,
    accepted: MetricId,
    rejected: MetricId,
    active_gauge: MetricId,
    holds_slot: bool,
}

impl RateLimiter {
    fn release(&mut self) -> bool {
        let held = std::mem::take(&mut self.holds_slot);
        if held {
            self.active.fetch_sub(1, Ordering::AcqRel);
        }
        held
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilter<E> for RateLimiter {
    fn on_new_connection(&mut self, envoy: &mut E) -> NetworkFilterStatus {
        // Take a slot first, then check: two workers racing for the last slot
        // cannot both win.
        if self.active.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.active.fetch_sub(1, Ordering::AcqRel);
            envoy.increment_counter(self.rejected, 1);
            envoy_dm_sdk::envoy_log!(
                Debug,
                "network_rate_limiter: connection {} refused: {} connections in use",
                envoy.connection_id(),
                self.max
            );
            envoy.close(CloseType::NoFlush, OVER_LIMIT_DETAILS);
            return NetworkFilterStatus::StopIteration;
        }
        self.holds_slot = true;
        envoy.increment_counter(self.accepted, 1);
        envoy.increment_gauge(self.active_gauge, 1);
        NetworkFilterStatus::Continue
    }

    fn on_event(&mut self, envoy: &mut E, event: ConnectionEvent) {
        if matches!(
            event,
            ConnectionEvent::RemoteClose | ConnectionEvent::LocalClose
        ) && self.release()
        {
            envoy.decrement_gauge(self.active_gauge, 1);
        }
    }
}

impl Drop for RateLimiter {
    /// A connection destroyed without a close event still gives its slot back.
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::network::testing::{FakeConnection, FakeNetworkConfig};

    fn config(json: &str) -> Result<(RateLimiterConfig, FakeNetworkConfig), BoxError> {
        let mut envoy = FakeNetworkConfig::default();
        RateLimiterConfig::new(&mut envoy, json.as_bytes()).map(|c| (c, envoy))
    }

    #[test]
    fn bad_configs() {
        for (json, want) in [
            ("", "filter_config is empty"),
            (
                r#"{"max_connections": 0}"#,
                "max_connections must be 1 to 1000000, got 0",
            ),
            (r#"{"max_connections": -3}"#, "got -3"),
            (r#"{"max_connections": "2"}"#, "invalid type"),
            (r#"{}"#, "missing field `max_connections`"),
            (
                r#"{"max_connections": 2, "stat_prefix": "a b"}"#,
                "stat_prefix",
            ),
            (
                r#"{"max_connections": 2, "limit": 1}"#,
                "unknown field `limit`",
            ),
        ] {
            let err = config(json).err().unwrap().to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
    }

    #[test]
    fn the_n_plus_first_is_closed_and_slots_come_back() {
        let (config, envoy) = config(r#"{"max_connections": 2}"#).unwrap();
        let rejected = envoy.id("network_rate_limiter.rejected").unwrap().0;
        let gauge = envoy.id("network_rate_limiter.active").unwrap().0;
        let mut conns: Vec<FakeConnection> = (0..3).map(|_| FakeConnection::new()).collect();
        let mut filters: Vec<_> = conns
            .iter_mut()
            .map(|c| NetworkFilterConfig::<FakeConnection>::new_network_filter(&config, c))
            .collect();
        assert_eq!(
            filters[0].on_new_connection(&mut conns[0]),
            NetworkFilterStatus::Continue
        );
        assert_eq!(
            filters[1].on_new_connection(&mut conns[1]),
            NetworkFilterStatus::Continue
        );
        assert_eq!(
            filters[2].on_new_connection(&mut conns[2]),
            NetworkFilterStatus::StopIteration
        );
        assert_eq!(
            conns[2].closed,
            Some((CloseType::NoFlush, OVER_LIMIT_DETAILS.into()))
        );
        assert_eq!(conns[2].counters.get(&rejected), Some(&1));
        assert_eq!(config.active(), 2);
        // The refused connection's own close does not free anybody's slot.
        filters[2].on_event(&mut conns[2], ConnectionEvent::LocalClose);
        assert_eq!(config.active(), 2);
        filters[0].on_event(&mut conns[0], ConnectionEvent::RemoteClose);
        assert_eq!(config.active(), 1);
        assert_eq!(conns[0].gauges.get(&gauge), Some(&0));
        // Dropped without an event: the slot still comes back.
        drop(filters.remove(1));
        assert_eq!(config.active(), 0);
    }
}
