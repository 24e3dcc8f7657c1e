//! The tracer hooks' bodies. The SDK (`hooks.rs`) exports the `#[no_mangle]`
//! hooks, each calling one of these with the module's table, and checks
//! every definition against its declaration in the ABI crate.
//!
//! Fail closed, which for a tracer means "the request is served, untraced":
//! a panic in start_span or span_spawn_child is logged once and NULL goes
//! back, so Envoy gives that request (or that upstream call) a span that
//! records nothing. A panic in any other span hook is logged once and drops
//! the module's span: its later hooks do nothing, it is never written, and
//! nothing more is injected into upstream requests. A panic in
//! span_inject_context leaves the outgoing trace context as it was. The
//! configuration stays: a span holds its own state.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{Decision, EnvoyTraceContext, EnvoyTraceContextHandle, EnvoyTracerConfigHandle};
use super::{Span, TraceReason, TracerConfig};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one tracer configuration from its `tracer_config` bytes.
pub type NewTracerConfig = fn(
    &mut EnvoyTracerConfigHandle,
    &[u8],
) -> Result<Box<dyn TracerConfig<EnvoyTraceContextHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "tracer";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "tracer",
    creation: "config creation",
};

type Handle = EnvoyTraceContextHandle;
type ConfigBox<H> = config::ConfigBox<dyn TracerConfig<H>>;

/// What a `span_module_ptr` points to: the module's span, None once one of
/// its hooks panicked.
pub(crate) struct SpanBox<H: EnvoyTraceContext> {
    tracer_name: &'static str,
    span: Option<Box<dyn Span<H>>>,
    /// The configuration's live counts (spans are its instances).
    counts: &'static crate::live::Counts,
    /// The id strings handed to Envoy, alive until the next call.
    id_out: Vec<u8>,
    _live: crate::live::Instance,
}

impl<H: EnvoyTraceContext> SpanBox<H> {
    fn new(
        tracer_name: &'static str,
        counts: &'static crate::live::Counts,
        span: Box<dyn Span<H>>,
    ) -> Self {
        Self {
            tracer_name,
            span: Some(span),
            counts,
            id_out: Vec::new(),
            _live: crate::live::Instance::new(counts),
        }
    }

    /// Runs `f` on the span behind the barrier; a panic drops the span.
    pub(crate) fn with<R>(
        &mut self,
        phase: &str,
        f: impl FnOnce(&mut dyn Span<H>) -> R,
    ) -> Option<R> {
        let name = self.tracer_name;
        let span = self.span.as_deref_mut()?;
        match guard(|| in_phase(KIND, name, phase), || f(span)) {
            Ok(r) => Some(r),
            Err(_) => {
                // Its drop may panic too: that is caught and logged as well.
                let dropped = self.span.take();
                let _ = guard(|| in_phase(KIND, name, "span drop"), move || drop(dropped));
                None
            }
        }
    }
}

/// # Safety
/// The arguments are those Envoy passed to tracer_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewTracerConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_tracer_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_tracer_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyTracerConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_tracer_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn TracerConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `span_envoy_ptr` is live for this
/// call; `operation` is lent for it.
pub unsafe fn start_span(
    config_ptr: envoy_dynamic_module_type_tracer_config_module_ptr,
    span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
    operation: envoy_dynamic_module_type_envoy_buffer,
    traced: bool,
    reason: envoy_dynamic_module_type_trace_reason,
) -> envoy_dynamic_module_type_tracer_span_module_ptr {
    // SAFETY: config_new's box, alive while Envoy starts spans from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call.
    let mut envoy = unsafe { Handle::from_raw(span_envoy_ptr) };
    // SAFETY: lent for this call.
    let operation = unsafe { envoy_bytes(operation.ptr, operation.length) };
    let decision = Decision {
        traced,
        reason: TraceReason::from_abi(reason),
    };
    into_ptr(start(config, &mut envoy, operation, decision))
}

/// The body of start_span: the config's span, or none when it declines or panics.
pub(crate) fn start<H: EnvoyTraceContext>(
    config: &ConfigBox<H>,
    envoy: &mut H,
    operation: &[u8],
    decision: Decision,
) -> Option<SpanBox<H>> {
    let name = config.filter_name;
    let operation = String::from_utf8_lossy(operation);
    let span = guard(
        || in_phase(KIND, name, "start_span"),
        || config.config.start_span(envoy, &operation, decision),
    )
    .ok()??;
    Some(SpanBox::new(name, config.live.counts(), span))
}

fn into_ptr<H: EnvoyTraceContext>(
    span: Option<SpanBox<H>>,
) -> envoy_dynamic_module_type_tracer_span_module_ptr {
    match span {
        Some(span) => Box::into_raw(Box::new(span)) as *const _,
        None => core::ptr::null(),
    }
}

/// # Safety
/// `ptr` came from [`start_span`] or [`span_spawn_child`] and is not destroyed.
pub(crate) unsafe fn span<'a>(
    ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
) -> &'a mut SpanBox<Handle> {
    // SAFETY: the caller's contract; Envoy uses a span on one worker only.
    unsafe { &mut *(ptr as *mut SpanBox<Handle>) }
}

/// # Safety
/// `ptr` is a live span; `name` is lent for this call.
pub unsafe fn span_spawn_child(
    ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    start_time_ns: i64,
) -> envoy_dynamic_module_type_tracer_span_module_ptr {
    // SAFETY: the caller's contract.
    let (parent, name) = unsafe { (span(ptr), envoy_bytes(name.ptr, name.length)) };
    into_ptr(spawn_child(parent, name, start_time_ns))
}

