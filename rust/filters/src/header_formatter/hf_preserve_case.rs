//! `hf_preserve_case` (HTTP/1 header formatter): header names keep the case
//! the client wrote them in on their way to an HTTP/1 upstream, for legacy
//! servers that compare names case-sensitively (`X-Legacy-Token` stays
//! `X-Legacy-Token` instead of Envoy's `x-legacy-token`). Names the message
//! did not carry (an HTTP/2 client's, which are lowercase on the wire, or
//! headers a filter added) take the spelling of `names` when listed there.
//!
//! Config (JSON object; unknown fields refused; `{}` is every default):
//! `{"names": ["X-Legacy-Token"], "max_keys": 100, "max_key_len": 256}`
//!
//! - `names` (default none): up to 1,000 spellings, each a valid header name
//!   with at least one capital (a lowercase one would change nothing).
//! - `max_keys` (1 to 1,024, default 100): how many distinct names one
//!   message's formatter remembers; later ones keep Envoy's spelling.
//! - `max_key_len` (1 to 1,024, default 256): longer names are not
//!   remembered. A message's formatter holds at most about
//!   `2 * max_keys * max_key_len` bytes, whatever the peer sends.
//!
//! The first spelling of a name in a message wins; a name written all in
//! lowercase is not remembered (there is nothing to restore).

use crate::shared::header_name::check_name;
use envoy_dm_sdk::header_formatter::{
    EnvoyHeaderFormatterConfig, HeaderFormatter, HeaderFormatterConfig,
};
use envoy_dm_sdk::BoxError;
use std::collections::HashMap;
use std::sync::Arc;

const MAX_NAMES: usize = 1000;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    names: Vec<String>,
    max_keys: Option<usize>,
    max_key_len: Option<usize>,
}

pub struct PreserveCaseConfig {
    /// Lowercase name -> its configured spelling.
    names: Arc<HashMap<Vec<u8>, Vec<u8>>>,
    max_keys: usize,
    max_key_len: usize,
}

impl PreserveCaseConfig {
    pub fn new(
        _envoy: &mut impl EnvoyHeaderFormatterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        if settings.names.len() > MAX_NAMES {
            return Err(format!("names: at most {MAX_NAMES}, got {}", settings.names.len()).into());
        }
        let mut names = HashMap::new();
        for (i, name) in settings.names.iter().enumerate() {
            let at = format!("names[{i}]");
            let lower = check_name(&at, name, false)?;
            if lower == *name {
                return Err(format!(
                    "{at}: {name:?} has no capital letter: it would change nothing"
                )
                .into());
            }
            if names
                .insert(lower.into_bytes(), name.clone().into_bytes())
                .is_some()
            {
                return Err(
                    format!("{at}: {name:?} is listed twice (names compare without case)").into(),
                );
            }
        }
        let bounded = |what: &str, v: Option<usize>, default: usize| match v.unwrap_or(default) {
            n @ 1..=1024 => Ok(n),
            n => Err(format!("{what}: 1 to 1024, got {n}")),
        };
        Ok(Self {
            names: Arc::new(names),
            max_keys: bounded("max_keys", settings.max_keys, 100)?,
            max_key_len: bounded("max_key_len", settings.max_key_len, 256)?,
        })
    }
}

impl PreserveCaseConfig {
    /// The formatter of one message (what Envoy gets, boxed).
    pub fn message(&self) -> PreserveCase {
        PreserveCase {
            names: Arc::clone(&self.names),
            seen: HashMap::new(),
            max_keys: self.max_keys,
            max_key_len: self.max_key_len,
        }
    }
}

impl HeaderFormatterConfig for PreserveCaseConfig {
    fn new_header_formatter(&self) -> Option<Box<dyn HeaderFormatter>> {
        Some(Box::new(self.message()))
    }
}

