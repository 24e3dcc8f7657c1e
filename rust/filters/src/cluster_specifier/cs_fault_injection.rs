//! `cs_fault_injection`: a test-only cluster specifier that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: that request is
//! answered 503, one line is logged, and the next request is served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"cluster": NAME}` sends every request to NAME, except that one
//! carrying `x-fault: select` panics; `{"cluster": NAME, "phase": "config"}`
//! panics in its constructor.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::cluster_specifier::{
    ClusterSpecifierConfig, EnvoyClusterSpecifier, EnvoyClusterSpecifierConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    cluster: String,
    #[serde(default)]
    phase: Option<String>,
}

pub struct ClusterSpecifierFaultConfig {
    cluster: String,
}

impl ClusterSpecifierFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyClusterSpecifierConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.phase.as_deref() == Some("config") {
            panic!("fault injected in config");
        }
        Ok(Self {
            cluster: raw.cluster,
        })
    }
}

impl<E: EnvoyClusterSpecifier> ClusterSpecifierConfig<E> for ClusterSpecifierFaultConfig {
    fn select(&self, envoy: &mut E) -> bool {
        if envoy.request_header("x-fault") == Some(b"select") {
            panic!("fault injected in select");
        }
        envoy.set_cluster_name(&self.cluster);
        true
    }
}
