//! `lab_status`: a bootstrap extension that shows what the module is doing,
//! keeps header_auth's token files fresh, and flushes the access logs before
//! the server exits.
//!
//! Config (every field optional; `{}` takes the defaults):
//!
//! ```json
//! {"admin_path": "/dynamic_modules", "reload_interval_ms": 1000, "flush_timeout_ms": 5000}
//! ```
//!
//! - **`GET {admin_path}`** on the admin port answers JSON: the module's name,
//!   language and version, the ABI version it speaks with this Envoy, every
//!   filter it registers (all kinds) with how many configurations and
//!   instances (streams, connections, sockets, judged certificate chains,
//!   ...) of each are alive now and were ever made, and the counters the
//!   filters keep: the access logs' queued lines, and each header_auth token
//!   file's state. Other methods get 405.
//! - **A timer** every `reload_interval_ms` (100 ms to 1 h) re-reads every
//!   header_auth `tokens_file` (a missing or bad file keeps its previous set,
//!   logged once; see [`token_file`](crate::shared::token_file)).
//! - **Drain and shutdown** wait (at most `flush_timeout_ms`, up to 60 s) until
//!   every access-log line queued so far (filter and extension) is written, so a server that
//!   drains or exits loses no queued line.

use crate::shared::{log_sink, token_file};
use envoy_dm_sdk::bootstrap::{
    AdminResponse, BootstrapExtension, BootstrapExtensionConfig, EnvoyBootstrapConfig,
    EnvoyBootstrapExtension, Timer, TimerId,
};
use envoy_dm_sdk::since;
use envoy_dm_sdk::{envoy_log, live, BoxError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

pub const DEFAULT_ADMIN_PATH: &str = "/dynamic_modules";
pub const DEFAULT_RELOAD_MS: u64 = 1000;
pub const DEFAULT_FLUSH_MS: u64 = 5000;
pub const RELOAD_MS: std::ops::RangeInclusive<u64> = 100..=3_600_000;
pub const MAX_FLUSH_MS: u64 = 60_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    admin_path: Option<String>,
    #[serde(default)]
    reload_interval_ms: Option<u64>,
    #[serde(default)]
    flush_timeout_ms: Option<u64>,
}

/// A checked configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub admin_path: String,
    pub reload_interval: Duration,
    pub flush_timeout: Duration,
}

/// Parses and checks the config bytes; no side effects (the fuzz target's entry).
pub fn parse(config: &[u8]) -> Result<Settings, BoxError> {
    let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
    let admin_path = raw
        .admin_path
        .unwrap_or_else(|| DEFAULT_ADMIN_PATH.to_string());
    if !admin_path.starts_with('/')
        || admin_path.len() < 2
        || admin_path.len() > 256
        || !admin_path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
    {
        return Err(format!(
            "admin_path must be / and 1 to 255 of [A-Za-z0-9/-_.], got {admin_path:?}"
        )
        .into());
    }
    let reload = raw.reload_interval_ms.unwrap_or(DEFAULT_RELOAD_MS);
    if !RELOAD_MS.contains(&reload) {
        return Err(format!(
            "reload_interval_ms must be {} to {}, got {reload}",
            RELOAD_MS.start(),
            RELOAD_MS.end()
        )
        .into());
    }
    let flush = raw.flush_timeout_ms.unwrap_or(DEFAULT_FLUSH_MS);
    if flush > MAX_FLUSH_MS {
        return Err(format!("flush_timeout_ms must be 0 to {MAX_FLUSH_MS}, got {flush}").into());
    }
    Ok(Settings {
        admin_path,
        reload_interval: Duration::from_millis(reload),
        flush_timeout: Duration::from_millis(flush),
    })
}

pub struct LabStatusConfig {
    settings: Settings,
    timer: Timer,
}

