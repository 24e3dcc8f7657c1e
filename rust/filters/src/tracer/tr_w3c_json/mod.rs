//! `tr_w3c_json`: a tracer for W3C Trace Context. Each traced request gets a
//! span, each upstream call a child span; the incoming `traceparent` and
//! `tracestate` are continued (a malformed one starts a new trace), the
//! upstream request carries the child's `traceparent`, and every sampled
//! span is written as one JSON line to `{dirname}/tr_w3c_json_0.log` by a
//! writer thread, never on the request path.
//!
//! Sampling: a valid incoming `traceparent` decides (its sampled flag); a new
//! trace is sampled with probability `sample_ratio` when Envoy traces the
//! request, always when Envoy's decision is forced (`x-envoy-force-trace`).
//! An unsampled span is propagated (flag 00) but never written.
//!
//! Config (JSON): `{"dirname": DIR, "max_bytes": N, "sample_ratio": R}`:
//! the file is written until `max_bytes` of span lines (1 to 2^40) went to
//! it, after which spans are dropped and counted; `sample_ratio` is 0 to 1,
//! 1 when absent. Counters `spans_written` and `spans_dropped`.

pub mod traceparent;

use crate::shared::log_sink::Sink;
use envoy_dm_sdk::tracer::{
    Decision, EnvoyTraceContext, EnvoyTracerConfig, Span, TracerConfig, TracerCounter,
};
use envoy_dm_sdk::BoxError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

const NAME: &str = "tr_w3c_json";
const MAX_FILE_BYTES: u64 = 1 << 40;
/// The writer's queue: spans beyond it are dropped, never waited for.
const QUEUE_LINES: usize = 8192;
/// A span keeps this many tags, each key and value cut to these lengths.
const MAX_TAGS: usize = 32;
const MAX_TAG_KEY: usize = 64;
const MAX_TAG_VALUE: usize = 256;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    dirname: PathBuf,
    max_bytes: u64,
    #[serde(default = "one")]
    sample_ratio: f64,
}

fn one() -> f64 {
    1.0
}

/// What every span of one configuration shares.
struct Shared {
    sink: Sink,
    max_bytes: u64,
    bytes: AtomicU64,
    sample_ratio: f64,
    written: TracerCounter,
    dropped: TracerCounter,
}

pub struct W3cJsonConfig {
    shared: Arc<Shared>,
}

/// The settings of a config, checked before any file is opened (the fuzz
/// target's and the validate matrix's way in).
pub fn check(config: &[u8]) -> Result<(PathBuf, u64, f64), BoxError> {
    let raw: Raw = envoy_dm_sdk::parse_json(config)?;
    if raw.max_bytes == 0 || raw.max_bytes > MAX_FILE_BYTES {
        return Err(format!(
            "max_bytes must be 1 to {MAX_FILE_BYTES}, got {}",
            raw.max_bytes
        )
        .into());
    }
    if !(0.0..=1.0).contains(&raw.sample_ratio) {
        return Err(format!("sample_ratio must be 0 to 1, got {}", raw.sample_ratio).into());
    }
    Ok((raw.dirname, raw.max_bytes, raw.sample_ratio))
}

impl W3cJsonConfig {
    pub fn new(envoy: &mut impl EnvoyTracerConfig, config: &[u8]) -> Result<Self, BoxError> {
        let (dirname, max_bytes, sample_ratio) = check(config)?;
        let written = envoy.define_counter("spans_written")?;
        let dropped = envoy.define_counter("spans_dropped")?;
        let sink = Sink::open(NAME, &dirname, NAME, 1, QUEUE_LINES)?;
        Ok(Self {
            shared: Arc::new(Shared {
                sink,
                max_bytes,
                bytes: AtomicU64::new(0),
                sample_ratio,
                written,
                dropped,
            }),
        })
    }
}