/// One message's formatter: the spellings it arrived with.
pub struct PreserveCase {
    names: Arc<HashMap<Vec<u8>, Vec<u8>>>,
    /// Lowercase name -> the spelling seen first, for names with a capital.
    seen: HashMap<Vec<u8>, Vec<u8>>,
    max_keys: usize,
    max_key_len: usize,
}

impl PreserveCase {
    /// How many bytes of names this formatter holds (for the memory bound's test).
    pub fn held_bytes(&self) -> usize {
        self.seen.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

impl HeaderFormatter for PreserveCase {
    fn process_key(&mut self, key: &[u8]) {
        if key.is_empty()
            || key.len() > self.max_key_len
            || self.seen.len() >= self.max_keys
            || !key.iter().any(u8::is_ascii_uppercase)
        {
            return;
        }
        self.seen
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| key.to_vec());
    }

    fn format(&mut self, key: &[u8]) -> Option<&[u8]> {
        self.seen
            .get(key)
            .or_else(|| self.names.get(key))
            .map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::header_formatter::testing::{play, FakeHeaderFormatterConfig};

    fn config(json: &str) -> Result<PreserveCaseConfig, String> {
        PreserveCaseConfig::new(&mut FakeHeaderFormatterConfig, json.as_bytes())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_spelling_the_client_sent_is_restored() {
        let c = config("{}").unwrap();
        let out = play(
            &c,
            &[
                "Host",
                "X-Legacy-Token",
                "x-plain",
                "X-LEGACY-TOKEN",
                "ACCEPT",
            ],
            &["host", "x-legacy-token", "x-plain", "accept", "x-added"],
        );
        assert_eq!(
            out,
            ["Host", "X-Legacy-Token", "x-plain", "ACCEPT", "x-added"]
        );
    }

    #[test]
    fn listed_names_cover_what_the_message_did_not_carry() {
        let c = config(r#"{"names": ["X-Legacy-Token", "SOAPAction"]}"#).unwrap();
        let out = play(
            &c,
            &["soapaction"],
            &["x-legacy-token", "soapaction", "x-other"],
        );
        assert_eq!(out, ["X-Legacy-Token", "SOAPAction", "x-other"]);
        // The message's own spelling wins over the list.
        assert_eq!(
            play(&c, &["X-LEGACY-token"], &["x-legacy-token"]),
            ["X-LEGACY-token"]
        );
    }

    #[test]
    fn memory_is_bounded_by_max_keys_and_max_key_len() {
        let c = config(r#"{"max_keys": 3, "max_key_len": 8}"#).unwrap();
        let mut f = c.message();
        let long = "X".repeat(9);
        for i in 0..10_000 {
            f.process_key(format!("X-{i}").as_bytes());
            f.process_key(long.as_bytes());
        }
        assert_eq!(f.seen.len(), 3);
        assert!(f.held_bytes() <= 2 * 3 * 8, "{}", f.held_bytes());
        assert_eq!(f.format(b"x-0"), Some(&b"X-0"[..]));
        assert_eq!(f.format(b"x-9999"), None);
    }

    #[test]
    fn bad_configs_are_refused_with_the_reason() {
        for (json, want) in [
            ("[]", "expected a JSON object"),
            (
                r#"{"names": ["x-lower"]}"#,
                "names[0]: \"x-lower\" has no capital letter",
            ),
            (
                r#"{"names": ["X-A", "x-A"]}"#,
                "names[1]: \"x-A\" is listed twice",
            ),
            (r#"{"names": ["X A"]}"#, "is not a valid HTTP token"),
            (r#"{"max_keys": 0}"#, "max_keys: 1 to 1024, got 0"),
            (
                r#"{"max_key_len": 5000}"#,
                "max_key_len: 1 to 1024, got 5000",
            ),
            (r#"{"name": []}"#, "unknown field `name`"),
        ] {
            let got = config(json).err().unwrap_or_default();
            assert!(got.contains(want), "{json}: {got}");
        }
    }
}
