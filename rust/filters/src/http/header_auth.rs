//! `header_auth`: 401 `Unauthorized` unless the request carries a given header,
//! with one of the configured values or, in presence mode, any value.
//!
//! Config, JSON (what control planes such as Envoy Gateway send):
//!
//! ```json
//! {"header": "x-auth", "mode": "values", "values": ["s3cret", "other"]}
//! {"header": "x-auth", "mode": "values", "tokens_file": "/etc/envoy/tokens"}
//! {"header": "x-auth", "mode": "presence"}
//! ```
//!
//! `tokens_file` names a file of tokens, one per line (see
//! [`token_file`](crate::shared::token_file)): the same constant-time comparison, with
//! a set the `lab_status` bootstrap extension re-reads on its timer (every
//! `reload_interval_ms`, 1 s by default), so tokens change without a restart.
//! A file that goes missing or bad keeps the previous set. Values mode takes
//! exactly one of `values` and `tokens_file`.
//!
//! `mode` is required, so presence-only is a choice someone wrote down. The
//! header's first value is compared with every configured value in constant
//! time (subtle), and the comparison never stops early at a match, so the time
//! taken says nothing about how much of a secret was right (only its length
//! can show). Two short forms name the header alone, in presence mode: a JSON
//! string (`"x-auth"`, what Envoy Gateway makes of a string), and the raw text
//! `x-auth` the lab's StringValue uses.
//!
//! When the header's value is `on_response_headers` (and would be let through),
//! the 401 is sent from the response phase instead, replacing the upstream's
//! response: a local reply can come from either direction.

use crate::shared::token_file::TokenFile;
use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    RequestHeadersStatus, ResponseHeadersStatus,
};
use serde::Deserialize;
use std::sync::Arc;
use subtle::ConstantTimeEq;

pub const UNAUTHORIZED_BODY: &[u8] = b"Unauthorized";
pub const DEFER_VALUE: &[u8] = b"on_response_headers";
/// More values than this is a credential store, not a filter config.
pub const MAX_VALUES: usize = crate::shared::token_file::MAX_VALUES;

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    Presence,
    Values,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    header: String,
    mode: Mode,
    #[serde(default)]
    values: Option<Vec<String>>,
    #[serde(default)]
    tokens_file: Option<std::path::PathBuf>,
}

/// What lets a request through.
pub enum Rule {
    /// Any value of the header.
    Presence,
    /// One of these values, exactly.
    Values(Vec<Vec<u8>>),
    /// One of the tokens the file holds now, exactly.
    File(Arc<TokenFile>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Presence => f.write_str("Presence"),
            Rule::Values(v) => write!(f, "Values({} values)", v.len()),
            Rule::File(file) => write!(f, "File({})", file.path().display()),
        }
    }
}

pub struct HeaderAuthConfig {
    header: String,
    rule: Arc<Rule>,
}

