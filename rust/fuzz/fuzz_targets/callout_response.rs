//! callout_auth's answer to whatever the auth service (or Envoy) sends back:
//! the stream stopped for the callout gets exactly one outcome, a resume or a
//! local reply; only a `:status` of exactly `200` lets it through; a forwarded
//! denial keeps its status (below 500), at most MAX_DENY_BODY bytes of body
//! and only the headers FORWARDED_HEADERS names; everything else fails closed
//! with the configured status.
//!
//! Input: one byte picks the callout result, then lines: the `:status` value,
//! `name:value` headers up to an empty line, and the body.

#![no_main]

use envoy_dm_sdk::testing::{FakeCalloutResponse, FakeEnvoyConfig, FakeEnvoyFilter};
use envoy_dm_sdk::{HttpCalloutResult, HttpFilterConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::http::callout_auth::{CalloutAuthConfig, FORWARDED_HEADERS, MAX_DENY_BODY};

const CONFIG: &[u8] = br#"{"cluster": "auth", "header": "x-auth-token", "failure_status": 599}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let result = match pick % 3 {
        0 => HttpCalloutResult::Success,
        1 => HttpCalloutResult::Reset,
        _ => HttpCalloutResult::ExceedResponseBufferLimit,
    };
    let mut lines = rest.splitn(2, |&b| b == b'\n');
    let status = lines.next().unwrap_or_default().to_vec();
    let mut response = FakeCalloutResponse {
        headers: vec![(":status".to_string(), status.clone())],
        body: vec![],
    };
    let mut tail = lines.next().unwrap_or_default();
    while let Some(end) = tail.iter().position(|&b| b == b'\n') {
        let line = &tail[..end];
        tail = &tail[end + 1..];
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        response.headers.push((name, line[colon + 1..].to_vec()));
    }
    response.body = tail.chunks(7).map(<[u8]>::to_vec).collect();

    let config = CalloutAuthConfig::new(&mut FakeEnvoyConfig::default(), CONFIG).unwrap();
    let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":method", "GET"), (":path", "/")]);
    let mut filter = config.new_http_filter(&mut envoy);
    filter.on_request_headers(&mut envoy, true);
    let answer = (result == HttpCalloutResult::Success).then_some(&response);
    envoy.complete_callout(&mut *filter, 1, result, answer);

    let allowed = result == HttpCalloutResult::Success && status == b"200";
    assert_eq!(envoy.continued_decoding, usize::from(allowed));
    if allowed {
        assert!(envoy.sent_response.is_none());
        return;
    }
    let sent = envoy.sent_response.expect("one local reply");
    if sent.details == "callout_auth_denied" {
        assert!(result == HttpCalloutResult::Success);
        assert!((200..500).contains(&sent.status) && sent.status != 200);
        assert_eq!(sent.status.to_string().as_bytes(), status.as_slice());
        assert!(sent.body.len() <= MAX_DENY_BODY);
        assert_eq!(sent.body, tail);
        assert!(sent
            .headers
            .iter()
            .all(|(k, _)| FORWARDED_HEADERS.contains(&k.as_str())));
    } else {
        assert_eq!(sent.status, 599);
        let body = String::from_utf8(sent.body).unwrap();
        assert!(
            body.starts_with("callout_auth: ") && body.ends_with('\n'),
            "{body:?}"
        );
    }
});
