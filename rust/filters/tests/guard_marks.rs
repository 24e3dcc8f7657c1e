//! Each guarding HTTP filter marks the requests it allows, and only those, for
//! the sentinel behind it (shared/guard_mark.rs, docs/SECURITY.md). The guards
//! are four filters, so their common check lives here, outside every filter.

use envoy_dm_sdk::testing::{FakeCalloutResponse, FakeEnvoyConfig, FakeEnvoyFilter};
use envoy_dm_sdk::{HttpCalloutResult, HttpFilterConfig};
use rust_module::http::{callout_auth, header_auth, random_auth, zero_copy_regex_waf};
use rust_module::shared::guard_mark::{ALLOWED, NAMESPACE};

/// True when `guard` marked the request.
fn is_marked(envoy: &FakeEnvoyFilter, guard: &str) -> bool {
    matches!(
        envoy.dynamic_metadata.get(&(NAMESPACE.to_string(), guard.to_string())),
        Some(envoy_dm_sdk::testing::FakeMetadataValue::String(v)) if v == ALLOWED
    )
}

#[test]
fn callout_auth_marks_after_the_service_allows_only() {
    let config = callout_auth::CalloutAuthConfig::new(
        &mut FakeEnvoyConfig::default(),
        br#"{"cluster": "auth", "header": "x-auth-token"}"#,
    )
    .unwrap();
    for (status, marked) in [(200, true), (403, false)] {
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":path", "/")]);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, true);
        assert!(!is_marked(&envoy, "callout_auth"), "not before the answer");
        let answer = FakeCalloutResponse::new(status, &[], b"");
        envoy.complete_callout(&mut *filter, 1, HttpCalloutResult::Success, Some(&answer));
        assert_eq!(is_marked(&envoy, "callout_auth"), marked, "{status}");
    }
}

#[test]
fn header_auth_marks_what_it_allows_only() {
    let config = header_auth::HeaderAuthConfig::new(
        &mut FakeEnvoyConfig::default(),
        br#"{"header": "x-auth", "mode": "presence"}"#,
    )
    .unwrap();
    let mut allowed = FakeEnvoyFilter::with_request_headers(&[("x-auth", "t")]);
    config
        .new_http_filter(&mut allowed)
        .on_request_headers(&mut allowed, true);
    assert!(is_marked(&allowed, "header_auth"));
    let mut denied = FakeEnvoyFilter::with_request_headers(&[]);
    config
        .new_http_filter(&mut denied)
        .on_request_headers(&mut denied, true);
    assert!(denied.sent_response.is_some() && !is_marked(&denied, "header_auth"));
}

#[test]
fn random_auth_marks_what_it_allows_only() {
    let config = random_auth::RandomAuthConfig::new(
        &mut FakeEnvoyConfig::default(),
        br#"{"probability": 0.5, "seed": 3}"#,
    )
    .unwrap();
    let (mut marked, mut refused) = (0, 0);
    for _ in 0..40 {
        let mut envoy = FakeEnvoyFilter::default();
        config
            .new_http_filter(&mut envoy)
            .on_request_headers(&mut envoy, true);
        let mark = is_marked(&envoy, "random_auth");
        assert_ne!(mark, envoy.sent_response.is_some(), "marked xor refused");
        if mark {
            marked += 1;
        } else {
            refused += 1;
        }
    }
    assert!(marked > 0 && refused > 0);
}

#[test]
fn the_waf_marks_at_the_request_headers() {
    let config = zero_copy_regex_waf::WafConfig::new(
        &mut FakeEnvoyConfig::default(),
        br#"{"pattern": "curl"}"#,
    )
    .unwrap();
    let mut envoy = FakeEnvoyFilter::default();
    config
        .new_http_filter(&mut envoy)
        .on_request_headers(&mut envoy, false);
    assert!(is_marked(&envoy, "zero_copy_regex_waf"));
}
