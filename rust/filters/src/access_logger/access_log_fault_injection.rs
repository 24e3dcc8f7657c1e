//! `access_log_fault_injection`: a test-only access logger that panics on
//! purpose, to prove the SDK's barrier through a real Envoy: the request is
//! answered as usual, one line is logged, the logger is rebuilt and the next
//! request is logged (counted in `access_log_fault_injection_logged_total`).
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": "config"}` panics while the config is made;
//! `{"phase": "log"}` panics logging a request that carries `x-fault: log`.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::access_logger::{
    AccessLogType, AccessLogger, AccessLoggerConfig, EnvoyAccessLog, EnvoyAccessLoggerConfig,
};
use envoy_dm_sdk::{BoxError, HeaderType, MetricId};
use serde::Deserialize;

pub const LOGGED_COUNTER: &str = "access_log_fault_injection_logged_total";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Config,
    Log,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    phase: Phase,
}

pub struct AccessLogFaultConfig {
    logged: MetricId,
}

impl AccessLogFaultConfig {
    pub fn new(envoy: &mut impl EnvoyAccessLoggerConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.phase == Phase::Config {
            panic!("fault injected in config");
        }
        Ok(Self {
            logged: envoy.define_counter(LOGGED_COUNTER)?,
        })
    }
}

impl<E: EnvoyAccessLog> AccessLoggerConfig<E> for AccessLogFaultConfig {
    fn new_access_logger(&self) -> Box<dyn AccessLogger<E>> {
        Box::new(AccessLogFault {
            logged: self.logged,
        })
    }
}

pub struct AccessLogFault {
    logged: MetricId,
}

impl<E: EnvoyAccessLog> AccessLogger<E> for AccessLogFault {
    fn log(&mut self, envoy: &mut E, _log_type: AccessLogType) {
        let fault = envoy
            .get_headers(HeaderType::RequestHeader)
            .iter()
            .any(|(k, v)| *k == b"x-fault" && *v == b"log");
        if fault {
            panic!("fault injected in access_logger_log");
        }
        envoy.increment_counter(self.logged, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::access_logger::body::Logger;
    use envoy_dm_sdk::access_logger::testing::{FakeAccessLog, FakeAccessLoggerConfig};

    #[test]
    fn panics_only_on_the_marked_request_and_is_rebuilt() {
        std::env::set_var(crate::shared::fault::ENABLE_ENV, "1");
        let config = AccessLogFaultConfig::new(
            &mut FakeAccessLoggerConfig::default(),
            br#"{"phase": "log"}"#,
        )
        .unwrap();
        let mut logger = Logger::new("access_log_fault_injection", &config);
        let mut bad = FakeAccessLog::with_request(&[("x-fault", "log")], 200);
        logger.log(&mut bad, AccessLogType::DownstreamEnd);
        assert!(!logger.is_live());
        let mut good = FakeAccessLog::with_request(&[], 200);
        logger.log(&mut good, AccessLogType::DownstreamEnd);
        assert_eq!(good.counter(config.logged), 1);
    }
}
