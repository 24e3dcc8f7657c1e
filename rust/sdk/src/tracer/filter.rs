//! The traits a tracer implements: its configuration, which starts spans,
//! and the span, which Envoy feeds and finishes.

use super::EnvoyTraceContext;
use crate::abi::envoy_dynamic_module_type_trace_reason as AbiReason;

/// One configured tracer, shared by every worker.
pub trait TracerConfig<E: EnvoyTraceContext>: Send + Sync {
    /// The span of one request; `envoy` reads the request's trace context
    /// during this call only. None: the request gets a span that records
    /// nothing.
    fn start_span(
        &self,
        envoy: &mut E,
        operation: &str,
        decision: Decision,
    ) -> Option<Box<dyn Span<E>>>;
}

/// One span, used on its request's worker only.
pub trait Span<E: EnvoyTraceContext>: Send {
    fn set_operation(&mut self, operation: &str) {
        let _ = operation;
    }
    fn set_tag(&mut self, key: &[u8], value: &[u8]) {
        let _ = (key, value);
    }
    fn log(&mut self, timestamp_ns: i64, event: &[u8]) {
        let _ = (timestamp_ns, event);
    }
    /// The span is over: record or export it now.
    fn finish(&mut self);
    /// Writes this span's context into the outgoing request `envoy` reaches.
    fn inject_context(&mut self, envoy: &mut E);
    /// A child span (the upstream call); None: it records nothing.
    fn spawn_child(&mut self, name: &str, start_time_ns: i64) -> Option<Box<dyn Span<E>>>;
    /// Envoy's later sampling decision.
    fn set_sampled(&mut self, sampled: bool) {
        let _ = sampled;
    }
    /// Whether Envoy's own sampling decision applies to this span.
    fn use_local_decision(&self) -> bool {
        true
    }
    fn baggage(&self, key: &[u8]) -> Option<Vec<u8>> {
        let _ = key;
        None
    }
    fn set_baggage(&mut self, key: &[u8], value: &[u8]) {
        let _ = (key, value);
    }
    /// The trace id as text; None when there is none.
    fn trace_id(&self) -> Option<String>;
    /// The span id as text; None when there is none.
    fn span_id(&self) -> Option<String>;
}

/// Envoy's sampling decision for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub traced: bool,
    pub reason: TraceReason,
}

/// Why Envoy traces a request, or does not (Envoy's enum, by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceReason {
    NotTraceable,
    HealthCheck,
    Sampling,
    ServiceForced,
    ClientForced,
}

impl TraceReason {
    pub fn from_abi(reason: AbiReason) -> Self {
        match reason {
            AbiReason::NotTraceable => Self::NotTraceable,
            AbiReason::HealthCheck => Self::HealthCheck,
            AbiReason::Sampling => Self::Sampling,
            AbiReason::ServiceForced => Self::ServiceForced,
            AbiReason::ClientForced => Self::ClientForced,
        }
    }

    /// A decision forced by the service or the client (`x-envoy-force-trace`).
    pub fn forced(self) -> bool {
        matches!(self, Self::ServiceForced | Self::ClientForced)
    }
}
