//! The transport socket hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with Envoy's arguments.
//!
//! Fail closed: a panic in any hook that runs the socket's code is logged
//! once and marks the socket failed; from then on do_read and do_write answer
//! `Close` (nothing more is read or written) and the failure reason says the
//! socket panicked. A panic in on_connected (or set_callbacks) never raises
//! `Connected`: the socket asks for a read, which closes the connection. A
//! panic while creating the socket returns NULL, which Envoy answers by
//! closing that connection. can_flush_close answers false after a panic (no
//! flush of bytes the socket did not vouch for); start_secure_transport false.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::filter::{ConnectionEvent, IoResult, PostIoAction};
use super::{
    EnvoyTransportSocket, EnvoyTransportSocketConfigHandle, EnvoyTransportSocketHandle,
    TransportSocket, TransportSocketConfig,
};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;
use std::cell::{Cell, RefCell, UnsafeCell};

/// Builds one transport socket configuration from its `socket_config` bytes.
pub type NewTransportSocketConfig =
    fn(
        &mut EnvoyTransportSocketConfigHandle,
        &[u8],
    ) -> Result<Box<dyn TransportSocketConfig<EnvoyTransportSocketHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "transport socket";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "transport_socket",
    creation: "config creation",
};

/// The failure reason of a socket whose code panicked.
pub const PANICKED: &str = "the transport socket failed (panic); closed";

type Handle = EnvoyTransportSocketHandle;
pub(crate) type ConfigBox<H> = config::ConfigBox<dyn TransportSocketConfig<H>>;

/// What `transport_socket_module_ptr` points to. Hooks only take `&SocketBox`;
/// the socket is reached through `socket` while `busy` says nobody else is.
pub(crate) struct SocketBox<H: EnvoyTransportSocket> {
    pub(crate) filter_name: &'static str,
    pub(crate) socket: UnsafeCell<Box<dyn TransportSocket<H>>>,
    pub(crate) busy: Cell<bool>,
    /// Set once the socket panicked: from then on nothing passes.
    pub(crate) failed: Cell<bool>,
    /// The bytes get_protocol and get_failure_reason hand Envoy: they must
    /// outlive the call, so they live here until the next call or the end.
    pub(crate) protocol: RefCell<String>,
    pub(crate) reason: RefCell<String>,
    /// Counts the socket alive until the box is dropped.
    pub(crate) _live: crate::live::Instance,
}

