//! `listener_fault_injection`: a test-only listener filter that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: the connection is
//! closed, one line is logged, and Envoy keeps serving.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config" | "listener_filter_new" | "on_accept" | "on_data"}`.
//! Only connections from 127.0.0.3 fault (in `on_data`: when they send `FAULT`
//! first), so other clients show the listener still serves; they get Continue
//! (in the on_data phase, after up to 5 peeked bytes).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::listener::{
    EnvoyListenerFilter, EnvoyListenerFilterConfig, ListenerFilter, ListenerFilterConfig,
    ListenerFilterStatus,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// The source address whose connections fault.
pub const FAULTY_SOURCE: &str = "127.0.0.3";
/// The first bytes that make on_data fault.
pub const TRIGGER: &[u8] = b"FAULT";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Config,
    ListenerFilterNew,
    OnAccept,
    OnData,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: Phase,
}

pub struct ListenerFaultConfig {
    phase: Phase,
}

impl ListenerFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyListenerFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        if phase == Phase::Config {
            panic!("fault injected in config");
        }
        Ok(Self { phase })
    }
}

fn from_faulty_source(envoy: &impl EnvoyListenerFilter) -> bool {
    envoy
        .remote_address()
        .is_some_and(|(ip, _)| ip == FAULTY_SOURCE)
}

impl<E: EnvoyListenerFilter> ListenerFilterConfig<E> for ListenerFaultConfig {
    fn new_listener_filter(&self, envoy: &mut E) -> Box<dyn ListenerFilter<E>> {
        if self.phase == Phase::ListenerFilterNew && from_faulty_source(envoy) {
            panic!("fault injected in listener_filter_new");
        }
        Box::new(ListenerFault { phase: self.phase })
    }
}

pub struct ListenerFault {
    phase: Phase,
}

impl<E: EnvoyListenerFilter> ListenerFilter<E> for ListenerFault {
    fn on_accept(&mut self, envoy: &mut E) -> ListenerFilterStatus {
        if self.phase == Phase::OnAccept && from_faulty_source(envoy) {
            panic!("fault injected in on_accept");
        }
        if self.phase == Phase::OnData {
            return ListenerFilterStatus::StopIteration;
        }
        ListenerFilterStatus::Continue
    }

    fn on_data(&mut self, envoy: &mut E, _data_length: usize) -> ListenerFilterStatus {
        let data = envoy.buffer();
        if data.starts_with(TRIGGER) && from_faulty_source(envoy) {
            panic!("fault injected in on_data");
        }
        if data.len() < TRIGGER.len() && TRIGGER.starts_with(data) {
            return ListenerFilterStatus::StopIteration;
        }
        ListenerFilterStatus::Continue
    }

    fn max_read_bytes(&self) -> usize {
        if self.phase == Phase::OnData {
            TRIGGER.len()
        } else {
            0
        }
    }
}
