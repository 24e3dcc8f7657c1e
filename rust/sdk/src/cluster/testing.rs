//! Fakes of the cluster's Envoy handles for unit tests.

use super::{ClusterScheduler, EnvoyCluster, EnvoyClusterConfig, EnvoyClusterLb, HostId};
use std::sync::{Arc, Mutex};

/// The cluster's main-thread side: the hosts it holds and the events committed.
#[derive(Debug, Default)]
pub struct FakeCluster {
    /// (host, address, weight) of every host in the cluster.
    pub hosts: Vec<(HostId, String, u32)>,
    /// Refuse the next add_hosts (as Envoy does for a bad address).
    pub refuse_add: bool,
    /// Every event committed through a scheduler made here.
    pub committed: Arc<Mutex<Vec<u64>>>,
    next: usize,
}

impl EnvoyCluster for FakeCluster {
    fn add_hosts(&mut self, hosts: &[(String, u32)]) -> Option<Vec<HostId>> {
        if std::mem::take(&mut self.refuse_add) {
            return None;
        }
        let mut made = Vec::new();
        for (address, weight) in hosts {
            self.next += 1;
            let id = HostId(self.next);
            self.hosts.push((id, address.clone(), *weight));
            made.push(id);
        }
        Some(made)
    }

    fn remove_hosts(&mut self, hosts: &[HostId]) -> usize {
        let before = self.hosts.len();
        self.hosts.retain(|(id, _, _)| !hosts.contains(id));
        before - self.hosts.len()
    }

    fn scheduler(&mut self) -> Box<dyn ClusterScheduler> {
        Box::new(FakeScheduler(self.committed.clone()))
    }
}

struct FakeScheduler(Arc<Mutex<Vec<u64>>>);

impl ClusterScheduler for FakeScheduler {
    fn commit(&self, event_id: u64) {
        self.0.lock().unwrap().push(event_id);
    }
}

/// One worker's view: its healthy hosts and their weights.
#[derive(Debug, Default, Clone)]
pub struct FakeClusterLb {
    pub healthy: Vec<(HostId, u32)>,
}

impl FakeClusterLb {
    pub fn with_hosts(hosts: &[(HostId, u32)]) -> Self {
        Self {
            healthy: hosts.to_vec(),
        }
    }
}

impl EnvoyClusterLb for FakeClusterLb {
    fn healthy_host_count(&self) -> usize {
        self.healthy.len()
    }
    fn healthy_host(&self, index: usize) -> Option<(HostId, u32)> {
        self.healthy.get(index).copied()
    }
}

/// A cluster configuration being created.
#[derive(Debug, Default)]
pub struct FakeClusterConfig;

impl EnvoyClusterConfig for FakeClusterConfig {}
