//! `random_auth`: rejects a share of requests with 403 `Access forbidden`, as a
//! stand-in for an authorization decision made in the module.
//!
//! Config: `{"probability": 0.5, "seed": 42}`, both optional. With a seed the
//! decisions follow one fixed sequence per configuration, so tests are
//! deterministic; without one, the generator is seeded from the OS.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HttpFilter, HttpFilterConfig,
    RequestHeadersStatus,
};
use serde::Deserialize;
use std::sync::{Arc, Mutex};

pub const FORBIDDEN_BODY: &[u8] = b"Access forbidden";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "half")]
    probability: f64,
    seed: Option<u64>,
}

fn half() -> f64 {
    0.5
}

pub struct RandomAuthConfig {
    probability: f64,
    /// One generator per configuration: with one worker, one deterministic sequence.
    rng: Arc<Mutex<fastrand::Rng>>,
}

impl RandomAuthConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = if config.iter().all(u8::is_ascii_whitespace) {
            RawConfig {
                probability: half(),
                seed: None,
            }
        } else {
            envoy_dm_sdk::parse_json(config)?
        };
        if !(0.0..=1.0).contains(&raw.probability) {
            return Err(format!(
                "probability must be within 0 and 1, got {}",
                raw.probability
            )
            .into());
        }
        let rng = raw
            .seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Ok(Self {
            probability: raw.probability,
            rng: Arc::new(Mutex::new(rng)),
        })
    }

    fn reject_next(&self) -> bool {
        // A poisoned lock only means another stream panicked mid-draw; the
        // generator is still usable.
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        rng.f64() < self.probability
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for RandomAuthConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(RandomAuth {
            reject: self.reject_next(),
        })
    }
}

/// The decision is drawn when the stream starts, in stream order.
pub struct RandomAuth {
    reject: bool,
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for RandomAuth {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        if !self.reject {
            crate::shared::guard_mark::mark_allowed(envoy, "random_auth");
            return RequestHeadersStatus::Continue;
        }
        envoy.send_response(403, &[], FORBIDDEN_BODY, "random_auth_rejected");
        RequestHeadersStatus::StopIteration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    fn decisions(config: &str, n: usize) -> Vec<bool> {
        let config =
            RandomAuthConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes()).unwrap();
        (0..n)
            .map(|_| {
                let mut envoy = FakeEnvoyFilter::default();
                let mut filter = config.new_http_filter(&mut envoy);
                filter.on_request_headers(&mut envoy, true);
                envoy
                    .sent_response
                    .is_some_and(|r| r.status == 403 && r.body == FORBIDDEN_BODY)
            })
            .collect()
    }

    #[test]
    fn a_seed_fixes_the_sequence() {
        let a = decisions(r#"{"seed": 7}"#, 200);
        assert_eq!(a, decisions(r#"{"seed": 7}"#, 200));
        let rejected = a.iter().filter(|r| **r).count();
        assert!((60..=140).contains(&rejected), "about half: {rejected}");
    }

    #[test]
    fn probability_bounds() {
        assert!(decisions(r#"{"probability": 0}"#, 50).iter().all(|r| !r));
        assert!(decisions(r#"{"probability": 1}"#, 50).iter().all(|r| *r));
        let err = RandomAuthConfig::new(&mut FakeEnvoyConfig::default(), br#"{"probability": 2}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("within 0 and 1"));
    }
}
