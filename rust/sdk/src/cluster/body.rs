//! The cluster hooks' bodies. The SDK (`hooks.rs`) exports the `#[no_mangle]`
//! hooks, each calling one of these with Envoy's arguments.
//!
//! Fail closed, per hook (docs/CONTRACT.md):
//! * config creation: refused (NULL), Envoy refuses the cluster.
//! * cluster_new: a panic is logged and the cluster has no code behind it: no
//!   hosts, every request 503; the rest of Envoy serves.
//! * cluster_init: logged; Envoy is still told the cluster is ready (with the
//!   hosts added before the panic), so its startup never hangs on us.
//! * cluster_scheduled, server_initialized, drain_started: logged; the
//!   cluster keeps its hosts and handles the next event.
//! * cluster_shutdown: logged; Envoy is still told shutdown is done.
//! * lb_new, choose_host, host membership update: logged; that request (if
//!   any) gets no host (503) and the worker's load balancer is rebuilt from
//!   the cluster for the next one.
//! * destroy hooks: logged; nothing else to do.

use super::handle::{check_callbacks, EnvoyClusterConfigHandle};
use super::{Cluster, ClusterConfig, ClusterLb, EnvoyCluster, EnvoyClusterLb, HostId};
use super::{EnvoyClusterHandle, EnvoyClusterLbHandle};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::kind_config::{self, FilterTable};
use crate::BoxError;
use std::sync::{Arc, Mutex, MutexGuard};

/// Builds one cluster configuration from its `cluster_config` bytes.
pub type NewClusterConfig =
    fn(&mut EnvoyClusterConfigHandle, &[u8]) -> Result<Box<dyn ClusterConfig>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "cluster";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "cluster",
    creation: "config creation",
};

type ConfigBox = config::ConfigBox<dyn ClusterConfig>;

/// The cluster, shared with the workers' load balancers (which rebuild from
/// it); None when creating it panicked, or once it is destroyed.
type Shared = Arc<Mutex<Option<Box<dyn Cluster>>>>;

fn lock(shared: &Shared) -> MutexGuard<'_, Option<Box<dyn Cluster>>> {
    // A panic under the lock was logged by the barrier; the cluster goes on.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) struct ClusterBox {
    filter_name: &'static str,
    cluster: Shared,
    /// Counts the cluster alive until the box is dropped.
    _live: crate::live::Instance,
}

pub(crate) struct LbBox {
    filter_name: &'static str,
    /// Envoy's side of this worker's load balancer (choose_host is not given it).
    envoy: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
    cluster: Shared,
    /// None when building it panicked, or once it panicked.
    lb: Option<Box<dyn ClusterLb>>,
}

/// # Safety
/// The arguments are those Envoy passed to cluster_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewClusterConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_cluster_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_cluster_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyClusterConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| {
        check_callbacks().map_err(|missing| missing.to_string())?;
        kind_config::find(table, name)
    };
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_cluster_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "cluster_config_destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn ClusterConfig>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`].
pub unsafe fn cluster_new(
    config_ptr: envoy_dynamic_module_type_cluster_config_module_ptr,
) -> envoy_dynamic_module_type_cluster_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes clusters from it.
    let config = unsafe { &*(config_ptr as *const ConfigBox) };
    Box::into_raw(Box::new(new_cluster(config))) as *const _
}

/// The body of cluster_new: never NULL, so that a panic costs this cluster's
/// hosts and not Envoy's startup.
pub(crate) fn new_cluster(config: &ConfigBox) -> ClusterBox {
    let cluster = guard(
        || in_phase(KIND, config.filter_name, "cluster_new"),
        || config.config.new_cluster(),
    )
    .ok();
    ClusterBox {
        filter_name: config.filter_name,
        cluster: Arc::new(Mutex::new(cluster)),
        _live: crate::live::Instance::new(config.live.counts()),
    }
}

/// Runs one main-thread hook of the cluster behind the barrier; false when
/// there is no cluster or it panicked (logged).
pub(crate) fn with_cluster(
    boxed: &ClusterBox,
    phase: &str,
    body: impl FnOnce(&mut dyn Cluster),
) -> bool {
    let mut cluster = lock(&boxed.cluster);
    let Some(cluster) = cluster.as_mut() else {
        return false;
    };
    guard(
        || in_phase(KIND, boxed.filter_name, phase),
        || body(&mut **cluster),
    )
    .is_ok()
}

/// # Safety
/// `module_ptr` came from [`cluster_new`]; `envoy_ptr` is live for this call.
pub unsafe fn init(
    envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
) {
    // SAFETY: cluster_new's box, alive until cluster_destroy.
    let boxed = unsafe { &*(module_ptr as *const ClusterBox) };
    // SAFETY: Envoy's cluster pointer, live for this call.
    let mut envoy = unsafe { EnvoyClusterHandle::from_raw(envoy_ptr) };
    with_cluster(boxed, "cluster_init", |c| c.init(&mut envoy));
    // Whatever happened: Envoy's startup must not wait on us forever.
    envoy.pre_init_complete();
}