impl LabStatusConfig {
    pub fn new(envoy: &mut dyn EnvoyBootstrapConfig, config: &[u8]) -> Result<Self, BoxError> {
        // An admin endpoint and a reload timer (neither on 1.37).
        since::BOOTSTRAP_REGISTER_ADMIN_HANDLER.check()?;
        since::BOOTSTRAP_TIMER_NEW.check()?;
        let settings = parse(config)?;
        if !envoy.register_admin_handler(
            &settings.admin_path,
            "dynamic modules: filters, live configs and streams, counters (JSON)",
        ) {
            return Err(format!(
                "admin_path {}: the admin refused it (taken, or no admin configured)",
                settings.admin_path
            )
            .into());
        }
        let timer = envoy
            .new_timer()
            .ok_or("Envoy made no timer for the token file reload")?;
        timer.enable(settings.reload_interval);
        Ok(Self { settings, timer })
    }

    /// The JSON `GET {admin_path}` answers.
    pub fn status(&self) -> Value {
        let module = envoy_dm_sdk::registry::module();
        let counts = live::snapshot();
        let filters: Vec<Value> = registered()
            .into_iter()
            .map(|(kind, name)| {
                let now = counts.iter().find(|c| c.kind == kind && c.name == name);
                let get = |f: fn(&live::Snapshot) -> u64| now.map_or(0, f);
                let mut row = json!({
                    "kind": kind,
                    "name": name,
                    "live_configs": get(live::Snapshot::live_configs),
                    "live_instances": get(live::Snapshot::live_instances),
                    "configs_created": get(|s| s.configs_created),
                    "configs_destroyed": get(|s| s.configs_destroyed),
                    "instances_created": get(|s| s.instances_created),
                    "instances_destroyed": get(|s| s.instances_destroyed),
                });
                // A filter's own counts (live::counter), when it keeps any.
                let own = live::counters(kind, name);
                if !own.is_empty() {
                    row["counters"] = own
                        .into_iter()
                        .map(|(c, v)| (c.to_string(), json!(v)))
                        .collect();
                }
                row
            })
            .collect();
        let token_files: Vec<Value> = token_file::all()
            .iter()
            .map(|f| {
                json!({
                    "path": f.path().display().to_string(),
                    "tokens": f.tokens().len(),
                    "reloads": f.reloads(),
                    "failing": f.failing(),
                })
            })
            .collect();
        json!({
            "module": {
                "name": module.map_or("", |m| m.name),
                "language": module.map_or("", |m| m.language),
                "version": env!("CARGO_PKG_VERSION"),
            },
            "abi_version": envoy_dm_sdk::since::abi_version().to_string_lossy(),
            "filters": filters,
            "counters": {
                "access_log_pending_lines": log_sink::pending_lines(),
                "header_auth_token_files": token_files,
            },
            "reload_interval_ms": self.settings.reload_interval.as_millis() as u64,
        })
    }
}

