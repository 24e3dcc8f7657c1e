//! `di_fault_injection`: a test-only matching data input that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: the evaluation
//! whose get panics has no data (the tree's `on_no_match` applies), one line
//! is logged, and the next request is served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config" | "get" | "config_destroy"}`: `config` panics
//! while the config is made, `config_destroy` when it is dropped, `get` on
//! every request carrying `x-fault: get`. Otherwise its value is the first
//! `x-value` header.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::matcher_data_input::{
    EnvoyMatcherDataInput, EnvoyMatcherDataInputConfig, MatcherDataInput,
};
use envoy_dm_sdk::{BoxError, HeaderType};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
}

pub struct DataInputFaultConfig {
    panic_on_drop: bool,
}

impl DataInputFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyMatcherDataInputConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        match phase.as_str() {
            "config" => panic!("fault injected in config"),
            "get" | "config_destroy" => Ok(Self {
                panic_on_drop: phase == "config_destroy",
            }),
            other => {
                Err(format!("phase must be config, get or config_destroy, got {other:?}").into())
            }
        }
    }
}

impl Drop for DataInputFaultConfig {
    fn drop(&mut self) {
        if self.panic_on_drop {
            panic!("fault injected in config destroy");
        }
    }
}

impl<E: EnvoyMatcherDataInput> MatcherDataInput<E> for DataInputFaultConfig {
    fn get(&self, envoy: &E) -> Option<Vec<u8>> {
        let values = |k| envoy.header_values(HeaderType::RequestHeader, k);
        if values("x-fault").iter().any(|v| *v == b"get") {
            panic!("fault injected in get");
        }
        values("x-value").first().map(|v| v.to_vec())
    }
}
