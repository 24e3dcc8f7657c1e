//! The UDP listener hooks' bodies. The SDK (`hooks.rs`)
//! exports the `#[no_mangle]` hooks, each calling one of
//! these with the module's filter table, and checks every definition against
//! its declaration in the ABI crate.
//!
//! Fail closed: a panic is logged once and the datagram is dropped
//! (StopIteration). The filter that panicked is not trusted again: it is
//! dropped and rebuilt from its configuration for the next datagram (one
//! filter lives as long as its worker's listener, so without this one bad
//! datagram would end the listener). Envoy passes datagrams on unfiltered when
//! udp_listener_filter_new returns NULL, so the SDK never does: a filter that
//! cannot be built drops every datagram until it can.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyUdpConfigHandle, EnvoyUdpListenerFilter, EnvoyUdpListenerFilterHandle, UdpListenerFilter,
    UdpListenerFilterConfig, UdpListenerFilterStatus,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one UDP listener filter configuration from its `filter_config` bytes.
pub type NewUdpListenerFilterConfig =
    fn(
        &mut EnvoyUdpConfigHandle,
        &[u8],
    ) -> Result<Box<dyn UdpListenerFilterConfig<EnvoyUdpListenerFilterHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "UDP listener filter";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "udp_listener",
    creation: "config creation",
};

type Handle = EnvoyUdpListenerFilterHandle;
type ConfigBox<H> = config::ConfigBox<dyn UdpListenerFilterConfig<H>>;

pub(crate) struct FilterBox<H: EnvoyUdpListenerFilter> {
    filter_name: &'static str,
    /// The configuration it was made from, to rebuild it after a panic. Envoy
    /// keeps a configuration alive for as long as its filters.
    config: *const ConfigBox<H>,
    /// None when creating the filter panicked, or once it panicked.
    filter: Option<Box<dyn UdpListenerFilter<H>>>,
    /// Counts the instance alive until the box is dropped.
    _live: crate::live::Instance,
}

/// Builds the filter behind the barrier; None (logged) when that panics.
fn build<H: EnvoyUdpListenerFilter>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> Option<Box<dyn UdpListenerFilter<H>>> {
    guard(
        || in_phase(KIND, config.filter_name, "udp_listener_filter_new"),
        || config.config.new_udp_listener_filter(envoy),
    )
    .ok()
}

/// # Safety
/// The arguments are those Envoy passed to udp_listener_filter_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewUdpListenerFilterConfig>,
    filter_config_envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_udp_listener_filter_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyUdpConfigHandle::from_raw(filter_config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_udp_listener_filter_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn UdpListenerFilterConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `envoy_ptr` is live for this call.
pub unsafe fn filter_new(
    config_ptr: envoy_dynamic_module_type_udp_listener_filter_config_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
) -> envoy_dynamic_module_type_udp_listener_filter_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes filters from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's filter pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(envoy_ptr) };
    Box::into_raw(Box::new(new_filter(config, &mut envoy))) as *const _
}

/// The body of udp_listener_filter_new.
pub(crate) fn new_filter<H: EnvoyUdpListenerFilter>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> FilterBox<H> {
    FilterBox {
        filter_name: config.filter_name,
        config,
        filter: build(config, envoy),
        _live: crate::live::Instance::new(config.live.counts()),
    }
}

/// # Safety
/// Both pointers are the live ones of this filter.
pub unsafe fn on_data(
    envoy_ptr: envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_udp_listener_filter_module_ptr,
) -> envoy_dynamic_module_type_on_udp_listener_filter_status {
    // SAFETY: filter_new's box, live and unshared for this hook.
    let boxed = unsafe { &mut *(module_ptr as *mut FilterBox<Handle>) };
    // SAFETY: Envoy's filter pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(envoy_ptr) };
    // SAFETY: the config outlives its filters (Envoy destroys filters first).
    unsafe { data(boxed, &mut envoy) }
}

/// The body of on_data: rebuilds a missing filter, drops the datagram when
/// that or the filter panics.
///
/// # Safety
/// The configuration `boxed` was made from is still alive.
pub(crate) unsafe fn data<H: EnvoyUdpListenerFilter>(
    boxed: &mut FilterBox<H>,
    envoy: &mut H,
) -> UdpListenerFilterStatus {
    let filter_name = boxed.filter_name;
    if boxed.filter.is_none() {
        // SAFETY: the configuration is alive (the caller's contract).
        boxed.filter = build(unsafe { &*boxed.config }, envoy);
    }
    let Some(filter) = boxed.filter.as_mut() else {
        return UdpListenerFilterStatus::StopIteration;
    };
    match guard(
        || in_phase(KIND, filter_name, "on_data"),
        || filter.on_data(envoy),
    ) {
        Ok(status) => status,
        Err(_) => {
            boxed.filter = None;
            UdpListenerFilterStatus::StopIteration
        }
    }
}

