//! `{{name}}`: (say what it does). Written by `make new-filter`: a bootstrap
//! extension (process-wide module code, no traffic of its own) that writes
//! `<stamp>: server initialized` to Envoy's log once Envoy is up. Its hooks
//! are below, each with the ABI hook it answers.
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::bootstrap::{
    BootstrapExtension, BootstrapExtensionConfig, EnvoyBootstrapConfig, EnvoyBootstrapExtension,
};
use envoy_dm_sdk::{envoy_log, BoxError};
use serde::Deserialize;

/// Made once on Envoy's main thread
/// (`envoy_dynamic_module_on_bootstrap_extension_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut dyn EnvoyBootstrapConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl BootstrapExtensionConfig for {{Camel}}Config {
    /// The extension (`envoy_dynamic_module_on_bootstrap_extension_new`).
    fn new_bootstrap_extension(
        &self,
        _envoy: &mut dyn EnvoyBootstrapExtension,
    ) -> Box<dyn BootstrapExtension> {
        Box::new({{Camel}} {
            stamp: self.stamp.clone(),
        })
    }

    // envoy_dynamic_module_on_bootstrap_extension_timer_fired: a timer made with
    // envoy.new_timer() fired.
    // fn on_timer_fired(&self, envoy: &mut dyn EnvoyBootstrapConfig, timer: TimerId) {}

    // envoy_dynamic_module_on_bootstrap_extension_admin_request: an admin
    // handler registered with envoy.register_admin_handler() was called.
    // fn on_admin_request(...) -> ... {}
}

pub struct {{Camel}} {
    stamp: String,
}

impl BootstrapExtension for {{Camel}} {
    // envoy_dynamic_module_on_bootstrap_extension_server_initialized
    fn on_server_initialized(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {
        envoy_log!(Info, "{}: server initialized", self.stamp);
    }

    // envoy_dynamic_module_on_bootstrap_extension_drain_started
    // fn on_drain_started(&mut self, envoy: &mut dyn EnvoyBootstrapExtension) {}

    // envoy_dynamic_module_on_bootstrap_extension_shutdown
    // fn on_shutdown(&mut self, envoy: &mut dyn EnvoyBootstrapExtension) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::bootstrap::testing::{FakeBootstrapConfig, FakeBootstrapExtension};

    #[test]
    fn logs_once_the_server_is_up() {
        let config = {{Camel}}Config::new(
            &mut FakeBootstrapConfig::default(),
            br#"{"stamp": "{{name}}"}"#,
        )
        .unwrap();
        let mut extension = config.new_bootstrap_extension(&mut FakeBootstrapExtension);
        extension.on_server_initialized(&mut FakeBootstrapExtension);
        let lines: Vec<String> = envoy_dm_sdk::log::take_logs().into_iter().map(|(_, l)| l).collect();
        assert_eq!(lines, vec!["{{name}}: server initialized".to_string()]);
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeBootstrapConfig::default(), config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
