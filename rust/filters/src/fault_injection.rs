//! `fault_injection`: a test-only filter that panics in one chosen phase, to
//! prove the SDK's barrier: the stream fails closed, one line is logged, and
//! Envoy keeps serving.
//!
//! Config: `{"phase": "config" | "request_headers" | "request_body" |
//! "response_headers" | "response_body" | "stream_complete"}`. The filter refuses
//! every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`, so a
//! shipped configuration can never enable it by accident.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HttpFilter, HttpFilterConfig,
    RequestBodyStatus, RequestHeadersStatus, ResponseBodyStatus, ResponseHeadersStatus,
};
use serde::Deserialize;

pub const ENABLE_ENV: &str = "DM_ENABLE_FAULT_INJECTION";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Config,
    RequestHeaders,
    RequestBody,
    ResponseHeaders,
    ResponseBody,
    StreamComplete,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    phase: Phase,
}

pub struct FaultInjectionConfig {
    phase: Phase,
}

impl FaultInjectionConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        if std::env::var(ENABLE_ENV).as_deref() != Ok("1") {
            return Err(
                format!("test-only filter; set {ENABLE_ENV}=1 in Envoy's environment").into(),
            );
        }
        let RawConfig { phase } = crate::config::parse_json(config)?;
        if phase == Phase::Config {
            panic!("fault injected in config");
        }
        Ok(Self { phase })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for FaultInjectionConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(FaultInjection { phase: self.phase })
    }
}

pub struct FaultInjection {
    phase: Phase,
}

impl FaultInjection {
    fn maybe_panic(&self, here: Phase) {
        if self.phase == here {
            panic!("fault injected in {here:?}");
        }
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for FaultInjection {
    fn on_request_headers(&mut self, _envoy: &mut E, _eos: bool) -> RequestHeadersStatus {
        self.maybe_panic(Phase::RequestHeaders);
        RequestHeadersStatus::Continue
    }
    fn on_request_body(&mut self, _envoy: &mut E, _eos: bool) -> RequestBodyStatus {
        self.maybe_panic(Phase::RequestBody);
        RequestBodyStatus::Continue
    }
    fn on_response_headers(&mut self, _envoy: &mut E, _eos: bool) -> ResponseHeadersStatus {
        self.maybe_panic(Phase::ResponseHeaders);
        ResponseHeadersStatus::Continue
    }
    fn on_response_body(&mut self, _envoy: &mut E, _eos: bool) -> ResponseBodyStatus {
        self.maybe_panic(Phase::ResponseBody);
        ResponseBodyStatus::Continue
    }
    fn on_stream_complete(&mut self, _envoy: &mut E) {
        self.maybe_panic(Phase::StreamComplete);
    }
}
