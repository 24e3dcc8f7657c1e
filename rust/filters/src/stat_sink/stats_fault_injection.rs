//! `stats_fault_injection`: a test-only stats sink that panics on purpose, to
//! prove the SDK's barrier through a real Envoy: each panic is logged once,
//! and Envoy, its stats and the next flush go on.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config" | "flush" | "on_histogram_complete" |
//! "config_destroy"}`: panics while the config is made, at every flush, at
//! every histogram sample, or when the config is dropped (at exit).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::stat_sink::{EnvoyStatSinkConfig, EnvoyStatSinkSnapshot, StatSink};
use envoy_dm_sdk::BoxError;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
}

pub struct StatsFaultConfig {
    phase: String,
}

impl StatsFaultConfig {
    pub fn new(_envoy: &mut impl EnvoyStatSinkConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        match phase.as_str() {
            "config" => panic!("fault injected in config"),
            "flush" | "on_histogram_complete" | "config_destroy" => Ok(Self { phase }),
            other => Err(format!(
                "phase must be config, flush, on_histogram_complete or config_destroy, got {other:?}"
            )
            .into()),
        }
    }
}

impl Drop for StatsFaultConfig {
    fn drop(&mut self) {
        if self.phase == "config_destroy" {
            panic!("fault injected in config destroy");
        }
    }
}

impl<E: EnvoyStatSinkSnapshot> StatSink<E> for StatsFaultConfig {
    fn flush(&self, _snapshot: &E) {
        if self.phase == "flush" {
            panic!("fault injected in flush");
        }
    }

    fn on_histogram_complete(&self, _name: &[u8], _value: u64) {
        if self.phase == "on_histogram_complete" {
            panic!("fault injected in on_histogram_complete");
        }
    }
}
