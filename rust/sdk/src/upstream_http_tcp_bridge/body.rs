//! The upstream HTTP-to-TCP bridge hooks' bodies. The SDK (`hooks.rs`) exports
//! the `#[no_mangle]` hooks, each calling one of these, and checks every
//! definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in any hook is logged once and the bridge is not
//! entered again for that request. When the request had no answer yet, it is
//! answered [`FAILED_STATUS`] with [`FAILED_BODY`]; an answer already sent
//! stands (one that was still streaming is cut off by the route timeout).
//! A bridge that could not be built fails the same way at its first hook. The
//! configuration stays: it holds nothing a request could have half-written.
//!
//! Envoy may deliver upstream bytes from inside a callback of the running
//! hook (an answer sent can re-enable reading): such bytes wait and are
//! delivered, in order, when the running hook returns, so the one `&mut` to
//! the bridge stays unique. Envoy may also destroy the request from inside a
//! callback (1.39 does, from `send_response`): the box then outlives the
//! destroy hook until the running hook is done with it, and Envoy's pointer
//! is not used again.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyUpstreamHttpTcpBridge, EnvoyUpstreamHttpTcpBridgeConfigHandle,
    EnvoyUpstreamHttpTcpBridgeHandle, UpstreamHttpTcpBridge, UpstreamHttpTcpBridgeConfig,
};
use crate::abi::upstream_http_tcp_bridge::*;
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::since;
use crate::BoxError;
use std::cell::{Cell, RefCell, UnsafeCell};

/// Builds one bridge configuration from its `bridge_config` bytes.
pub type NewUpstreamHttpTcpBridgeConfig =
    fn(
        &mut EnvoyUpstreamHttpTcpBridgeConfigHandle,
        &[u8],
    )
        -> Result<Box<dyn UpstreamHttpTcpBridgeConfig<EnvoyUpstreamHttpTcpBridgeHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "upstream HTTP-TCP bridge";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "upstream_http_tcp_bridge",
    creation: "config creation",
};

/// What a request whose bridge failed before answering is answered.
pub const FAILED_STATUS: u32 = 500;
/// Its body: the words of the HTTP filter's fail-closed answer.
pub const FAILED_BODY: &[u8] = b"dynamic module filter failed\n";

type Handle = EnvoyUpstreamHttpTcpBridgeHandle;
type ConfigBox<H> = config::ConfigBox<dyn UpstreamHttpTcpBridgeConfig<H>>;

/// What `bridge_module_ptr` points to. Hooks only take `&BridgeBox`; the
/// bridge is reached through `bridge` while `busy` says nobody else is.
pub(crate) struct BridgeBox<H: EnvoyUpstreamHttpTcpBridge> {
    pub(crate) name: &'static str,
    /// None when building it panicked.
    pub(crate) bridge: UnsafeCell<Option<Box<dyn UpstreamHttpTcpBridge<H>>>>,
    pub(crate) busy: Cell<bool>,
    /// Set once it panicked: from then on nothing reaches it.
    pub(crate) failed: Cell<bool>,
    /// An answer was started by some hook.
    pub(crate) started: Cell<bool>,
    /// Envoy destroyed the request while a hook of it ran.
    pub(crate) destroyed: Cell<bool>,
    /// Upstream bytes delivered while busy, and whether the upstream ended.
    pub(crate) waiting: RefCell<(Vec<u8>, bool)>,
    /// Counts the instance alive until the box is dropped.
    pub(crate) _live: crate::live::Instance,
}

/// # Safety
/// The arguments are those Envoy passed to upstream_http_tcp_bridge_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewUpstreamHttpTcpBridgeConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyUpstreamHttpTcpBridgeConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| {
        // Without the chunk counts (1.38) no buffer can be read safely.
        since::BRIDGE_GET_REQUEST_BUFFER_CHUNKS_SIZE
            .check()
            .and(since::BRIDGE_GET_RESPONSE_BUFFER_CHUNKS_SIZE.check())
            .map_err(|missing| missing.to_string())?;
        kind_config::find(table, name)
    };
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(
    ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr,
) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn UpstreamHttpTcpBridgeConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `bridge_envoy_ptr` is live for this call.
pub unsafe fn bridge_new(
    config_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr,
    bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
) -> envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes bridges from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(bridge_envoy_ptr, false) };
    Box::into_raw(Box::new(new_bridge(config, &mut envoy))) as *const _
}