/// # Safety
/// The arguments are those Envoy passed to transport_socket_factory_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewTransportSocketConfig>,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
    is_upstream: bool,
) -> envoy_dynamic_module_type_transport_socket_factory_config_module_ptr {
    let mut envoy = EnvoyTransportSocketConfigHandle::new(is_upstream);
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(
    ptr: envoy_dynamic_module_type_transport_socket_factory_config_module_ptr,
) {
    let what = |name| in_phase(KIND, name, "factory config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn TransportSocketConfig<Handle>>(ptr, what) };
}

/// The body of transport_socket_new: the socket in its box, or None when
/// creating it panicked (Envoy closes the connection).
pub(crate) fn new_socket<H: EnvoyTransportSocket>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> Option<SocketBox<H>> {
    let name = config.filter_name;
    let live = crate::live::Instance::new(config.live.counts());
    let socket = guard(
        || in_phase(KIND, name, "transport_socket_new"),
        || config.config.new_transport_socket(envoy),
    )
    .ok()?;
    Some(SocketBox {
        filter_name: name,
        socket: UnsafeCell::new(socket),
        busy: Cell::new(false),
        failed: Cell::new(false),
        protocol: RefCell::new(String::new()),
        reason: RefCell::new(String::new()),
        _live: live,
    })
}

/// # Safety
/// The arguments are those Envoy passed to transport_socket_new.
pub unsafe fn new(
    config_ptr: envoy_dynamic_module_type_transport_socket_factory_config_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
) -> envoy_dynamic_module_type_transport_socket_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes sockets from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer for this running hook.
    let mut envoy = unsafe { Handle::from_raw(envoy_ptr) };
    match new_socket(config, &mut envoy) {
        Some(socket) => Box::into_raw(Box::new(socket)) as *const core::ffi::c_void,
        None => core::ptr::null(),
    }
}

/// # Safety
/// `ptr` came from [`new`] and is released once.
pub unsafe fn destroy(ptr: envoy_dynamic_module_type_transport_socket_module_ptr) {
    // SAFETY: new's box, released once (the caller's contract).
    let socket = unsafe { Box::from_raw(ptr as *mut SocketBox<Handle>) };
    let name = socket.filter_name;
    let _ = guard(
        || in_phase(KIND, name, "transport_socket_destroy"),
        move || drop(socket),
    );
}

/// Runs `call` on the socket behind the barrier. None when the socket has
/// failed (now or before) or is already running a hook (Envoy re-entered the
/// module through a callback: the inner call is skipped).
pub(crate) fn enter<H: EnvoyTransportSocket, R>(
    this: &SocketBox<H>,
    envoy: &mut H,
    phase: &'static str,
    call: impl FnOnce(&mut dyn TransportSocket<H>, &mut H) -> R,
) -> Option<R> {
    if this.failed.get() || this.busy.get() {
        return None;
    }
    this.busy.set(true);
    // SAFETY: `busy` says no other hook holds the socket.
    let socket = unsafe { &mut **this.socket.get() };
    let out = guard(
        || in_phase(KIND, this.filter_name, phase),
        || call(socket, envoy),
    );
    this.busy.set(false);
    match out {
        Ok(value) => Some(value),
        Err(_) => {
            this.failed.set(true);
            *this.reason.borrow_mut() = PANICKED.to_string();
            None
        }
    }
}

/// The body of set_callbacks.
pub(crate) fn set_callbacks<H: EnvoyTransportSocket>(this: &SocketBox<H>, envoy: &mut H) {
    enter(this, envoy, "set_callbacks", |s, e| s.set_callbacks(e));
}

/// The body of on_connected: a failed socket never says `Connected`; it asks
/// for a read instead, which closes the connection.
pub(crate) fn on_connected<H: EnvoyTransportSocket>(this: &SocketBox<H>, envoy: &mut H) {
    if enter(this, envoy, "on_connected", |s, e| s.on_connected(e)).is_none() && this.failed.get() {
        envoy.set_is_readable();
    }
}

/// The body of do_read: `Close` once the socket failed.
pub(crate) fn do_read<H: EnvoyTransportSocket>(this: &SocketBox<H>, envoy: &mut H) -> IoResult {
    match enter(this, envoy, "do_read", |s, e| s.do_read(e)) {
        Some(result) => result,
        None if this.failed.get() => IoResult::close(0),
        None => IoResult::keep_open(0),
    }
}

/// The body of do_write: `Close` once the socket failed.
pub(crate) fn do_write<H: EnvoyTransportSocket>(
    this: &SocketBox<H>,
    envoy: &mut H,
    end_stream: bool,
) -> IoResult {
    match enter(this, envoy, "do_write", |s, e| s.do_write(e, end_stream)) {
        Some(result) => result,
        None if this.failed.get() => IoResult::close(0),
        None => IoResult::keep_open(0),
    }
}

/// The body of close.
pub(crate) fn close<H: EnvoyTransportSocket>(
    this: &SocketBox<H>,
    envoy: &mut H,
    event: ConnectionEvent,
) {
    enter(this, envoy, "close", |s, e| s.on_close(e, event));
}

/// The body of get_protocol: the socket's answer, kept in the box.
pub(crate) fn protocol<H: EnvoyTransportSocket>(this: &SocketBox<H>, envoy: &mut H) {
    let answer = enter(this, envoy, "get_protocol", |s, _| s.protocol().to_string());
    *this.protocol.borrow_mut() = answer.unwrap_or_default();
}

/// The body of get_failure_reason: the socket's answer, or why it failed.
pub(crate) fn failure_reason<H: EnvoyTransportSocket>(this: &SocketBox<H>, envoy: &mut H) {
    let answer = enter(this, envoy, "get_failure_reason", |s, _| {
        s.failure_reason().to_string()
    });
    if let Some(answer) = answer {
        *this.reason.borrow_mut() = answer;
    }
    // Failed: `reason` already holds PANICKED.
}

/// The body of can_flush_close: false once the socket failed.
pub(crate) fn can_flush_close<H: EnvoyTransportSocket>(this: &SocketBox<H>, envoy: &mut H) -> bool {
    enter(this, envoy, "can_flush_close", |s, _| s.can_flush_close()).unwrap_or(false)
}

/// The body of start_secure_transport: false once the socket failed.
pub(crate) fn start_secure_transport<H: EnvoyTransportSocket>(
    this: &SocketBox<H>,
    envoy: &mut H,
) -> bool {
    enter(this, envoy, "start_secure_transport", |s, e| {
        s.start_secure_transport(e)
    })
    .unwrap_or(false)
}

/// An IoResult as Envoy reads it.
pub(crate) fn to_abi(result: IoResult) -> envoy_dynamic_module_type_transport_socket_io_result {
    use envoy_dynamic_module_type_transport_socket_post_io_action as A;
    envoy_dynamic_module_type_transport_socket_io_result {
        action: match result.action {
            PostIoAction::KeepOpen => A::KeepOpen,
            PostIoAction::Close => A::Close,
        },
        bytes_processed: result.bytes_processed,
        end_stream_read: result.end_stream_read,
    }
}

/// A string kept in the box, as the module buffer Envoy reads.
pub(crate) fn kept(text: &str) -> envoy_dynamic_module_type_module_buffer {
    crate::ffi::module_buffer(text.as_bytes())
}

/// Turns `transport_socket_module_ptr` back into its box.
///
/// # Safety
/// `ptr` came from [`new`] and is not yet destroyed.
pub(crate) unsafe fn socket<'a>(
    ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) -> &'a SocketBox<Handle> {
    // SAFETY: the caller's contract.
    unsafe { &*(ptr as *const SocketBox<Handle>) }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::transport_socket::testing::FakeTransportSocket;

    /// A socket that panics in the hook named by `panic_in`.
    struct Panicky(&'static str);

    impl TransportSocket<FakeTransportSocket> for Panicky {
        fn on_connected(&mut self, envoy: &mut FakeTransportSocket) {
            assert_ne!(self.0, "on_connected", "fault");
            envoy.raise_event(ConnectionEvent::Connected);
        }
        fn do_read(&mut self, _: &mut FakeTransportSocket) -> IoResult {
            assert_ne!(self.0, "do_read", "fault");
            IoResult::keep_open(3)
        }
        fn do_write(&mut self, _: &mut FakeTransportSocket, _: bool) -> IoResult {
            assert_ne!(self.0, "do_write", "fault");
            IoResult::keep_open(4)
        }
        fn can_flush_close(&self) -> bool {
            assert_ne!(self.0, "can_flush_close", "fault");
            true
        }
    }

    fn boxed(phase: &'static str) -> SocketBox<FakeTransportSocket> {
        SocketBox {
            filter_name: "panicky",
            socket: UnsafeCell::new(Box::new(Panicky(phase))),
            busy: Cell::new(false),
            failed: Cell::new(false),
            protocol: RefCell::new(String::new()),
            reason: RefCell::new(String::new()),
            _live: crate::live::Instance::new(crate::live::counts("transport_socket", "panicky")),
        }
    }

    #[test]
    fn a_healthy_socket_passes_results_through() {
        let (s, mut e) = (boxed("none"), FakeTransportSocket::default());
        on_connected(&s, &mut e);
        assert_eq!(e.events, vec![ConnectionEvent::Connected]);
        assert_eq!(do_read(&s, &mut e), IoResult::keep_open(3));
        assert_eq!(do_write(&s, &mut e, false), IoResult::keep_open(4));
        assert!(can_flush_close(&s, &mut e));
    }

    #[test]
    fn a_panic_fails_the_socket_closed() {
        for phase in ["do_read", "do_write", "can_flush_close"] {
            let (s, mut e) = (boxed(phase), FakeTransportSocket::default());
            let _ = (
                do_read(&s, &mut e),
                do_write(&s, &mut e, false),
                can_flush_close(&s, &mut e),
            );
            assert!(s.failed.get(), "{phase}");
            assert_eq!(do_read(&s, &mut e).action, PostIoAction::Close);
            assert_eq!(do_write(&s, &mut e, false).action, PostIoAction::Close);
            assert!(!can_flush_close(&s, &mut e));
            failure_reason(&s, &mut e);
            assert_eq!(*s.reason.borrow(), PANICKED);
        }
    }

    #[test]
    fn a_panic_in_on_connected_never_says_connected() {
        let (s, mut e) = (boxed("on_connected"), FakeTransportSocket::default());
        on_connected(&s, &mut e);
        assert!(e.events.is_empty());
        assert_eq!(e.readable_requests, 1, "asks for the read that closes");
        assert_eq!(do_read(&s, &mut e).action, PostIoAction::Close);
    }

    #[test]
    fn a_hook_entered_while_busy_is_skipped() {
        let (s, mut e) = (boxed("none"), FakeTransportSocket::default());
        s.busy.set(true);
        assert_eq!(do_read(&s, &mut e), IoResult::keep_open(0));
        assert!(!s.failed.get());
    }
}
