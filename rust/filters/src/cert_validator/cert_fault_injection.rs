//! `cert_fault_injection`: a test-only certificate validator that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: that handshake
//! is refused, one line is logged, and the later handshakes are judged.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": P}`: `config` panics in its constructor,
//! `do_verify_cert_chain` at the first chain it judges, `get_ssl_verify_mode`
//! and `update_digest` the first time Envoy asks (while it builds the TLS
//! context), `config_destroy` when the configuration is released. Every other
//! chain is accepted, except with `get_ssl_verify_mode`, which then refuses
//! every chain: a test tells by a refusal that the SDK's fallback mode still
//! has chains judged (a mode of none would skip the validator).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::cert_validator::{
    CertValidatorConfig, EnvoyCertValidator, EnvoyCertValidatorConfig, Verdict,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};

const PHASES: [&str; 5] = [
    "config",
    "do_verify_cert_chain",
    "get_ssl_verify_mode",
    "update_digest",
    "config_destroy",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    phase: String,
}

pub struct CertFaultConfig {
    phase: &'static str,
    /// The first fault of this config is behind it.
    fired: AtomicBool,
}

impl CertFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyCertValidatorConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        let phase = PHASES
            .into_iter()
            .find(|p| *p == raw.phase)
            .ok_or_else(|| format!("phase must be one of {}", PHASES.join(", ")))?;
        if phase == "config" {
            panic!("fault injected in config");
        }
        Ok(Self {
            phase,
            fired: AtomicBool::new(false),
        })
    }

    /// True once: whether `phase` is this config's and its fault is still ahead.
    fn first(&self, phase: &str) -> bool {
        self.phase == phase && !self.fired.swap(true, Ordering::Relaxed)
    }
}

impl<E: EnvoyCertValidator> CertValidatorConfig<E> for CertFaultConfig {
    fn do_verify_cert_chain(&self, _: &mut E, _: &[&[u8]], _: &[u8], _: bool) -> Verdict {
        if self.first("do_verify_cert_chain") {
            panic!("fault injected in do_verify_cert_chain");
        }
        if self.phase == "get_ssl_verify_mode" {
            return Verdict::refused("cert_fault_injection: judged after the verify mode's panic");
        }
        Verdict::accepted()
    }

    fn get_ssl_verify_mode(&self, _handshaker_provides_certificates: bool) -> i32 {
        if self.first("get_ssl_verify_mode") {
            panic!("fault injected in get_ssl_verify_mode");
        }
        envoy_dm_sdk::cert_validator::SSL_VERIFY_PEER
    }

    fn update_digest(&self) -> &[u8] {
        if self.first("update_digest") {
            panic!("fault injected in update_digest");
        }
        b"cert_fault_injection"
    }
}

impl Drop for CertFaultConfig {
    fn drop(&mut self) {
        if self.phase == "config_destroy" && !std::thread::panicking() {
            panic!("fault injected in config destroy");
        }
    }
}
