//! `mt_cidr_set` (input matcher): whether the client address a forwarding
//! header names (by default the last hop of `x-forwarded-for`, the one the
//! proxy next to Envoy appended) lies in a set of CIDR blocks loaded from the
//! config: tens of thousands of blocks cost a few hash lookups per request.
//! Used in a route table's or RBAC's matching tree, e.g. to send internal
//! clients to the internal backend.
//!
//! Config (JSON object; unknown fields refused):
//! `{"cidrs": ["10.0.0.0/8", "fd00::/8"], "header": "x-forwarded-for", "hop": "last"}`
//!
//! - `cidrs` (required): 1 to 100,000 CIDR blocks, host bits zero; a bare
//!   address is one host. IPv4-mapped IPv6 addresses match IPv4 blocks.
//! - `header` (default `x-forwarded-for`): a comma-separated list of
//!   addresses; several header lines count as one list, in order.
//! - `hop` (default `last`): which entry is the client, `last` or `first`.
//!
//! Answers: no header, or an empty one, is no match; an entry that is not an
//! address (`ip`, `ip:port` or `[ipv6]:port`) is an error, so the config's
//! `on_error` decides (NO_MATCH unless it says MATCH).

use crate::shared::cidr::{Cidr, CidrSet};
use crate::shared::header_name::check_name;
use envoy_dm_sdk::matcher::{EnvoyMatcher, EnvoyMatcherConfig, Matcher, MatcherResult};
use envoy_dm_sdk::{BoxError, HeaderType};
use std::net::{IpAddr, SocketAddr};

const MAX_CIDRS: usize = 100_000;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    cidrs: Vec<String>,
    header: Option<String>,
    #[serde(default)]
    hop: Hop,
}

/// Which entry of the header's list is taken as the client.
#[derive(serde::Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Hop {
    /// The address the nearest proxy appended (the one a client cannot forge
    /// behind one trusted proxy).
    #[default]
    Last,
    /// The address the first proxy saw.
    First,
}

pub struct CidrSetConfig {
    cidrs: CidrSet,
    header: String,
    hop: Hop,
}

