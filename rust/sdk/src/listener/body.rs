//! The listener hooks' bodies. The SDK (`hooks.rs`)
//! exports the `#[no_mangle]` hooks, each calling one of
//! these with the module's filter table, and checks every definition against
//! its declaration in the ABI crate.
//!
//! Fail closed: a panic in any hook is logged once, the socket is closed
//! (termination details `dynamic_module_filter_failed`) and the hook returns
//! StopIteration, so no connection reaches a filter chain unfiltered.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyListenerConfigHandle, EnvoyListenerFilter, EnvoyListenerFilterHandle, ListenerFilter,
    ListenerFilterConfig, ListenerFilterStatus,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one listener filter configuration from its `filter_config` bytes.
pub type NewListenerFilterConfig =
    fn(
        &mut EnvoyListenerConfigHandle,
        &[u8],
    ) -> Result<Box<dyn ListenerFilterConfig<EnvoyListenerFilterHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "listener filter";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "listener",
    creation: "config creation",
};

/// The termination details of a connection closed because its filter failed.
pub const FAIL_CLOSED_DETAILS: &str = "dynamic_module_filter_failed";

type ConfigBox = config::ConfigBox<dyn ListenerFilterConfig<EnvoyListenerFilterHandle>>;

type Handle = EnvoyListenerFilterHandle;

pub(crate) struct FilterBox<H: EnvoyListenerFilter> {
    filter_name: &'static str,
    /// None when creating the filter panicked.
    filter: Option<Box<dyn ListenerFilter<H>>>,
    /// Counts the instance alive until the box is dropped.
    _live: crate::live::Instance,
}

/// # Safety
/// The arguments are those Envoy passed to listener_filter_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewListenerFilterConfig>,
    filter_config_envoy_ptr: envoy_dynamic_module_type_listener_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_listener_filter_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyListenerConfigHandle::from_raw(filter_config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_listener_filter_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe {
        config::destroy_box::<dyn ListenerFilterConfig<EnvoyListenerFilterHandle>>(ptr, what)
    };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `envoy_ptr` is live for this call.
pub unsafe fn filter_new(
    config_ptr: envoy_dynamic_module_type_listener_filter_config_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
) -> envoy_dynamic_module_type_listener_filter_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes filters from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox) };
    // SAFETY: Envoy's filter pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(envoy_ptr) };
    let live = crate::live::Instance::new(config.live.counts());
    let filter = new_filter(config.filter_name, &*config.config, &mut envoy, live);
    Box::into_raw(Box::new(filter)) as *const _
}

/// The body of listener_filter_new. A filter that failed to build still gets a
/// box: on_accept then closes the socket, the same as any other failure.
pub(crate) fn new_filter<H: EnvoyListenerFilter>(
    filter_name: &'static str,
    config: &dyn ListenerFilterConfig<H>,
    envoy: &mut H,
    live: crate::live::Instance,
) -> FilterBox<H> {
    let filter = guard(
        || in_phase(KIND, filter_name, "listener_filter_new"),
        || config.new_listener_filter(envoy),
    );
    FilterBox {
        filter_name,
        filter: filter.ok(),
        _live: live,
    }
}

/// The connection behind a hook's two pointers.
///
/// # Safety
/// `module_ptr` came from [`filter_new`] and is live; `envoy_ptr` is live for
/// this call.
unsafe fn connection<'a>(
    envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
) -> (&'a mut FilterBox<Handle>, Handle) {
    // SAFETY: both pointers are live, the box unshared, for this hook (the
    // caller's contract above).
    unsafe {
        (
            &mut *(module_ptr as *mut FilterBox<Handle>),
            Handle::from_raw(envoy_ptr),
        )
    }
}

