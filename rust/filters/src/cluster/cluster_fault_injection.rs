//! `cluster_fault_injection`: a test-only cluster that panics on purpose in
//! one hook, to prove the SDK's barrier through a real Envoy: the panic is
//! logged once and Envoy keeps serving (see docs/CONTRACT.md for what each
//! hook's panic costs).
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config: `{"phase": "<hook>", "hosts": ["ip:port", ...]}`. init adds the
//! first host and commits one scheduled event, which adds the others (so the
//! workers see a membership update). `cluster_lb_new` panics for the first
//! load balancer only, `cluster_lb_choose_host` on every other choice.

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::cluster::{
    Cluster, ClusterConfig, ClusterLb, ClusterScheduler, EnvoyCluster, EnvoyClusterConfig,
    EnvoyClusterLb, HostId,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// The hooks a test may make panic.
pub const PHASES: &[&str] = &[
    "cluster_new",
    "cluster_init",
    "cluster_scheduled",
    "cluster_lb_new",
    "cluster_lb_choose_host",
    "cluster_lb_on_host_membership_update",
    "cluster_server_initialized",
    "cluster_drain_started",
    "cluster_shutdown",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    phase: String,
    hosts: Vec<String>,
}

struct Shared {
    phase: &'static str,
    hosts: Vec<String>,
    first_lb: AtomicBool,
    choices: AtomicU64,
}

impl Shared {
    fn fault(&self, phase: &str) {
        if self.phase == phase {
            panic!("fault injected in {phase}");
        }
    }
}

pub struct ClusterFaultConfig(Arc<Shared>);

impl ClusterFaultConfig {
    pub fn new(_envoy: &mut impl EnvoyClusterConfig, config: &[u8]) -> Result<Self, BoxError> {
        enabled()?;
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        let Some(phase) = PHASES.iter().find(|p| **p == settings.phase) else {
            return Err(format!("phase must be one of {}", PHASES.join(", ")).into());
        };
        if settings.hosts.is_empty() {
            return Err("hosts must name at least one ip:port".into());
        }
        Ok(Self(Arc::new(Shared {
            phase,
            hosts: settings.hosts,
            first_lb: AtomicBool::new(true),
            choices: AtomicU64::new(0),
        })))
    }
}

impl ClusterConfig for ClusterFaultConfig {
    fn new_cluster(&self) -> Box<dyn Cluster> {
        self.0.fault("cluster_new");
        Box::new(ClusterFault {
            shared: self.0.clone(),
            scheduler: None,
        })
    }
}

struct ClusterFault {
    shared: Arc<Shared>,
    scheduler: Option<Box<dyn ClusterScheduler>>,
}

impl Cluster for ClusterFault {
    fn init(&mut self, envoy: &mut dyn EnvoyCluster) {
        envoy.add_hosts(&[(self.shared.hosts[0].clone(), 1)]);
        let scheduler = envoy.scheduler();
        scheduler.commit(1);
        self.scheduler = Some(scheduler);
        self.shared.fault("cluster_init");
    }

    fn scheduled(&mut self, envoy: &mut dyn EnvoyCluster, _event_id: u64) {
        self.shared.fault("cluster_scheduled");
        let rest: Vec<(String, u32)> = self.shared.hosts[1..]
            .iter()
            .map(|h| (h.clone(), 1))
            .collect();
        envoy.add_hosts(&rest);
    }

    fn server_initialized(&mut self, _envoy: &mut dyn EnvoyCluster) {
        self.shared.fault("cluster_server_initialized");
    }

    fn drain_started(&mut self, _envoy: &mut dyn EnvoyCluster) {
        self.shared.fault("cluster_drain_started");
    }

    fn shutdown(&mut self, _envoy: &mut dyn EnvoyCluster) {
        self.shared.fault("cluster_shutdown");
    }

    fn new_load_balancer(&self) -> Box<dyn ClusterLb> {
        if self.shared.first_lb.swap(false, Ordering::Relaxed) {
            self.shared.fault("cluster_lb_new");
        }
        Box::new(FaultLb(self.shared.clone()))
    }
}

struct FaultLb(Arc<Shared>);

impl ClusterLb for FaultLb {
    fn choose_host(&mut self, envoy: &mut dyn EnvoyClusterLb) -> Option<HostId> {
        let n = self.0.choices.fetch_add(1, Ordering::Relaxed);
        if n % 2 == 0 {
            self.0.fault("cluster_lb_choose_host");
        }
        let count = envoy.healthy_host_count();
        (count > 0)
            .then(|| envoy.healthy_host(n as usize % count))
            .flatten()
            .map(|(h, _)| h)
    }

    fn host_membership_update(&mut self, _envoy: &mut dyn EnvoyClusterLb, _: usize, _: usize) {
        self.0.fault("cluster_lb_on_host_membership_update");
    }
}
