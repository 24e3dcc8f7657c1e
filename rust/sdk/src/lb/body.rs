//! The load-balancing policy hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic is logged once and that host selection gets no host
//! (Envoy answers that request 503). The load balancer that panicked is not
//! trusted again: it is dropped and rebuilt from its configuration at the
//! next selection (one lives as long as its worker's cluster, so without this
//! one bad request would end the cluster on that worker). Envoy leaves a
//! worker without a load balancer when lb_new returns NULL, so the SDK never
//! does: one that cannot be built answers "no host" until it can.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    EnvoyLoadBalancer, EnvoyLoadBalancerConfigHandle, EnvoyLoadBalancerHandle, HostSelection,
    LoadBalancer, LoadBalancerConfig,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one load-balancing policy configuration from its `lb_policy_config` bytes.
pub type NewLoadBalancerConfig =
    fn(
        &mut EnvoyLoadBalancerConfigHandle,
        &[u8],
    ) -> Result<Box<dyn LoadBalancerConfig<EnvoyLoadBalancerHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "load balancer";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "lb",
    creation: "config creation",
};

type Handle = EnvoyLoadBalancerHandle;
type ConfigBox<H> = config::ConfigBox<dyn LoadBalancerConfig<H>>;

pub(crate) struct LbBox<H: EnvoyLoadBalancer> {
    policy_name: &'static str,
    /// The configuration it was made from, to rebuild it after a panic. Envoy
    /// keeps a configuration alive for as long as its load balancers.
    config: *const ConfigBox<H>,
    /// None when creating it panicked, or once it panicked.
    lb: Option<Box<dyn LoadBalancer<H>>>,
    /// Counts the instance alive until the box is dropped.
    _live: crate::live::Instance,
}

/// Builds the load balancer behind the barrier; None (logged) when that panics.
fn build<H: EnvoyLoadBalancer>(
    config: &ConfigBox<H>,
    envoy: &mut H,
) -> Option<Box<dyn LoadBalancer<H>>> {
    guard(
        || in_phase(KIND, config.filter_name, "lb_new"),
        || config.config.new_load_balancer(envoy),
    )
    .ok()
}

/// # Safety
/// The arguments are those Envoy passed to lb_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewLoadBalancerConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_lb_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_lb_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyLoadBalancerConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_lb_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn LoadBalancerConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `lb_envoy_ptr` is live for this call.
pub unsafe fn lb_new(
    config_ptr: envoy_dynamic_module_type_lb_config_module_ptr,
    lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
) -> envoy_dynamic_module_type_lb_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes load balancers from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call; no request context here.
    let mut envoy = unsafe { Handle::from_raw(lb_envoy_ptr, core::ptr::null_mut()) };
    Box::into_raw(Box::new(new_lb(config, &mut envoy))) as *const _
}

/// The body of lb_new.
pub(crate) fn new_lb<H: EnvoyLoadBalancer>(config: &ConfigBox<H>, envoy: &mut H) -> LbBox<H> {
    LbBox {
        policy_name: config.filter_name,
        config,
        lb: build(config, envoy),
        _live: crate::live::Instance::new(config.live.counts()),
    }
}

/// # Safety
/// The pointers are the live ones of this load balancer; the out-pointers are writable.
pub unsafe fn choose_host(
    lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
    lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
    context_envoy_ptr: envoy_dynamic_module_type_lb_context_envoy_ptr,
    result_priority: *mut u32,
    result_index: *mut u32,
) -> bool {
    // SAFETY: lb_new's box, live and used by its worker only.
    let boxed = unsafe { &mut *(lb_module_ptr as *mut LbBox<Handle>) };
    // SAFETY: Envoy's pointers, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(lb_envoy_ptr, context_envoy_ptr) };
    // SAFETY: the config outlives its load balancers.
    match unsafe { choose(boxed, &mut envoy) } {
        Some(chosen) => {
            // SAFETY: Envoy's out-pointers, writable for this call.
            unsafe {
                *result_priority = chosen.priority;
                *result_index = chosen.index;
            }
            true
        }
        None => false,
    }
}

/// The body of choose_host: rebuilds a missing load balancer; no host when
/// that or the choice panics.
///
/// # Safety
/// The configuration `boxed` was made from is still alive.
pub(crate) unsafe fn choose<H: EnvoyLoadBalancer>(
    boxed: &mut LbBox<H>,
    envoy: &mut H,
) -> Option<HostSelection> {
    let name = boxed.policy_name;
    if boxed.lb.is_none() {
        // SAFETY: the configuration is alive (the caller's contract).
        boxed.lb = build(unsafe { &*boxed.config }, envoy);
    }
    let lb = boxed.lb.as_mut()?;
    match guard(
        || in_phase(KIND, name, "choose_host"),
        || lb.choose_host(envoy),
    ) {
        Ok(chosen) => chosen,
        Err(_) => {
            boxed.lb = None;
            None
        }
    }
}

