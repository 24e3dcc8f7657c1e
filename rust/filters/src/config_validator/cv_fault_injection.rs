//! `cv_fault_injection`: a test-only config validator that panics on purpose,
//! to prove the SDK's barrier through a real Envoy: the update whose
//! validation panics is refused (the old config keeps serving), one line is
//! logged, and the next update is judged again.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{}` accepts every update except one holding a resource named
//! `panic-validate` (validate and validate_delta panic);
//! `{"phase": "config"}` panics in its constructor, `{"phase": "destroy"}`
//! when Envoy destroys it.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::config_validator::{
    ConfigValidatorConfig, EnvoyConfigValidator, EnvoyConfigValidatorConfig, Resource,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::borrow::Cow;

/// The resource name that makes a validation panic.
const PANIC_NAME: &str = "panic-validate";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    phase: Option<String>,
}

pub struct ConfigValidatorFaultConfig {
    panic_on_drop: bool,
}

impl ConfigValidatorFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyConfigValidatorConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        match raw.phase.as_deref() {
            None => Ok(Self {
                panic_on_drop: false,
            }),
            Some("config") => panic!("fault injected in config"),
            Some("destroy") => Ok(Self {
                panic_on_drop: true,
            }),
            Some(other) => Err(format!("phase: config or destroy, got {other:?}").into()),
        }
    }
}

impl<E: EnvoyConfigValidator> ConfigValidatorConfig<E> for ConfigValidatorFaultConfig {
    fn validate(&self, _envoy: &E, _type_url: &str, resources: &[Resource]) -> Result<(), String> {
        if resources.iter().any(|r| r.name == PANIC_NAME) {
            panic!("fault injected in validate");
        }
        Ok(())
    }

    fn validate_delta(
        &self,
        _envoy: &E,
        _type_url: &str,
        added: &[Resource],
        _removed: &[Cow<str>],
    ) -> Result<(), String> {
        if added.iter().any(|r| r.name == PANIC_NAME) {
            panic!("fault injected in validate_delta");
        }
        Ok(())
    }
}

impl Drop for ConfigValidatorFaultConfig {
    fn drop(&mut self) {
        if self.panic_on_drop {
            panic!("fault injected in config destroy");
        }
    }
}