/// The body of span_spawn_child: a child counted like its parent, or none.
pub(crate) fn spawn_child<H: EnvoyTraceContext>(
    parent: &mut SpanBox<H>,
    name: &[u8],
    start_time_ns: i64,
) -> Option<SpanBox<H>> {
    let name = String::from_utf8_lossy(name);
    let child = parent.with("span_spawn_child", |s| s.spawn_child(&name, start_time_ns))??;
    Some(SpanBox::new(parent.tracer_name, parent.counts, child))
}

/// # Safety
/// `ptr` is a live span; `span_envoy_ptr` is live for this call.
pub unsafe fn span_inject_context(
    ptr: envoy_dynamic_module_type_tracer_span_module_ptr,
    span_envoy_ptr: envoy_dynamic_module_type_tracer_span_envoy_ptr,
) {
    // SAFETY: the caller's contract.
    let (boxed, mut envoy) = unsafe { (span(ptr), Handle::from_raw(span_envoy_ptr)) };
    boxed.with("span_inject_context", |s| s.inject_context(&mut envoy));
}

/// Copies `text` into the span's own buffer and lends it to Envoy, which
/// copies it before the span's next hook.
pub(crate) fn lend<H: EnvoyTraceContext>(
    boxed: &mut SpanBox<H>,
    text: Option<String>,
    out: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    let Some(text) = text else { return false };
    boxed.id_out = text.into_bytes();
    if !out.is_null() {
        // SAFETY: Envoy's out-parameter, writable for this call.
        unsafe {
            *out = envoy_dynamic_module_type_module_buffer {
                ptr: boxed.id_out.as_ptr().cast(),
                length: boxed.id_out.len(),
            }
        };
    }
    true
}

/// # Safety
/// `ptr` came from [`start_span`] or [`span_spawn_child`] and is released once.
pub unsafe fn span_destroy(ptr: envoy_dynamic_module_type_tracer_span_module_ptr) {
    // SAFETY: the caller's contract.
    let boxed = unsafe { Box::from_raw(ptr as *mut SpanBox<Handle>) };
    let name = boxed.tracer_name;
    let _ = guard(|| in_phase(KIND, name, "span_destroy"), move || drop(boxed));
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::tracer::testing::FakeTraceContext;

    type Fake = FakeTraceContext;

    /// A span that panics when told to, in the hook named by its operation.
    struct Boom(String);
    impl Span<Fake> for Boom {
        fn set_tag(&mut self, key: &[u8], _: &[u8]) {
            assert_ne!(key, b"boom", "a bad tag");
        }
        fn finish(&mut self) {}
        fn inject_context(&mut self, envoy: &mut Fake) {
            assert_ne!(self.0, "inject", "a bad inject");
            envoy.set_value("traceparent", b"00-x");
        }
        fn spawn_child(&mut self, _: &str, _: i64) -> Option<Box<dyn Span<Fake>>> {
            assert_ne!(self.0, "child", "a bad child");
            Some(Box::new(Boom("ok".into())))
        }
        fn trace_id(&self) -> Option<String> {
            Some("t".into())
        }
        fn span_id(&self) -> Option<String> {
            Some("s".into())
        }
    }
    struct Config;
    impl TracerConfig<Fake> for Config {
        fn start_span(&self, _: &mut Fake, op: &str, _: Decision) -> Option<Box<dyn Span<Fake>>> {
            assert_ne!(op, "start", "a bad start");
            Some(Box::new(Boom(op.to_string())))
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "boom",
            config: Box::new(Config),
            live: crate::live::Config::new(crate::live::counts("tracer", "boom")),
        }
    }

    const SAMPLED: Decision = Decision {
        traced: true,
        reason: TraceReason::Sampling,
    };

    #[test]
    fn a_panicking_start_gives_no_span_and_one_line() {
        let config = config();
        take_logs();
        assert!(start(&config, &mut Fake::default(), b"start", SAMPLED).is_none());
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(logs[0].1.contains("start_span"), "{logs:?}");
    }

    #[test]
    fn a_panicking_hook_drops_the_span_and_later_hooks_do_nothing() {
        let config = config();
        let mut span = start(&config, &mut Fake::default(), b"op", SAMPLED).unwrap();
        take_logs();
        assert!(span
            .with("span_set_tag", |s| s.set_tag(b"boom", b""))
            .is_none());
        assert_eq!(take_logs().len(), 1);
        let mut out = Fake::default();
        assert!(span
            .with("span_inject_context", |s| s.inject_context(&mut out))
            .is_none());
        assert!(out.values.is_empty());
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_panicking_inject_leaves_the_context_alone() {
        let config = config();
        let mut span = start(&config, &mut Fake::default(), b"inject", SAMPLED).unwrap();
        let mut out = Fake::default();
        take_logs();
        span.with("span_inject_context", |s| s.inject_context(&mut out));
        assert!(out.values.is_empty());
        assert_eq!(take_logs().len(), 1);
    }

    #[test]
    fn children_and_ids() {
        let config = config();
        let mut span = start(&config, &mut Fake::default(), b"op", SAMPLED).unwrap();
        let mut child = spawn_child(&mut span, b"up", 1).unwrap();
        let mut out = envoy_dynamic_module_type_module_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        let id = child.with("span_get_span_id", |s| s.span_id()).flatten();
        assert!(lend(&mut child, id, &mut out));
        assert_eq!(out.length, 1);
        let mut failing = start(&config, &mut Fake::default(), b"child", SAMPLED).unwrap();
        take_logs();
        assert!(spawn_child(&mut failing, b"up", 1).is_none());
        assert_eq!(take_logs().len(), 1);
    }
}
