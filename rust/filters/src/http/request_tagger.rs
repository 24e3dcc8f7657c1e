//! `request_tagger`: classifies each request by ordered rules and leaves the
//! class for the rest of the stream: in dynamic metadata (`class`, and `rule`,
//! the index of the matching rule or -1 for the default) under a namespace, and
//! in filter state under a key. Envoy's access log prints both
//! (`%DYNAMIC_METADATA(lab.request_tagger:class)%`,
//! `%FILTER_STATE(lab.request_class:PLAIN)%`); a later filter can read them.
//!
//! Config (JSON; unknown fields are refused):
//! ```json
//! {"rules": [{"method": "POST", "path_prefix": "/api/", "class": "api-write"},
//!            {"header": {"name": "x-tier", "value": "gold"}, "class": "gold"},
//!            {"header": {"name": "x-debug"}, "class": "debug"}],
//!  "default_class": "standard",
//!  "metadata_namespace": "lab.request_tagger", "filter_state_key": "lab.request_class"}
//! ```
//! A rule matches when every condition it names holds (at least one): the
//! method exactly, the path (query included) by prefix, a header present (or
//! with exactly `value`). The first matching rule wins.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    RequestHeadersStatus,
};
use serde::Deserialize;
use std::sync::Arc;

use crate::shared::header_name::check_name;

pub const DEFAULT_NAMESPACE: &str = "lab.request_tagger";
pub const DEFAULT_FILTER_STATE_KEY: &str = "lab.request_class";
/// The metadata keys written under the namespace.
pub const CLASS_KEY: &str = "class";
pub const RULE_KEY: &str = "rule";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: Vec<RawRule>,
    default_class: String,
    #[serde(default)]
    metadata_namespace: Option<String>,
    #[serde(default)]
    filter_state_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    path_prefix: Option<String>,
    #[serde(default)]
    header: Option<RawHeader>,
    class: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

/// One validated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub method: Option<String>,
    pub path_prefix: Option<String>,
    /// (lowercase name, exact value or any).
    pub header: Option<(String, Option<String>)>,
    pub class: String,
}

/// The validated config, shared by every stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagger {
    pub rules: Vec<Rule>,
    pub default_class: String,
    pub namespace: String,
    pub filter_state_key: String,
}

/// Classes and keys end up in log lines and headers: printable ASCII only.
fn check_text(at: &str, what: &str, text: &str) -> Result<(), BoxError> {
    if text.is_empty() {
        return Err(format!("{at}: {what} is empty").into());
    }
    if text.len() > 256 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "{at}: {what} {text:?} must be 1 to 256 printable ASCII characters, no spaces"
        )
        .into());
    }
    Ok(())
}

impl Tagger {
    /// Parses and validates a config; every error names the offending entry.
    pub fn parse(config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        let rules = raw
            .rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| Self::rule(&format!("rules[{i}]"), r))
            .collect::<Result<_, _>>()?;
        check_text("default_class", "class", &raw.default_class)?;
        let namespace = raw
            .metadata_namespace
            .unwrap_or_else(|| DEFAULT_NAMESPACE.into());
        check_text("metadata_namespace", "namespace", &namespace)?;
        let filter_state_key = raw
            .filter_state_key
            .unwrap_or_else(|| DEFAULT_FILTER_STATE_KEY.into());
        check_text("filter_state_key", "key", &filter_state_key)?;
        Ok(Self {
            rules,
            default_class: raw.default_class,
            namespace,
            filter_state_key,
        })
    }

    fn rule(at: &str, raw: RawRule) -> Result<Rule, BoxError> {
        if raw.method.is_none() && raw.path_prefix.is_none() && raw.header.is_none() {
            return Err(format!(
                "{at}: a rule needs at least one of \"method\", \"path_prefix\", \"header\""
            )
            .into());
        }
        if let Some(method) = &raw.method {
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!("{at}: method {method:?} must be uppercase letters").into());
            }
        }
        if let Some(prefix) = &raw.path_prefix {
            if !prefix.starts_with('/') {
                return Err(format!("{at}: path_prefix {prefix:?} must start with \"/\"").into());
            }
        }
        let header = match raw.header {
            None => None,
            Some(h) => {
                let name = check_name(&format!("{at}.header"), &h.name, false)?;
                if let Some(v) = &h.value {
                    crate::shared::header_name::check_value(&format!("{at}.header"), v)?;
                }
                Some((name, h.value))
            }
        };
        check_text(at, "class", &raw.class)?;
        Ok(Rule {
            method: raw.method,
            path_prefix: raw.path_prefix,
            header,
            class: raw.class,
        })
    }

    /// The matching rule's index and class, or None and the default class.
    pub fn classify(&self, envoy: &impl EnvoyHttpFilter) -> (Option<usize>, &str) {
        let request = HeaderType::RequestHeader;
        let method = envoy.get_header(request, ":method").unwrap_or_default();
        let path = envoy.get_header(request, ":path").unwrap_or_default();
        for (i, rule) in self.rules.iter().enumerate() {
            let method_ok = rule.method.as_ref().is_none_or(|m| m.as_bytes() == method);
            let path_ok = rule
                .path_prefix
                .as_ref()
                .is_none_or(|p| path.starts_with(p.as_bytes()));
            let header_ok = rule.header.as_ref().is_none_or(|(name, value)| {
                match (envoy.get_header(request, name), value) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(got), Some(want)) => got == want.as_bytes(),
                }
            });
            if method_ok && path_ok && header_ok {
                return (Some(i), &rule.class);
            }
        }
        (None, &self.default_class)
    }
}