/// # Safety
/// As for [`init`].
pub unsafe fn main_thread_event(
    envoy_ptr: envoy_dynamic_module_type_cluster_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    phase: &str,
    body: impl FnOnce(&mut dyn Cluster, &mut dyn EnvoyCluster),
) {
    // SAFETY: cluster_new's box, alive until cluster_destroy.
    let boxed = unsafe { &*(module_ptr as *const ClusterBox) };
    // SAFETY: Envoy's cluster pointer, live for this call.
    let mut envoy = unsafe { EnvoyClusterHandle::from_raw(envoy_ptr) };
    with_cluster(boxed, phase, |c| body(c, &mut envoy));
}

/// # Safety
/// `module_ptr` came from [`cluster_new`] and is released once.
pub unsafe fn cluster_destroy(module_ptr: envoy_dynamic_module_type_cluster_module_ptr) {
    // SAFETY: cluster_new's Box, released once (the caller's contract).
    let boxed = unsafe { Box::from_raw(module_ptr as *mut ClusterBox) };
    // Dropped here, on the main thread, even if a worker's load balancer
    // still holds the shared slot.
    let cluster = lock(&boxed.cluster).take();
    let _ = guard(
        || in_phase(KIND, boxed.filter_name, "cluster_destroy"),
        move || drop(cluster),
    );
}

/// # Safety
/// `cluster_ptr` came from [`cluster_new`]; `lb_envoy_ptr` lives as long as
/// the load balancer made here.
pub unsafe fn lb_new(
    cluster_ptr: envoy_dynamic_module_type_cluster_module_ptr,
    lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
) -> envoy_dynamic_module_type_cluster_lb_module_ptr {
    // SAFETY: cluster_new's box, alive while Envoy makes load balancers from it.
    let boxed = unsafe { &*(cluster_ptr as *const ClusterBox) };
    Box::into_raw(Box::new(new_lb(boxed, lb_envoy_ptr))) as *const _
}

/// The body of cluster_lb_new: never NULL (a worker without a load balancer
/// would have no way back); a panic leaves it to be rebuilt on the next request.
pub(crate) fn new_lb(
    boxed: &ClusterBox,
    envoy: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
) -> LbBox {
    let mut lb = LbBox {
        filter_name: boxed.filter_name,
        envoy,
        cluster: boxed.cluster.clone(),
        lb: None,
    };
    build_lb(&mut lb);
    lb
}

fn build_lb(lb: &mut LbBox) {
    let cluster = lock(&lb.cluster);
    let Some(cluster) = cluster.as_ref() else {
        return;
    };
    lb.lb = guard(
        || in_phase(KIND, lb.filter_name, "cluster_lb_new"),
        || cluster.new_load_balancer(),
    )
    .ok();
}

/// # Safety
/// `module_ptr` came from [`lb_new`] and is released once.
pub unsafe fn lb_destroy(module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr) {
    // SAFETY: lb_new's Box, released once (the caller's contract).
    let boxed = unsafe { Box::from_raw(module_ptr as *mut LbBox) };
    let filter_name = boxed.filter_name;
    let _ = guard(
        || in_phase(KIND, filter_name, "cluster_lb_destroy"),
        move || drop(boxed),
    );
}

/// # Safety
/// `module_ptr` came from [`lb_new`], used by its worker only.
pub unsafe fn choose_host(
    module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
) -> envoy_dynamic_module_type_cluster_host_envoy_ptr {
    // SAFETY: lb_new's box, live and unshared for this hook.
    let boxed = unsafe { &mut *(module_ptr as *mut LbBox) };
    // SAFETY: Envoy's load balancer pointer, alive as long as this box.
    let mut envoy = unsafe { EnvoyClusterLbHandle::from_raw(boxed.envoy) };
    match choose(boxed, &mut envoy) {
        Some(host) => host.0 as *mut _,
        None => core::ptr::null_mut(),
    }
}

/// The body of choose_host: rebuilds a missing load balancer; no host when
/// that or the load balancer panics.
pub(crate) fn choose(boxed: &mut LbBox, envoy: &mut dyn EnvoyClusterLb) -> Option<HostId> {
    if boxed.lb.is_none() {
        build_lb(boxed);
    }
    let filter_name = boxed.filter_name;
    let lb = boxed.lb.as_mut()?;
    match guard(
        || in_phase(KIND, filter_name, "cluster_lb_choose_host"),
        || lb.choose_host(envoy),
    ) {
        Ok(host) => host,
        Err(_) => {
            boxed.lb = None;
            None
        }
    }
}

