//! `cluster_file_hosts`: a cluster whose hosts are those of a JSON file
//! (see [`hosts_file`]), re-read while Envoy serves: hosts added, removed or
//! re-weighted in the file are added, removed or re-weighted in the cluster
//! within one poll interval. A file that is empty or invalid changes nothing:
//! the cluster keeps its hosts and logs one line per bad version of the file.
//!
//! Its load balancer is a smooth weighted round robin over the worker's
//! healthy hosts: over any run of requests, each host gets its weight's share,
//! evenly spread.
//!
//! Config: `{"path": "hosts.json", "poll_ms": 200}` (`poll_ms` 20 to 60000,
//! default 200). A relative path is Envoy's working directory's.

pub mod hosts_file;

use envoy_dm_sdk::cluster::{
    Cluster, ClusterConfig, ClusterLb, ClusterScheduler, EnvoyCluster, EnvoyClusterConfig,
    EnvoyClusterLb, HostId,
};
use envoy_dm_sdk::{BoxError, LogLevel};
use hosts_file::Hosts;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The only event the poller commits: "look at the file".
const POLL: u64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    path: String,
    #[serde(default = "default_poll_ms")]
    poll_ms: u64,
}

fn default_poll_ms() -> u64 {
    200
}

pub struct FileHostsConfig {
    path: PathBuf,
    poll: Duration,
}

impl FileHostsConfig {
    pub fn new(_envoy: &mut impl EnvoyClusterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        if settings.path.is_empty() {
            return Err("path must name the hosts file".into());
        }
        if !(20..=60_000).contains(&settings.poll_ms) {
            return Err(format!("poll_ms must be 20 to 60000, got {}", settings.poll_ms).into());
        }
        Ok(Self {
            path: settings.path.into(),
            poll: Duration::from_millis(settings.poll_ms),
        })
    }
}

impl ClusterConfig for FileHostsConfig {
    fn new_cluster(&self) -> Box<dyn Cluster> {
        Box::new(FileHosts {
            path: self.path.clone(),
            poll: self.poll,
            hosts: BTreeMap::new(),
            last_seen: None,
            poller: None,
        })
    }
}

pub struct FileHosts {
    path: PathBuf,
    poll: Duration,
    /// The cluster's hosts: address to (Envoy's host, weight).
    hosts: BTreeMap<String, (HostId, u32)>,
    /// The file's bytes last looked at, good or bad: a bad version is logged once.
    last_seen: Option<Vec<u8>>,
    poller: Option<Poller>,
}

impl FileHosts {
    /// Reads the file; when it changed, applies it (or logs why not).
    fn refresh(&mut self, envoy: &mut dyn EnvoyCluster) {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) => format!("unreadable: {e}").into_bytes(),
        };
        if self.last_seen.as_deref() == Some(&bytes) {
            return;
        }
        let parsed = hosts_file::parse(&bytes);
        self.last_seen = Some(bytes);
        match parsed {
            Ok(hosts) => self.apply(envoy, hosts),
            Err(why) => envoy_dm_sdk::log::log(
                LogLevel::Warn,
                &format!(
                    "cluster_file_hosts: {}: {why}; keeping the {} hosts it had",
                    self.path.display(),
                    self.hosts.len()
                ),
            ),
        }
    }

    /// Makes the cluster's hosts those of `want`: new addresses are added
    /// first, then the hosts that went or changed weight are removed, then
    /// the re-weighted ones come back with their new weight (Envoy knows a
    /// host by its address: the old one must go before its successor comes).
    /// Hosts the file keeps as they were are never touched.
    fn apply(&mut self, envoy: &mut dyn EnvoyCluster, want: Hosts) {
        let new: Vec<(String, u32)> = want
            .iter()
            .filter(|(a, _)| !self.hosts.contains_key(*a))
            .map(|(a, w)| (a.clone(), *w))
            .collect();
        let reweighted: Vec<(String, u32)> = want
            .iter()
            .filter(|(a, w)| self.hosts.get(*a).is_some_and(|(_, have)| have != *w))
            .map(|(a, w)| (a.clone(), *w))
            .collect();
        let gone: Vec<String> = self
            .hosts
            .iter()
            .filter(|(a, (_, w))| want.get(*a) != Some(w))
            .map(|(a, _)| a.clone())
            .collect();
        if !self.add(envoy, new) {
            return;
        }
        let removed: Vec<HostId> = gone
            .iter()
            .filter_map(|a| self.hosts.remove(a))
            .map(|(h, _)| h)
            .collect();
        envoy.remove_hosts(&removed);
        self.add(envoy, reweighted);
        envoy_dm_sdk::log::log(
            LogLevel::Info,
            &format!(
                "cluster_file_hosts: {}: {} hosts",
                self.path.display(),
                self.hosts.len()
            ),
        );
    }

    /// Adds hosts in one update and remembers them; false (logged) when Envoy refuses.
    fn add(&mut self, envoy: &mut dyn EnvoyCluster, hosts: Vec<(String, u32)>) -> bool {
        let Some(added) = envoy.add_hosts(&hosts) else {
            envoy_dm_sdk::log::log(
                LogLevel::Warn,
                &format!(
                    "cluster_file_hosts: {}: Envoy refused the new hosts",
                    self.path.display()
                ),
            );
            return false;
        };
        for ((address, weight), host) in hosts.into_iter().zip(added) {
            self.hosts.insert(address, (host, weight));
        }
        true
    }
}

impl Cluster for FileHosts {
    fn init(&mut self, envoy: &mut dyn EnvoyCluster) {
        self.refresh(envoy);
        self.poller = Some(Poller::start(envoy.scheduler(), self.poll));
    }

