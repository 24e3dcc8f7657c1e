//! `early_forwarded_headers` (early header mutation): drops the forwarding
//! headers a client outside the trusted networks sent, before Envoy routes,
//! traces or runs any HTTP filter, so no route, filter or upstream ever
//! believes an `x-forwarded-for` (or `-proto`, `-host`, ...) a client made up.
//!
//! Config (JSON object; unknown fields refused):
//! `{"trusted": ["10.0.0.0/8", "127.0.0.1"], "drop": ["x-forwarded-*", "forwarded", "x-real-ip"], "mark": "x-edge-client"}`
//!
//! - `trusted` (required, may be empty: nobody is trusted): CIDR blocks, host
//!   bits zero; a bare address is one host. IPv4-mapped IPv6 clients match
//!   IPv4 blocks.
//! - `drop` (default the three above): header names, lowercase or not; a
//!   trailing `*` makes one a prefix. No pseudo-headers, no `host`, 1 to 64 entries.
//! - `mark` (optional): a header set on every request to `trusted` or
//!   `untrusted`, replacing whatever the client sent in it, so routes and
//!   filters can match on it. It may not be one of `drop`.
//!
//! A client whose address is not an IP (a Unix socket) or is unknown is
//! untrusted. After a panic (the SDK's barrier) the request is treated as
//! untrusted too: fail closed.

use crate::shared::cidr::Cidr;
use crate::shared::header_name::check_name;
use envoy_dm_sdk::early_header_mutation::{
    EarlyHeaderMutation, EarlyHeaderMutationStatus, EnvoyEarlyHeaderMutation,
    EnvoyEarlyHeaderMutationConfig,
};
use envoy_dm_sdk::{AttributeId, BoxError};
use std::net::{IpAddr, SocketAddr};

/// What `drop` is when the config leaves it out.
pub const DEFAULT_DROP: [&str; 3] = ["x-forwarded-*", "forwarded", "x-real-ip"];
const MAX_DROP: usize = 64;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    trusted: Vec<String>,
    drop: Option<Vec<String>>,
    mark: Option<String>,
}

/// One `drop` entry: a whole name, or a prefix (written with a trailing `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Exact(String),
    Prefix(String),
}

impl Pattern {
    fn parse(at: &str, text: &str) -> Result<Self, BoxError> {
        let (stem, prefix) = match text.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (text, false),
        };
        if stem.contains('*') {
            return Err(format!("{at}: {text:?}: `*` may only end a name").into());
        }
        let name = check_name(at, stem, false)?;
        if !prefix && name == "host" {
            return Err(format!("{at}: \"host\" cannot be dropped").into());
        }
        Ok(if prefix {
            Self::Prefix(name)
        } else {
            Self::Exact(name)
        })
    }

    fn matches(&self, name: &[u8]) -> bool {
        match self {
            Self::Exact(n) => name.eq_ignore_ascii_case(n.as_bytes()),
            Self::Prefix(p) => {
                name.len() >= p.len() && name[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            }
        }
    }
}

pub struct ForwardedHeadersConfig {
    trusted: Vec<Cidr>,
    drop: Vec<Pattern>,
    mark: Option<String>,
}

impl ForwardedHeadersConfig {
    pub fn new(
        _envoy: &mut impl EnvoyEarlyHeaderMutationConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        Self::parse(config)
    }

