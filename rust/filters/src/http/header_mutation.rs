//! `header_mutation`: sets, replaces and removes request and response headers,
//! and stamps every response with three of Envoy's attributes.
//!
//! Config (JSON; unknown fields are refused):
//! ```json
//! {"request_headers": [["x-k", "v"]], "remove_request_headers": ["x-gone"],
//!  "response_headers": [["x-k", "v"]], "remove_response_headers": ["x-gone"],
//!  "allow_pseudo_headers": false,
//!  "set_from_filter_state": [["x-request-class", "lab.request_class"]]}
//! ```
//! `set_from_filter_state` (Rust only; the Go and C++ siblings refuse the key)
//! stamps each response with the value an earlier filter stored under a
//! filter-state key (request_tagger on 1089), when the stream has one.
//! A route may override the whole config with a `DynamicModuleFilterPerRoute`
//! whose per_route_config_name is `header_mutation` and whose filter_config has
//! the same shape; the stream then uses the route's rules instead.
//!
//! Removals run before sets, so a header named in both ends up set. Setting
//! replaces every existing value. Names are lowercased, must be HTTP tokens, and
//! may name a pseudo-header (`:path`) only with `allow_pseudo_headers`. Values
//! must be non-empty (Envoy 1.40 treats an empty value as a removal) and free of
//! CR, LF and NUL, so a config cannot split a response.

use crate::shared::decimal::format_u64;
pub use crate::shared::header_name::{check_name, check_value};
use envoy_dm_sdk::{
    AttributeId, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter,
    HttpFilterConfig, PlacedFilter, RequestHeadersStatus, ResponseHeadersStatus,
};
use serde::Deserialize;
use std::sync::Arc;

/// The headers every response gets, and the attributes they come from.
pub const DOWNSTREAM_ADDRESS_HEADER: &str = "x-downstream-address";
pub const UPSTREAM_ADDRESS_HEADER: &str = "x-upstream-address";
pub const RESPONSE_CODE_HEADER: &str = "x-response-code";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    request_headers: Vec<(String, String)>,
    #[serde(default)]
    remove_request_headers: Vec<String>,
    #[serde(default)]
    response_headers: Vec<(String, String)>,
    #[serde(default)]
    remove_response_headers: Vec<String>,
    #[serde(default)]
    allow_pseudo_headers: bool,
    #[serde(default)]
    set_from_filter_state: Vec<(String, String)>,
}

/// The mutations for one direction, validated and lowercased.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Mutations {
    pub set: Vec<(String, String)>,
    pub remove: Vec<String>,
}

impl Mutations {
    fn apply(&self, envoy: &mut impl EnvoyHttpFilter, kind: HeaderType) {
        for name in &self.remove {
            envoy.remove_header(kind, name);
        }
        for (name, value) in &self.set {
            envoy.set_header(kind, name, value.as_bytes());
        }
    }
}

/// The validated rules, shared by every stream of one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub request: Mutations,
    pub response: Mutations,
    /// (response header, filter-state key) pairs.
    pub from_filter_state: Vec<(String, String)>,
}

/// Streams hold an `Arc` of the rules: one atomic increment per stream instead
/// of a copy of every header list.
pub struct HeaderMutationConfig {
    pub rules: Arc<Rules>,
}

impl HeaderMutationConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        Ok(Self {
            rules: Arc::new(Self::parse(config)?),
        })
    }

    /// Parses and validates a config; every error names the offending entry.
    pub fn parse(config: &[u8]) -> Result<Rules, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        let pseudo = raw.allow_pseudo_headers;
        Ok(Rules {
            request: Mutations {
                set: set_list("request_headers", raw.request_headers, pseudo)?,
                remove: name_list("remove_request_headers", raw.remove_request_headers, pseudo)?,
            },
            response: Mutations {
                set: set_list("response_headers", raw.response_headers, pseudo)?,
                remove: name_list(
                    "remove_response_headers",
                    raw.remove_response_headers,
                    pseudo,
                )?,
            },
            from_filter_state: state_list(raw.set_from_filter_state)?,
        })
    }
}

fn set_list(
    field: &str,
    pairs: Vec<(String, String)>,
    pseudo: bool,
) -> Result<Vec<(String, String)>, BoxError> {
    pairs
        .into_iter()
        .enumerate()
        .map(|(i, (name, value))| {
            let name = check_name(&format!("{field}[{i}]"), &name, pseudo)?;
            check_value(&format!("{field}[{i}]"), &value)?;
            Ok((name, value))
        })
        .collect()
}

