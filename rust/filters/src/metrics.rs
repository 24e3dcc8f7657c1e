//! `metrics`: Envoy stats defined by the module. A histogram `route_latency_ms`
//! labelled by `version` and `route_name`, and a counter `responses_total`
//! labelled by `version` and `status_class` (2xx, 4xx, ... or `none`). Both show
//! on Envoy's admin `/stats/prometheus` under the dynamic-modules stats prefix.
//!
//! Config: `{"version": "v1"}`. Latency is measured by the module, from the
//! stream's start to its completion (Envoy 1.40 serves no request.duration
//! attribute to modules).

use envoy_dm_sdk::{
    AttributeId, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HttpFilter, HttpFilterConfig,
    MetricId,
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
        Ok(Self {
            ids: Arc::new(Ids {
                version: raw.version,
                latency,
                responses,
            }),
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for MetricsConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(Metrics {
            ids: Arc::clone(&self.ids),
            started: Instant::now(),
        })
    }
}

pub struct Metrics {
    ids: Arc<Ids>,
    started: Instant,
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

impl<E: EnvoyHttpFilter> HttpFilter<E> for Metrics {
    fn on_stream_complete(&mut self, envoy: &mut E) {
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
    }

    #[test]
    fn needs_a_version() {
        assert!(MetricsConfig::new(&mut FakeEnvoyConfig::default(), b"{}").is_err());
        assert!(
            MetricsConfig::new(&mut FakeEnvoyConfig::default(), br#"{"version": ""}"#).is_err()
        );
        assert_eq!(status_class(None), "none");
    }
}