/// Runs one status hook behind the barrier; on a panic (now or earlier) the
/// socket is closed and the filter dropped.
pub(crate) fn status<H: EnvoyListenerFilter>(
    boxed: &mut FilterBox<H>,
    envoy: &mut H,
    phase: &str,
    body: impl FnOnce(&mut dyn ListenerFilter<H>, &mut H) -> ListenerFilterStatus,
) -> ListenerFilterStatus {
    if let Some(filter) = boxed.filter.as_mut() {
        let filter_name = boxed.filter_name;
        match guard(
            || in_phase(KIND, filter_name, phase),
            || body(filter.as_mut(), envoy),
        ) {
            Ok(status) => return status,
            Err(_) => boxed.filter = None,
        }
    }
    envoy.close_socket(FAIL_CLOSED_DETAILS);
    ListenerFilterStatus::StopIteration
}

/// # Safety
/// Both pointers are the live ones of this connection.
pub unsafe fn on_accept(
    envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
) -> envoy_dynamic_module_type_on_listener_filter_status {
    // SAFETY: this filter's live pointers (the caller's contract).
    let (boxed, mut envoy) = unsafe { connection(envoy_ptr, module_ptr) };
    status(boxed, &mut envoy, "on_accept", |f, e| f.on_accept(e))
}

/// # Safety
/// Both pointers are the live ones of this connection.
pub unsafe fn on_data(
    envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
    data_length: usize,
) -> envoy_dynamic_module_type_on_listener_filter_status {
    // SAFETY: this filter's live pointers (the caller's contract).
    let (boxed, mut envoy) = unsafe { connection(envoy_ptr, module_ptr) };
    status(boxed, &mut envoy, "on_data", |f, e| {
        f.on_data(e, data_length)
    })
}

/// # Safety
/// Both pointers are the live ones of this connection.
pub unsafe fn on_close(
    envoy_ptr: envoy_dynamic_module_type_listener_filter_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
) {
    // SAFETY: this filter's live pointers (the caller's contract).
    let (boxed, mut envoy) = unsafe { connection(envoy_ptr, module_ptr) };
    close(boxed, &mut envoy)
}

/// The body of on_close.
pub(crate) fn close<H: EnvoyListenerFilter>(boxed: &mut FilterBox<H>, envoy: &mut H) {
    let filter_name = boxed.filter_name;
    if let Some(filter) = boxed.filter.as_mut() {
        // The peer is gone already: a panic here can only be logged.
        if guard(
            || in_phase(KIND, filter_name, "on_close"),
            || filter.on_close(envoy),
        )
        .is_err()
        {
            boxed.filter = None;
        }
    }
}

/// # Safety
/// `module_ptr` is the live filter of this connection.
pub unsafe fn get_max_read_bytes(
    module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr,
) -> usize {
    // SAFETY: the live, unshared filter box of this connection.
    max_read_bytes(unsafe { &mut *(module_ptr as *mut FilterBox<Handle>) })
}

/// The body of get_max_read_bytes.
pub(crate) fn max_read_bytes<H: EnvoyListenerFilter>(boxed: &mut FilterBox<H>) -> usize {
    let filter_name = boxed.filter_name;
    let Some(filter) = boxed.filter.as_ref() else {
        return 0;
    };
    match guard(
        || in_phase(KIND, filter_name, "max_read_bytes"),
        || filter.max_read_bytes(),
    ) {
        Ok(n) => n,
        Err(_) => {
            // The next status hook closes the socket.
            boxed.filter = None;
            0
        }
    }
}

/// # Safety
/// `module_ptr` came from [`filter_new`] and is released once.
pub unsafe fn filter_destroy(module_ptr: envoy_dynamic_module_type_listener_filter_module_ptr) {
    // SAFETY: filter_new's Box, released once (the caller's contract).
    let boxed = unsafe { Box::from_raw(module_ptr as *mut FilterBox<Handle>) };
    let filter_name = boxed.filter_name;
    let _ = guard(
        || in_phase(KIND, filter_name, "listener_filter_destroy"),
        move || drop(boxed),
    );
}

