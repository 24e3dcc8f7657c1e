//! `{{name}}`: (say what it does). Written by `make new-filter`: a route
//! specifier that answers every request with the route template its config
//! names (the lab config's template goes to upstream b, the route itself to
//! a). Its hook is below, with the ABI hook it answers.
//!
//! Config (JSON): `{"template": "{{name}}_b"}`.

use envoy_dm_sdk::route_specifier::{
    Decision, EnvoyRouteSpecifier, EnvoyRouteSpecifierConfig, OnRoute, RouteSpecifierConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per route's specifier config on Envoy's main thread
/// (`envoy_dynamic_module_on_route_specifier_config_new`); an Err refuses it.
/// Every worker shares it: it keeps no per-request state.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    template: String,
}

impl {{Camel}}Config {
    pub fn new(
        envoy: &mut impl EnvoyRouteSpecifierConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        // The route's templates are known at config time: refuse a typo now
        // rather than fail every request.
        if !envoy.template_ids().contains(&config.template) {
            return Err(format!(
                "\"template\": {:?} is not one of the route's route_templates",
                config.template
            )
            .into());
        }
        Ok(config)
    }
}

impl<E: EnvoyRouteSpecifier> RouteSpecifierConfig<E> for {{Camel}}Config {
    // envoy_dynamic_module_on_route_specifier_on_route: one request's route.
    // Request headers are there to choose by (envoy.request_header). Stop:
    // the route is final; Continue would hand it to the next specifier.
    fn on_route(&self, envoy: &mut E) -> OnRoute {
        if !envoy.set_route_template(&self.template) {
            // Envoy applies the route's failure_policy.
            envoy.set_decision(Decision::Error);
        }
        OnRoute::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::route_specifier::testing::{FakeRouteSpecifier, FakeRouteSpecifierConfig};

    const CONFIG: &[u8] = br#"{"template": "{{name}}_b"}"#;

    #[test]
    fn picks_the_configured_template() {
        let mut config_envoy = FakeRouteSpecifierConfig::with_templates(&["{{name}}_b"]);
        let config = {{Camel}}Config::new(&mut config_envoy, CONFIG).unwrap();
        let mut envoy = FakeRouteSpecifier::with_templates(&["{{name}}_b"]);
        assert_eq!(config.on_route(&mut envoy), OnRoute::Stop);
        assert_eq!(envoy.template.as_deref(), Some("{{name}}_b"));
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"template": "other"}"#, "not one of the route's route_templates"),
            (r#"{"template": "{{name}}_b", "x": 1}"#, "unknown field `x`"),
        ] {
            let mut envoy = FakeRouteSpecifierConfig::with_templates(&["{{name}}_b"]);
            let err = {{Camel}}Config::new(&mut envoy, config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