/// # Safety
/// Both pointers are the live ones of this load balancer.
pub unsafe fn on_host_membership_update(
    lb_envoy_ptr: envoy_dynamic_module_type_lb_envoy_ptr,
    lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr,
    added: usize,
    removed: usize,
) {
    // SAFETY: lb_new's box, live and used by its worker only.
    let boxed = unsafe { &mut *(lb_module_ptr as *mut LbBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call; no request context here.
    let mut envoy = unsafe { Handle::from_raw(lb_envoy_ptr, core::ptr::null_mut()) };
    membership_update(boxed, &mut envoy, added, removed);
}

/// The body of on_host_membership_update: a panic drops the load balancer,
/// rebuilt (seeing the new hosts) at the next selection.
pub(crate) fn membership_update<H: EnvoyLoadBalancer>(
    boxed: &mut LbBox<H>,
    envoy: &mut H,
    added: usize,
    removed: usize,
) {
    let name = boxed.policy_name;
    let Some(lb) = boxed.lb.as_mut() else {
        return;
    };
    let update = || lb.on_host_membership_update(envoy, added, removed);
    if guard(|| in_phase(KIND, name, "on_host_membership_update"), update).is_err() {
        boxed.lb = None;
    }
}

/// # Safety
/// `lb_module_ptr` came from [`lb_new`] and is released once.
pub unsafe fn lb_destroy(lb_module_ptr: envoy_dynamic_module_type_lb_module_ptr) {
    // SAFETY: lb_new's Box, released once (the caller's contract).
    let boxed = unsafe { Box::from_raw(lb_module_ptr as *mut LbBox<Handle>) };
    let name = boxed.policy_name;
    let _ = guard(|| in_phase(KIND, name, "lb_destroy"), move || drop(boxed));
}

// The hook bodies on the fake: no host after a panic, the rebuild, and a load
// balancer that cannot be built. Needs the `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::lb::testing::FakeLoadBalancer;
    use crate::log::take_logs;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    type Fake = FakeLoadBalancer;

    /// Picks healthy host 0; panics when the request says `x-fault: yes`.
    struct First;
    impl LoadBalancer<Fake> for First {
        fn choose_host(&mut self, envoy: &mut Fake) -> Option<HostSelection> {
            assert!(envoy.request_header("x-fault").is_none(), "a bad request");
            (envoy.healthy_hosts_count(0) > 0).then_some(HostSelection {
                priority: 0,
                index: 0,
            })
        }
        fn on_host_membership_update(&mut self, _: &mut Fake, added: usize, _: usize) {
            assert!(added < 100, "too many hosts");
        }
    }

    #[derive(Default)]
    struct State {
        built: AtomicUsize,
        broken: AtomicBool,
    }
    struct Config(Arc<State>);
    impl LoadBalancerConfig<Fake> for Config {
        fn new_load_balancer(&self, _: &mut Fake) -> Box<dyn LoadBalancer<Fake>> {
            assert!(
                !self.0.broken.load(Ordering::Relaxed),
                "no load balancer today"
            );
            self.0.built.fetch_add(1, Ordering::Relaxed);
            Box::new(First)
        }
    }

    fn config(broken: bool) -> (ConfigBox<Fake>, Arc<State>) {
        let state = Arc::new(State::default());
        state.broken.store(broken, Ordering::Relaxed);
        let config = Box::new(Config(state.clone()));
        (
            config::ConfigBox {
                filter_name: "first",
                config,
                live: crate::live::Config::new(crate::live::counts("lb", "first")),
            },
            state,
        )
    }

    fn one_log(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        let want = format!("load balancer 'first' in {phase}: panicked");
        assert!(logs[0].1.contains(&want), "{}", logs[0].1);
    }

    #[test]
    fn a_panic_gives_no_host_and_the_next_request_a_fresh_load_balancer() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(false);
        let mut boxed = new_lb(&config, &mut Fake::with_hosts(&[("127.0.0.1:1", 1)]));
        let mut bad = Fake::with_hosts(&[("127.0.0.1:1", 1)]).header("x-fault", "yes");
        // SAFETY: `config` outlives `boxed`.
        assert_eq!(unsafe { choose(&mut boxed, &mut bad) }, None);
        assert!(boxed.lb.is_none());
        one_log("choose_host");
        let mut good = Fake::with_hosts(&[("127.0.0.1:1", 1)]);
        // SAFETY: as above.
        let chosen = unsafe { choose(&mut boxed, &mut good) };
        assert_eq!(
            chosen,
            Some(HostSelection {
                priority: 0,
                index: 0
            })
        );
        assert_eq!(state.built.load(Ordering::Relaxed), 2, "rebuilt once");
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_panicking_membership_update_drops_the_load_balancer_until_the_next_choice() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(false);
        let mut envoy = Fake::with_hosts(&[("127.0.0.1:1", 1)]);
        let mut boxed = new_lb(&config, &mut envoy);
        membership_update(&mut boxed, &mut envoy, 1000, 0);
        assert!(boxed.lb.is_none());
        one_log("on_host_membership_update");
        // SAFETY: `config` outlives `boxed`.
        assert!(unsafe { choose(&mut boxed, &mut envoy) }.is_some());
        assert_eq!(state.built.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_load_balancer_that_cannot_be_built_gives_no_host_until_it_can() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(true);
        let mut envoy = Fake::with_hosts(&[("127.0.0.1:1", 1)]);
        let mut boxed = new_lb(&config, &mut envoy);
        one_log("lb_new");
        for _ in 0..3 {
            // SAFETY: `config` outlives `boxed`.
            assert_eq!(unsafe { choose(&mut boxed, &mut envoy) }, None);
            one_log("lb_new");
        }
        state.broken.store(false, Ordering::Relaxed);
        // SAFETY: as above.
        assert!(unsafe { choose(&mut boxed, &mut envoy) }.is_some());
    }
}