/// The body of bridge_new. A bridge that failed to build still gets a box:
/// the request fails closed at its first hook.
pub(crate) fn new_bridge<H: EnvoyUpstreamHttpTcpBridge>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> BridgeBox<H> {
    let name = config.filter_name;
    let bridge = guard(
        || in_phase(KIND, name, "upstream_http_tcp_bridge_new"),
        || config.config.new_bridge(envoy),
    );
    BridgeBox {
        name,
        bridge: UnsafeCell::new(bridge.ok()),
        busy: Cell::new(false),
        failed: Cell::new(false),
        started: Cell::new(false),
        destroyed: Cell::new(false),
        waiting: RefCell::new((Vec::new(), false)),
        _live: crate::live::Instance::new(config.live.counts()),
    }
}

/// Marks the bridge failed and answers the request if nothing was sent yet.
fn fail<H: EnvoyUpstreamHttpTcpBridge>(this: &BridgeBox<H>, envoy: &mut H) {
    this.failed.set(true);
    this.waiting.borrow_mut().0.clear();
    if !this.started.get() && !envoy.response_started() {
        this.started.set(true);
        envoy.send_response(
            FAILED_STATUS,
            &[("content-type", b"text/plain")],
            FAILED_BODY,
        );
    }
}

/// Runs one call into the bridge behind the barrier, `busy` already set;
/// false when it failed (now or before, or was never built) or Envoy
/// destroyed the request meanwhile (then Envoy's pointer is not used again).
fn run<H: EnvoyUpstreamHttpTcpBridge>(
    this: &BridgeBox<H>,
    envoy: &mut H,
    phase: &'static str,
    call: impl FnOnce(&mut dyn UpstreamHttpTcpBridge<H>, &mut H),
) -> bool {
    if this.failed.get() {
        return false;
    }
    // SAFETY: `busy` is set by the one hook running, the only one that
    // reaches the bridge.
    let bridge = unsafe { &mut *this.bridge.get() };
    let ok = match bridge.as_deref_mut() {
        Some(bridge) => guard(|| in_phase(KIND, this.name, phase), || call(bridge, envoy)).is_ok(),
        None => false,
    };
    if this.destroyed.get() {
        return false;
    }
    if envoy.response_started() {
        this.started.set(true);
    }
    if !ok {
        fail(this, envoy);
    }
    ok && !this.destroyed.get()
}

/// Marks the hook running for its whole length (Envoy may destroy the
/// request, or deliver more bytes, from inside any callback).
fn busy<H: EnvoyUpstreamHttpTcpBridge>(this: &BridgeBox<H>, body: impl FnOnce()) {
    this.busy.set(true);
    body();
    this.busy.set(false);
}

/// The body of encode_headers, encode_data and encode_trailers.
pub(crate) fn request<H: EnvoyUpstreamHttpTcpBridge>(
    this: &BridgeBox<H>,
    envoy: &mut H,
    phase: &'static str,
    call: impl FnOnce(&mut dyn UpstreamHttpTcpBridge<H>, &mut H),
) {
    if this.busy.get() || this.destroyed.get() {
        return;
    }
    busy(this, || {
        if run(this, envoy, phase, call) {
            deliver_waiting(this, envoy);
        }
    });
}

/// The body of on_upstream_data: bytes arriving while the bridge is busy
/// wait for it.
pub(crate) fn upstream_data<H: EnvoyUpstreamHttpTcpBridge>(
    this: &BridgeBox<H>,
    envoy: &mut H,
    data: &[u8],
    end_of_stream: bool,
) {
    if this.failed.get() || this.destroyed.get() {
        return;
    }
    if this.busy.get() {
        let mut waiting = this.waiting.borrow_mut();
        waiting.0.extend_from_slice(data);
        waiting.1 |= end_of_stream;
        return;
    }
    let on_data = |b: &mut dyn UpstreamHttpTcpBridge<H>, e: &mut H| {
        b.on_upstream_data(e, data, end_of_stream)
    };
    busy(this, || {
        if run(this, envoy, "on_upstream_data", on_data) {
            deliver_waiting(this, envoy);
        }
    });
}

/// The body of on_upstream_data with the bytes still in Envoy's buffer:
/// `read` copies them out behind the barrier (a read that panics fails the
/// request closed like a hook that does).
pub(crate) fn upstream_data_read<H: EnvoyUpstreamHttpTcpBridge>(
    this: &BridgeBox<H>,
    envoy: &mut H,
    read: impl FnOnce(&H) -> Vec<u8>,
    end_of_stream: bool,
) {
    if this.failed.get() || this.destroyed.get() {
        return;
    }
    match guard(
        || in_phase(KIND, this.name, "on_upstream_data"),
        || read(envoy),
    ) {
        Ok(data) => upstream_data(this, envoy, &data, end_of_stream),
        Err(_) if this.busy.get() => this.failed.set(true),
        Err(_) => busy(this, || fail(this, envoy)),
    }
}

