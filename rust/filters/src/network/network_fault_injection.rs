//! `network_fault_injection`: a test-only network filter that panics in one
//! chosen hook, to prove the SDK's network barrier: the connection is closed
//! (nothing more passes), one line is logged, and Envoy keeps serving.
//!
//! Config: `{"phase": "new_filter" | "new_connection" | "read" | "event"}`.
//! Otherwise it echoes like `network_echo` (it is terminal). In `read` and
//! `event` it faults only on connections that sent `inject-fault`, so the next
//! connection shows that Envoy still serves. Like the HTTP `fault_injection`,
//! it refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.

use envoy_dm_sdk::network::{
    ConnectionEvent, EnvoyNetworkFilter, EnvoyNetworkFilterConfig, NetworkFilter,
    NetworkFilterConfig, NetworkFilterStatus,
};
use envoy_dm_sdk::since;
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

pub const TRIGGER: &[u8] = b"inject-fault";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    NewFilter,
    NewConnection,
    Read,
    Event,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    phase: Phase,
}

pub struct NetworkFaultConfig {
    phase: Phase,
}

impl NetworkFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyNetworkFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        crate::shared::fault::require()?;
        since::NETWORK_ENABLE_HALF_CLOSE.check()?;
        let RawConfig { phase } = envoy_dm_sdk::parse_json(config)?;
        Ok(Self { phase })
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilterConfig<E> for NetworkFaultConfig {
    fn new_network_filter(&self, _envoy: &mut E) -> Box<dyn NetworkFilter<E>> {
        if self.phase == Phase::NewFilter {
            panic!("fault injected in new_network_filter");
        }
        Box::new(NetworkFault {
            phase: self.phase,
            triggered: false,
        })
    }
}

pub struct NetworkFault {
    phase: Phase,
    triggered: bool,
}

impl<E: EnvoyNetworkFilter> NetworkFilter<E> for NetworkFault {
    fn on_new_connection(&mut self, envoy: &mut E) -> NetworkFilterStatus {
        if self.phase == Phase::NewConnection {
            panic!("fault injected in on_new_connection");
        }
        envoy.enable_half_close(true);
        NetworkFilterStatus::Continue
    }

    fn on_read(
        &mut self,
        envoy: &mut E,
        _data_length: usize,
        end_stream: bool,
    ) -> NetworkFilterStatus {
        let data = envoy.read_buffer_chunks().concat();
        envoy.drain_read_buffer(data.len());
        if data.windows(TRIGGER.len()).any(|w| w == TRIGGER) {
            self.triggered = true;
            if self.phase == Phase::Read {
                panic!("fault injected in on_read");
            }
        }
        envoy.write(&data, end_stream);
        NetworkFilterStatus::StopIteration
    }

    fn on_event(&mut self, _envoy: &mut E, _event: ConnectionEvent) {
        if self.phase == Phase::Event && self.triggered {
            panic!("fault injected in on_event");
        }
    }
}