impl<E: EnvoyTraceContext> TracerConfig<E> for W3cJsonConfig {
    fn start_span(
        &self,
        envoy: &mut E,
        operation: &str,
        decision: Decision,
    ) -> Option<Box<dyn Span<E>>> {
        let incoming = envoy.value("traceparent");
        let parent = incoming.and_then(traceparent::parse);
        let mut tags = Vec::new();
        if incoming.is_some() && parent.is_none() {
            tags.push(("w3c.malformed_traceparent".to_string(), "true".to_string()));
        }
        let (trace_id, parent_id, sampled, local, picked) = match parent {
            Some(p) => (p.trace_id, Some(p.parent_id), p.sampled, false, p.sampled),
            None => {
                let picked = decision.reason.forced() || fastrand::f64() < self.shared.sample_ratio;
                (
                    new_trace_id(),
                    None,
                    picked && decision.traced,
                    true,
                    picked,
                )
            }
        };
        // A continued trace keeps its tracestate; a new one has none.
        let tracestate = parent
            .and(envoy.value("tracestate"))
            .and_then(traceparent::tracestate)
            .map(str::to_owned);
        Some(Box::new(W3cSpan {
            shared: Arc::clone(&self.shared),
            trace_id,
            span_id: new_span_id(),
            parent_id,
            sampled,
            local,
            picked,
            tracestate,
            name: operation.to_string(),
            kind: "server",
            start_ns: now_ns(),
            tags,
            finished: false,
        }))
    }
}

fn new_trace_id() -> u128 {
    loop {
        let id = fastrand::u128(..);
        if id != 0 {
            return id;
        }
    }
}

fn new_span_id() -> u64 {
    fastrand::u64(1..)
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

struct W3cSpan {
    shared: Arc<Shared>,
    trace_id: u128,
    span_id: u64,
    parent_id: Option<u64>,
    sampled: bool,
    /// Whether Envoy's sampling decision applies (a new trace's).
    local: bool,
    /// The ratio's (or the forced) pick of a new trace.
    picked: bool,
    tracestate: Option<String>,
    name: String,
    kind: &'static str,
    start_ns: i64,
    tags: Vec<(String, String)>,
    finished: bool,
}

/// One line of the span file.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct SpanLine {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: Option<String>,
    pub name: String,
    pub kind: String,
    pub start_ns: i64,
    pub end_ns: i64,
    pub tracestate: Option<String>,
    pub tags: std::collections::BTreeMap<String, String>,
}

fn cut(bytes: &[u8], max: usize) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned()
}

impl W3cSpan {
    fn line(&self) -> SpanLine {
        SpanLine {
            trace_id: format!("{:032x}", self.trace_id),
            span_id: format!("{:016x}", self.span_id),
            parent_span_id: self.parent_id.map(|p| format!("{p:016x}")),
            name: self.name.clone(),
            kind: self.kind.to_string(),
            start_ns: self.start_ns,
            end_ns: now_ns(),
            tracestate: self.tracestate.clone(),
            tags: self.tags.iter().cloned().collect(),
        }
    }
}

impl<E: EnvoyTraceContext> Span<E> for W3cSpan {
    fn set_operation(&mut self, operation: &str) {
        self.name = operation.to_string();
    }