    /// The config from its JSON bytes (the fuzzer's entry too).
    pub fn parse(config: &[u8]) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        let trusted = settings
            .trusted
            .iter()
            .enumerate()
            .map(|(i, c)| Cidr::parse(c).map_err(|e| format!("trusted[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let drop_text = settings
            .drop
            .unwrap_or_else(|| DEFAULT_DROP.iter().map(|s| s.to_string()).collect());
        if drop_text.is_empty() || drop_text.len() > MAX_DROP {
            return Err(format!(
                "drop must list 1 to {MAX_DROP} names, got {}",
                drop_text.len()
            )
            .into());
        }
        let drop = drop_text
            .iter()
            .enumerate()
            .map(|(i, d)| Pattern::parse(&format!("drop[{i}]"), d))
            .collect::<Result<Vec<_>, _>>()?;
        let mark = match settings.mark {
            None => None,
            Some(m) => {
                let m = check_name("mark", &m, false)?;
                if drop.iter().any(|p| p.matches(m.as_bytes())) {
                    return Err(format!("mark: {m:?} is one of drop; it would be dropped").into());
                }
                Some(m)
            }
        };
        Ok(Self {
            trusted,
            drop,
            mark,
        })
    }

    /// Whether a client at `source` (Envoy's `ip:port`) is trusted.
    pub fn trusts(&self, source: Option<&[u8]>) -> bool {
        let Some(ip) = source.and_then(parse_ip) else {
            return false;
        };
        self.trusted.iter().any(|c| c.contains(ip))
    }

    /// Drops every header a `drop` pattern matches; returns how many names.
    fn drop_forwarding<E: EnvoyEarlyHeaderMutation>(&self, envoy: &mut E) -> usize {
        let doomed: Vec<String> = {
            let mut names: Vec<String> = Vec::new();
            for (name, _) in envoy.headers() {
                if self.drop.iter().any(|p| p.matches(name)) {
                    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            names
        };
        for name in &doomed {
            envoy.remove_header(name);
        }
        doomed.len()
    }

    fn set_mark<E: EnvoyEarlyHeaderMutation>(&self, envoy: &mut E, trusted: bool) {
        if let Some(mark) = &self.mark {
            let value: &[u8] = if trusted { b"trusted" } else { b"untrusted" };
            envoy.set_header(mark, value);
        }
    }
}

/// The IP of Envoy's `ip:port` (`[v6]:port` for IPv6); a bare IP is accepted.
fn parse_ip(source: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(source).ok()?;
    text.parse::<SocketAddr>()
        .map(|s| s.ip())
        .or_else(|_| text.parse::<IpAddr>())
        .ok()
}

impl<E: EnvoyEarlyHeaderMutation> EarlyHeaderMutation<E> for ForwardedHeadersConfig {
    fn mutate(&self, envoy: &mut E) -> EarlyHeaderMutationStatus {
        let trusted = self.trusts(envoy.attribute_string(AttributeId::SourceAddress));
        if !trusted {
            self.drop_forwarding(envoy);
        }
        self.set_mark(envoy, trusted);
        EarlyHeaderMutationStatus::Continue
    }

    fn fail_closed(&self, envoy: &mut E) {
        self.drop_forwarding(envoy);
        self.set_mark(envoy, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::early_header_mutation::testing::FakeEarlyHeaderMutation as Fake;

    fn config(json: &str) -> ForwardedHeadersConfig {
        ForwardedHeadersConfig::parse(json.as_bytes()).unwrap()
    }

    fn request(from: Option<&str>) -> Fake {
        Fake::with_headers(&[
            (":path", "/"),
            ("host", "lab"),
            ("x-forwarded-for", "6.6.6.6"),
            ("X-Forwarded-Proto", "https"),
            ("forwarded", "for=6.6.6.6"),
            ("x-forwarded-for", "7.7.7.7"),
            ("x-keep", "1"),
            ("x-edge-client", "trusted"),
        ])
        .from(from)
    }

    const CONFIG: &str = r#"{"trusted": ["127.0.0.1", "10.0.0.0/8"], "mark": "x-edge-client"}"#;

    #[test]
    fn an_untrusted_client_loses_every_forwarding_header_and_is_marked() {
        let mut envoy = request(Some("192.0.2.7:5000"));
        assert_eq!(
            config(CONFIG).mutate(&mut envoy),
            EarlyHeaderMutationStatus::Continue
        );
        assert_eq!(
            envoy.names(),
            vec![":path", "host", "x-keep", "x-edge-client"]
        );
        assert_eq!(
            envoy.header_values("x-edge-client"),
            vec![b"untrusted".as_slice()]
        );
    }

    #[test]
    fn a_trusted_client_keeps_them() {
        for from in ["127.0.0.1:1", "10.1.2.3:80", "[::ffff:10.0.0.1]:80"] {
            let mut envoy = request(Some(from));
            config(CONFIG).mutate(&mut envoy);
            assert_eq!(envoy.header_values("x-forwarded-for").len(), 2, "{from}");
            assert_eq!(
                envoy.header_values("x-edge-client"),
                vec![b"trusted".as_slice()]
            );
        }
    }

    #[test]
    fn no_address_or_not_an_ip_is_untrusted() {
        for from in [None, Some("/tmp/socket"), Some("")] {
            let mut envoy = request(from);
            config(CONFIG).mutate(&mut envoy);
            assert!(
                envoy.header_values("x-forwarded-for").is_empty(),
                "{from:?}"
            );
        }
    }

    #[test]
    fn fail_closed_treats_the_request_as_untrusted() {
        let mut envoy = request(Some("127.0.0.1:1"));
        EarlyHeaderMutation::<Fake>::fail_closed(&config(CONFIG), &mut envoy);
        assert!(envoy.header_values("x-forwarded-proto").is_empty());
        assert_eq!(
            envoy.header_values("x-edge-client"),
            vec![b"untrusted".as_slice()]
        );
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let cases = [
            (r#"{}"#, "missing field `trusted`"),
            (
                r#"{"trusted": ["10.0.0.1/8"]}"#,
                "trusted[0]: \"10.0.0.1/8\" has host bits set",
            ),
            (
                r#"{"trusted": [], "drop": []}"#,
                "drop must list 1 to 64 names, got 0",
            ),
            (
                r#"{"trusted": [], "drop": ["x-*-for"]}"#,
                "`*` may only end a name",
            ),
            (r#"{"trusted": [], "drop": [":path"]}"#, "pseudo-header"),
            (
                r#"{"trusted": [], "drop": ["host"]}"#,
                "\"host\" cannot be dropped",
            ),
            (
                r#"{"trusted": [], "mark": "x-forwarded-by"}"#,
                "is one of drop",
            ),
            (r#"{"trusted": [], "extra": 1}"#, "unknown field `extra`"),
        ];
        for (json, want) in cases {
            let error = ForwardedHeadersConfig::parse(json.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(error.contains(want), "{json}: {error}");
        }
    }
}