/// # Safety
/// `module_ptr` came from [`filter_new`] and is released once.
pub unsafe fn filter_destroy(module_ptr: envoy_dynamic_module_type_udp_listener_filter_module_ptr) {
    // SAFETY: filter_new's Box, released once (the caller's contract).
    let boxed = unsafe { Box::from_raw(module_ptr as *mut FilterBox<Handle>) };
    let filter_name = boxed.filter_name;
    let _ = guard(
        || in_phase(KIND, filter_name, "udp_listener_filter_destroy"),
        move || drop(boxed),
    );
}

// The hook bodies on the fake: the dropped datagram, the rebuild after a
// panic, and a filter that cannot be built. Needs the `testing` feature;
// `cargo test --workspace` and `make sanitize-rust` turn it on.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::udp::testing::FakeUdpListenerFilter;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    type Fake = FakeUdpListenerFilter;

    /// Panics on a datagram starting with `!`, else answers it and drops it.
    struct Picky;
    impl UdpListenerFilter<Fake> for Picky {
        fn on_data(&mut self, envoy: &mut Fake) -> UdpListenerFilterStatus {
            let data = envoy.datagram().into_owned();
            assert!(!data.starts_with(b"!"), "a bad datagram");
            envoy.send_to_peer(&data);
            UdpListenerFilterStatus::StopIteration
        }
    }

    /// Counts the filters it builds; panics building while `broken`.
    #[derive(Default)]
    struct State {
        built: AtomicUsize,
        broken: AtomicBool,
    }
    struct Config(Arc<State>);
    impl UdpListenerFilterConfig<Fake> for Config {
        fn new_udp_listener_filter(&self, _: &mut Fake) -> Box<dyn UdpListenerFilter<Fake>> {
            assert!(!self.0.broken.load(Ordering::Relaxed), "no filter today");
            self.0.built.fetch_add(1, Ordering::Relaxed);
            Box::new(Picky)
        }
    }

    fn config(broken: bool) -> (ConfigBox<Fake>, Arc<State>) {
        let state = Arc::new(State::default());
        state.broken.store(broken, Ordering::Relaxed);
        let config = Box::new(Config(state.clone()));
        (
            config::ConfigBox {
                filter_name: "picky",
                config,
                live: crate::live::Config::new(crate::live::counts("udp_listener", "picky")),
            },
            state,
        )
    }

    fn one_log(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        let want = format!("filter 'picky' in {phase}: panicked");
        assert!(logs[0].1.contains(&want), "{}", logs[0].1);
    }

    #[test]
    fn a_panic_drops_the_datagram_and_the_next_one_gets_a_fresh_filter() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(false);
        let mut boxed = new_filter(&config, &mut Fake::default());
        let mut bad = Fake::with_datagram(b"!boom");
        // SAFETY: `config` outlives `boxed`.
        let status = unsafe { data(&mut boxed, &mut bad) };
        assert_eq!(status, UdpListenerFilterStatus::StopIteration);
        assert!(bad.sent.is_empty(), "nothing answered for the bad datagram");
        assert!(boxed.filter.is_none());
        one_log("on_data");
        let mut good = Fake::with_datagram(b"query");
        // SAFETY: as above.
        let status = unsafe { data(&mut boxed, &mut good) };
        assert_eq!(status, UdpListenerFilterStatus::StopIteration);
        assert_eq!(good.sent, vec![b"query".to_vec()]);
        assert_eq!(state.built.load(Ordering::Relaxed), 2, "rebuilt once");
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_filter_that_cannot_be_built_drops_every_datagram_until_it_can() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(true);
        let mut boxed = new_filter(&config, &mut Fake::default());
        one_log("udp_listener_filter_new");
        for _ in 0..3 {
            let mut envoy = Fake::with_datagram(b"query");
            // SAFETY: `config` outlives `boxed`.
            let status = unsafe { data(&mut boxed, &mut envoy) };
            assert_eq!(status, UdpListenerFilterStatus::StopIteration);
            assert!(envoy.sent.is_empty());
            one_log("udp_listener_filter_new");
        }
        state.broken.store(false, Ordering::Relaxed);
        let mut envoy = Fake::with_datagram(b"query");
        // SAFETY: as above.
        unsafe { data(&mut boxed, &mut envoy) };
        assert_eq!(envoy.sent, vec![b"query".to_vec()]);
    }
}
