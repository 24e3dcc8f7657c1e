//! `{{name}}`: (say what it does). Written by `make new-filter`: a cluster
//! specifier that sends every request to the cluster its config names (the
//! lab config names upstream b's). Its hook is below, with the ABI hook it
//! answers.
//!
//! Config (JSON): `{"cluster": "{{name}}_b"}`.

use envoy_dm_sdk::cluster_specifier::{
    ClusterSpecifierConfig, EnvoyClusterSpecifier, EnvoyClusterSpecifierConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per route's specifier config on Envoy's main thread
/// (`envoy_dynamic_module_on_cluster_specifier_config_new`); an Err refuses
/// it. Every worker shares it: it keeps no per-request state.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    cluster: String,
}

impl {{Camel}}Config {
    pub fn new(
        _envoy: &mut impl EnvoyClusterSpecifierConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.cluster.is_empty() {
            return Err("\"cluster\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyClusterSpecifier> ClusterSpecifierConfig<E> for {{Camel}}Config {
    // envoy_dynamic_module_on_cluster_specifier_select: one request's cluster.
    // Request headers are there to choose by (envoy.request_header); false
    // keeps Envoy's previous choice.
    fn select(&self, envoy: &mut E) -> bool {
        envoy.set_cluster_name(&self.cluster);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::cluster_specifier::testing::{
        FakeClusterSpecifier, FakeClusterSpecifierConfig,
    };

    #[test]
    fn picks_the_configured_cluster() {
        let config =
            {{Camel}}Config::new(&mut FakeClusterSpecifierConfig, br#"{"cluster": "{{name}}_b"}"#)
                .unwrap();
        let mut envoy = FakeClusterSpecifier::with_random(0);
        assert!(config.select(&mut envoy));
        assert_eq!(envoy.cluster.as_deref(), Some("{{name}}_b"));
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"cluster": ""}"#, "\"cluster\" is empty"),
            (r#"{"cluster": "c", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeClusterSpecifierConfig, config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
