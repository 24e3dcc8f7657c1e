//! `di_tenant` (matching data input): the tenant a request is for, as a value
//! a route table's or RBAC's matching tree dispatches on (an exact match map
//! of tenants): from the path (`/t/{tenant}/...`), else from a header's first
//! value; lowercased, so `ACME` and `acme` are one tenant. Without a JWT: the
//! tenant is what the request says; put an authorization in front if it must
//! be proven.
//!
//! Config (JSON object; unknown fields refused):
//! `{"path_prefix": "/t/", "header": "x-tenant", "max_len": 63}`
//!
//! - `path_prefix` (default `/t/`; `""` turns the path off): starts with `/`
//!   and ends with `/`; the tenant is the path segment after it.
//! - `header` (default `x-tenant`; `""` turns it off): read when the path
//!   names no tenant. Both off is refused.
//! - `max_len` (default 63, 1 to 253): the longest tenant id.
//!
//! A tenant id is 1 to `max_len` of `a-z 0-9 -` after lowercasing, neither
//! starting nor ending with `-`. Anything else (percent-encoded bytes, a dot,
//! an empty segment) is no value, so the tree's `on_no_match` applies: the
//! same as no tenant at all.

use crate::shared::header_name::check_name;
use envoy_dm_sdk::matcher_data_input::{
    EnvoyMatcherDataInput, EnvoyMatcherDataInputConfig, MatcherDataInput,
};
use envoy_dm_sdk::{BoxError, HeaderType};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    path_prefix: Option<String>,
    header: Option<String>,
    max_len: Option<usize>,
}

pub struct TenantConfig {
    /// None: the path is not read.
    path_prefix: Option<String>,
    /// None: no header is read.
    header: Option<String>,
    max_len: usize,
}

impl TenantConfig {
    pub fn new(
        _envoy: &mut impl EnvoyMatcherDataInputConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        let path_prefix = match settings.path_prefix.as_deref() {
            None => Some("/t/".to_string()),
            Some("") => None,
            Some(p) if p.starts_with('/') && p.ends_with('/') && p.is_ascii() => {
                Some(p.to_string())
            }
            Some(p) => return Err(format!("path_prefix {p:?}: must start and end with '/'").into()),
        };
        let header = match settings.header.as_deref() {
            None => Some("x-tenant".to_string()),
            Some("") => None,
            Some(name) => Some(check_name("header", name, false)?),
        };
        if path_prefix.is_none() && header.is_none() {
            return Err(
                "path_prefix and header are both off: nothing to read a tenant from".into(),
            );
        }
        let max_len = settings.max_len.unwrap_or(63);
        if !(1..=253).contains(&max_len) {
            return Err(format!("max_len: 1 to 253, got {max_len}").into());
        }
        Ok(Self {
            path_prefix,
            header,
            max_len,
        })
    }

    /// The tenant of a request with this `:path` and these values of the
    /// header (the pure part, fuzzed).
    pub fn tenant(&self, path: Option<&[u8]>, header: &[&[u8]]) -> Option<Vec<u8>> {
        if let (Some(prefix), Some(path)) = (&self.path_prefix, path) {
            if let Some(rest) = path.strip_prefix(prefix.as_bytes()) {
                let end = rest
                    .iter()
                    .position(|b| matches!(b, b'/' | b'?' | b'#'))
                    .unwrap_or(rest.len());
                // The path names the tenant: the header cannot move it.
                return self.id(&rest[..end]);
            }
        }
        self.header.as_ref()?;
        header.first().and_then(|v| self.id(v.trim_ascii()))
    }

    fn id(&self, raw: &[u8]) -> Option<Vec<u8>> {
        let ok = !raw.is_empty()
            && raw.len() <= self.max_len
            && raw.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && raw.first() != Some(&b'-')
            && raw.last() != Some(&b'-');
        ok.then(|| raw.to_ascii_lowercase())
    }
}

impl<E: EnvoyMatcherDataInput> MatcherDataInput<E> for TenantConfig {
    fn get(&self, envoy: &E) -> Option<Vec<u8>> {
        let paths = envoy.header_values(HeaderType::RequestHeader, ":path");
        let header = match &self.header {
            Some(name) => envoy.header_values(HeaderType::RequestHeader, name),
            None => Vec::new(),
        };
        self.tenant(paths.first().copied(), &header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::matcher_data_input::testing::{
        FakeMatcherDataInput, FakeMatcherDataInputConfig,
    };

    fn config(json: &str) -> Result<TenantConfig, String> {
        TenantConfig::new(&mut FakeMatcherDataInputConfig, json.as_bytes())
            .map_err(|e| e.to_string())
    }

    fn value(c: &TenantConfig, headers: &[(&str, &str)]) -> Option<String> {
        c.get(&FakeMatcherDataInput::with_headers(headers))
            .map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn the_path_then_the_header_lowercased() {
        let c = config("{}").unwrap();
        let v = |path, h: Option<&str>| {
            let mut headers = vec![(":path", path)];
            headers.extend(h.map(|h| ("x-tenant", h)));
            value(&c, &headers)
        };
        assert_eq!(v("/t/acme/x", None).as_deref(), Some("acme"));
        assert_eq!(v("/t/ACME?q=1", None).as_deref(), Some("acme"));
        assert_eq!(v("/t/globex", Some("acme")).as_deref(), Some("globex"));
        assert_eq!(v("/x", Some(" Initech ")).as_deref(), Some("initech"));
        // A path that names a bad tenant is no value; the header cannot fix it.
        assert_eq!(v("/t/ac%6De/x", Some("acme")), None);
        assert_eq!(v("/t//x", Some("acme")), None);
        assert_eq!(v("/t/-a/", None), None);
        assert_eq!(v("/x", Some("a.b")), None);
        assert_eq!(v("/x", None), None);
    }

    #[test]
    fn one_source_off_and_max_len() {
        let c = config(r#"{"header": "", "max_len": 4}"#).unwrap();
        assert_eq!(value(&c, &[(":path", "/x"), ("x-tenant", "acme")]), None);
        assert_eq!(value(&c, &[(":path", "/t/abcd")]).as_deref(), Some("abcd"));
        assert_eq!(value(&c, &[(":path", "/t/abcde")]), None);
        let c = config(r#"{"path_prefix": "", "header": "X-Org"}"#).unwrap();
        assert_eq!(
            value(&c, &[(":path", "/t/acme"), ("x-org", "Umbrella")]).as_deref(),
            Some("umbrella")
        );
    }

    #[test]
    fn bad_configs_are_refused_with_the_reason() {
        for (json, want) in [
            ("[]", "expected a JSON object"),
            (
                r#"{"path_prefix": "t/"}"#,
                "path_prefix \"t/\": must start and end with '/'",
            ),
            (r#"{"path_prefix": "", "header": ""}"#, "both off"),
            (r#"{"header": "a b"}"#, "not a valid HTTP token"),
            (r#"{"max_len": 0}"#, "max_len: 1 to 253, got 0"),
            (r#"{"tenant": 1}"#, "unknown field `tenant`"),
        ] {
            let got = config(json).err().unwrap_or_default();
            assert!(got.contains(want), "{json}: {got}");
        }
    }
}
