//! `mt_fault_injection`: a test-only input matcher that panics on purpose, to
//! prove the SDK's barrier through a real Envoy: the evaluation whose match
//! panics is an error (the config's `on_error` decides), one line is logged,
//! and the next request is served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config" | "match" | "config_destroy"}`: `config` panics
//! while the config is made, `config_destroy` when it is dropped, `match` on
//! every request carrying `x-fault: match`. Otherwise it matches requests
//! carrying `x-match: yes`.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::matcher::{EnvoyMatcher, EnvoyMatcherConfig, Matcher, MatcherResult};
use envoy_dm_sdk::{BoxError, HeaderType};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
}

pub struct MatcherFaultConfig {
    panic_on_drop: bool,
}

impl MatcherFaultConfig {
    pub fn new(_envoy: &mut impl EnvoyMatcherConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        match phase.as_str() {
            "config" => panic!("fault injected in config"),
            "match" | "config_destroy" => Ok(Self {
                panic_on_drop: phase == "config_destroy",
            }),
            other => {
                Err(format!("phase must be config, match or config_destroy, got {other:?}").into())
            }
        }
    }
}

impl Drop for MatcherFaultConfig {
    fn drop(&mut self) {
        if self.panic_on_drop {
            panic!("fault injected in config destroy");
        }
    }
}

impl<E: EnvoyMatcher> Matcher<E> for MatcherFaultConfig {
    fn matches(&self, envoy: &E) -> MatcherResult {
        let has = |k, v: &[u8]| {
            envoy
                .header_values(HeaderType::RequestHeader, k)
                .contains(&v)
        };
        if has("x-fault", b"match") {
            panic!("fault injected in match");
        }
        if has("x-match", b"yes") {
            MatcherResult::Match
        } else {
            MatcherResult::NoMatch
        }
    }
}