fn deliver_waiting<H: EnvoyUpstreamHttpTcpBridge>(this: &BridgeBox<H>, envoy: &mut H) {
    loop {
        let (data, end) = {
            let mut waiting = this.waiting.borrow_mut();
            if waiting.0.is_empty() && !waiting.1 {
                return;
            }
            (
                std::mem::take(&mut waiting.0),
                std::mem::take(&mut waiting.1),
            )
        };
        let on_data =
            |b: &mut dyn UpstreamHttpTcpBridge<H>, e: &mut H| b.on_upstream_data(e, &data, end);
        if !run(this, envoy, "on_upstream_data", on_data) {
            return;
        }
    }
}

/// Envoy destroys the request: true when the box may be freed now, false
/// when a hook of it is running (Envoy 1.39 destroys a bridge from inside
/// send_response): that hook frees it on its way out ([`release`]).
pub(crate) fn destroy_requested<H: EnvoyUpstreamHttpTcpBridge>(this: &BridgeBox<H>) -> bool {
    this.destroyed.set(true);
    !this.busy.get()
}

/// After a hook: whether Envoy destroyed the request while it ran, so that
/// the hook's glue frees the box now.
pub(crate) fn release<H: EnvoyUpstreamHttpTcpBridge>(this: &BridgeBox<H>) -> bool {
    this.destroyed.get() && !this.busy.get()
}