/// Every (kind, name) this module registers, from the name tables `module!` makes
/// (the names only: the constructor tables would link every callback
/// into the unit tests).
pub fn registered() -> Vec<(&'static str, &'static str)> {
    let tables: &[(&'static str, &[&'static str])] = &[
        ("http", crate::HTTP_FILTER_NAMES),
        ("network", crate::NETWORK_FILTER_NAMES),
        ("listener", crate::LISTENER_FILTER_NAMES),
        ("udp_listener", crate::UDP_LISTENER_FILTER_NAMES),
        ("access_logger", crate::ACCESS_LOGGER_NAMES),
        ("bootstrap", crate::BOOTSTRAP_EXTENSION_NAMES),
        // early_header_mutation kind
        ("early_header_mutation", crate::EARLY_HEADER_MUTATION_NAMES),
        ("lb", crate::LB_POLICY_NAMES),
        ("cluster_specifier", crate::CLUSTER_SPECIFIER_NAMES),
        // The cluster kind.
        ("cluster", crate::CLUSTER_NAMES),
        // route_specifier kind
        ("route_specifier", crate::ROUTE_SPECIFIER_NAMES),
        // upstream_http_tcp_bridge kind
        (
            "upstream_http_tcp_bridge",
            crate::UPSTREAM_HTTP_TCP_BRIDGE_NAMES,
        ),
        // health_checker kind
        ("health_checker", crate::HEALTH_CHECKER_NAMES),
        // config_validator kind
        ("config_validator", crate::CONFIG_VALIDATOR_NAMES),
        // matcher kind
        ("matcher", crate::MATCHER_NAMES),
        // matcher_data_input kind
        ("matcher_data_input", crate::MATCHER_DATA_INPUT_NAMES),
        // header_formatter kind
        ("header_formatter", crate::HEADER_FORMATTER_NAMES),
        // formatter kind
        ("formatter", crate::FORMATTER_NAMES),
        // stat_sink kind
        ("stat_sink", crate::STAT_SINK_NAMES),
        // cert_validator kind
        ("cert_validator", crate::CERT_VALIDATOR_NAMES),
        // tracer kind
        ("tracer", crate::TRACER_NAMES),
        // transport_socket kind
        ("transport_socket", crate::TRANSPORT_SOCKET_NAMES),
    ];
    tables
        .iter()
        .flat_map(|&(kind, names)| names.iter().map(move |name| (kind, *name)))
        .collect()
}

impl BootstrapExtensionConfig for LabStatusConfig {
    fn new_bootstrap_extension(
        &self,
        _envoy: &mut dyn EnvoyBootstrapExtension,
    ) -> Box<dyn BootstrapExtension> {
        Box::new(LabStatus {
            flush_timeout: self.settings.flush_timeout,
        })
    }

    fn on_timer_fired(&self, _envoy: &mut dyn EnvoyBootstrapConfig, timer: TimerId) {
        if timer != self.timer.id() {
            return;
        }
        token_file::reload_all();
        self.timer.enable(self.settings.reload_interval);
    }

    fn on_admin_request(
        &self,
        _envoy: &mut dyn EnvoyBootstrapConfig,
        method: &str,
        _path: &str,
        _body: &[u8],
    ) -> AdminResponse {
        if method != "GET" {
            return (405, b"GET only\n".to_vec());
        }
        let mut body = serde_json::to_vec_pretty(&self.status()).unwrap_or_default();
        body.push(b'\n');
        (200, body)
    }
}

pub struct LabStatus {
    flush_timeout: Duration,
}

impl LabStatus {
    fn flush(&self, when: &str) {
        let pending = log_sink::pending_lines();
        if log_sink::flush(self.flush_timeout) {
            envoy_log!(
                Info,
                "lab_status: {when}: access logs flushed ({pending} lines were queued)"
            );
        } else {
            envoy_log!(
                Warn,
                "lab_status: {when}: {} access log lines still queued after {} ms",
                log_sink::pending_lines(),
                self.flush_timeout.as_millis()
            );
        }
    }
}