fn state_list(pairs: Vec<(String, String)>) -> Result<Vec<(String, String)>, BoxError> {
    pairs
        .into_iter()
        .enumerate()
        .map(|(i, (name, key))| {
            let at = format!("set_from_filter_state[{i}]");
            let name = check_name(&at, &name, false)?;
            if key.is_empty() {
                return Err(format!("{at}: filter-state key is empty").into());
            }
            Ok((name, key))
        })
        .collect()
}

fn name_list(field: &str, names: Vec<String>, pseudo: bool) -> Result<Vec<String>, BoxError> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| check_name(&format!("{field}[{i}]"), &name, pseudo))
        .collect()
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for HeaderMutationConfig {
    fn new_http_filter(&self, envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(self.filter(envoy))
    }

    /// One word (an `Arc`): the SDK keeps it inside its stream box, so a
    /// stream allocates nothing.
    fn new_placed_http_filter(&self, envoy: &mut E) -> PlacedFilter<E> {
        PlacedFilter::new(self.filter(envoy))
    }
}

impl HeaderMutationConfig {
    fn filter(&self, _envoy: &mut impl EnvoyHttpFilter) -> HeaderMutation {
        HeaderMutation {
            rules: Arc::clone(&self.rules),
        }
    }
}

/// One stream's filter.
pub struct HeaderMutation {
    rules: Arc<Rules>,
}

impl HeaderMutation {
    /// The route's override, if it has one, else the filter's own rules.
    fn resolve_rules(&mut self, envoy: &impl EnvoyHttpFilter) {
        if let Some(route) = envoy
            .per_route_config()
            .and_then(|c| c.downcast::<Rules>().ok())
        {
            self.rules = route;
        }
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for HeaderMutation {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        self.resolve_rules(envoy);
        self.rules.request.apply(envoy, HeaderType::RequestHeader);
        RequestHeadersStatus::Continue
    }

    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        self.rules.response.apply(envoy, HeaderType::ResponseHeader);
        for (header, key) in &self.rules.from_filter_state {
            // Copied: the value borrows the handle, which set_header needs.
            if let Some(value) = envoy.get_filter_state_bytes(key).map(<[u8]>::to_vec) {
                envoy.set_header(HeaderType::ResponseHeader, header, &value);
            }
        }
        stamp_attributes(envoy);
        ResponseHeadersStatus::Continue
    }
}

/// Values up to this size are copied on the stack; longer ones on the heap.
/// An `ip:port` is at most 47 bytes, so the heap path is for the unusual
/// attribute (a long pipe path, say); no value is ever dropped.
const STACK_COPY_BYTES: usize = 128;

/// Copies an attribute before setting the header: the attribute borrows the
/// handle (Envoy's memory), which must be free again to set the header.
fn set_from_attribute(envoy: &mut impl EnvoyHttpFilter, header: &str, id: AttributeId) {
    let mut stack = [0u8; STACK_COPY_BYTES];
    let heap: Vec<u8>;
    let value: &[u8] = match envoy.get_attribute_string(id) {
        None => return,
        Some(value) if value.len() <= stack.len() => {
            stack[..value.len()].copy_from_slice(value);
            &stack[..value.len()]
        }
        Some(value) => {
            heap = value.to_vec();
            &heap
        }
    };
    envoy.set_header(HeaderType::ResponseHeader, header, value);
}

