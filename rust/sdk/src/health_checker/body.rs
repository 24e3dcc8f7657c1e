//! The health checker hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic is logged once and that check counts as failed (the
//! body reports Unhealthy at once instead of waiting for Envoy's timeout).
//! The session that panicked is not trusted again: it is dropped and rebuilt
//! from its configuration at the next interval. Envoy leaves a host unchecked
//! when session_new returns NULL, so the SDK never does: a session that cannot
//! be built reports every check of its host as failed until it can.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyHealthChecker, EnvoyHealthCheckerConfigHandle, EnvoyHealthCheckerHandle,
    HealthCheckerConfig, HealthCheckerSession, HealthReporter, HostHealth,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one health checker configuration from its `health_checker_config` bytes.
pub type NewHealthCheckerConfig =
    fn(
        &mut EnvoyHealthCheckerConfigHandle,
        &[u8],
    ) -> Result<Box<dyn HealthCheckerConfig<EnvoyHealthCheckerHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "health checker";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "health_checker",
    creation: "config creation",
};

type Handle = EnvoyHealthCheckerHandle;
type ConfigBox<H> = config::ConfigBox<dyn HealthCheckerConfig<H>>;

pub(crate) struct SessionBox<H: EnvoyHealthChecker> {
    checker_name: &'static str,
    /// The configuration it was made from, to rebuild it after a panic. Envoy
    /// keeps a configuration alive for as long as its sessions.
    config: *const ConfigBox<H>,
    /// None when creating it panicked, or once it panicked.
    session: Option<Box<dyn HealthCheckerSession<H>>>,
    /// Counts the instance alive until the box is dropped.
    _live: crate::live::Instance,
}

/// Builds a session behind the barrier; None (logged) when that panics.
fn build<H: EnvoyHealthChecker>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> Option<Box<dyn HealthCheckerSession<H>>> {
    guard(
        || in_phase(KIND, config.filter_name, "session_new"),
        || config.config.new_session(envoy),
    )
    .ok()
}

/// # Safety
/// The arguments are those Envoy passed to health_checker_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewHealthCheckerConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_health_checker_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_health_checker_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyHealthCheckerConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_health_checker_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn HealthCheckerConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `session_envoy_ptr` is live for this call.
pub unsafe fn session_new(
    config_ptr: envoy_dynamic_module_type_health_checker_config_module_ptr,
    session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
) -> envoy_dynamic_module_type_health_checker_session_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes sessions from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call.
    let mut envoy = unsafe { Handle::from_raw(session_envoy_ptr) };
    Box::into_raw(Box::new(new_session(config, &mut envoy))) as *const _
}

/// The body of session_new.
pub(crate) fn new_session<H: EnvoyHealthChecker>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> SessionBox<H> {
    SessionBox {
        checker_name: config.filter_name,
        config,
        session: build(config, envoy),
        _live: crate::live::Instance::new(config.live.counts()),
    }
}