impl BootstrapExtension for LabStatus {
    fn on_drain_started(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {
        self.flush("drain");
    }
    fn on_shutdown(&mut self, _envoy: &mut dyn EnvoyBootstrapExtension) {
        self.flush("shutdown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::bootstrap::testing::{FakeBootstrapConfig, FakeBootstrapExtension};
    use std::sync::atomic::Ordering;

    #[test]
    fn defaults_and_refusals() {
        assert_eq!(
            parse(b"{}").unwrap(),
            Settings {
                admin_path: DEFAULT_ADMIN_PATH.into(),
                reload_interval: Duration::from_millis(DEFAULT_RELOAD_MS),
                flush_timeout: Duration::from_millis(DEFAULT_FLUSH_MS),
            }
        );
        for (config, why) in [
            (&b""[..], "filter_config is empty"),
            (b"[]", "expected a JSON object"),
            (br#"{"admin_path": "status"}"#, "admin_path must be"),
            (br#"{"admin_path": "/a b"}"#, "admin_path must be"),
            (
                br#"{"reload_interval_ms": 5}"#,
                "reload_interval_ms must be 100 to",
            ),
            (
                br#"{"flush_timeout_ms": 60001}"#,
                "flush_timeout_ms must be 0 to",
            ),
            (br#"{"reload": 1}"#, "unknown field `reload`"),
        ] {
            let err = parse(config).err().unwrap().to_string();
            assert!(
                err.contains(why),
                "{}: {err}",
                String::from_utf8_lossy(config)
            );
        }
    }

    #[test]
    fn registers_the_admin_path_and_arms_its_timer() {
        let mut envoy = FakeBootstrapConfig::default();
        let config = LabStatusConfig::new(&mut envoy, br#"{"reload_interval_ms": 250}"#).unwrap();
        assert_eq!(envoy.admin_paths, ["/dynamic_modules"]);
        let timer = envoy.timers[0];
        assert_eq!(timer.armed_ms.load(Ordering::SeqCst), 250);
        // Fired: re-armed; another timer's firing is not ours.
        timer.armed_ms.store(0, Ordering::SeqCst);
        config.on_timer_fired(&mut envoy, TimerId(1));
        assert_eq!(timer.armed_ms.load(Ordering::SeqCst), 0);
        config.on_timer_fired(&mut envoy, config.timer.id());
        assert_eq!(timer.armed_ms.load(Ordering::SeqCst), 250);
        drop(config);
        assert_eq!(timer.deleted.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_taken_admin_path_refuses_the_config() {
        let mut envoy = FakeBootstrapConfig {
            admin_taken: true,
            ..Default::default()
        };
        let err = LabStatusConfig::new(&mut envoy, b"{}")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("the admin refused it"), "{err}");
    }

    #[test]
    fn answers_json_with_every_registered_filter() {
        let mut envoy = FakeBootstrapConfig::default();
        let config = LabStatusConfig::new(&mut envoy, b"{}").unwrap();
        let (status, body) = config.on_admin_request(&mut envoy, "GET", "/dynamic_modules", b"");
        assert_eq!(status, 200);
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["module"]["version"], env!("CARGO_PKG_VERSION"));
        let filters = json["filters"].as_array().unwrap();
        assert_eq!(filters.len(), registered().len());
        for kind in [
            "http",
            "network",
            "listener",
            "udp_listener",
            "access_logger",
            "bootstrap",
            // early_header_mutation kind
            "early_header_mutation",
            "lb",
            "cluster_specifier",
            "cluster",
            // route_specifier kind
            "route_specifier",
            "upstream_http_tcp_bridge",
            // health_checker kind
            "health_checker",
            // config_validator kind
            "config_validator",
            // matcher kind
            "matcher",
            // matcher_data_input kind
            "matcher_data_input",
            // header_formatter kind
            "header_formatter",
            // formatter kind
            "formatter",
            // cert_validator kind
            "cert_validator",
            // stat_sink kind
            "stat_sink",
            // tracer kind
            "tracer",
            // transport_socket kind
            "transport_socket",
        ] {
            assert!(filters.iter().any(|f| f["kind"] == kind), "{kind}");
        }
        assert!(filters
            .iter()
            .any(|f| f["kind"] == "bootstrap" && f["name"] == "lab_status"));
        assert!(json["counters"]["access_log_pending_lines"].is_u64());
        let (status, _) = config.on_admin_request(&mut envoy, "POST", "/dynamic_modules", b"");
        assert_eq!(status, 405);
    }

    #[test]
    fn shutdown_flushes_with_nothing_queued() {
        let mut envoy = FakeBootstrapConfig::default();
        let config = LabStatusConfig::new(&mut envoy, br#"{"flush_timeout_ms": 0}"#).unwrap();
        let mut ext = config.new_bootstrap_extension(&mut FakeBootstrapExtension);
        ext.on_drain_started(&mut FakeBootstrapExtension);
        ext.on_shutdown(&mut FakeBootstrapExtension);
    }
}
