//! `cs_canary_split`: a cluster specifier for a canary or A/B rollout. Each
//! request goes to one of the configured clusters by percentage (stable 90,
//! canary 10), drawn from Envoy's per-request random value, so a route
//! refresh keeps the request where it was. A request whose override header
//! names a configured cluster goes there instead (a tester pinning the
//! canary); one that names any other cluster is answered with the configured
//! status, never routed to a cluster the config does not list.
//!
//! Config (JSON object):
//! * `clusters`: `{"stable": 90, "canary": 10}`, percentages summing to 100
//!   (a cluster of 0 is reachable by the header only);
//! * `header`: the override header (default `x-cluster`);
//! * `unknown_status`: what a request naming an unlisted cluster, or a listed
//!   one Envoy does not have, is answered (default 404; 200 to 599).

use crate::shared::header_name::check_name;
use envoy_dm_sdk::cluster_specifier::{
    ClusterSpecifierConfig, EnvoyClusterSpecifier, EnvoyClusterSpecifierConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// More clusters than a rollout splits between; bounds the config.
const MAX_CLUSTERS: usize = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    clusters: BTreeMap<String, u32>,
    #[serde(default = "default_header")]
    header: String,
    #[serde(default = "default_status")]
    unknown_status: u32,
}

fn default_header() -> String {
    "x-cluster".to_string()
}

fn default_status() -> u32 {
    404
}

pub struct CanarySplitConfig {
    header: String,
    unknown_status: u32,
    /// (cluster, cumulative percentage) in name order: a random point below
    /// 100 falls in the first entry whose bound is above it.
    split: Vec<(String, u32)>,
}

impl CanarySplitConfig {
    pub fn new(
        _envoy: &mut impl EnvoyClusterSpecifierConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        let header = check_name("header", &raw.header, false)?;
        if !(200..600).contains(&raw.unknown_status) {
            return Err(format!(
                "unknown_status must be 200 to 599, got {}",
                raw.unknown_status
            )
            .into());
        }
        if raw.clusters.is_empty() || raw.clusters.len() > MAX_CLUSTERS {
            return Err(format!(
                "clusters: 1 to {MAX_CLUSTERS} clusters, got {}",
                raw.clusters.len()
            )
            .into());
        }
        let mut split = Vec::with_capacity(raw.clusters.len());
        let mut bound = 0u32;
        for (name, percent) in raw.clusters {
            if name.is_empty() {
                return Err("clusters: a cluster name is empty".into());
            }
            bound = bound.saturating_add(percent);
            split.push((name, bound));
        }
        if bound != 100 {
            return Err(format!("clusters: the percentages sum to {bound}, not 100").into());
        }
        Ok(Self {
            header,
            unknown_status: raw.unknown_status,
            split,
        })
    }

    /// The configured cluster a header value names, if any.
    fn named(&self, value: &[u8]) -> Option<&str> {
        let value = std::str::from_utf8(value).ok()?.trim();
        self.split
            .iter()
            .map(|(name, _)| name.as_str())
            .find(|name| *name == value)
    }

    /// The cluster a random value falls in.
    fn drawn(&self, random: u64) -> &str {
        let point = (random % 100) as u32;
        let (name, _) = self
            .split
            .iter()
            .find(|(_, bound)| point < *bound)
            .expect("the bounds end at 100");
        name
    }
}

impl<E: EnvoyClusterSpecifier> ClusterSpecifierConfig<E> for CanarySplitConfig {
    fn select(&self, envoy: &mut E) -> bool {
        // Whatever is chosen, a cluster Envoy lacks is answered as configured.
        envoy.set_cluster_not_found_response_code(self.unknown_status);
        let cluster = match envoy.request_header(&self.header) {
            // An unlisted name goes nowhere: no cluster is named "".
            Some(value) => self.named(value).unwrap_or("").to_string(),
            None => self.drawn(envoy.random_value()).to_string(),
        };
        envoy.set_cluster_name(&cluster);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::cluster_specifier::testing::{
        FakeClusterSpecifier, FakeClusterSpecifierConfig,
    };

    fn config() -> CanarySplitConfig {
        let raw =
            br#"{"clusters": {"stable": 90, "canary": 10, "dark": 0}, "unknown_status": 421}"#;
        CanarySplitConfig::new(&mut FakeClusterSpecifierConfig, raw).unwrap()
    }

    fn chosen(
        config: &CanarySplitConfig,
        mut envoy: FakeClusterSpecifier,
    ) -> (String, Option<u32>) {
        assert!(config.select(&mut envoy));
        (envoy.cluster.unwrap(), envoy.not_found_status)
    }

    #[test]
    fn the_split_follows_the_percentages() {
        let config = config();
        let mut canary = 0;
        for random in 0..10_000u64 {
            let (cluster, status) =
                chosen(&config, FakeClusterSpecifier::with_random(random * 7919));
            assert_eq!(status, Some(421));
            assert_ne!(cluster, "dark");
            canary += u32::from(cluster == "canary");
        }
        assert_eq!(canary, 1000);
    }

    #[test]
    fn the_header_overrides_the_split_for_listed_clusters_only() {
        let config = config();
        for (value, want) in [
            ("dark", "dark"),
            ("canary", "canary"),
            (" stable ", "stable"),
            ("prod", ""),
            ("", ""),
        ] {
            let envoy = FakeClusterSpecifier::with_random(5).header("x-cluster", value);
            assert_eq!(chosen(&config, envoy).0, want, "{value:?}");
        }
        let mut envoy = FakeClusterSpecifier::with_random(5);
        envoy.headers.push(("x-cluster".into(), vec![0xff]));
        assert_eq!(chosen(&config, envoy).0, "");
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        for (raw, why) in [
            (
                &br#"{"clusters": {"a": 90, "b": 20}}"#[..],
                "the percentages sum to 110, not 100",
            ),
            (br#"{"clusters": {}}"#, "1 to 64 clusters, got 0"),
            (br#"{"clusters": {"": 100}}"#, "a cluster name is empty"),
            (
                br#"{"clusters": {"a": 100}, "unknown_status": 99}"#,
                "unknown_status must be 200 to 599, got 99",
            ),
            (
                br#"{"clusters": {"a": 100}, "header": "a b"}"#,
                "is not a valid HTTP token",
            ),
            (br#"{"clusters": {"a": -1}}"#, "invalid value"),
            (br#"{"split": {}}"#, "unknown field `split`"),
        ] {
            let error = CanarySplitConfig::new(&mut FakeClusterSpecifierConfig, raw)
                .err()
                .map(|e| e.to_string())
                .expect("refused");
            assert!(error.contains(why), "{error}");
        }
    }
}
