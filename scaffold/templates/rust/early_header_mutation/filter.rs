//! `{{name}}`: (say what it does). Written by `make new-filter`: an early
//! header mutation that sets `{{header}}: <stamp>` on every request before
//! Envoy picks its route, so the route table can match on it (the lab config
//! sends such requests to upstream b). Its hook is below, with the ABI hook it
//! answers.
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::early_header_mutation::{
    EarlyHeaderMutation, EarlyHeaderMutationStatus, EnvoyEarlyHeaderMutation,
    EnvoyEarlyHeaderMutationConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

/// Made once per connection manager config on Envoy's main thread
/// (`envoy_dynamic_module_on_early_header_mutation_config_new`); an Err
/// refuses it. Every worker shares it: it keeps no per-request state.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(
        _envoy: &mut impl EnvoyEarlyHeaderMutationConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyEarlyHeaderMutation> EarlyHeaderMutation<E> for {{Camel}}Config {
    // envoy_dynamic_module_on_early_header_mutation_mutate: one request's
    // headers, before routing. StopChain skips the mutations configured after
    // this one.
    fn mutate(&self, envoy: &mut E) -> EarlyHeaderMutationStatus {
        envoy.set_header("{{header}}", self.stamp.as_bytes());
        EarlyHeaderMutationStatus::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::early_header_mutation::testing::{
        FakeEarlyHeaderMutation, FakeEarlyHeaderMutationConfig,
    };

    #[test]
    fn stamps_the_request() {
        let config =
            {{Camel}}Config::new(&mut FakeEarlyHeaderMutationConfig, br#"{"stamp": "{{name}}"}"#)
                .unwrap();
        let mut envoy = FakeEarlyHeaderMutation::with_headers(&[("{{header}}", "from the client")]);
        assert_eq!(config.mutate(&mut envoy), EarlyHeaderMutationStatus::Continue);
        assert_eq!(envoy.header_values("{{header}}"), vec![b"{{name}}".as_slice()]);
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeEarlyHeaderMutationConfig, config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
