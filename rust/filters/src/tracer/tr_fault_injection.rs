//! `tr_fault_injection`: a test-only tracer that panics on purpose, to prove
//! the SDK's barrier through a real Envoy: the request whose span hook
//! panics is still served (untraced from there on), one line is logged, and
//! the next request is traced as usual.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! A request carrying `x-fault: <hook>` panics in that hook: `start_span`,
//! `span_spawn_child`, `span_inject_context`, `span_set_tag`, `span_finish`
//! or `span_destroy`. Config `{"phase": "config"}` panics in its constructor.
//! A healthy span injects `x-fault-tracer: ok` into the upstream request.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::tracer::{Decision, EnvoyTraceContext, EnvoyTracerConfig, Span, TracerConfig};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    phase: Option<String>,
}

pub struct TracerFaultConfig;

impl TracerFaultConfig {
    pub fn new(_envoy: &mut impl EnvoyTracerConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.phase.as_deref() == Some("config") {
            panic!("fault injected in config");
        }
        Ok(Self)
    }
}

impl<E: EnvoyTraceContext> TracerConfig<E> for TracerFaultConfig {
    fn start_span(&self, envoy: &mut E, _: &str, _: Decision) -> Option<Box<dyn Span<E>>> {
        let hook = String::from_utf8_lossy(envoy.value("x-fault").unwrap_or_default()).into_owned();
        if hook == "start_span" {
            panic!("fault injected in start_span");
        }
        Some(Box::new(FaultSpan(hook)))
    }
}

/// A span that panics in the hook it was told.
struct FaultSpan(String);

impl FaultSpan {
    fn maybe(&self, hook: &str) {
        if self.0 == hook {
            panic!("fault injected in {hook}");
        }
    }
}

impl<E: EnvoyTraceContext> Span<E> for FaultSpan {
    fn set_tag(&mut self, _: &[u8], _: &[u8]) {
        self.maybe("span_set_tag");
    }
    fn finish(&mut self) {
        self.maybe("span_finish");
    }
    fn inject_context(&mut self, envoy: &mut E) {
        self.maybe("span_inject_context");
        envoy.set_value("x-fault-tracer", b"ok");
    }
    fn spawn_child(&mut self, _: &str, _: i64) -> Option<Box<dyn Span<E>>> {
        self.maybe("span_spawn_child");
        // The router injects through the child; every other hook panics in
        // the request's own span only, so each request logs one line.
        let hook = if self.0 == "span_inject_context" {
            self.0.clone()
        } else {
            String::new()
        };
        Some(Box::new(FaultSpan(hook)))
    }
    fn trace_id(&self) -> Option<String> {
        None
    }
    fn span_id(&self) -> Option<String> {
        None
    }
}

impl Drop for FaultSpan {
    fn drop(&mut self) {
        // Not while unwinding: a second panic would abort.
        if self.0 == "span_destroy" && !std::thread::panicking() {
            panic!("fault injected in span_destroy");
        }
    }
}