impl HeaderAuthConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let (name, rule) = Self::parse(config)?;
        let header = crate::shared::header_name::check_name("header", &name, false)?;
        Ok(Self {
            header,
            rule: Arc::new(rule),
        })
    }

    /// The header name and rule of a config, in any of its three forms.
    pub fn parse(config: &[u8]) -> Result<(String, Rule), BoxError> {
        let text = std::str::from_utf8(config)
            .map_err(|e| format!("config is not UTF-8: {e}"))?
            .trim();
        if text.is_empty() {
            return Err(
                "filter_config is empty; expected {\"header\": ..., \"mode\": ...} or a header name"
                    .into(),
            );
        }
        if text.starts_with('"') {
            let name: String = serde_json::from_str(text)?;
            return Ok((name, Rule::Presence));
        }
        if !text.starts_with('{') {
            return Ok((text.to_string(), Rule::Presence));
        }
        let raw: RawConfig = envoy_dm_sdk::parse_json(text.as_bytes())?;
        if let Some(path) = raw.tokens_file {
            return match (raw.mode, raw.values) {
                (Mode::Values, None) => Ok((raw.header, Rule::File(TokenFile::open(&path)?))),
                (Mode::Values, Some(_)) => {
                    Err("\"tokens_file\" is set but so is \"values\"; use one".into())
                }
                (Mode::Presence, _) => Err(
                    "\"tokens_file\" is set but \"mode\" is \"presence\"; use \"mode\": \"values\""
                        .into(),
                ),
            };
        }
        let rule = match (raw.mode, raw.values) {
            (Mode::Presence, None) => Rule::Presence,
            (Mode::Presence, Some(_)) => {
                return Err(
                    "\"values\" is set but \"mode\" is \"presence\"; use \"mode\": \"values\""
                        .into(),
                )
            }
            (Mode::Values, None) => {
                return Err(
                    "\"mode\": \"values\" needs a non-empty \"values\" list or a \"tokens_file\""
                        .into(),
                )
            }
            (Mode::Values, Some(values)) => {
                if values.is_empty() {
                    return Err("\"mode\": \"values\" needs a non-empty \"values\" list".into());
                }
                if values.len() > MAX_VALUES {
                    return Err(format!("at most {MAX_VALUES} values, got {}", values.len()).into());
                }
                for (i, value) in values.iter().enumerate() {
                    if value.is_empty() {
                        return Err(format!("values[{i}] is empty").into());
                    }
                    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | b'\0')) {
                        return Err(format!("values[{i}] contains CR, LF or NUL").into());
                    }
                }
                Rule::Values(values.into_iter().map(String::into_bytes).collect())
            }
        };
        Ok((raw.header, rule))
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for HeaderAuthConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(HeaderAuth {
            header: self.header.clone(),
            rule: Arc::clone(&self.rule),
            deny_on_response: false,
        })
    }
}

pub struct HeaderAuth {
    header: String,
    rule: Arc<Rule>,
    deny_on_response: bool,
}

impl Rule {
    /// Whether `value` lets the request through. Every configured value is
    /// compared, in constant time each, whatever the outcome.
    pub fn allows(&self, value: &[u8]) -> bool {
        match self {
            Rule::Presence => true,
            Rule::Values(allowed) => any_equal(allowed, value),
            Rule::File(file) => any_equal(&file.tokens(), value),
        }
    }
}

/// Whether `value` is one of `allowed`, comparing with every one in constant time.
fn any_equal(allowed: &[Vec<u8>], value: &[u8]) -> bool {
    let mut any = subtle::Choice::from(0);
    for candidate in allowed {
        any |= candidate.as_slice().ct_eq(value);
    }
    any.into()
}

