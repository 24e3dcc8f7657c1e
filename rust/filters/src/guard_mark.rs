//! The mark a guarding filter leaves on every request it lets through, for a
//! sentinel behind it (docs/SECURITY.md).
//!
//! A guard (header_auth, callout_auth, zero_copy_regex_waf, random_auth) that
//! allows a request sets dynamic metadata `lab.guard: {<filter>: "allowed"}`.
//! A built-in filter after it (envoy.yaml uses RBAC with a metadata matcher on
//! that key) denies every request without the mark. The route then fails
//! closed whatever happened to the guard: a module that answers the guard's
//! filter name but is something else, the filter left out of the chain, a
//! remote module Envoy could not load and skipped, or a panic in the guard's
//! hook before it decided. Clients cannot set dynamic metadata, so the mark
//! cannot be forged from outside Envoy.

use envoy_dm_sdk::EnvoyHttpMetadata;

/// The dynamic metadata namespace of the marks.
pub const NAMESPACE: &str = "lab.guard";
/// The value under the guard's own key.
pub const ALLOWED: &str = "allowed";

/// Marks the request as allowed by `guard` (its filter name).
pub fn mark_allowed(envoy: &mut impl EnvoyHttpMetadata, guard: &str) {
    envoy.set_dynamic_metadata_string(NAMESPACE, guard, ALLOWED);
}

/// True when `guard` marked the request (for tests of the guards).
#[cfg(test)]
pub fn is_marked(envoy: &envoy_dm_sdk::testing::FakeEnvoyFilter, guard: &str) -> bool {
    matches!(
        envoy.dynamic_metadata.get(&(NAMESPACE.to_string(), guard.to_string())),
        Some(envoy_dm_sdk::testing::FakeMetadataValue::String(v)) if v == ALLOWED
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{callout_auth, header_auth, random_auth, zero_copy_regex_waf};
    use envoy_dm_sdk::testing::{FakeCalloutResponse, FakeEnvoyConfig, FakeEnvoyFilter};
    use envoy_dm_sdk::{HttpCalloutResult, HttpFilterConfig};

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
}