fn stamp_attributes(envoy: &mut impl EnvoyHttpFilter) {
    set_from_attribute(envoy, DOWNSTREAM_ADDRESS_HEADER, AttributeId::SourceAddress);
    set_from_attribute(envoy, UPSTREAM_ADDRESS_HEADER, AttributeId::UpstreamAddress);
    if let Some(code) = envoy.get_attribute_int(AttributeId::ResponseCode) {
        let mut digits = [0u8; 20];
        envoy.set_header(
            HeaderType::ResponseHeader,
            RESPONSE_CODE_HEADER,
            format_u64(code, &mut digits),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    const CONFIG: &str = r#"{
        "request_headers": [["X-Set", "module"], ["x-replace", "replaced"]],
        "remove_request_headers": ["x-remove"],
        "response_headers": [["x-resp", "yes"]],
        "remove_response_headers": ["server"]
    }"#;

    fn filter_for(config: &str) -> (HeaderMutationConfig, FakeEnvoyFilter) {
        let config =
            HeaderMutationConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes()).unwrap();
        (config, FakeEnvoyFilter::default())
    }

    #[test]
    fn request_side_sets_replaces_and_removes() {
        let (config, _) = filter_for(CONFIG);
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[
            ("x-replace", "old"),
            ("x-replace", "older"),
            ("x-remove", "bye"),
            ("x-keep", "1"),
        ]);
        let mut filter = config.new_http_filter(&mut envoy);
        assert_eq!(
            filter.on_request_headers(&mut envoy, true),
            RequestHeadersStatus::Continue
        );
        let req = HeaderType::RequestHeader;
        assert_eq!(envoy.values(req, "x-set"), ["module"]);
        assert_eq!(envoy.values(req, "x-replace"), ["replaced"]);
        assert!(envoy.values(req, "x-remove").is_empty());
        assert_eq!(envoy.values(req, "x-keep"), ["1"]);
    }

    #[test]
    fn response_side_mutates_and_stamps_attributes() {
        let (config, mut envoy) = filter_for(CONFIG);
        envoy.set_header(HeaderType::ResponseHeader, "server", b"envoy");
        envoy
            .string_attributes
            .insert(AttributeId::SourceAddress, b"127.0.0.1:5555".to_vec());
        envoy
            .string_attributes
            .insert(AttributeId::UpstreamAddress, b"127.0.0.1:1234".to_vec());
        envoy.int_attributes.insert(AttributeId::ResponseCode, 204);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_response_headers(&mut envoy, false);
        let resp = HeaderType::ResponseHeader;
        assert_eq!(envoy.values(resp, "x-resp"), ["yes"]);
        assert!(envoy.values(resp, "server").is_empty());
        assert_eq!(
            envoy.values(resp, DOWNSTREAM_ADDRESS_HEADER),
            ["127.0.0.1:5555"]
        );
        assert_eq!(
            envoy.values(resp, UPSTREAM_ADDRESS_HEADER),
            ["127.0.0.1:1234"]
        );
        assert_eq!(envoy.values(resp, RESPONSE_CODE_HEADER), ["204"]);
    }

    #[test]
    fn absent_attributes_leave_their_headers_unset() {
        let (config, mut envoy) = filter_for("{}");
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_response_headers(&mut envoy, true);
        assert!(envoy
            .values(HeaderType::ResponseHeader, DOWNSTREAM_ADDRESS_HEADER)
            .is_empty());
        assert!(envoy
            .values(HeaderType::ResponseHeader, UPSTREAM_ADDRESS_HEADER)
            .is_empty());
        assert!(envoy
            .values(HeaderType::ResponseHeader, RESPONSE_CODE_HEADER)
            .is_empty());
    }

    #[test]
    fn long_attribute_values_are_stamped_whole() {
        let (config, mut envoy) = filter_for("{}");
        let long = "u".repeat(200);
        envoy
            .string_attributes
            .insert(AttributeId::SourceAddress, long.clone().into_bytes());
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_response_headers(&mut envoy, true);
        assert_eq!(
            envoy.values(HeaderType::ResponseHeader, DOWNSTREAM_ADDRESS_HEADER),
            [long.as_str()]
        );
    }

    #[test]
    fn refuses_bad_configs_with_the_reason() {
        let cases = [
            ("", "filter_config is empty"),
            ("{", "EOF while parsing"),
            (r#"{"request_headers": "x"}"#, "invalid type: string"),
            (r#"{"request_headers": [["a"]]}"#, "invalid length 1"),
            (r#"{"typo": []}"#, "unknown field `typo`"),
            (
                r#"{"request_headers": [["bad name", "v"]]}"#,
                "request_headers[0]: header name \"bad name\" is not a valid HTTP token",
            ),
            (
                r#"{"response_headers": [["x", "a\r\nb"]]}"#,
                "contains CR, LF or NUL",
            ),
            (
                r#"{"response_headers": [["x", ""]]}"#,
                "header value is empty",
            ),
            (
                r#"{"remove_request_headers": [":path"]}"#,
                "is a pseudo-header",
            ),
        ];
        for (config, expected) in cases {
            let err = HeaderMutationConfig::parse(config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(
                err.contains(expected),
                "config {config:?}: got {err:?}, want {expected:?}"
            );
        }
    }

    #[test]
    fn pseudo_headers_need_an_explicit_opt_in() {
        let ok = HeaderMutationConfig::parse(
            br#"{"allow_pseudo_headers": true, "request_headers": [[":path", "/rewritten"]]}"#,
        )
        .unwrap();
        assert_eq!(
            ok.request.set,
            [(":path".to_string(), "/rewritten".to_string())]
        );
    }

    #[test]
    fn a_route_override_replaces_the_rules() {
        let (config, mut envoy) = filter_for(CONFIG);
        let route =
            HeaderMutationConfig::parse(br#"{"request_headers": [["x-route", "override"]]}"#)
                .unwrap();
        envoy.per_route = Some(Arc::new(route));
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, true);
        assert_eq!(
            envoy.values(HeaderType::RequestHeader, "x-route"),
            ["override"]
        );
        assert!(envoy.values(HeaderType::RequestHeader, "x-set").is_empty());
    }
}
