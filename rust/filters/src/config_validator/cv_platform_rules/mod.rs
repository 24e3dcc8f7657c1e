//! `cv_platform_rules`: an xDS config validator holding the rules a platform
//! team sets for every listener and cluster a control plane sends. An
//! update that breaks one is refused whole, with the resource and the rule
//! named; Envoy keeps serving its last accepted config.
//!
//! Config (every rule off unless set; at least one must be on):
//! `{"clusters": {"require_connect_timeout": true, "max_connect_timeout_ms": 5000},
//!   "listeners": {"require_access_log": true}}`.
//! The resources are read off their protobuf bytes (`wire.rs`), with the
//! field numbers of Envoy's v3 API (`rules.rs`); other type URLs pass.

pub mod rules;
pub mod wire;

use envoy_dm_sdk::config_validator::{
    ConfigValidatorConfig, EnvoyConfigValidator, EnvoyConfigValidatorConfig, Resource,
};
use envoy_dm_sdk::BoxError;
use rules::{ClusterRules, ListenerRules};
use serde::Deserialize;

pub const LISTENER_TYPE: &str = "type.googleapis.com/envoy.config.listener.v3.Listener";
pub const CLUSTER_TYPE: &str = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

/// The longest connect timeout a config may allow: an hour is a mistake.
const MAX_CONNECT_TIMEOUT_MS: u64 = 3_600_000;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawClusters {
    #[serde(default)]
    require_connect_timeout: bool,
    #[serde(default)]
    max_connect_timeout_ms: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawListeners {
    #[serde(default)]
    require_access_log: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    clusters: RawClusters,
    #[serde(default)]
    listeners: RawListeners,
}

pub struct PlatformRulesConfig {
    clusters: ClusterRules,
    listeners: ListenerRules,
}

impl PlatformRulesConfig {
    pub fn new(
        _envoy: &mut impl EnvoyConfigValidatorConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if let Some(ms) = raw.clusters.max_connect_timeout_ms {
            if ms == 0 || ms > MAX_CONNECT_TIMEOUT_MS {
                return Err(format!(
                    "clusters.max_connect_timeout_ms: 1 to {MAX_CONNECT_TIMEOUT_MS}, got {ms}"
                )
                .into());
            }
        }
        let clusters = ClusterRules {
            require_connect_timeout: raw.clusters.require_connect_timeout,
            max_connect_timeout_ms: raw.clusters.max_connect_timeout_ms,
        };
        let listeners = ListenerRules {
            require_access_log: raw.listeners.require_access_log,
        };
        if clusters == ClusterRules::default() && listeners == ListenerRules::default() {
            return Err("no rule is on; set clusters.* or listeners.*".into());
        }
        Ok(Self {
            clusters,
            listeners,
        })
    }

    /// The first resource of an update of `type_url` that breaks a rule, as
    /// the reason Envoy gives.
    pub fn check(&self, type_url: &str, resources: &[Resource]) -> Result<(), String> {
        let noun = match type_url {
            CLUSTER_TYPE => "cluster",
            LISTENER_TYPE => "listener",
            _ => return Ok(()),
        };
        for resource in resources {
            let Some(body) = resource.body else { continue };
            let verdict = if noun == "cluster" {
                rules::check_cluster(body, &self.clusters)
            } else {
                rules::check_listener(body, &self.listeners)
            };
            verdict.map_err(|why| format!("{noun} '{}' {why}", resource.name))?;
        }
        Ok(())
    }
}

impl<E: EnvoyConfigValidator> ConfigValidatorConfig<E> for PlatformRulesConfig {
    fn validate(&self, _envoy: &E, type_url: &str, resources: &[Resource]) -> Result<(), String> {
        self.check(type_url, resources)
    }
}

#[cfg(test)]
mod tests {
    use super::rules::build;
    use super::*;
    use envoy_dm_sdk::config_validator::testing::FakeConfigValidatorConfig;

    fn config(json: &str) -> Result<PlatformRulesConfig, BoxError> {
        PlatformRulesConfig::new(&mut FakeConfigValidatorConfig, json.as_bytes())
    }

    fn resource<'a>(name: &'a str, body: &'a [u8]) -> Resource<'a> {
        Resource {
            name: name.into(),
            body: Some(body),
            ..Resource::default()
        }
    }

    #[test]
    fn refuses_bad_configs() {
        for (bad, why) in [
            ("{}", "no rule is on"),
            (
                r#"{"clusters": {"require_connect_timeout": false}}"#,
                "no rule is on",
            ),
            (
                r#"{"clusters": {"max_connect_timeout_ms": 0}}"#,
                "1 to 3600000, got 0",
            ),
            (
                r#"{"listeners": {"require_acess_log": true}}"#,
                "unknown field",
            ),
            (r#"{"rules": []}"#, "unknown field"),
        ] {
            let err = config(bad).err().unwrap().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn names_the_resource_and_the_rule() {
        let c = config(r#"{"clusters": {"require_connect_timeout": true}}"#).unwrap();
        let good = build::cluster("good", Some((1, 0)));
        let bad = build::cluster("bad", None);
        assert_eq!(c.check(CLUSTER_TYPE, &[resource("good", &good)]), Ok(()));
        let why = c
            .check(
                CLUSTER_TYPE,
                &[resource("good", &good), resource("bad", &bad)],
            )
            .unwrap_err();
        assert_eq!(
            why,
            "cluster 'bad' has no connect_timeout (rule clusters.require_connect_timeout)"
        );
        // Other types, and resources without a body (removals), pass.
        assert_eq!(
            c.check("type.googleapis.com/x", &[resource("bad", &bad)]),
            Ok(())
        );
        let removed = Resource {
            name: "gone".into(),
            ..Resource::default()
        };
        assert_eq!(c.check(CLUSTER_TYPE, &[removed]), Ok(()));
    }
}
