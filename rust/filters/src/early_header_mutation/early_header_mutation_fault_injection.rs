//! `early_header_mutation_fault_injection`: a test-only early header mutation
//! that panics on purpose, to prove the SDK's barrier through a real Envoy: the
//! panic is logged once, the mutation's fail_closed runs, the request is served
//! and so is the next one.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config" | "mutate" | "config_destroy"}`: `config` panics
//! while the config is made, `config_destroy` when it is dropped (at a listener
//! update or exit), `mutate` on every request carrying `x-fault: mutate`. Its
//! fail_closed removes `x-forwarded-for` and sets `x-fault-closed: 1`.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::early_header_mutation::{
    EarlyHeaderMutation, EarlyHeaderMutationStatus, EnvoyEarlyHeaderMutation,
    EnvoyEarlyHeaderMutationConfig,
};
use envoy_dm_sdk::BoxError;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
}

pub struct EarlyFaultConfig {
    panic_on_drop: bool,
}

impl EarlyFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyEarlyHeaderMutationConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        match phase.as_str() {
            "config" => panic!("fault injected in config"),
            "mutate" | "config_destroy" => Ok(Self {
                panic_on_drop: phase == "config_destroy",
            }),
            other => {
                Err(format!("phase must be config, mutate or config_destroy, got {other:?}").into())
            }
        }
    }
}

impl Drop for EarlyFaultConfig {
    fn drop(&mut self) {
        if self.panic_on_drop {
            panic!("fault injected in config destroy");
        }
    }
}

impl<E: EnvoyEarlyHeaderMutation> EarlyHeaderMutation<E> for EarlyFaultConfig {
    fn mutate(&self, envoy: &mut E) -> EarlyHeaderMutationStatus {
        if envoy
            .header_values("x-fault")
            .iter()
            .any(|v| *v == b"mutate")
        {
            panic!("fault injected in mutate");
        }
        EarlyHeaderMutationStatus::Continue
    }

    fn fail_closed(&self, envoy: &mut E) {
        envoy.remove_header("x-forwarded-for");
        envoy.set_header("x-fault-closed", b"1");
    }
}
