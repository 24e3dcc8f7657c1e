//! `{{name}}`: (say what it does). Written by `make new-filter`: a UDP
//! listener filter that answers each datagram with the stamp and the
//! datagram (`<stamp> <datagram>`), and stops it there. Its hook is below,
//! with the ABI hook it answers; return Continue to pass a datagram on to the
//! next listener filter (udp_proxy, say).
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::udp::{
    EnvoyUdpListenerFilter, EnvoyUdpListenerFilterConfig, UdpListenerFilter,
    UdpListenerFilterConfig, UdpListenerFilterStatus,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per filter config on Envoy's main thread
/// (`envoy_dynamic_module_on_udp_listener_filter_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut impl EnvoyUdpListenerFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyUdpListenerFilter> UdpListenerFilterConfig<E> for {{Camel}}Config {
    /// One filter per worker's listener (`envoy_dynamic_module_on_udp_listener_filter_new`).
    fn new_udp_listener_filter(&self, _envoy: &mut E) -> Box<dyn UdpListenerFilter<E>> {
        Box::new({{Camel}} {
            stamp: self.stamp.clone(),
        })
    }
}

pub struct {{Camel}} {
    stamp: String,
}

impl<E: EnvoyUdpListenerFilter> UdpListenerFilter<E> for {{Camel}} {
    // envoy_dynamic_module_on_udp_listener_filter_on_data: one datagram.
    fn on_data(&mut self, envoy: &mut E) -> UdpListenerFilterStatus {
        let mut answer = format!("{} ", self.stamp).into_bytes();
        answer.extend_from_slice(&envoy.datagram());
        envoy.send_to_peer(&answer);
        UdpListenerFilterStatus::StopIteration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::udp::testing::{FakeUdpConfig, FakeUdpListenerFilter};

    #[test]
    fn answers_the_datagram() {
        let config =
            {{Camel}}Config::new(&mut FakeUdpConfig::default(), br#"{"stamp": "{{name}}"}"#).unwrap();
        let mut envoy = FakeUdpListenerFilter::with_datagram(b"ping");
        let mut filter = config.new_udp_listener_filter(&mut envoy);
        filter.on_data(&mut envoy);
        assert_eq!(envoy.sent, vec![b"{{name}} ping".to_vec()]);
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeUdpConfig::default(), config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
