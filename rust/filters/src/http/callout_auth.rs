//! `callout_auth`: asks an auth service about every request before letting it
//! through, like Envoy's ext_authz in HTTP mode, with an HTTP callout.
//!
//! Config (strict JSON):
//!
//! ```json
//! {"cluster": "auth", "header": "x-auth-token", "path": "/check",
//!  "timeout_ms": 1000, "failure_status": 503}
//! ```
//!
//! `cluster` and `header` are required. For each request the filter stops at
//! the request headers and sends the cluster a request with the same `:method`,
//! the configured `path` (default: the request's own path), `:authority` set to
//! the cluster's name, `x-forwarded-uri` with the request's path, and the
//! configured header when the request has it (only its first value). Then:
//!
//! * 200: the request goes on to the upstream, untouched.
//! * any other status below 500 (401, 403, a 302 to a login page, ...): the
//!   auth service's answer goes to the client instead: its status, body (at
//!   most [`MAX_DENY_BODY`] bytes) and its `content-type`, `www-authenticate`
//!   and `location` headers.
//! * a 5xx, a timeout (Envoy answers the callout 504 itself), the cluster
//!   unreachable (Envoy's 503), a reset, no such cluster, or a callout Envoy
//!   cannot start: the client gets `failure_status` (default 503) with a body
//!   naming the reason. Never the upstream: the filter fails closed.
//!
//! If the stream ends while the callout is in flight, Envoy cancels it when it
//! destroys the filter, and no answer arrives; an answer for another callout id
//! than the one awaited is ignored.

use crate::shared::header_name::check_name;
use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpCalloutInitResult,
    HttpCalloutResponse, HttpCalloutResult, HttpFilter, HttpFilterConfig, RequestBodyStatus,
    RequestHeadersStatus, RequestTrailersStatus,
};
use serde::Deserialize;
use std::sync::Arc;

pub const DEFAULT_TIMEOUT_MS: u64 = 1000;
pub const MAX_TIMEOUT_MS: u64 = 60_000;
pub const DEFAULT_FAILURE_STATUS: u32 = 503;
/// A denial's body is copied into the local reply; past this it fails closed.
pub const MAX_DENY_BODY: usize = 64 * 1024;
/// The auth service's headers a denial passes on to the client.
pub const FORWARDED_HEADERS: [&str; 3] = ["content-type", "www-authenticate", "location"];
/// The callout's header carrying the request's own path.
pub const FORWARDED_URI: &str = "x-forwarded-uri";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    cluster: String,
    header: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default = "default_timeout_ms")]
    timeout_ms: u64,
    #[serde(default = "default_failure_status")]
    failure_status: u32,
}

fn default_timeout_ms() -> u64 {
    DEFAULT_TIMEOUT_MS
}

fn default_failure_status() -> u32 {
    DEFAULT_FAILURE_STATUS
}

/// A checked configuration, shared by every stream.
#[derive(Debug, PartialEq, Eq)]
pub struct Settings {
    pub cluster: String,
    /// Lowercased.
    pub header: String,
    pub path: Option<String>,
    pub timeout_ms: u64,
    pub failure_status: u32,
}

impl Settings {
    pub fn parse(config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        if raw.cluster.is_empty() {
            return Err("cluster must not be empty".into());
        }
        if raw
            .cluster
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ')
        {
            return Err(format!(
                "cluster {:?} contains spaces or control characters",
                raw.cluster
            )
            .into());
        }
        let header = check_name("header", &raw.header, false)?;
        if let Some(path) = &raw.path {
            if !path.starts_with('/') {
                return Err(format!("path {path:?} must start with '/'").into());
            }
            if path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
                return Err(format!("path {path:?} contains spaces or control characters").into());
            }
        }
        if !(1..=MAX_TIMEOUT_MS).contains(&raw.timeout_ms) {
            return Err(format!(
                "timeout_ms must be 1 to {MAX_TIMEOUT_MS}, got {}",
                raw.timeout_ms
            )
            .into());
        }
        if !(400..=599).contains(&raw.failure_status) {
            return Err(format!(
                "failure_status must be 400 to 599, got {}",
                raw.failure_status
            )
            .into());
        }
        Ok(Self {
            cluster: raw.cluster,
            header,
            path: raw.path,
            timeout_ms: raw.timeout_ms,
            failure_status: raw.failure_status,
        })
    }
}

