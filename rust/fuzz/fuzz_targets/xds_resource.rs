//! cv_platform_rules's untrusted input: an xDS resource's protobuf bytes, as
//! a control plane sends them (Envoy re-serializes what it decoded, but the
//! validator must not rely on that). Every input is a verdict, never a panic
//! or a hang: the wire reader ends at the input's end or at its first error,
//! and a resource is accepted or refused with a reason that names it and, when
//! it breaks a rule, the rule. A cluster accepted under the connect-timeout
//! rule does carry a connect_timeout.
//!
//! Input: one byte picks the type URL (even: Cluster, odd: Listener), the
//! rest is the resource.

#![no_main]

use envoy_dm_sdk::config_validator::testing::{FakeConfigValidator, FakeConfigValidatorConfig};
use envoy_dm_sdk::config_validator::{ConfigValidatorConfig, Resource};
use libfuzzer_sys::fuzz_target;
use rust_module::config_validator::cv_platform_rules::{
    wire, PlatformRulesConfig, CLUSTER_TYPE, LISTENER_TYPE,
};

const RULES: &[u8] =
    br#"{"clusters": {"require_connect_timeout": true, "max_connect_timeout_ms": 5000},
  "listeners": {"require_access_log": true}}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    // The reader: every field it yields lies inside the input, and it stops.
    let mut count = 0usize;
    for field in wire::fields(body) {
        count += 1;
        assert!(count <= body.len(), "more fields than bytes");
        if let Ok(wire::Field {
            value: wire::Value::Bytes(b),
            ..
        }) = field
        {
            assert!(b.len() <= body.len());
        }
    }
    let rules = PlatformRulesConfig::new(&mut FakeConfigValidatorConfig, RULES).unwrap();
    let type_url = if which % 2 == 0 {
        CLUSTER_TYPE
    } else {
        LISTENER_TYPE
    };
    let resource = Resource {
        name: "r".into(),
        body: Some(body),
        ..Resource::default()
    };
    let envoy = FakeConfigValidator::default();
    match rules.validate(&envoy, type_url, &[resource]) {
        Ok(()) => {
            if type_url == CLUSTER_TYPE {
                assert!(
                    matches!(wire::last_bytes(body, 4), Ok(Some(_))),
                    "accepted without a timeout"
                );
            }
        }
        Err(why) => {
            let noun = if type_url == CLUSTER_TYPE {
                "cluster"
            } else {
                "listener"
            };
            assert!(why.starts_with(&format!("{noun} 'r' ")), "{why}");
            assert!(
                why.contains("(rule ") || why.contains("cannot be read"),
                "{why}"
            );
            assert!(!why.contains('\n'), "one line: {why}");
        }
    }
});
