//! `fault_injection`: a test-only filter that panics in one chosen phase, to
//! prove the SDK's barrier: the stream fails closed, one line is logged, and
//! Envoy keeps serving.
//!
//! Config: `{"phase": "config" | "request_headers" | "request_body" |
//! "response_headers" | "response_body" | "stream_complete" | "local_reply" |
//! "http_callout_done"}` (the last two in Rust only: the other SDKs do not implement
//! those hooks). For `http_callout_done`, the request headers start a callout to the
//! `echo` cluster and wait; its done hook panics. A stream faults
//! only when its request carries `x-inject-fault` (any value), so the next
//! request on the same listener shows that Envoy still serves.
//!
//! Or `{"leak_bytes_per_stream": N}`: every stream leaks N bytes it has
//! written to (so they count in Envoy's RSS): a module with a real leak, for
//! the soak's memory rule to catch. The filter refuses
//! every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`, so a
//! shipped configuration can never enable it by accident.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpCalloutResponse,
    HttpCalloutResult, HttpFilter, HttpFilterConfig, LocalReplyStatus, RequestBodyStatus,
    RequestHeadersStatus, ResponseBodyStatus, ResponseHeadersStatus,
};
use serde::Deserialize;

pub use crate::shared::fault::ENABLE_ENV;
pub const TRIGGER_HEADER: &str = "x-inject-fault";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Config,
    RequestHeaders,
    RequestBody,
    ResponseHeaders,
    ResponseBody,
    StreamComplete,
    LocalReply,
    HttpCalloutDone,
}

/// The cluster the http_callout_done phase calls (every test config has it).
pub const CALLOUT_CLUSTER: &str = "echo";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    phase: Option<Phase>,
    leak_bytes_per_stream: Option<usize>,
}

pub struct FaultInjectionConfig {
    phase: Option<Phase>,
    leak_bytes_per_stream: usize,
}

impl FaultInjectionConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        crate::shared::fault::require()?;
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        let leak_bytes_per_stream = raw.leak_bytes_per_stream.unwrap_or(0);
        if raw.phase.is_none() && leak_bytes_per_stream == 0 {
            return Err("needs `phase` or a non-zero `leak_bytes_per_stream`".into());
        }
        if raw.phase == Some(Phase::Config) {
            panic!("fault injected in config");
        }
        Ok(Self {
            phase: raw.phase,
            leak_bytes_per_stream,
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for FaultInjectionConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        if self.leak_bytes_per_stream > 0 {
            // Filled, so the pages are touched and count in RSS; black_box, or
            // the optimiser drops an allocation nothing reads.
            std::hint::black_box(Box::leak(
                vec![0xA5u8; self.leak_bytes_per_stream].into_boxed_slice(),
            ));
        }
        Box::new(FaultInjection {
            phase: self.phase,
            armed: false,
        })
    }
}

pub struct FaultInjection {
    phase: Option<Phase>,
    /// Whether this stream's request asked for the fault.
    armed: bool,
}

impl FaultInjection {
    fn maybe_panic(&self, here: Phase) {
        if self.armed && self.phase == Some(here) {
            panic!("fault injected in {here:?}");
        }
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for FaultInjection {
    fn on_request_headers(&mut self, envoy: &mut E, _eos: bool) -> RequestHeadersStatus {
        self.armed = envoy
            .get_header(HeaderType::RequestHeader, TRIGGER_HEADER)
            .is_some();
        self.maybe_panic(Phase::RequestHeaders);
        if self.armed && self.phase == Some(Phase::HttpCalloutDone) {
            let headers: [(&str, &[u8]); 3] = [
                (":method", b"GET"),
                (":path", b"/"),
                (":authority", CALLOUT_CLUSTER.as_bytes()),
            ];
            if envoy
                .http_callout(CALLOUT_CLUSTER, &headers, b"", 5000)
                .is_ok()
            {
                return RequestHeadersStatus::StopAllIterationAndWatermark;
            }
        }
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
    fn on_local_reply(&mut self, _envoy: &mut E, _: u32, _: &str, _: bool) -> LocalReplyStatus {
        self.maybe_panic(Phase::LocalReply);
        LocalReplyStatus::Continue
    }
    fn on_http_callout_done(
        &mut self,
        _envoy: &mut E,
        _callout_id: u64,
        _result: HttpCalloutResult,
        _response: Option<&HttpCalloutResponse<'_>>,
    ) {
        self.maybe_panic(Phase::HttpCalloutDone);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};
    use std::panic::{catch_unwind, AssertUnwindSafe};

    #[test]
    fn panics_only_when_armed_and_only_in_its_phase() {
        std::env::set_var(ENABLE_ENV, "1");
        let config = FaultInjectionConfig::new(
            &mut FakeEnvoyConfig::default(),
            br#"{"phase": "response_headers"}"#,
        )
        .unwrap();
        let mut quiet = FakeEnvoyFilter::default();
        let mut unarmed = config.new_http_filter(&mut quiet);
        unarmed.on_request_headers(&mut quiet, false);
        unarmed.on_response_headers(&mut quiet, false);

        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(TRIGGER_HEADER, "1")]);
        let mut armed = config.new_http_filter(&mut envoy);
        armed.on_request_headers(&mut envoy, false);
        let caught = catch_unwind(AssertUnwindSafe(|| {
            armed.on_response_headers(&mut envoy, false)
        }));
        let message = caught.unwrap_err().downcast::<String>().unwrap();
        assert_eq!(*message, "fault injected in ResponseHeaders");
    }

    #[test]
    fn refuses_a_config_that_injects_nothing() {
        std::env::set_var(ENABLE_ENV, "1");
        for config in [&b"{}"[..], br#"{"leak_bytes_per_stream": 0}"#] {
            let refused = FaultInjectionConfig::new(&mut FakeEnvoyConfig::default(), config);
            assert!(refused.is_err());
        }
    }
}