    fn set_tag(&mut self, key: &[u8], value: &[u8]) {
        let key = cut(key, MAX_TAG_KEY);
        let value = cut(value, MAX_TAG_VALUE);
        if let Some(slot) = self.tags.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        } else if self.tags.len() < MAX_TAGS {
            self.tags.push((key, value));
        }
    }

    fn finish(&mut self) {
        if !self.sampled || std::mem::replace(&mut self.finished, true) {
            return;
        }
        let mut line = serde_json::to_vec(&self.line()).unwrap_or_default();
        line.push(b'\n');
        let shared = &self.shared;
        let before = shared.bytes.fetch_add(line.len() as u64, Ordering::Relaxed);
        if before + line.len() as u64 > shared.max_bytes {
            shared.bytes.fetch_sub(line.len() as u64, Ordering::Relaxed);
            shared.dropped.add(1);
            return;
        }
        shared.sink.send(line);
        shared.written.add(1);
        shared.dropped.add(shared.sink.take_dropped());
    }

    fn inject_context(&mut self, envoy: &mut E) {
        let value = traceparent::format(self.trace_id, self.span_id, self.sampled);
        envoy.set_value("traceparent", value.as_bytes());
        match &self.tracestate {
            Some(state) => envoy.set_value("tracestate", state.as_bytes()),
            None => envoy.remove_value("tracestate"),
        }
    }

    fn spawn_child(&mut self, name: &str, start_time_ns: i64) -> Option<Box<dyn Span<E>>> {
        Some(Box::new(W3cSpan {
            shared: Arc::clone(&self.shared),
            trace_id: self.trace_id,
            span_id: new_span_id(),
            parent_id: Some(self.span_id),
            sampled: self.sampled,
            local: false,
            picked: self.sampled,
            tracestate: self.tracestate.clone(),
            name: name.to_string(),
            kind: "client",
            start_ns: start_time_ns,
            tags: Vec::new(),
            finished: false,
        }))
    }

    fn set_sampled(&mut self, sampled: bool) {
        // Only a new trace's decision is Envoy's; an incoming one is kept.
        if self.local {
            self.sampled = sampled && self.picked;
        }
    }

    fn use_local_decision(&self) -> bool {
        self.local
    }

    fn trace_id(&self) -> Option<String> {
        Some(format!("{:032x}", self.trace_id))
    }

    fn span_id(&self) -> Option<String> {
        Some(format!("{:016x}", self.span_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::tracer::testing::{FakeTraceContext, FakeTracerConfig};
    use envoy_dm_sdk::tracer::TraceReason;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const TRACED: Decision = Decision {
        traced: true,
        reason: TraceReason::Sampling,
    };

    fn config(ratio: f64) -> (tempdir::Dir, W3cJsonConfig) {
        let dir = tempdir::Dir::new();
        let json = format!(
            r#"{{"dirname": "{}", "max_bytes": 4096, "sample_ratio": {ratio}}}"#,
            dir.0.display()
        );
        let config = W3cJsonConfig::new(&mut FakeTracerConfig::default(), json.as_bytes()).unwrap();
        (dir, config)
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let p = std::env::temp_dir().join(format!("tr_w3c_{}", fastrand::u64(..)));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn continues_the_incoming_trace_through_a_child() {
        let (_dir, config) = config(0.0);
        let mut req = FakeTraceContext::default()
            .header("traceparent", PARENT)
            .header("tracestate", "a=1");
        let mut span = config.start_span(&mut req, "ingress", TRACED).unwrap();
        assert!(!span.use_local_decision());
        let mut child = span.spawn_child("router upstream", 5).unwrap();
        let mut up = FakeTraceContext::default();
        child.inject_context(&mut up);
        let sent = traceparent::parse(up.value("traceparent").unwrap()).unwrap();
        assert_eq!(sent.trace_id, 0x4bf92f3577b34da6a3ce929d0e0e4736);
        assert_eq!(format!("{:016x}", sent.parent_id), child.span_id().unwrap());
        assert!(sent.sampled);
        assert_eq!(up.value("tracestate"), Some(&b"a=1"[..]));
    }

    #[test]
    fn malformed_starts_a_new_trace_under_the_ratio() {
        let (_dir, config) = config(0.0);
        let mut req = FakeTraceContext::default()
            .header("traceparent", "00-zz")
            .header("tracestate", "a=1");
        let mut span = config.start_span(&mut req, "ingress", TRACED).unwrap();
        let mut up = FakeTraceContext::default().header("tracestate", "a=1");
        span.inject_context(&mut up);
        let sent = traceparent::parse(up.value("traceparent").unwrap()).unwrap();
        assert_ne!(sent.trace_id, 0x4bf92f3577b34da6a3ce929d0e0e4736);
        assert!(!sent.sampled, "ratio 0 samples nothing");
        assert_eq!(up.value("tracestate"), None);
        let forced = Decision {
            traced: true,
            reason: TraceReason::ClientForced,
        };
        let mut span = config
            .start_span(&mut FakeTraceContext::default(), "i", forced)
            .unwrap();
        span.inject_context(&mut up);
        assert!(
            traceparent::parse(up.value("traceparent").unwrap())
                .unwrap()
                .sampled
        );
    }

    #[test]
    fn bad_configs_are_refused() {
        for bad in [
            r#"{"dirname": "/tmp", "max_bytes": 0}"#,
            r#"{"dirname": "/tmp", "max_bytes": 10, "sample_ratio": 1.5}"#,
            r#"{"dirname": "/tmp", "max_bytes": 10, "other": 1}"#,
            r#"{"max_bytes": 10}"#,
        ] {
            assert!(check(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
