//! `metrics`: Envoy stats defined by the module. A histogram `route_latency_ms`
//! labelled by `version` and `route_name`, a counter `responses_total`
//! labelled by `version` and `status_class` (2xx, 4xx, ... or `none`), a gauge
//! `requests_in_flight` labelled by `version` and `method`, and a counter
//! `local_replies_total` labelled by `version`, `status` and `details`, fed by
//! the local_reply hook. All show on Envoy's admin `/stats/prometheus` under the
//! dynamic-modules stats prefix.
//!
//! Config: `{"version": "v1"}`. Latency is measured by the module, from the
//! stream's start to its completion (Envoy 1.40 serves no request.duration
//! attribute to modules).
//!
//! The gauge rises when the request headers reach the filter and falls in
//! on_stream_complete, which every stream passes once, completed, reset or
//! answered locally; with the same labels, so each series returns to 0.

use envoy_dm_sdk::{
    AttributeId, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter,
    HttpFilterConfig, LocalReplyStatus, MetricId, RequestHeadersStatus,
};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Instant;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    version: String,
}

struct Ids {
    version: String,
    latency: MetricId,
    responses: MetricId,
    in_flight: MetricId,
    local_replies: MetricId,
}

pub struct MetricsConfig {
    ids: Arc<Ids>,
}

impl MetricsConfig {
    pub fn new(envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.version.is_empty() {
            return Err("version must not be empty".into());
        }
        let latency = envoy.define_histogram("route_latency_ms", &["version", "route_name"])?;
        let responses = envoy.define_counter("responses_total", &["version", "status_class"])?;
        let in_flight = envoy.define_gauge("requests_in_flight", &["version", "method"])?;
        let local_replies =
            envoy.define_counter("local_replies_total", &["version", "status", "details"])?;
        Ok(Self {
            ids: Arc::new(Ids {
                version: raw.version,
                latency,
                responses,
                in_flight,
                local_replies,
            }),
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for MetricsConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(Metrics {
            ids: Arc::clone(&self.ids),
            started: Instant::now(),
            in_flight: None,
        })
    }
}

pub struct Metrics {
    ids: Arc<Ids>,
    started: Instant,
    /// The method label the gauge was raised with, until it is lowered.
    in_flight: Option<String>,
}

/// `2xx` for 200..=299 and so on; `none` when the stream ended without a status.
pub fn status_class(code: Option<u64>) -> &'static str {
    match code {
        Some(100..=199) => "1xx",
        Some(200..=299) => "2xx",
        Some(300..=399) => "3xx",
        Some(400..=499) => "4xx",
        Some(500..=599) => "5xx",
        _ => "none",
    }
}

/// A label for the method: the common ones as sent, anything else `other`,
/// so a client cannot mint series.
fn method_label(method: Option<&[u8]>) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    let method = method.unwrap_or_default();
    KNOWN
        .into_iter()
        .find(|m| m.as_bytes() == method)
        .unwrap_or("other")
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for Metrics {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        let method = method_label(envoy.get_header(HeaderType::RequestHeader, ":method"));
        if self.in_flight.is_none() {
            envoy.increment_gauge(self.ids.in_flight, &[&self.ids.version, method], 1);
            self.in_flight = Some(method.to_string());
        }
        RequestHeadersStatus::Continue
    }

    fn on_local_reply(
        &mut self,
        envoy: &mut E,
        status: u32,
        details: &str,
        _reset_imminent: bool,
    ) -> LocalReplyStatus {
        let status = status.to_string();
        let labels = [self.ids.version.as_str(), &status, details];
        envoy.increment_counter(self.ids.local_replies, &labels, 1);
        LocalReplyStatus::Continue
    }

    fn on_stream_complete(&mut self, envoy: &mut E) {
        if let Some(method) = self.in_flight.take() {
            envoy.decrement_gauge(self.ids.in_flight, &[&self.ids.version, &method], 1);
        }
        let elapsed_ms = self.started.elapsed().as_millis() as u64;
        let route = envoy
            .get_attribute_string(AttributeId::XdsRouteName)
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .unwrap_or_else(|| "none".to_string());
        let class = status_class(envoy.get_attribute_int(AttributeId::ResponseCode));
        let version = self.ids.version.as_str();
        envoy.record_histogram(self.ids.latency, &[version, &route], elapsed_ms);
        envoy.increment_counter(self.ids.responses, &[version, class], 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    #[test]
    fn records_latency_by_route_and_counts_by_class() {
        let mut envoy_config = FakeEnvoyConfig::default();
        let config = MetricsConfig::new(&mut envoy_config, br#"{"version": "v7"}"#).unwrap();
        assert_eq!(
            envoy_config.defined[0],
            (
                "route_latency_ms".into(),
                vec!["version".into(), "route_name".into()]
            )
        );
        let mut envoy = FakeEnvoyFilter::default();
        envoy
            .string_attributes
            .insert(AttributeId::XdsRouteName, b"to_echo".to_vec());
        envoy.int_attributes.insert(AttributeId::ResponseCode, 404);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_stream_complete(&mut envoy);
        assert_eq!(envoy.histograms[0].1, ["v7", "to_echo"]);
        assert_eq!(
            envoy.counters,
            [(MetricId(1), vec!["v7".into(), "4xx".into()], 1)]
        );
        // Never raised (the headers never reached it), so never lowered.
        assert!(envoy.gauges.is_empty());
    }

    #[test]
    fn the_gauge_rises_once_and_falls_once_with_the_same_labels() {
        let config =
            MetricsConfig::new(&mut FakeEnvoyConfig::default(), br#"{"version": "v1"}"#).unwrap();
        let in_flight = MetricId(2);
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":method", "BREW")]);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, false);
        assert_eq!(envoy.gauge_value(in_flight, &["v1", "other"]), 1);
        filter.on_stream_complete(&mut envoy);
        filter.on_stream_complete(&mut envoy);
        assert_eq!(envoy.gauge_value(in_flight, &["v1", "other"]), 0);
        assert_eq!(envoy.gauges.len(), 2);
    }

    #[test]
    fn counts_local_replies_by_status_and_details() {
        let config =
            MetricsConfig::new(&mut FakeEnvoyConfig::default(), br#"{"version": "v1"}"#).unwrap();
        let mut envoy = FakeEnvoyFilter::default();
        let mut filter = config.new_http_filter(&mut envoy);
        let status = filter.on_local_reply(&mut envoy, 404, "direct_response", false);
        assert_eq!(status, LocalReplyStatus::Continue);
        assert_eq!(
            envoy.counters,
            [(
                MetricId(3),
                vec!["v1".into(), "404".into(), "direct_response".into()],
                1
            )]
        );
    }

    #[test]
    fn needs_a_version() {
        assert!(MetricsConfig::new(&mut FakeEnvoyConfig::default(), b"{}").is_err());
        assert!(
            MetricsConfig::new(&mut FakeEnvoyConfig::default(), br#"{"version": ""}"#).is_err()
        );
        assert_eq!(status_class(None), "none");
        assert_eq!(method_label(Some(b"GET")), "GET");
        assert_eq!(method_label(None), "other");
    }
}
