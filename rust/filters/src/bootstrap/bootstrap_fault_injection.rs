//! `bootstrap_fault_injection`: a test-only bootstrap extension that panics
//! on purpose, to prove the SDK's barrier through a real Envoy.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": P}`, P one of `config`, `bootstrap_extension_new`,
//! `on_server_initialized`, `on_admin_request`, `on_timer_fired`, `on_drain_started`, `on_shutdown`.
//! It registers `GET /bootstrap_fault/{P}` on the admin port (answering `ok`
//! unless P is `on_admin_request`) and arms a 50 ms timer once (which panics
//! when P is `on_timer_fired`).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::bootstrap::{
    AdminResponse, BootstrapExtension, BootstrapExtensionConfig, EnvoyBootstrapConfig,
    EnvoyBootstrapExtension, Timer, TimerId,
};
use envoy_dm_sdk::since;
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::time::Duration;

pub const ADMIN_PATH: &str = "/bootstrap_fault";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Config,
    BootstrapExtensionNew,
    OnServerInitialized,
    OnAdminRequest,
    OnTimerFired,
    OnDrainStarted,
    OnShutdown,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: Phase,
}

pub struct BootstrapFaultConfig {
    phase: Phase,
    _timer: Option<Timer>,
}

impl BootstrapFaultConfig {
    pub fn new(envoy: &mut dyn EnvoyBootstrapConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        since::BOOTSTRAP_REGISTER_ADMIN_HANDLER.check()?;
        since::BOOTSTRAP_TIMER_NEW.check()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        if phase == Phase::Config {
            panic!("fault injected in config");
        }
        let name = serde_json::to_value(phase)?;
        let path = format!("{ADMIN_PATH}/{}", name.as_str().unwrap_or_default());
        if !envoy.register_admin_handler(&path, "test-only: panics on purpose") {
            return Err(format!("admin refused {path}").into());
        }
        let timer = envoy.new_timer();
        if let Some(timer) = &timer {
            timer.enable(Duration::from_millis(50));
        }
        Ok(Self {
            phase,
            _timer: timer,
        })
    }
}

impl BootstrapExtensionConfig for BootstrapFaultConfig {
    fn new_bootstrap_extension(
        &self,
        _envoy: &mut dyn EnvoyBootstrapExtension,
    ) -> Box<dyn BootstrapExtension> {
        if self.phase == Phase::BootstrapExtensionNew {
            panic!("fault injected in bootstrap_extension_new");
        }
        Box::new(BootstrapFault { phase: self.phase })
    }

    fn on_timer_fired(&self, _envoy: &mut dyn EnvoyBootstrapConfig, _timer: TimerId) {
        if self.phase == Phase::OnTimerFired {
            panic!("fault injected in on_timer_fired");
        }
    }

    fn on_admin_request(
        &self,
        _envoy: &mut dyn EnvoyBootstrapConfig,
        _method: &str,
        _path: &str,
        _body: &[u8],
    ) -> AdminResponse {
        if self.phase == Phase::OnAdminRequest {
            panic!("fault injected in on_admin_request");
        }
        (200, b"ok\n".to_vec())
    }
}

pub struct BootstrapFault {
    phase: Phase,
}

impl BootstrapExtension for BootstrapFault {
    fn on_server_initialized(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {
        if self.phase == Phase::OnServerInitialized {
            panic!("fault injected in on_server_initialized");
        }
    }
    fn on_drain_started(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {
        if self.phase == Phase::OnDrainStarted {
            panic!("fault injected in on_drain_started");
        }
    }
    fn on_shutdown(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {
        if self.phase == Phase::OnShutdown {
            panic!("fault injected in on_shutdown");
        }
    }
}