/// # Safety
/// As for [`choose_host`]; `lb_envoy_ptr` is this load balancer's.
pub unsafe fn membership_update(
    lb_envoy_ptr: envoy_dynamic_module_type_cluster_lb_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_cluster_lb_module_ptr,
    added: usize,
    removed: usize,
) {
    // SAFETY: lb_new's box, live and unshared for this hook.
    let boxed = unsafe { &mut *(module_ptr as *mut LbBox) };
    // SAFETY: Envoy's load balancer pointer, live for this call.
    let mut envoy = unsafe { EnvoyClusterLbHandle::from_raw(lb_envoy_ptr) };
    update(boxed, &mut envoy, added, removed);
}

/// The body of the membership update: a panic drops the load balancer, to be
/// rebuilt on the next request.
pub(crate) fn update(
    boxed: &mut LbBox,
    envoy: &mut dyn EnvoyClusterLb,
    added: usize,
    removed: usize,
) {
    let filter_name = boxed.filter_name;
    let Some(lb) = boxed.lb.as_mut() else {
        return;
    };
    if guard(
        || in_phase(KIND, filter_name, "cluster_lb_on_host_membership_update"),
        || lb.host_membership_update(envoy, added, removed),
    )
    .is_err()
    {
        boxed.lb = None;
    }
}

// The hook bodies on the fake: a panicking choose_host costs one request and
// the load balancer is rebuilt; a cluster that cannot be built has no hosts.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::cluster::testing::{FakeCluster, FakeClusterLb};
    use crate::log::take_logs;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// Panics when the worker sees no healthy host, else picks the first.
    struct First;
    impl ClusterLb for First {
        fn choose_host(&mut self, envoy: &mut dyn EnvoyClusterLb) -> Option<HostId> {
            assert!(envoy.healthy_host_count() > 0, "no host today");
            envoy.healthy_host(0).map(|(h, _)| h)
        }
    }

    #[derive(Default)]
    struct State {
        built: AtomicUsize,
        broken: AtomicBool,
    }
    struct Config(Arc<State>);
    struct Two(Arc<State>);
    impl ClusterConfig for Config {
        fn new_cluster(&self) -> Box<dyn Cluster> {
            assert!(!self.0.broken.load(Ordering::Relaxed), "no cluster today");
            Box::new(Two(self.0.clone()))
        }
    }
    impl Cluster for Two {
        fn init(&mut self, envoy: &mut dyn EnvoyCluster) {
            envoy.add_hosts(&[("127.0.0.1:1".into(), 1), ("127.0.0.1:2".into(), 1)]);
        }
        fn new_load_balancer(&self) -> Box<dyn ClusterLb> {
            self.0.built.fetch_add(1, Ordering::Relaxed);
            Box::new(First)
        }
    }

    fn config(broken: bool) -> (ConfigBox, Arc<State>) {
        let state = Arc::new(State::default());
        state.broken.store(broken, Ordering::Relaxed);
        (
            config::ConfigBox {
                filter_name: "two",
                config: Box::new(Config(state.clone())),
                live: crate::live::Config::new(crate::live::counts("cluster", "two")),
            },
            state,
        )
    }

    fn one_log(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        let want = format!("cluster 'two' in {phase}: panicked");
        assert!(logs[0].1.contains(&want), "{}", logs[0].1);
    }

    #[test]
    fn a_panicking_choice_costs_one_request_and_the_lb_is_rebuilt() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, state) = config(false);
        let cluster = new_cluster(&config);
        let mut envoy = FakeCluster::default();
        assert!(with_cluster(&cluster, "cluster_init", |c| c.init(&mut envoy)));
        assert_eq!(envoy.hosts.len(), 2);
        let mut lb = new_lb(&cluster, core::ptr::null_mut());
        assert_eq!(choose(&mut lb, &mut FakeClusterLb::default()), None);
        one_log("cluster_lb_choose_host");
        assert!(lb.lb.is_none());
        let mut worker = FakeClusterLb::with_hosts(&[(HostId(7), 1)]);
        assert_eq!(choose(&mut lb, &mut worker), Some(HostId(7)));
        assert_eq!(state.built.load(Ordering::Relaxed), 2, "rebuilt once");
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_cluster_that_cannot_be_built_has_no_hosts_and_no_lb() {
        crate::barrier::install_panic_hook();
        take_logs();
        let (config, _) = config(true);
        let cluster = new_cluster(&config);
        one_log("cluster_new");
        let mut envoy = FakeCluster::default();
        assert!(!with_cluster(&cluster, "cluster_init", |c| c.init(&mut envoy)));
        assert!(envoy.hosts.is_empty());
        let mut lb = new_lb(&cluster, core::ptr::null_mut());
        let mut worker = FakeClusterLb::with_hosts(&[(HostId(7), 1)]);
        assert_eq!(choose(&mut lb, &mut worker), None);
        assert!(
            take_logs().is_empty(),
            "nothing to rebuild from: no new line"
        );
    }
}
