//! tr_w3c_json's untrusted input: the request's `traceparent` and
//! `tracestate`. The parser never panics; what it accepts has non-zero ids
//! and survives formatting and parsing again unchanged; an accepted
//! tracestate is bounded printable ASCII. Through the tracer, the upstream
//! always gets a valid `traceparent`: the incoming trace (same id, same
//! sampled flag) when it parsed, else a new trace without tracestate.
//!
//! Input: traceparent and tracestate, split at the first NUL.

#![no_main]

use envoy_dm_sdk::tracer::testing::{FakeTraceContext, FakeTracerConfig};
use envoy_dm_sdk::tracer::{Decision, EnvoyTraceContext, TraceReason, TracerConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::tracer::tr_w3c_json::{traceparent, W3cJsonConfig};
use std::sync::OnceLock;

/// One config for the whole run (its writer thread never gets a line: no
/// span is finished here).
fn config() -> &'static W3cJsonConfig {
    static CONFIG: OnceLock<W3cJsonConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("w3c_traceparent_fuzz_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let json = format!(r#"{{"dirname": "{}", "max_bytes": 1}}"#, dir.display());
        W3cJsonConfig::new(&mut FakeTracerConfig::default(), json.as_bytes()).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let (parent, state) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let parsed = traceparent::parse(parent);
    if let Some(p) = parsed {
        assert!(p.trace_id != 0 && p.parent_id != 0);
        let again = traceparent::format(p.trace_id, p.parent_id, p.sampled);
        assert_eq!(traceparent::parse(again.as_bytes()), Some(p));
    }
    if let Some(s) = traceparent::tracestate(state) {
        assert!(s.len() <= traceparent::MAX_TRACESTATE);
        assert!(s.bytes().all(|b| (0x20..0x7f).contains(&b)));
    }

    let mut request = FakeTraceContext::default();
    request.set_value("traceparent", parent);
    request.set_value("tracestate", state);
    let decision = Decision {
        traced: true,
        reason: TraceReason::Sampling,
    };
    let mut span = config().start_span(&mut request, "fuzz", decision).unwrap();
    let mut child = span.spawn_child("upstream", 0).unwrap();
    let mut upstream = FakeTraceContext::default().header("tracestate", "stale=1");
    child.inject_context(&mut upstream);
    let sent = traceparent::parse(upstream.value("traceparent").unwrap())
        .expect("the upstream always gets a valid traceparent");
    match parsed {
        Some(p) => {
            assert_eq!((sent.trace_id, sent.sampled), (p.trace_id, p.sampled));
            assert_ne!(sent.parent_id, p.parent_id);
        }
        None => assert_eq!(upstream.value("tracestate"), None),
    }
});