fn deny(envoy: &mut impl EnvoyHttpFilter, details: &str) {
    envoy.send_response(401, &[], UNAUTHORIZED_BODY, details);
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for HeaderAuth {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        let verdict = envoy
            .get_header(HeaderType::RequestHeader, &self.header)
            .map(|value| (self.rule.allows(value), value == DEFER_VALUE));
        match verdict {
            None => {
                deny(envoy, "header_auth_missing");
                RequestHeadersStatus::StopIteration
            }
            Some((false, _)) => {
                deny(envoy, "header_auth_wrong_value");
                RequestHeadersStatus::StopIteration
            }
            Some((true, defer)) => {
                self.deny_on_response = defer;
                crate::shared::guard_mark::mark_allowed(envoy, "header_auth");
                RequestHeadersStatus::Continue
            }
        }
    }

    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        if !self.deny_on_response {
            return ResponseHeadersStatus::Continue;
        }
        // The local reply passes back through this filter: deny only once.
        self.deny_on_response = false;
        deny(envoy, "header_auth_deferred");
        ResponseHeadersStatus::StopIteration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    fn run(config: &str, headers: &[(&str, &str)]) -> (Option<u32>, Option<u32>) {
        let config =
            HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes()).unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(headers);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, true);
        let on_request = envoy.sent_response.take().map(|r| r.status);
        filter.on_response_headers(&mut envoy, false);
        (on_request, envoy.sent_response.map(|r| r.status))
    }

    const PRESENCE_FORMS: [&str; 3] = [
        "X-Auth",
        r#""x-auth""#,
        r#"{"header": "x-auth", "mode": "presence"}"#,
    ];
    const VALUES: &str = r#"{"header": "x-auth", "mode": "values", "values": ["s3cret", "other"]}"#;

    #[test]
    fn missing_header_is_denied_on_the_request() {
        for form in PRESENCE_FORMS.iter().chain([&VALUES]) {
            assert_eq!(run(form, &[]), (Some(401), None), "{form}");
        }
    }

    #[test]
    fn presence_mode_lets_any_value_through() {
        for form in PRESENCE_FORMS {
            assert_eq!(run(form, &[("x-auth", "token")]), (None, None), "{form}");
        }
    }

    // The defect: any value passed, so `x-auth: anything` was a valid credential.
    #[test]
    fn values_mode_needs_one_of_the_values_exactly() {
        assert_eq!(run(VALUES, &[("x-auth", "s3cret")]), (None, None));
        assert_eq!(run(VALUES, &[("x-auth", "other")]), (None, None));
        for wrong in ["token", "s3cre", "s3cret2", "S3CRET", " s3cret"] {
            assert_eq!(
                run(VALUES, &[("x-auth", wrong)]),
                (Some(401), None),
                "{wrong}"
            );
        }
    }

    #[test]
    fn deferred_denial_comes_from_the_response_phase() {
        assert_eq!(
            run(PRESENCE_FORMS[0], &[("x-auth", "on_response_headers")]),
            (None, Some(401))
        );
        // In values mode only an allowed value gets that far.
        assert_eq!(
            run(VALUES, &[("x-auth", "on_response_headers")]),
            (Some(401), None)
        );
    }

    #[test]
    fn tokens_file_mode_follows_the_file_on_reload() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("tokens");
        std::fs::write(&path, "# lab tokens\nalpha\n").unwrap();
        let config = format!(
            r#"{{"header": "x-auth", "mode": "values", "tokens_file": "{}"}}"#,
            path.display()
        );
        let config =
            HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes()).unwrap();
        let status = |value: &str| {
            let mut envoy = FakeEnvoyFilter::with_request_headers(&[("x-auth", value)]);
            let mut filter = config.new_http_filter(&mut envoy);
            filter.on_request_headers(&mut envoy, true);
            envoy.sent_response.map(|r| r.status)
        };
        assert_eq!((status("alpha"), status("beta")), (None, Some(401)));
        std::fs::write(&path, "beta\n").unwrap();
        crate::shared::token_file::reload_all();
        assert_eq!((status("alpha"), status("beta")), (Some(401), None));
        // A file gone bad keeps the set it had.
        std::fs::remove_file(&path).unwrap();
        crate::shared::token_file::reload_all();
        assert_eq!((status("alpha"), status("beta")), (Some(401), None));
    }

    #[test]
    fn refuses_bad_token_file_configs() {
        for (config, why) in [
            (
                r#"{"header": "x-auth", "mode": "values", "tokens_file": "/nonexistent/t"}"#,
                "tokens_file /nonexistent/t: ",
            ),
            (
                r#"{"header": "x-auth", "mode": "values", "values": ["a"], "tokens_file": "/t"}"#,
                "is set but so is",
            ),
            (
                r#"{"header": "x-auth", "mode": "presence", "tokens_file": "/t"}"#,
                "use \"mode\": \"values\"",
            ),
        ] {
            let err = HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes())
                .err()
                .unwrap_or_else(|| panic!("{config} was accepted"))
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            ("bad name", "not a valid HTTP token"),
            ("", "filter_config is empty"),
            (r#"{"header": "x-auth"}"#, "missing field `mode`"),
            (
                r#"{"header": "x-auth", "mode": "maybe"}"#,
                "unknown variant `maybe`",
            ),
            (
                r#"{"header": "x-auth", "mode": "values"}"#,
                "needs a non-empty",
            ),
            (
                r#"{"header": "x-auth", "mode": "values", "values": []}"#,
                "needs a non-empty",
            ),
            (
                r#"{"header": "x-auth", "mode": "values", "values": [""]}"#,
                "values[0] is empty",
            ),
            (
                r#"{"header": "x-auth", "mode": "presence", "values": ["a"]}"#,
                "use \"mode\": \"values\"",
            ),
            (
                r#"{"header": "x-auth", "mode": "presence", "extra": 1}"#,
                "unknown field `extra`",
            ),
            (
                r#"{"header": "bad name", "mode": "presence"}"#,
                "not a valid HTTP token",
            ),
            (r#""unterminated"#, "EOF while parsing a string"),
        ] {
            let err = HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes())
                .err()
                .unwrap_or_else(|| panic!("{config} was accepted"))
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