/// The body of upstream_http_tcp_bridge_destroy: drops the bridge behind the barrier.
pub(crate) fn destroy<H: EnvoyUpstreamHttpTcpBridge>(this: Box<BridgeBox<H>>) {
    let name = this.name;
    let _ = guard(
        || in_phase(KIND, name, "upstream_http_tcp_bridge_destroy"),
        move || drop(this),
    );
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::upstream_http_tcp_bridge::testing::FakeBridge;

    type Fake = FakeBridge;

    /// Panics in the hook named by the request's `x-panic` header.
    struct Panics;
    fn panics_in(envoy: &Fake, phase: &str) {
        if envoy.request_header("x-panic") == Some(phase.as_bytes()) {
            panic!("asked to panic in {phase}");
        }
    }
    impl UpstreamHttpTcpBridge<Fake> for Panics {
        fn encode_headers(&mut self, envoy: &mut Fake, _: bool) {
            panics_in(envoy, "encode_headers");
            envoy.send_upstream_data(b"+PING\r\n", false);
        }
        fn encode_data(&mut self, envoy: &mut Fake, _: &[u8], _: bool) {
            panics_in(envoy, "encode_data");
        }
        fn encode_trailers(&mut self, envoy: &mut Fake) {
            panics_in(envoy, "encode_trailers");
        }
        fn on_upstream_data(&mut self, envoy: &mut Fake, data: &[u8], end: bool) {
            panics_in(envoy, "on_upstream_data");
            if data == b"answer" || end {
                envoy.send_response(200, &[], data);
            }
        }
    }

    struct Config(bool);
    impl UpstreamHttpTcpBridgeConfig<Fake> for Config {
        fn new_bridge(&self, _: &mut Fake) -> Box<dyn UpstreamHttpTcpBridge<Fake>> {
            assert!(self.0, "cannot build");
            Box::new(Panics)
        }
    }

    fn config(builds: bool) -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "panics",
            config: Box::new(Config(builds)),
            live: crate::live::Config::new(crate::live::counts("upstream_http_tcp_bridge", "t")),
        }
    }

    fn hooks(this: &BridgeBox<Fake>, envoy: &mut Fake) {
        request(this, envoy, "encode_headers", |b, e| {
            b.encode_headers(e, false)
        });
        request(this, envoy, "encode_data", |b, e| {
            b.encode_data(e, b"x", false)
        });
        request(this, envoy, "encode_trailers", |b, e| b.encode_trailers(e));
        upstream_data(this, envoy, b"answer", false);
    }

    #[test]
    fn a_panic_in_each_hook_answers_500_once_and_is_logged_once() {
        crate::barrier::install_panic_hook();
        for phase in [
            "encode_headers",
            "encode_data",
            "encode_trailers",
            "on_upstream_data",
        ] {
            take_logs();
            let config = config(true);
            let mut envoy = Fake::default().header("x-panic", phase);
            let this = new_bridge(&config, &mut envoy);
            hooks(&this, &mut envoy);
            hooks(&this, &mut envoy);
            assert_eq!(envoy.responses.len(), 1, "{phase}: {:?}", envoy.responses);
            assert_eq!(envoy.responses[0].0, FAILED_STATUS, "{phase}");
            assert_eq!(envoy.responses[0].2, FAILED_BODY, "{phase}");
            let logs = take_logs();
            assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
            assert!(
                logs[0].1.contains(&format!(
                    "upstream HTTP-TCP bridge 'panics' in {phase}: panicked"
                )),
                "{}",
                logs[0].1
            );
        }
    }

    #[test]
    fn a_bridge_that_cannot_be_built_answers_500_at_its_first_hook() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config(false);
        let mut envoy = Fake::default();
        let this = new_bridge(&config, &mut envoy);
        assert!(take_logs()[0]
            .1
            .contains("in upstream_http_tcp_bridge_new: panicked"));
        hooks(&this, &mut envoy);
        assert_eq!(envoy.responses.len(), 1);
        assert_eq!(envoy.responses[0].0, FAILED_STATUS);
        assert!(envoy.upstream.is_empty());
    }

    #[test]
    fn a_panic_after_the_answer_leaves_the_answer_alone() {
        crate::barrier::install_panic_hook();
        let config = config(true);
        let mut envoy = Fake::default();
        let this = new_bridge(&config, &mut envoy);
        upstream_data(&this, &mut envoy, b"answer", false);
        envoy
            .headers
            .push(("x-panic".into(), b"on_upstream_data".to_vec()));
        upstream_data(&this, &mut envoy, b"more", false);
        assert_eq!(envoy.responses.len(), 1);
        assert_eq!(envoy.responses[0].0, 200);
        take_logs();
    }

    /// Answers, and Envoy destroys the request from inside the answer.
    struct DestroyedInside(*const BridgeBox<Fake>);
    impl UpstreamHttpTcpBridge<Fake> for DestroyedInside {
        fn on_upstream_data(&mut self, envoy: &mut Fake, data: &[u8], _: bool) {
            envoy.send_response(200, &[], data);
            // SAFETY: (test) the box outlives this call.
            assert!(!destroy_requested(unsafe { &*self.0 }));
        }
    }

    #[test]
    fn a_request_destroyed_inside_a_hook_is_released_after_it_and_envoy_is_left_alone() {
        let config = config(true);
        let mut envoy = Fake::default();
        let this = new_bridge(&config, &mut envoy);
        let raw: *const BridgeBox<Fake> = &this;
        // SAFETY: (test) nothing else holds the bridge.
        unsafe { *this.bridge.get() = Some(Box::new(DestroyedInside(raw))) };
        this.busy.set(true);
        upstream_data(&this, &mut envoy, b"more", false);
        this.busy.set(false);
        upstream_data(&this, &mut envoy, b"answer", false);
        assert!(release(&this), "the hook's glue frees it");
        assert_eq!(
            envoy.responses.len(),
            1,
            "the waiting bytes were not delivered"
        );
        upstream_data(&this, &mut envoy, b"late", false);
        request(&this, &mut envoy, "encode_trailers", |b, e| {
            b.encode_trailers(e)
        });
        assert_eq!(envoy.responses.len(), 1);
    }

    #[test]
    fn a_buffer_read_that_panics_fails_the_request_closed() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config(true);
        let mut envoy = Fake::default();
        let this = new_bridge(&config, &mut envoy);
        upstream_data_read(&this, &mut envoy, |_| panic!("unreadable"), false);
        assert_eq!(envoy.responses.len(), 1);
        assert_eq!(envoy.responses[0].0, FAILED_STATUS);
        assert!(this.failed.get());
        assert_eq!(take_logs().len(), 1);
    }

    #[test]
    fn bytes_that_arrive_while_busy_wait_and_come_in_order() {
        let config = config(true);
        let mut envoy = Fake::default();
        let this = new_bridge(&config, &mut envoy);
        this.busy.set(true);
        upstream_data(&this, &mut envoy, b"ans", false);
        upstream_data(&this, &mut envoy, b"wer", false);
        assert!(envoy.responses.is_empty());
        this.busy.set(false);
        request(&this, &mut envoy, "encode_trailers", |b, e| {
            b.encode_trailers(e)
        });
        assert_eq!(envoy.responses.len(), 1);
        assert_eq!(envoy.responses[0].2, b"answer");
    }
}