pub struct RequestTaggerConfig {
    tagger: Arc<Tagger>,
}

impl RequestTaggerConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        Ok(Self {
            tagger: Arc::new(Tagger::parse(config)?),
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for RequestTaggerConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(RequestTagger {
            tagger: Arc::clone(&self.tagger),
        })
    }
}

pub struct RequestTagger {
    tagger: Arc<Tagger>,
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for RequestTagger {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        let tagger = Arc::clone(&self.tagger);
        let (rule, class) = tagger.classify(envoy);
        let ns = tagger.namespace.as_str();
        envoy.set_dynamic_metadata_string(ns, CLASS_KEY, class);
        envoy.set_dynamic_metadata_number(ns, RULE_KEY, rule.map_or(-1.0, |i| i as f64));
        envoy.set_filter_state_bytes(&tagger.filter_state_key, class.as_bytes());
        RequestHeadersStatus::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter, FakeMetadataValue};
    use envoy_dm_sdk::{EnvoyHttpMetadata, MetadataSource};

    const CONFIG: &str = r#"{"rules": [
        {"method": "POST", "path_prefix": "/api/", "class": "api-write"},
        {"header": {"name": "X-Tier", "value": "gold"}, "class": "gold"},
        {"header": {"name": "x-debug"}, "class": "debug"}],
      "default_class": "standard"}"#;

    fn tag(headers: &[(&str, &str)]) -> FakeEnvoyFilter {
        let config =
            RequestTaggerConfig::new(&mut FakeEnvoyConfig::default(), CONFIG.as_bytes()).unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(headers);
        let mut filter = config.new_http_filter(&mut envoy);
        assert_eq!(
            filter.on_request_headers(&mut envoy, true),
            RequestHeadersStatus::Continue
        );
        envoy
    }

    fn class_of(envoy: &FakeEnvoyFilter) -> (String, f64, String) {
        let class = envoy
            .get_metadata_string(MetadataSource::Dynamic, DEFAULT_NAMESPACE, CLASS_KEY)
            .unwrap();
        let rule = envoy
            .get_metadata_number(MetadataSource::Dynamic, DEFAULT_NAMESPACE, RULE_KEY)
            .unwrap();
        let state = envoy
            .get_filter_state_bytes(DEFAULT_FILTER_STATE_KEY)
            .unwrap();
        (
            String::from_utf8(class.to_vec()).unwrap(),
            rule,
            String::from_utf8(state.to_vec()).unwrap(),
        )
    }

    #[test]
    fn first_matching_rule_wins_and_lands_in_metadata_and_filter_state() {
        let post = |path| tag(&[(":method", "POST"), (":path", path)]);
        assert_eq!(
            class_of(&post("/api/x")),
            ("api-write".into(), 0.0, "api-write".into())
        );
        let both = tag(&[(":method", "POST"), (":path", "/api/"), ("x-tier", "gold")]);
        assert_eq!(class_of(&both).0, "api-write");
        let gold = tag(&[(":method", "GET"), (":path", "/api/"), ("x-tier", "gold")]);
        assert_eq!(class_of(&gold), ("gold".into(), 1.0, "gold".into()));
        let silver = tag(&[(":method", "GET"), (":path", "/"), ("x-tier", "silver")]);
        assert_eq!(
            class_of(&silver),
            ("standard".into(), -1.0, "standard".into())
        );
        let debug = tag(&[(":method", "GET"), (":path", "/"), ("x-debug", "1")]);
        assert_eq!(class_of(&debug).0, "debug");
        assert_eq!(class_of(&post("/apix")).0, "standard");
        assert_eq!(
            post("/").dynamic_metadata[&(DEFAULT_NAMESPACE.into(), CLASS_KEY.into())],
            FakeMetadataValue::String("standard".into())
        );
    }

    #[test]
    fn custom_namespace_and_key() {
        let t = Tagger::parse(
            br#"{"default_class": "d", "metadata_namespace": "ns", "filter_state_key": "k"}"#,
        )
        .unwrap();
        assert_eq!(
            (t.namespace.as_str(), t.filter_state_key.as_str()),
            ("ns", "k")
        );
        assert!(t.rules.is_empty());
    }

    #[test]
    fn refuses_bad_configs_naming_the_entry() {
        let err = |c: &str| Tagger::parse(c.as_bytes()).unwrap_err().to_string();
        assert!(err("{}").contains("default_class"));
        assert!(err(r#"{"default_class": ""}"#).contains("default_class: class is empty"));
        assert!(err(r#"{"default_class": "a b"}"#).contains("printable ASCII"));
        assert!(err(r#"{"default_class": "d", "rules": [{"class": "x"}]}"#)
            .contains("rules[0]: a rule needs at least one of"));
        assert!(
            err(r#"{"default_class": "d", "rules": [{"method": "get", "class": "x"}]}"#)
                .contains("rules[0]: method \"get\" must be uppercase")
        );
        assert!(
            err(r#"{"default_class": "d", "rules": [{"path_prefix": "api", "class": "x"}]}"#)
                .contains("must start with")
        );
        assert!(err(
            r#"{"default_class": "d", "rules": [{"header": {"name": "bad name"}, "class": "x"}]}"#
        )
        .contains("rules[0].header"));
        assert!(err(r#"{"default_class": "d", "rules": [{"method": "GET"}]}"#).contains("class"));
        assert!(err(r#"{"default_class": "d", "colour": 1}"#).contains("unknown field"));
        assert!(err(r#"{"default_class": "d", "filter_state_key": ""}"#).contains("key is empty"));
    }
}