    fn scheduled(&mut self, envoy: &mut dyn EnvoyCluster, event_id: u64) {
        if event_id == POLL {
            self.refresh(envoy);
        }
    }

    fn new_load_balancer(&self) -> Box<dyn ClusterLb> {
        Box::new(SmoothWeighted::default())
    }
}

/// A thread that asks the main thread to look at the file every interval,
/// stopped (and joined) with the cluster.
struct Poller {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Poller {
    fn start(scheduler: Box<dyn ClusterScheduler>, every: Duration) -> Self {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("file-hosts".into())
            .spawn(move || {
                let (stopped, wake) = &*flag;
                let mut stopped = stopped.lock().unwrap_or_else(|e| e.into_inner());
                while !*stopped {
                    let (guard, timeout) = wake
                        .wait_timeout(stopped, every)
                        .unwrap_or_else(|e| e.into_inner());
                    stopped = guard;
                    if timeout.timed_out() && !*stopped {
                        scheduler.commit(POLL);
                    }
                }
            })
            .ok();
        Self { stop, thread }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Smooth weighted round robin (as nginx does it): every pick adds each
/// host's weight to its credit, takes the host with the most, and charges it
/// the total. Per worker; reset when the host set changes.
#[derive(Default)]
pub struct SmoothWeighted {
    credit: HashMap<HostId, i64>,
}

impl ClusterLb for SmoothWeighted {
    fn choose_host(&mut self, envoy: &mut dyn EnvoyClusterLb) -> Option<HostId> {
        let mut total = 0i64;
        let mut best: Option<(HostId, i64)> = None;
        for i in 0..envoy.healthy_host_count() {
            let Some((host, weight)) = envoy.healthy_host(i) else {
                break;
            };
            let weight = i64::from(weight.max(1));
            total += weight;
            let credit = self.credit.entry(host).or_insert(0);
            *credit += weight;
            if best.is_none_or(|(_, c)| *credit > c) {
                best = Some((host, *credit));
            }
        }
        let (host, _) = best?;
        *self.credit.entry(host).or_insert(0) -= total;
        Some(host)
    }

    fn host_membership_update(&mut self, _: &mut dyn EnvoyClusterLb, _: usize, _: usize) {
        self.credit.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::cluster::testing::{FakeCluster, FakeClusterConfig, FakeClusterLb};

    fn cluster(path: &std::path::Path) -> Box<dyn Cluster> {
        let config = format!(
            r#"{{"path": {:?}, "poll_ms": 1000}}"#,
            path.to_str().unwrap()
        );
        FileHostsConfig::new(&mut FakeClusterConfig, config.as_bytes())
            .unwrap()
            .new_cluster()
    }

    fn addresses(envoy: &FakeCluster) -> Vec<(String, u32)> {
        let mut all: Vec<_> = envoy
            .hosts
            .iter()
            .map(|(_, a, w)| (a.clone(), *w))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn follows_the_file_and_keeps_hosts_through_a_bad_one() {
        envoy_dm_sdk::log::take_logs();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("hosts.json");
        std::fs::write(
            &path,
            r#"{"hosts": [{"address": "127.0.0.1:1"}, {"address": "127.0.0.1:2"}]}"#,
        )
        .unwrap();
        let mut c = cluster(&path);
        let mut envoy = FakeCluster::default();
        c.init(&mut envoy);
        assert_eq!(
            addresses(&envoy),
            [("127.0.0.1:1".into(), 1), ("127.0.0.1:2".into(), 1)]
        );
        // One removed, one re-weighted, one added.
        std::fs::write(
            &path,
            r#"{"hosts": [{"address": "127.0.0.1:2", "weight": 5}, {"address": "127.0.0.1:3"}]}"#,
        )
        .unwrap();
        c.scheduled(&mut envoy, POLL);
        assert_eq!(
            addresses(&envoy),
            [("127.0.0.1:2".into(), 5), ("127.0.0.1:3".into(), 1)]
        );
        envoy_dm_sdk::log::take_logs();
        // Empty, then invalid: the hosts stay; one line per bad version.
        for bad in ["", "{\"hosts\": [", "{\"hosts\": ["] {
            std::fs::write(&path, bad).unwrap();
            c.scheduled(&mut envoy, POLL);
            assert_eq!(envoy.hosts.len(), 2);
        }
        let logs = envoy_dm_sdk::log::take_logs();
        assert_eq!(logs.len(), 2, "{logs:?}");
        assert!(
            logs[0].1.contains("the file is empty; keeping the 2 hosts"),
            "{logs:?}"
        );
        drop(c);
    }

    #[test]
    fn bad_configs_are_refused() {
        for (config, why) in [
            ("{}", "missing field `path`"),
            (r#"{"path": ""}"#, "path must name"),
            (
                r#"{"path": "h.json", "poll_ms": 5}"#,
                "poll_ms must be 20 to 60000, got 5",
            ),
            (r#"{"path": "h.json", "every": 5}"#, "unknown field `every`"),
        ] {
            let error = FileHostsConfig::new(&mut FakeClusterConfig, config.as_bytes())
                .err()
                .unwrap();
            assert!(error.to_string().contains(why), "{config}: {error}");
        }
    }

    #[test]
    fn smooth_weighted_shares_by_weight() {
        let mut lb = SmoothWeighted::default();
        let mut envoy = FakeClusterLb::with_hosts(&[(HostId(1), 3), (HostId(2), 1)]);
        let picks: Vec<_> = (0..8)
            .map(|_| lb.choose_host(&mut envoy).unwrap().0)
            .collect();
        assert_eq!(picks.iter().filter(|h| **h == 1).count(), 6);
        assert_eq!(picks.iter().filter(|h| **h == 2).count(), 2);
        assert_eq!(lb.choose_host(&mut FakeClusterLb::default()), None);
    }
}