// The hook bodies on the fake: every hook's fail-closed path. Needs the
// `testing` feature; `cargo test --workspace` and `make sanitize-rust` turn it on.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::listener::testing::FakeListenerFilter;
    use crate::log::take_logs;

    type Fake = FakeListenerFilter;

    struct Panics;
    impl ListenerFilter<Fake> for Panics {
        fn on_accept(&mut self, _: &mut Fake) -> ListenerFilterStatus {
            panic!("in accept")
        }
        fn on_data(&mut self, _: &mut Fake, _: usize) -> ListenerFilterStatus {
            panic!("in data")
        }
        fn on_close(&mut self, _: &mut Fake) {
            panic!("in close")
        }
        fn max_read_bytes(&self) -> usize {
            panic!("in max read bytes")
        }
    }

    struct Config(fn() -> Box<dyn ListenerFilter<Fake>>);
    impl ListenerFilterConfig<Fake> for Config {
        fn new_listener_filter(&self, _: &mut Fake) -> Box<dyn ListenerFilter<Fake>> {
            (self.0)()
        }
    }

    fn panicking() -> FilterBox<Fake> {
        new_filter(
            "panics",
            &Config(|| Box::new(Panics)),
            &mut Fake::default(),
            crate::live::Instance::new(crate::live::counts("test", "test")),
        )
    }

    fn one_log(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        let want = format!("filter 'panics' in {phase}: panicked");
        assert!(logs[0].1.contains(&want), "{}", logs[0].1);
    }

    /// A status hook that panics closes the socket and stops; so does every
    /// later one, without entering the filter again.
    fn status_fails(phase: &str, run: fn(&mut FilterBox<Fake>, &mut Fake) -> ListenerFilterStatus) {
        crate::barrier::install_panic_hook();
        take_logs();
        let (mut boxed, mut envoy) = (panicking(), Fake::default());
        assert_eq!(
            run(&mut boxed, &mut envoy),
            ListenerFilterStatus::StopIteration
        );
        assert_eq!(envoy.closed.as_deref(), Some(FAIL_CLOSED_DETAILS));
        one_log(phase);
        let mut again = Fake::default();
        let data = status(&mut boxed, &mut again, "on_data", |f, e| f.on_data(e, 1));
        assert_eq!(data, ListenerFilterStatus::StopIteration);
        assert_eq!(again.closed.as_deref(), Some(FAIL_CLOSED_DETAILS));
        assert_eq!(max_read_bytes(&mut boxed), 0);
        assert!(
            take_logs().is_empty(),
            "{phase}: entered again after failing"
        );
    }

    #[test]
    fn on_accept_and_on_data_fail_closed() {
        status_fails("on_accept", |b, e| {
            status(b, e, "on_accept", |f, e| f.on_accept(e))
        });
        status_fails("on_data", |b, e| {
            status(b, e, "on_data", |f, e| f.on_data(e, 3))
        });
    }

    #[test]
    fn on_close_and_max_read_bytes_drop_a_filter_that_panics() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (mut boxed, mut envoy) = (panicking(), Fake::default());
        close(&mut boxed, &mut envoy);
        one_log("on_close");
        assert!(boxed.filter.is_none());

        let mut boxed = panicking();
        assert_eq!(max_read_bytes(&mut boxed), 0);
        one_log("max_read_bytes");
        // The next status hook closes the socket.
        let accept = status(&mut boxed, &mut envoy, "on_accept", |f, e| f.on_accept(e));
        assert_eq!(accept, ListenerFilterStatus::StopIteration);
        assert_eq!(envoy.closed.as_deref(), Some(FAIL_CLOSED_DETAILS));
    }

    #[test]
    fn a_filter_that_fails_to_build_closes_the_socket_on_accept() {
        crate::barrier::install_panic_hook();
        take_logs();
        let mut boxed = new_filter(
            "panics",
            &Config(|| panic!("no filter today")),
            &mut Fake::default(),
            crate::live::Instance::new(crate::live::counts("test", "test")),
        );
        one_log("listener_filter_new");
        let mut envoy = Fake::default();
        let accept = status(&mut boxed, &mut envoy, "on_accept", |f, e| f.on_accept(e));
        assert_eq!(accept, ListenerFilterStatus::StopIteration);
        assert_eq!(envoy.closed.as_deref(), Some(FAIL_CLOSED_DETAILS));
    }
}
