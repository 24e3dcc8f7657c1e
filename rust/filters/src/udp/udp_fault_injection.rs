//! `udp_fault_injection`: a test-only UDP listener filter that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: the datagram is
//! dropped, one line is logged, the filter is rebuilt and the next datagram
//! is served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config absent or `{}`. A datagram whose first two bytes are `FA` (a DNS
//! query with id 0x4641, which the DNS gateway behind it would answer if the
//! barrier let it through) panics in on_data; any other is passed on.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::udp::{
    EnvoyUdpListenerFilter, EnvoyUdpListenerFilterConfig, UdpListenerFilter,
    UdpListenerFilterConfig, UdpListenerFilterStatus,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// The first bytes of a datagram that makes on_data panic.
pub const TRIGGER: &[u8] = b"FA";

pub struct UdpFaultConfig;

impl UdpFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyUdpListenerFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        if !config.iter().all(u8::is_ascii_whitespace) {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct NoSettings {}
            let NoSettings {} = envoy_dm_sdk::parse_json(config)?;
        }
        Ok(Self)
    }
}

impl<E: EnvoyUdpListenerFilter> UdpListenerFilterConfig<E> for UdpFaultConfig {
    fn new_udp_listener_filter(&self, _envoy: &mut E) -> Box<dyn UdpListenerFilter<E>> {
        Box::new(UdpFault)
    }
}

pub struct UdpFault;

impl<E: EnvoyUdpListenerFilter> UdpListenerFilter<E> for UdpFault {
    fn on_data(&mut self, envoy: &mut E) -> UdpListenerFilterStatus {
        if envoy.datagram().starts_with(TRIGGER) {
            panic!("fault injected in on_data");
        }
        UdpListenerFilterStatus::Continue
    }
}