/// # Safety
/// Both pointers are the live ones of this session.
pub unsafe fn session_on_interval(
    session_ptr: envoy_dynamic_module_type_health_checker_session_module_ptr,
    session_envoy_ptr: envoy_dynamic_module_type_health_checker_session_envoy_ptr,
) {
    // SAFETY: session_new's box, live and used on the main thread only.
    let boxed = unsafe { &mut *(session_ptr as *mut SessionBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call.
    let mut envoy = unsafe { Handle::from_raw(session_envoy_ptr) };
    // SAFETY: the config outlives its sessions.
    unsafe { interval(boxed, &mut envoy) }
}

/// The body of session_on_interval: rebuilds a missing session; a check that
/// cannot start (no session, or a panic) is reported failed at once.
///
/// # Safety
/// The configuration `boxed` was made from is still alive.
pub(crate) unsafe fn interval<H: EnvoyHealthChecker>(boxed: &mut SessionBox<H>, envoy: &mut H) {
    let name = boxed.checker_name;
    if boxed.session.is_none() {
        // SAFETY: the configuration is alive (the caller's contract).
        boxed.session = build(unsafe { &*boxed.config }, envoy);
    }
    let Some(session) = boxed.session.as_mut() else {
        envoy.reporter().report(HostHealth::Unhealthy);
        return;
    };
    let checked = guard(
        || in_phase(KIND, name, "session_on_interval"),
        || session.on_interval(envoy),
    );
    if checked.is_err() {
        boxed.session = None;
        envoy.reporter().report(HostHealth::Unhealthy);
    }
}

/// # Safety
/// `session_ptr` is the live pointer of this session.
pub unsafe fn session_on_timeout(
    session_ptr: envoy_dynamic_module_type_health_checker_session_module_ptr,
) {
    // SAFETY: session_new's box, live and used on the main thread only.
    let boxed = unsafe { &mut *(session_ptr as *mut SessionBox<Handle>) };
    timeout(boxed);
}

/// The body of session_on_timeout: a panic drops the session, rebuilt at the
/// next interval (Envoy has already counted this check as failed).
pub(crate) fn timeout<H: EnvoyHealthChecker>(boxed: &mut SessionBox<H>) {
    let name = boxed.checker_name;
    let Some(session) = boxed.session.as_mut() else {
        return;
    };
    if guard(
        || in_phase(KIND, name, "session_on_timeout"),
        || session.on_timeout(),
    )
    .is_err()
    {
        boxed.session = None;
    }
}

/// # Safety
/// `session_ptr` came from [`session_new`] and is released once.
pub unsafe fn session_destroy(
    session_ptr: envoy_dynamic_module_type_health_checker_session_module_ptr,
) {
    // SAFETY: session_new's Box, released once (the caller's contract).
    let boxed = unsafe { Box::from_raw(session_ptr as *mut SessionBox<Handle>) };
    let name = boxed.checker_name;
    let _ = guard(
        || in_phase(KIND, name, "session_destroy"),
        move || drop(boxed),
    );
}

// The hook bodies on the fake: a failed check after a panic, the rebuild, and
// a session that cannot be built. Needs the `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::health_checker::testing::FakeHealthChecker;
    use crate::log::take_logs;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    type Fake = FakeHealthChecker;

    /// Reports Healthy at once; panics for a host whose metadata says `fault`.
    struct Always;
    impl HealthCheckerSession<Fake> for Always {
        fn on_interval(&mut self, envoy: &mut Fake) {
            assert!(
                envoy.host_metadata_bool("test", "fault").is_none(),
                "a bad host"
            );
            envoy.reporter().report(HostHealth::Healthy);
        }
        fn on_timeout(&mut self) {
            panic!("timed out");
        }
    }

    #[derive(Default)]
    struct State {
        built: AtomicUsize,
        broken: AtomicBool,
    }
    struct Config(Arc<State>);
    impl HealthCheckerConfig<Fake> for Config {
        fn new_session(&self, _: &mut Fake) -> Box<dyn HealthCheckerSession<Fake>> {
            assert!(!self.0.broken.load(Ordering::Relaxed), "no session today");
            self.0.built.fetch_add(1, Ordering::Relaxed);
            Box::new(Always)
        }
    }

    fn config(broken: bool) -> (ConfigBox<Fake>, Arc<State>) {
        let state = Arc::new(State::default());
        state.broken.store(broken, Ordering::Relaxed);
        (
            config::ConfigBox {
                filter_name: "always",
                config: Box::new(Config(state.clone())),
                live: crate::live::Config::new(crate::live::counts("health_checker", "always")),
            },
            state,
        )
    }

    fn one_log(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        let want = format!("health checker 'always' in {phase}: panicked");
        assert!(logs[0].1.contains(&want), "{}", logs[0].1);
    }

    #[test]
    fn a_panic_fails_that_check_and_the_next_interval_gets_a_fresh_session() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(false);
        let mut bad = Fake::at("127.0.0.1:1").metadata_bool("test", "fault", true);
        let mut boxed = new_session(&config, &mut bad);
        // SAFETY: `config` outlives `boxed`.
        unsafe { interval(&mut boxed, &mut bad) };
        assert_eq!(bad.reports(), [HostHealth::Unhealthy]);
        assert!(boxed.session.is_none());
        one_log("session_on_interval");
        let mut good = Fake::at("127.0.0.1:1");
        // SAFETY: as above.
        unsafe { interval(&mut boxed, &mut good) };
        assert_eq!(good.reports(), [HostHealth::Healthy]);
        assert_eq!(state.built.load(Ordering::Relaxed), 2, "rebuilt once");
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_panicking_timeout_drops_the_session_until_the_next_interval() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(false);
        let mut envoy = Fake::at("127.0.0.1:1");
        let mut boxed = new_session(&config, &mut envoy);
        timeout(&mut boxed);
        assert!(boxed.session.is_none());
        one_log("session_on_timeout");
        // SAFETY: `config` outlives `boxed`.
        unsafe { interval(&mut boxed, &mut envoy) };
        assert_eq!(envoy.reports(), [HostHealth::Healthy]);
        assert_eq!(state.built.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_session_that_cannot_be_built_fails_every_check_until_it_can() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(true);
        let mut envoy = Fake::at("127.0.0.1:1");
        let mut boxed = new_session(&config, &mut envoy);
        one_log("session_new");
        for _ in 0..3 {
            // SAFETY: `config` outlives `boxed`.
            unsafe { interval(&mut boxed, &mut envoy) };
            one_log("session_new");
        }
        assert_eq!(envoy.reports(), [HostHealth::Unhealthy; 3]);
        state.broken.store(false, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { interval(&mut boxed, &mut envoy) };
        assert_eq!(envoy.reports().last(), Some(&HostHealth::Healthy));
    }
}