impl CidrSetConfig {
    pub fn new(_envoy: &mut impl EnvoyMatcherConfig, config: &[u8]) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        if settings.cidrs.is_empty() || settings.cidrs.len() > MAX_CIDRS {
            return Err(format!(
                "cidrs: 1 to {MAX_CIDRS} blocks, got {}",
                settings.cidrs.len()
            )
            .into());
        }
        let blocks = settings
            .cidrs
            .iter()
            .enumerate()
            .map(|(i, text)| Cidr::parse(text).map_err(|e| format!("cidrs[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let header = match settings.header {
            Some(name) => check_name("header", &name, false)?,
            None => "x-forwarded-for".to_string(),
        };
        Ok(Self {
            cidrs: CidrSet::new(blocks),
            header,
            hop: settings.hop,
        })
    }

    /// The answer for these values of the header (the pure part, fuzzed).
    pub fn decide(&self, values: &[&[u8]]) -> MatcherResult {
        match client_address(values, self.hop) {
            Ok(Some(addr)) if self.cidrs.contains(addr) => MatcherResult::Match,
            Ok(_) => MatcherResult::NoMatch,
            Err(_) => MatcherResult::Error,
        }
    }
}

impl<E: EnvoyMatcher> Matcher<E> for CidrSetConfig {
    fn matches(&self, envoy: &E) -> MatcherResult {
        self.decide(&envoy.header_values(HeaderType::RequestHeader, &self.header))
    }
}

/// The client address of a forwarding header's values: None when there is no
/// entry, Err when the chosen entry is not an address. Only the chosen entry
/// is parsed (the others may be anything a proxy wrote).
pub fn client_address(values: &[&[u8]], hop: Hop) -> Result<Option<IpAddr>, String> {
    let mut entries = values
        .iter()
        .flat_map(|v| v.split(|b| *b == b','))
        .map(|e| e.trim_ascii())
        .filter(|e| !e.is_empty());
    let entry = match hop {
        Hop::First => entries.next(),
        Hop::Last => entries.next_back(),
    };
    let Some(entry) = entry else {
        return Ok(None);
    };
    let text = std::str::from_utf8(entry).map_err(|_| "the entry is not UTF-8".to_string())?;
    if let Ok(addr) = text.parse::<IpAddr>() {
        return Ok(Some(addr));
    }
    text.parse::<SocketAddr>()
        .map(|sock| Some(sock.ip()))
        .map_err(|_| format!("{text:?} is not an IP address"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::matcher::testing::{FakeMatcher, FakeMatcherConfig};

    fn config(json: &str) -> Result<CidrSetConfig, String> {
        CidrSetConfig::new(&mut FakeMatcherConfig, json.as_bytes()).map_err(|e| e.to_string())
    }

    fn answer(config: &CidrSetConfig, headers: &[(&str, &str)]) -> MatcherResult {
        config.matches(&FakeMatcher::with_headers(headers))
    }

    #[test]
    fn the_last_hop_decides_by_default() {
        let c = config(r#"{"cidrs": ["10.0.0.0/8", "fd00::/8"]}"#).unwrap();
        let xff = |v| answer(&c, &[("x-forwarded-for", v)]);
        assert_eq!(xff("10.1.2.3"), MatcherResult::Match);
        assert_eq!(xff("203.0.113.7, 10.1.2.3"), MatcherResult::Match);
        assert_eq!(xff("10.1.2.3, 203.0.113.7"), MatcherResult::NoMatch);
        assert_eq!(xff("[fd00::5]:443"), MatcherResult::Match);
        assert_eq!(xff("10.9.9.9:8080"), MatcherResult::Match);
        // Only the chosen entry must parse.
        assert_eq!(xff("garbage, 10.1.2.3"), MatcherResult::Match);
        assert_eq!(xff("10.1.2.3, garbage"), MatcherResult::Error);
        assert_eq!(xff(" , "), MatcherResult::NoMatch);
        assert_eq!(answer(&c, &[]), MatcherResult::NoMatch);
        // Two header lines are one list.
        let two = [
            ("x-forwarded-for", "10.1.1.1"),
            ("x-forwarded-for", "8.8.8.8"),
        ];
        assert_eq!(answer(&c, &two), MatcherResult::NoMatch);
    }

    #[test]
    fn first_hop_and_another_header() {
        let c = config(r#"{"cidrs": ["192.168.0.0/16"], "header": "X-Real-IP", "hop": "first"}"#)
            .unwrap();
        assert_eq!(
            answer(&c, &[("x-real-ip", "192.168.4.4, 1.1.1.1")]),
            MatcherResult::Match
        );
        assert_eq!(
            answer(&c, &[("x-forwarded-for", "192.168.4.4")]),
            MatcherResult::NoMatch
        );
    }

    #[test]
    fn bad_configs_are_refused_with_the_reason() {
        for (json, want) in [
            ("{}", "missing field `cidrs`"),
            (r#"{"cidrs": []}"#, "cidrs: 1 to 100000 blocks, got 0"),
            (
                r#"{"cidrs": ["10.0.0.1/8"]}"#,
                "cidrs[0]: \"10.0.0.1/8\" has host bits set",
            ),
            (
                r#"{"cidrs": ["10.0.0.0/8", "nope"]}"#,
                "cidrs[1]: \"nope\" is not an IP address",
            ),
            (
                r#"{"cidrs": ["10.0.0.0/8"], "hop": "middle"}"#,
                "unknown variant `middle`",
            ),
            (
                r#"{"cidrs": ["10.0.0.0/8"], "header": ":path"}"#,
                "pseudo-header",
            ),
            (
                r#"{"cidrs": ["10.0.0.0/8"], "cidr": 1}"#,
                "unknown field `cidr`",
            ),
        ] {
            let got = config(json).err().unwrap_or_default();
            assert!(got.contains(want), "{json}: {got}");
        }
    }
}
