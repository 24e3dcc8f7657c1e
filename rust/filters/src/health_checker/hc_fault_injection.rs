//! `hc_fault_injection`: a test-only health checker that panics on purpose,
//! to prove the SDK's barrier through a real Envoy: that check fails, one
//! line is logged, the session is rebuilt and the host's later checks pass.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": P}`: `config` panics in its constructor, `session_new`
//! in the first session it makes, `session_on_interval` at the first check,
//! `session_on_timeout` when the first check times out (it never reports),
//! `session_destroy` when a session is released. Every other check passes.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::health_checker::{
    EnvoyHealthChecker, EnvoyHealthCheckerConfig, HealthCheckerConfig, HealthCheckerSession,
    HealthReporter, HostHealth,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const PHASES: [&str; 5] = [
    "config",
    "session_new",
    "session_on_interval",
    "session_on_timeout",
    "session_destroy",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    phase: String,
}

pub struct HcFaultConfig {
    phase: &'static str,
    /// The first fault of this config is behind it.
    fired: Arc<AtomicBool>,
}

impl HcFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyHealthCheckerConfig,
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
            fired: Arc::default(),
        })
    }

    /// True once: whether `phase` is this config's and its fault is still ahead.
    fn first(&self, phase: &str) -> bool {
        self.phase == phase && !self.fired.swap(true, Ordering::Relaxed)
    }
}

impl<E: EnvoyHealthChecker> HealthCheckerConfig<E> for HcFaultConfig {
    fn new_session(&self, _envoy: &mut E) -> Box<dyn HealthCheckerSession<E>> {
        if self.first("session_new") {
            panic!("fault injected in session_new");
        }
        Box::new(HcFault {
            phase: self.phase,
            fired: self.fired.clone(),
        })
    }
}

pub struct HcFault {
    phase: &'static str,
    fired: Arc<AtomicBool>,
}

impl<E: EnvoyHealthChecker> HealthCheckerSession<E> for HcFault {
    fn on_interval(&mut self, envoy: &mut E) {
        if self.phase == "session_on_interval" && !self.fired.swap(true, Ordering::Relaxed) {
            panic!("fault injected in session_on_interval");
        }
        if self.phase == "session_on_timeout" && !self.fired.load(Ordering::Relaxed) {
            return; // no report: Envoy's timeout fires
        }
        envoy.reporter().report(HostHealth::Healthy);
    }

    fn on_timeout(&mut self) {
        if self.phase == "session_on_timeout" && !self.fired.swap(true, Ordering::Relaxed) {
            panic!("fault injected in session_on_timeout");
        }
    }
}

impl Drop for HcFault {
    fn drop(&mut self) {
        if self.phase == "session_destroy" && !std::thread::panicking() {
            panic!("fault injected in session_destroy");
        }
    }
}
