//! `{{name}}`: (say what it does). Written by `make new-filter`: an access
//! logger that writes one line to Envoy's log for each request it is told of,
//! `<stamp>: <response code>`. Its hooks are below, each with the ABI hook it
//! answers.
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::access_logger::{
    AccessLogType, AccessLogger, AccessLoggerConfig, EnvoyAccessLog, EnvoyAccessLoggerConfig,
};
use envoy_dm_sdk::{envoy_log, BoxError};
use serde::Deserialize;

/// Made once per logger config on Envoy's main thread
/// (`envoy_dynamic_module_on_access_logger_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut impl EnvoyAccessLoggerConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyAccessLog> AccessLoggerConfig<E> for {{Camel}}Config {
    /// One logger per worker thread (`envoy_dynamic_module_on_access_logger_new`).
    fn new_access_logger(&self) -> Box<dyn AccessLogger<E>> {
        Box::new({{Camel}} {
            stamp: self.stamp.clone(),
        })
    }
}

pub struct {{Camel}} {
    stamp: String,
}

impl<E: EnvoyAccessLog> AccessLogger<E> for {{Camel}} {
    // envoy_dynamic_module_on_access_logger_log: a request (or connection) ended.
    fn log(&mut self, envoy: &mut E, _log_type: AccessLogType) {
        let code = envoy.response_code().unwrap_or(0);
        envoy_log!(Info, "{}: {}", self.stamp, code);
    }

    // envoy_dynamic_module_on_access_logger_flush: write out what is buffered.
    // fn flush(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::access_logger::testing::{FakeAccessLog, FakeAccessLoggerConfig};

    #[test]
    fn logs_the_response_code() {
        let config = {{Camel}}Config::new(
            &mut FakeAccessLoggerConfig::default(),
            br#"{"stamp": "{{name}}"}"#,
        )
        .unwrap();
        let mut logger = AccessLoggerConfig::<FakeAccessLog>::new_access_logger(&config);
        let mut envoy = FakeAccessLog::with_request(&[(":path", "/")], 200);
        logger.log(&mut envoy, AccessLogType::DownstreamEnd);
        let lines: Vec<String> = envoy_dm_sdk::log::take_logs().into_iter().map(|(_, l)| l).collect();
        assert_eq!(lines, vec!["{{name}}: 200".to_string()]);
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeAccessLoggerConfig::default(), config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
