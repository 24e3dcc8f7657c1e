//! What a cluster may ask of Envoy: on the main thread (add and remove hosts,
//! schedule an event), on a worker (its healthy hosts), and while its
//! configuration is created.

use crate::abi;
use crate::ffi::module_buffer;
use crate::since::{self, call};

/// A host of the cluster as Envoy knows it: valid while it is in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostId(pub usize);

/// Envoy's side of the cluster, on the main thread.
pub trait EnvoyCluster {
    /// Adds `(address "ip:port", weight 1..=128)` hosts in one update; all or
    /// none (None).
    fn add_hosts(&mut self, hosts: &[(String, u32)]) -> Option<Vec<HostId>>;
    /// Removes hosts added before in one update; how many were there.
    fn remove_hosts(&mut self, hosts: &[HostId]) -> usize;
    /// A scheduler that posts events to [`super::Cluster::scheduled`] from any thread.
    fn scheduler(&mut self) -> Box<dyn ClusterScheduler>;
}

/// Posts events to the cluster's main thread; usable from any thread.
pub trait ClusterScheduler: Send + Sync {
    fn commit(&self, event_id: u64);
}

/// Envoy's side of one worker's load balancer (priority 0 only).
pub trait EnvoyClusterLb {
    /// How many healthy hosts the worker sees.
    fn healthy_host_count(&self) -> usize;
    /// The healthy host at `index` and its weight.
    fn healthy_host(&self, index: usize) -> Option<(HostId, u32)>;
}

/// Envoy as seen while a cluster configuration is created. Nothing to ask
/// yet; the constructor's signature is that of every kind.
pub trait EnvoyClusterConfig {}

/// The real configuration handle.
pub struct EnvoyClusterConfigHandle {
    _raw: abi::envoy_dynamic_module_type_cluster_config_envoy_ptr,
}

impl EnvoyClusterConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_cluster_config_envoy_ptr) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyClusterConfig for EnvoyClusterConfigHandle {}

/// The real cluster handle, wrapping the `cluster_envoy_ptr` of the running hook.
pub struct EnvoyClusterHandle {
    raw: abi::envoy_dynamic_module_type_cluster_envoy_ptr,
}

impl EnvoyClusterHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_cluster_envoy_ptr) -> Self {
        Self { raw }
    }

    /// Lets Envoy's startup go on (the SDK calls it once, after init).
    pub(crate) fn pre_init_complete(&mut self) {
        // SAFETY: a plain call on the live pointer; checked at config time.
        unsafe { call::envoy_dynamic_module_callback_cluster_pre_init_complete(self.raw) }
    }
}

impl EnvoyCluster for EnvoyClusterHandle {
    fn add_hosts(&mut self, hosts: &[(String, u32)]) -> Option<Vec<HostId>> {
        if hosts.is_empty() {
            return Some(Vec::new());
        }
        let addresses: Vec<_> = hosts
            .iter()
            .map(|(a, _)| module_buffer(a.as_bytes()))
            .collect();
        let weights: Vec<u32> = hosts.iter().map(|(_, w)| *w).collect();
        let empty = vec![module_buffer(b""); hosts.len()];
        let mut out = vec![core::ptr::null_mut(); hosts.len()];
        // SAFETY: every array has `hosts.len()` entries and outlives the call;
        // Envoy copies the strings.
        let ok = unsafe {
            call::envoy_dynamic_module_callback_cluster_add_hosts(
                self.raw,
                0,
                addresses.as_ptr(),
                weights.as_ptr(),
                empty.as_ptr(),
                empty.as_ptr(),
                empty.as_ptr(),
                core::ptr::null(),
                0,
                hosts.len(),
                out.as_mut_ptr(),
            )
        };
        ok.then(|| out.into_iter().map(|p| HostId(p as usize)).collect())
    }

    fn remove_hosts(&mut self, hosts: &[HostId]) -> usize {
        let ptrs: Vec<_> = hosts
            .iter()
            .map(|h| h.0 as *mut core::ffi::c_void)
            .collect();
        // SAFETY: `ptrs` outlives the call; hosts not in the cluster are skipped.
        unsafe {
            call::envoy_dynamic_module_callback_cluster_remove_hosts(
                self.raw,
                ptrs.as_ptr(),
                ptrs.len(),
            )
        }
    }

    fn scheduler(&mut self) -> Box<dyn ClusterScheduler> {
        // SAFETY: a plain call on the live pointer; the module deletes it (Drop).
        let raw = unsafe { call::envoy_dynamic_module_callback_cluster_scheduler_new(self.raw) };
        Box::new(Scheduler(raw as usize))
    }
}

/// A scheduler made by cluster_scheduler_new, deleted on drop.
struct Scheduler(usize);

impl ClusterScheduler for Scheduler {
    fn commit(&self, event_id: u64) {
        // SAFETY: our live scheduler; commit is thread-safe per the ABI.
        unsafe {
            call::envoy_dynamic_module_callback_cluster_scheduler_commit(self.0 as *mut _, event_id)
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        // SAFETY: our scheduler, deleted once.
        unsafe { call::envoy_dynamic_module_callback_cluster_scheduler_delete(self.0 as *mut _) }
    }
}

/// The real load-balancer handle, wrapping the `lb_envoy_ptr` of the worker.
pub struct EnvoyClusterLbHandle {
    raw: abi::envoy_dynamic_module_type_cluster_lb_envoy_ptr,
}

impl EnvoyClusterLbHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy gave for this worker's load balancer.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_cluster_lb_envoy_ptr) -> Self {
        Self { raw }
    }
}

impl EnvoyClusterLb for EnvoyClusterLbHandle {
    fn healthy_host_count(&self) -> usize {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            call::envoy_dynamic_module_callback_cluster_lb_get_healthy_host_count(self.raw, 0)
        }
    }

    fn healthy_host(&self, index: usize) -> Option<(HostId, u32)> {
        // SAFETY: plain calls on the live pointer; NULL past the end.
        unsafe {
            let host =
                call::envoy_dynamic_module_callback_cluster_lb_get_healthy_host(self.raw, 0, index);
            if host.is_null() {
                return None;
            }
            let weight = call::envoy_dynamic_module_callback_cluster_lb_get_healthy_host_weight(
                self.raw, 0, index,
            );
            Some((HostId(host as usize), weight))
        }
    }
}

/// Every callback the SDK calls for this kind: a config is refused with one
/// line on an Envoy that lacks any of them.
pub(crate) fn check_callbacks() -> Result<(), since::MissingCallback> {
    since::CLUSTER_ADD_HOSTS.check()?;
    since::CLUSTER_REMOVE_HOSTS.check()?;
    since::CLUSTER_PRE_INIT_COMPLETE.check()?;
    since::CLUSTER_SCHEDULER_NEW.check()?;
    since::CLUSTER_SCHEDULER_DELETE.check()?;
    since::CLUSTER_SCHEDULER_COMMIT.check()?;
    since::CLUSTER_LB_GET_HEALTHY_HOST_COUNT.check()?;
    since::CLUSTER_LB_GET_HEALTHY_HOST.check()?;
    since::CLUSTER_LB_GET_HEALTHY_HOST_WEIGHT.check()
}
