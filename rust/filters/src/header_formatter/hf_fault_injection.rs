//! `hf_fault_injection`: a test-only HTTP/1 header formatter that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: the message whose
//! hook panics keeps Envoy's lowercase names (from that hook on), one line is
//! logged, and the next message is formatted again.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": P}` with P one of `config`, `header_formatter_new`,
//! `process_key`, `format`, `header_formatter_destroy`, `config_destroy`:
//! `config` panics while the config is made, `config_destroy` when it is
//! dropped; the three per-message phases panic for a message carrying a
//! header named `X-Fault`. Otherwise it restores every name's case.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::header_formatter::{
    EnvoyHeaderFormatterConfig, HeaderFormatter, HeaderFormatterConfig,
};
use envoy_dm_sdk::BoxError;
use std::collections::HashMap;

const PHASES: [&str; 6] = [
    "config",
    "header_formatter_new",
    "process_key",
    "format",
    "header_formatter_destroy",
    "config_destroy",
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
}

pub struct HeaderFormatterFaultConfig {
    phase: &'static str,
}

impl HeaderFormatterFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyHeaderFormatterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        let Some(phase) = PHASES.iter().find(|p| **p == phase) else {
            return Err(
                format!("phase must be one of {}, got {phase:?}", PHASES.join(", ")).into(),
            );
        };
        if *phase == "config" {
            panic!("fault injected in config");
        }
        Ok(Self { phase })
    }
}

impl Drop for HeaderFormatterFaultConfig {
    fn drop(&mut self) {
        if self.phase == "config_destroy" {
            panic!("fault injected in config destroy");
        }
    }
}

impl HeaderFormatterConfig for HeaderFormatterFaultConfig {
    fn new_header_formatter(&self) -> Option<Box<dyn HeaderFormatter>> {
        // Envoy makes the formatter before it has seen a name: every
        // message's formatter panics in this phase.
        if self.phase == "header_formatter_new" {
            panic!("fault injected in header_formatter_new");
        }
        Some(Box::new(FaultFormatter {
            phase: self.phase,
            seen: HashMap::new(),
            armed: false,
        }))
    }
}

struct FaultFormatter {
    phase: &'static str,
    seen: HashMap<Vec<u8>, Vec<u8>>,
    /// The message carries X-Fault.
    armed: bool,
}

impl Drop for FaultFormatter {
    fn drop(&mut self) {
        if self.armed && self.phase == "header_formatter_destroy" {
            panic!("fault injected in header_formatter_destroy");
        }
    }
}

impl HeaderFormatter for FaultFormatter {
    fn process_key(&mut self, key: &[u8]) {
        if key == b"X-Fault" {
            self.armed = true;
            if self.phase == "process_key" {
                panic!("fault injected in process_key");
            }
        }
        if self.seen.len() < 64 && key.len() <= 64 {
            self.seen
                .entry(key.to_ascii_lowercase())
                .or_insert_with(|| key.to_vec());
        }
    }

    fn format(&mut self, key: &[u8]) -> Option<&[u8]> {
        if self.armed && self.phase == "format" {
            panic!("fault injected in format");
        }
        self.seen.get(key).map(Vec::as_slice)
    }
}
