//! `{{name}}`: (say what it does). Written by `make new-filter`: a network
//! (L4) filter that greets each connection with its stamp and writes back
//! every byte it reads (a terminal filter: nothing follows it). The other
//! hooks are commented out below, each with the ABI hook it answers.
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::network::{
    EnvoyNetworkFilter, EnvoyNetworkFilterConfig, NetworkFilter, NetworkFilterConfig,
    NetworkFilterStatus,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per filter config on Envoy's main thread
/// (`envoy_dynamic_module_on_network_filter_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut impl EnvoyNetworkFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilterConfig<E> for {{Camel}}Config {
    /// One filter per connection (`envoy_dynamic_module_on_network_filter_new`).
    fn new_network_filter(&self, _envoy: &mut E) -> Box<dyn NetworkFilter<E>> {
        Box::new({{Camel}} {
            stamp: self.stamp.clone(),
        })
    }
}

pub struct {{Camel}} {
    stamp: String,
}

impl<E: EnvoyNetworkFilter> NetworkFilter<E> for {{Camel}} {
    // envoy_dynamic_module_on_network_filter_new_connection
    fn on_new_connection(&mut self, envoy: &mut E) -> NetworkFilterStatus {
        envoy.write(format!("{}\n", self.stamp).as_bytes(), false);
        NetworkFilterStatus::Continue
    }

    // envoy_dynamic_module_on_network_filter_read: bytes from the client.
    fn on_read(&mut self, envoy: &mut E, _data_length: usize, end_stream: bool) -> NetworkFilterStatus {
        let data: Vec<u8> = envoy.read_buffer_chunks().concat();
        envoy.drain_read_buffer(data.len());
        envoy.write(&data, end_stream);
        NetworkFilterStatus::StopIteration
    }

    // envoy_dynamic_module_on_network_filter_write: bytes towards the client.
    // fn on_write(&mut self, envoy: &mut E, data_length: usize, end_stream: bool) -> NetworkFilterStatus {
    //     NetworkFilterStatus::Continue
    // }

    // envoy_dynamic_module_on_network_filter_event: connected, closed.
    // fn on_event(&mut self, envoy: &mut E, event: ConnectionEvent) {}

    // envoy_dynamic_module_on_network_filter_above_write_buffer_high_watermark
    // fn on_above_write_buffer_high_watermark(&mut self, envoy: &mut E) {}

    // envoy_dynamic_module_on_network_filter_below_write_buffer_low_watermark
    // fn on_below_write_buffer_low_watermark(&mut self, envoy: &mut E) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::network::testing::{FakeConnection, FakeNetworkConfig};

    #[test]
    fn greets_and_echoes() {
        let config =
            {{Camel}}Config::new(&mut FakeNetworkConfig::default(), br#"{"stamp": "{{name}}"}"#)
                .unwrap();
        let mut conn = FakeConnection::new();
        let mut filter = config.new_network_filter(&mut conn);
        filter.on_new_connection(&mut conn);
        let n = conn.receive(b"ping");
        filter.on_read(&mut conn, n, false);
        assert_eq!(conn.written, b"{{name}}\nping");
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeNetworkConfig::default(), config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
