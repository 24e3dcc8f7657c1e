//! `delay`: pauses a request carrying `do-delay: <ms>` and resumes it from
//! another thread through Envoy's scheduler, the ABI's way to wake a stream.
//!
//! Config: `{"max_delay_ms": 5000}`. A delay above the maximum, or a value that
//! is not a whole number of milliseconds, gets 400. The response carries
//! `x-delay-measured-ms`: the pause as measured between the stop and the resume.
//!
//! The sleeping thread owns only the scheduler. If the stream ends first (the
//! client left), its commit is a no-op and dropping it releases it.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    RequestHeadersStatus, ResponseHeadersStatus, Scheduler,
};
use serde::Deserialize;
use std::time::{Duration, Instant};

pub const DELAY_HEADER: &str = "do-delay";
pub const MEASURED_HEADER: &str = "x-delay-measured-ms";
const RESUME: u64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    max_delay_ms: u64,
}

pub struct DelayConfig {
    max_delay_ms: u64,
}

impl DelayConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.max_delay_ms == 0 || raw.max_delay_ms > 60_000 {
            return Err(
                format!("max_delay_ms must be 1 to 60000, got {}", raw.max_delay_ms).into(),
            );
        }
        Ok(Self {
            max_delay_ms: raw.max_delay_ms,
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for DelayConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(Delay {
            max_delay_ms: self.max_delay_ms,
            paused_at: None,
            measured_ms: None,
        })
    }
}

pub struct Delay {
    max_delay_ms: u64,
    paused_at: Option<Instant>,
    measured_ms: Option<u128>,
}

impl Delay {
    fn requested(&self, envoy: &impl EnvoyHttpFilter) -> Result<Option<u64>, String> {
        let Some(raw) = envoy.get_header(HeaderType::RequestHeader, DELAY_HEADER) else {
            return Ok(None);
        };
        let ms: u64 = std::str::from_utf8(raw)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| format!("{DELAY_HEADER} must be a whole number of milliseconds\n"))?;
        if ms > self.max_delay_ms {
            return Err(format!(
                "{DELAY_HEADER} of {ms} ms is above the maximum of {} ms\n",
                self.max_delay_ms
            ));
        }
        Ok(Some(ms))
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for Delay {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        let ms = match self.requested(envoy) {
            Ok(None) => return RequestHeadersStatus::Continue,
            Ok(Some(ms)) => ms,
            Err(why) => {
                envoy.send_response(400, &[], why.as_bytes(), "delay_refused");
                return RequestHeadersStatus::StopIteration;
            }
        };
        let scheduler = envoy.new_scheduler();
        self.paused_at = Some(Instant::now());
        // No panic can happen here, so no barrier is needed on this thread; a
        // module thread that could panic must catch it itself.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(ms));
            scheduler.commit(RESUME);
        });
        RequestHeadersStatus::StopIteration
    }

    fn on_scheduled(&mut self, envoy: &mut E, event_id: u64) {
        if event_id == RESUME {
            self.measured_ms = self.paused_at.map(|t| t.elapsed().as_millis());
            envoy.continue_decoding();
        }
    }

    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        if let Some(ms) = self.measured_ms {
            envoy.set_header(
                HeaderType::ResponseHeader,
                MEASURED_HEADER,
                ms.to_string().as_bytes(),
            );
        }
        ResponseHeadersStatus::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    fn setup(delay: &str) -> (Box<dyn HttpFilter<FakeEnvoyFilter>>, FakeEnvoyFilter) {
        let config =
            DelayConfig::new(&mut FakeEnvoyConfig::default(), br#"{"max_delay_ms": 100}"#).unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(DELAY_HEADER, delay)]);
        (config.new_http_filter(&mut envoy), envoy)
    }

    #[test]
    fn pauses_then_resumes_from_another_thread() {
        let (mut filter, mut envoy) = setup("20");
        assert_eq!(
            filter.on_request_headers(&mut envoy, true),
            RequestHeadersStatus::StopIteration
        );
        let scheduled = std::sync::Arc::clone(&envoy.scheduled);
        while scheduled.lock().unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        filter.on_scheduled(&mut envoy, RESUME);
        assert_eq!(envoy.continued_decoding, 1);
        filter.on_response_headers(&mut envoy, false);
        let measured: u128 = envoy.values(HeaderType::ResponseHeader, MEASURED_HEADER)[0]
            .parse()
            .unwrap();
        assert!(measured >= 20, "{measured}");
    }

    #[test]
    fn refuses_too_long_or_malformed_delays_with_400() {
        for bad in ["101", "soon", "-5"] {
            let (mut filter, mut envoy) = setup(bad);
            filter.on_request_headers(&mut envoy, true);
            assert_eq!(envoy.sent_response.map(|r| r.status), Some(400), "{bad}");
        }
    }
}
