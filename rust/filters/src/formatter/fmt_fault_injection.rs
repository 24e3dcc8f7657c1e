//! `fmt_fault_injection`: a test-only formatter that panics on purpose, to
//! prove the SDK's barrier through a real Envoy: the panic is logged once, the
//! line gets no value (`-`), and Envoy keeps serving and logging.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config" | "parse" | "format" | "provider_destroy" |
//! "config_destroy"}`; its command is `%FAULT%`, which formats `ok`. `config`
//! panics while the config is made, `parse` while `%FAULT%` is parsed,
//! `format` on every line whose request carries `x-fault: format`, and the
//! two destroys when the provider or the config is dropped (at a listener
//! update or exit).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::formatter::{Command, EnvoyFormatter, EnvoyFormatterConfig};
use envoy_dm_sdk::formatter::{FormatterConfig, FormatterProvider};
use envoy_dm_sdk::{BoxError, HeaderType};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
}

pub struct FormatterFaultConfig {
    phase: String,
}

impl FormatterFaultConfig {
    pub fn new(_envoy: &mut impl EnvoyFormatterConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let Settings { phase } = envoy_dm_sdk::parse_json(config)?;
        match phase.as_str() {
            "config" => panic!("fault injected in config"),
            "parse" | "format" | "provider_destroy" | "config_destroy" => Ok(Self { phase }),
            other => Err(format!(
                "phase must be config, parse, format, provider_destroy or config_destroy, got {other:?}"
            )
            .into()),
        }
    }
}

impl Drop for FormatterFaultConfig {
    fn drop(&mut self) {
        if self.phase == "config_destroy" {
            panic!("fault injected in config destroy");
        }
    }
}

impl<E: EnvoyFormatter> FormatterConfig<E> for FormatterFaultConfig {
    fn parse(
        &self,
        command: &Command<'_>,
    ) -> Result<Option<Box<dyn FormatterProvider<E>>>, BoxError> {
        if command.name != "FAULT" {
            return Ok(None);
        }
        if self.phase == "parse" {
            panic!("fault injected in parse");
        }
        Ok(Some(Box::new(Fault {
            panic_on_drop: self.phase == "provider_destroy",
        })))
    }
}

struct Fault {
    panic_on_drop: bool,
}

impl Drop for Fault {
    fn drop(&mut self) {
        if self.panic_on_drop {
            panic!("fault injected in provider destroy");
        }
    }
}

impl<E: EnvoyFormatter> FormatterProvider<E> for Fault {
    fn format(&self, envoy: &E) -> Option<Vec<u8>> {
        if envoy
            .header_values(HeaderType::RequestHeader, "x-fault")
            .iter()
            .any(|v| *v == b"format")
        {
            panic!("fault injected in format");
        }
        Some(b"ok".to_vec())
    }
}
