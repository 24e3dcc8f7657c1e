//! `{{name}}`: (say what it does). Written by `make new-filter`: a listener
//! filter that lets every accepted connection on to the listener's filter
//! chain. Its hooks are below, each with the ABI hook it answers; a filter
//! that needs the first bytes returns StopIteration from on_accept and a
//! non-zero `max_read_bytes`.
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::listener::{
    EnvoyListenerFilter, EnvoyListenerFilterConfig, ListenerFilter, ListenerFilterConfig,
    ListenerFilterStatus,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per filter config on Envoy's main thread
/// (`envoy_dynamic_module_on_listener_filter_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut impl EnvoyListenerFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyListenerFilter> ListenerFilterConfig<E> for {{Camel}}Config {
    /// One filter per accepted socket (`envoy_dynamic_module_on_listener_filter_new`).
    fn new_listener_filter(&self, _envoy: &mut E) -> Box<dyn ListenerFilter<E>> {
        Box::new({{Camel}})
    }
}

pub struct {{Camel}};

impl<E: EnvoyListenerFilter> ListenerFilter<E> for {{Camel}} {
    // envoy_dynamic_module_on_listener_filter_on_accept: nothing read yet.
    fn on_accept(&mut self, _envoy: &mut E) -> ListenerFilterStatus {
        ListenerFilterStatus::Continue
    }

    // envoy_dynamic_module_on_listener_filter_on_data: bytes peeked, up to max_read_bytes.
    // fn on_data(&mut self, envoy: &mut E, data_length: usize) -> ListenerFilterStatus {
    //     ListenerFilterStatus::Continue
    // }

    // envoy_dynamic_module_on_listener_filter_on_close: the peer left while waiting.
    // fn on_close(&mut self, envoy: &mut E) {}

    // envoy_dynamic_module_on_listener_filter_get_max_read_bytes
    // fn max_read_bytes(&self) -> usize {
    //     0
    // }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::listener::testing::{FakeListenerConfig, FakeListenerFilter};

    #[test]
    fn lets_the_connection_on() {
        let config = {{Camel}}Config::new(&mut FakeListenerConfig::default(), br#"{"stamp": "s"}"#)
            .unwrap();
        let mut envoy = FakeListenerFilter::from_peer("127.0.0.1", 5555);
        let mut filter = config.new_listener_filter(&mut envoy);
        assert_eq!(filter.on_accept(&mut envoy), ListenerFilterStatus::Continue);
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeListenerConfig::default(), config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