pub struct CalloutAuthConfig {
    settings: Arc<Settings>,
}

impl CalloutAuthConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        Ok(Self {
            settings: Arc::new(Settings::parse(config)?),
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for CalloutAuthConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(CalloutAuth {
            settings: Arc::clone(&self.settings),
            state: State::Checking,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Request headers not seen yet.
    Checking,
    /// Stopped, waiting for this callout.
    Waiting(u64),
    /// Answered: let through, or replied to.
    Decided,
}

pub struct CalloutAuth {
    settings: Arc<Settings>,
    state: State,
}

/// What the auth service's answer means for the request.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Forward the auth service's answer: status, headers, body.
    Deny(u32, Vec<(&'static str, Vec<u8>)>, Vec<u8>),
    /// Fail closed: the failure status with this body and details.
    Fail(String, &'static str),
}

/// The decision for one callout's outcome.
pub fn verdict(result: HttpCalloutResult, response: Option<&HttpCalloutResponse<'_>>) -> Verdict {
    let response = match (result, response) {
        (HttpCalloutResult::Success, Some(response)) => response,
        (HttpCalloutResult::Success, None) => {
            return Verdict::Fail(
                "the auth service's answer is missing".into(),
                "callout_auth_error",
            )
        }
        (HttpCalloutResult::Reset, _) => {
            return Verdict::Fail("the auth callout was reset".into(), "callout_auth_reset")
        }
        (HttpCalloutResult::ExceedResponseBufferLimit, _) => {
            return Verdict::Fail(
                "the auth service's answer is too large".into(),
                "callout_auth_error",
            )
        }
    };
    match response.status() {
        Some(200) => Verdict::Allow,
        Some(504) => Verdict::Fail(
            "the auth service timed out (504)".into(),
            "callout_auth_timeout",
        ),
        Some(503) => Verdict::Fail(
            "the auth service is unavailable (503)".into(),
            "callout_auth_unavailable",
        ),
        Some(status @ 200..=499) if response.body_len() > MAX_DENY_BODY => Verdict::Fail(
            format!("the auth service's {status} body is over {MAX_DENY_BODY} bytes"),
            "callout_auth_error",
        ),
        Some(status @ 200..=499) => {
            let headers = FORWARDED_HEADERS
                .iter()
                .filter_map(|&name| Some((name, response.header(name)?.to_vec())))
                .collect();
            Verdict::Deny(u32::from(status), headers, response.body())
        }
        Some(status) => Verdict::Fail(
            format!("the auth service failed ({status})"),
            "callout_auth_error",
        ),
        None => Verdict::Fail(
            "the auth service's answer has no valid status".into(),
            "callout_auth_error",
        ),
    }
}

impl CalloutAuth {
    fn fail<E: EnvoyHttpFilter>(&mut self, envoy: &mut E, why: &str, details: &str) {
        self.state = State::Decided;
        let body = format!("callout_auth: {why}\n");
        envoy.send_response(
            self.settings.failure_status,
            &[("content-type", b"text/plain")],
            body.as_bytes(),
            details,
        );
    }

    fn waiting(&self) -> bool {
        matches!(self.state, State::Waiting(_))
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for CalloutAuth {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        if self.state != State::Checking {
            return RequestHeadersStatus::Continue;
        }
        let settings = Arc::clone(&self.settings);
        let request = HeaderType::RequestHeader;
        let method = envoy
            .get_header(request, ":method")
            .unwrap_or(b"GET")
            .to_vec();
        let original = envoy.get_header(request, ":path").unwrap_or(b"/").to_vec();
        let path = settings
            .path
            .as_deref()
            .map_or(original.as_slice(), str::as_bytes);
        let mut headers: Vec<(&str, &[u8])> = vec![
            (":method", &method),
            (":path", path),
            (":authority", settings.cluster.as_bytes()),
            (FORWARDED_URI, &original),
        ];
        let credential = envoy
            .get_header(request, &settings.header)
            .map(<[u8]>::to_vec);
        if let Some(value) = &credential {
            headers.push((&settings.header, value));
        }
        match envoy.http_callout(&settings.cluster, &headers, b"", settings.timeout_ms) {
            Ok(id) => {
                self.state = State::Waiting(id);
                // Body and trailers wait in Envoy's buffer (with flow control).
                RequestHeadersStatus::StopAllIterationAndWatermark
            }
            Err(HttpCalloutInitResult::ClusterNotFound) => {
                let why = format!("cluster '{}' not found", settings.cluster);
                self.fail(envoy, &why, "callout_auth_no_cluster");
                RequestHeadersStatus::StopIteration
            }
            Err(other) => {
                let why = format!("cannot start the auth callout ({other:?})");
                self.fail(envoy, &why, "callout_auth_error");
                RequestHeadersStatus::StopIteration
            }
        }
    }

    fn on_request_body(&mut self, _envoy: &mut E, _end_of_stream: bool) -> RequestBodyStatus {
        if self.waiting() {
            RequestBodyStatus::StopIterationAndWatermark
        } else {
            RequestBodyStatus::Continue
        }
    }

    fn on_request_trailers(&mut self, _envoy: &mut E) -> RequestTrailersStatus {
        if self.waiting() {
            RequestTrailersStatus::StopIteration
        } else {
            RequestTrailersStatus::Continue
        }
    }

    fn on_http_callout_done(
        &mut self,
        envoy: &mut E,
        callout_id: u64,
        result: HttpCalloutResult,
        response: Option<&HttpCalloutResponse<'_>>,
    ) {
        if self.state != State::Waiting(callout_id) {
            return;
        }
        match verdict(result, response) {
            Verdict::Allow => {
                self.state = State::Decided;
                crate::shared::guard_mark::mark_allowed(envoy, "callout_auth");
                envoy.continue_decoding();
            }
            Verdict::Deny(status, headers, body) => {
                self.state = State::Decided;
                let headers: Vec<(&str, &[u8])> =
                    headers.iter().map(|(k, v)| (*k, v.as_slice())).collect();
                envoy.send_response(status, &headers, &body, "callout_auth_denied");
            }
            Verdict::Fail(why, details) => self.fail(envoy, &why, details),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeCalloutResponse, FakeEnvoyConfig, FakeEnvoyFilter};

    const CONFIG: &str = r#"{"cluster": "auth", "header": "X-Auth-Token", "timeout_ms": 250}"#;

    fn config(json: &str) -> CalloutAuthConfig {
        CalloutAuthConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes()).unwrap()
    }

    fn request(
        json: &str,
        headers: &[(&str, &str)],
    ) -> (Box<dyn HttpFilter<FakeEnvoyFilter>>, FakeEnvoyFilter) {
        let mut all = vec![
            (":method", "POST"),
            (":path", "/orders?id=7"),
            (":authority", "shop"),
        ];
        all.extend_from_slice(headers);
        let mut envoy = FakeEnvoyFilter::with_request_headers(&all);
        let filter = config(json).new_http_filter(&mut envoy);
        (filter, envoy)
    }

    /// Stops at the request headers with one callout, and answers it.
    fn answered(
        headers: &[(&str, &str)],
        result: HttpCalloutResult,
        response: Option<FakeCalloutResponse>,
    ) -> FakeEnvoyFilter {
        let (mut filter, mut envoy) = request(CONFIG, headers);
        assert_eq!(
            filter.on_request_headers(&mut envoy, false),
            RequestHeadersStatus::StopAllIterationAndWatermark
        );
        assert_eq!(
            filter.on_request_body(&mut envoy, false),
            RequestBodyStatus::StopIterationAndWatermark,
            "the body waits for the answer"
        );
        assert_eq!(
            filter.on_request_trailers(&mut envoy),
            RequestTrailersStatus::StopIteration
        );
        assert_eq!(envoy.pending_callouts().len(), 1);
        envoy.complete_callout(&mut *filter, 1, result, response.as_ref());
        assert_eq!(
            filter.on_request_body(&mut envoy, true),
            RequestBodyStatus::Continue
        );
        envoy
    }

    #[test]
    fn the_callout_carries_method_path_authority_and_the_header() {
        let (mut filter, mut envoy) =
            request(CONFIG, &[("x-auth-token", "good"), ("x-other", "no")]);
        filter.on_request_headers(&mut envoy, true);
        let callout = &envoy.callouts[0];
        assert_eq!(
            (callout.cluster.as_str(), callout.timeout_ms),
            ("auth", 250)
        );
        assert_eq!(callout.header(":method").as_deref(), Some("POST"));
        assert_eq!(callout.header(":path").as_deref(), Some("/orders?id=7"));
        assert_eq!(callout.header(":authority").as_deref(), Some("auth"));
        assert_eq!(
            callout.header(FORWARDED_URI).as_deref(),
            Some("/orders?id=7")
        );
        assert_eq!(callout.header("x-auth-token").as_deref(), Some("good"));
        assert_eq!(
            callout.header("x-other"),
            None,
            "only the configured header"
        );
        assert!(callout.body.is_empty());
    }

    #[test]
    fn a_configured_path_replaces_the_requests_and_a_missing_header_is_not_sent() {
        let (mut filter, mut envoy) = request(
            r#"{"cluster": "auth", "header": "x-auth-token", "path": "/check"}"#,
            &[],
        );
        filter.on_request_headers(&mut envoy, true);
        let callout = &envoy.callouts[0];
        assert_eq!(callout.header(":path").as_deref(), Some("/check"));
        assert_eq!(
            callout.header(FORWARDED_URI).as_deref(),
            Some("/orders?id=7")
        );
        assert_eq!(callout.header("x-auth-token"), None);
        assert_eq!(callout.timeout_ms, DEFAULT_TIMEOUT_MS);
    }

    #[test]
    fn a_200_lets_the_request_through() {
        let envoy = answered(
            &[],
            HttpCalloutResult::Success,
            Some(FakeCalloutResponse::new(200, &[], b"ok")),
        );
        assert_eq!(envoy.continued_decoding, 1);
        assert!(envoy.sent_response.is_none());
    }

    #[test]
    fn a_denial_is_forwarded_with_its_body_and_some_headers() {
        for status in [401, 403, 302, 204] {
            let answer = FakeCalloutResponse::new(
                status,
                &[
                    ("content-type", "text/plain"),
                    ("www-authenticate", "Bearer"),
                    ("x-internal", "no"),
                ],
                b"go away\n",
            );
            let envoy = answered(&[], HttpCalloutResult::Success, Some(answer));
            assert_eq!(envoy.continued_decoding, 0);
            let sent = envoy.sent_response.unwrap();
            assert_eq!(
                (sent.status, sent.body.as_slice()),
                (u32::from(status), &b"go away\n"[..])
            );
            assert_eq!(sent.details, "callout_auth_denied");
            let names: Vec<_> = sent.headers.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, ["content-type", "www-authenticate"]);
        }
    }

    #[test]
    fn failures_fail_closed_with_the_configured_status() {
        let cases = [
            (
                HttpCalloutResult::Success,
                Some(504),
                "the auth service timed out (504)",
            ),
            (
                HttpCalloutResult::Success,
                Some(503),
                "the auth service is unavailable (503)",
            ),
            (
                HttpCalloutResult::Success,
                Some(500),
                "the auth service failed (500)",
            ),
            (
                HttpCalloutResult::Success,
                Some(101),
                "the auth service failed (101)",
            ),
            (
                HttpCalloutResult::Success,
                None,
                "the auth service's answer is missing",
            ),
            (HttpCalloutResult::Reset, None, "the auth callout was reset"),
            (
                HttpCalloutResult::ExceedResponseBufferLimit,
                None,
                "the auth service's answer is too large",
            ),
        ];
        for (result, status, why) in cases {
            let envoy = answered(
                &[],
                result,
                status.map(|s| FakeCalloutResponse::new(s, &[], b"upstream body")),
            );
            assert_eq!(envoy.continued_decoding, 0, "{why}");
            let sent = envoy.sent_response.unwrap();
            assert_eq!(sent.status, 503, "{why}");
            assert_eq!(
                String::from_utf8(sent.body).unwrap(),
                format!("callout_auth: {why}\n")
            );
        }
    }

    #[test]
    fn a_huge_denial_body_fails_closed() {
        let body = vec![b'x'; MAX_DENY_BODY + 1];
        let envoy = answered(
            &[],
            HttpCalloutResult::Success,
            Some(FakeCalloutResponse::new(403, &[], &body)),
        );
        let sent = envoy.sent_response.unwrap();
        assert_eq!(sent.status, 503);
        assert!(String::from_utf8(sent.body)
            .unwrap()
            .contains("body is over 65536 bytes"));
    }

    #[test]
    fn a_missing_cluster_fails_closed_at_once() {
        let (mut filter, mut envoy) = request(
            r#"{"cluster": "nope", "header": "x-a", "failure_status": 500}"#,
            &[],
        );
        envoy.callout_init_failure = Some(HttpCalloutInitResult::ClusterNotFound);
        assert_eq!(
            filter.on_request_headers(&mut envoy, true),
            RequestHeadersStatus::StopIteration
        );
        let sent = envoy.sent_response.unwrap();
        assert_eq!(
            (sent.status, sent.details.as_str()),
            (500, "callout_auth_no_cluster")
        );
        assert_eq!(sent.body, b"callout_auth: cluster 'nope' not found\n");

        let (mut filter, mut envoy) = request(CONFIG, &[]);
        envoy.callout_init_failure = Some(HttpCalloutInitResult::CannotCreateRequest);
        filter.on_request_headers(&mut envoy, true);
        let sent = envoy.sent_response.unwrap();
        assert_eq!(
            sent.body,
            b"callout_auth: cannot start the auth callout (CannotCreateRequest)\n"
        );
    }

    #[test]
    fn an_answer_for_another_callout_is_ignored() {
        let (mut filter, mut envoy) = request(CONFIG, &[]);
        filter.on_request_headers(&mut envoy, true);
        let ok = FakeCalloutResponse::new(200, &[], b"");
        filter.on_http_callout_done(&mut envoy, 99, HttpCalloutResult::Success, Some(&ok.view()));
        assert_eq!(envoy.continued_decoding, 0);
        envoy.complete_callout(&mut *filter, 1, HttpCalloutResult::Success, Some(&ok));
        // A second answer for the same id (Envoy never sends one) changes nothing.
        filter.on_http_callout_done(&mut envoy, 1, HttpCalloutResult::Reset, None);
        assert_eq!(envoy.continued_decoding, 1);
        assert!(envoy.sent_response.is_none());
    }

    #[test]
    fn refuses_bad_configs() {
        for (json, why) in [
            (r#"{"header": "x-a"}"#, "missing field `cluster`"),
            (r#"{"cluster": "auth"}"#, "missing field `header`"),
            (
                r#"{"cluster": "", "header": "x-a"}"#,
                "cluster must not be empty",
            ),
            (
                r#"{"cluster": "a b", "header": "x-a"}"#,
                "contains spaces or control characters",
            ),
            (
                r#"{"cluster": "auth", "header": "bad name"}"#,
                "is not a valid HTTP token",
            ),
            (
                r#"{"cluster": "auth", "header": ":path"}"#,
                "is a pseudo-header",
            ),
            (
                r#"{"cluster": "auth", "header": "x-a", "path": "check"}"#,
                "must start with '/'",
            ),
            (
                r#"{"cluster": "auth", "header": "x-a", "timeout_ms": 0}"#,
                "timeout_ms must be 1 to 60000, got 0",
            ),
            (
                r#"{"cluster": "auth", "header": "x-a", "failure_status": 200}"#,
                "failure_status must be 400 to 599",
            ),
            (
                r#"{"cluster": "auth", "header": "x-a", "timeuot_ms": 5}"#,
                "unknown field `timeuot_ms`",
            ),
        ] {
            let err = Settings::parse(json.as_bytes()).err().unwrap().to_string();
            assert!(err.contains(why), "{json}: {err}");
        }
    }
}
