//! A fake of the health checker's Envoy handle for unit tests: one host (its
//! address, health and endpoint metadata), and the reports its checks made,
//! from any thread.

use super::{EnvoyHealthChecker, EnvoyHealthCheckerConfig, HealthReporter, HostHealth};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The reports of one fake host, shared with its reporters.
#[derive(Debug, Default)]
struct Reports {
    made: Mutex<Vec<HostHealth>>,
    arrived: Condvar,
}

#[derive(Debug, Clone)]
pub enum MetadataValue {
    String(String),
    Number(f64),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub struct FakeHealthChecker {
    pub address: Option<String>,
    pub health: HostHealth,
    /// (filter, key, value)
    pub metadata: Vec<(String, String, MetadataValue)>,
    reports: Arc<Reports>,
}

impl FakeHealthChecker {
    /// A healthy host at `address`, without metadata.
    pub fn at(address: &str) -> Self {
        Self {
            address: Some(address.to_string()),
            health: HostHealth::Healthy,
            metadata: Vec::new(),
            reports: Arc::default(),
        }
    }

    pub fn metadata_bool(mut self, filter: &str, key: &str, value: bool) -> Self {
        self.metadata
            .push((filter.into(), key.into(), MetadataValue::Bool(value)));
        self
    }

    pub fn metadata_string(mut self, filter: &str, key: &str, value: &str) -> Self {
        self.metadata.push((
            filter.into(),
            key.into(),
            MetadataValue::String(value.into()),
        ));
        self
    }

    /// Every report so far, in order.
    pub fn reports(&self) -> Vec<HostHealth> {
        self.reports
            .made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until `n` reports arrived (from any thread), at most `limit`.
    pub fn wait_reports(&self, n: usize, limit: Duration) -> Vec<HostHealth> {
        let deadline = Instant::now() + limit;
        let mut made = self.reports.made.lock().unwrap_or_else(|e| e.into_inner());
        while made.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            made = self
                .reports
                .arrived
                .wait_timeout(made, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        made.clone()
    }

    fn find(&self, filter: &str, key: &str) -> Option<&MetadataValue> {
        self.metadata
            .iter()
            .find(|(f, k, _)| f == filter && k == key)
            .map(|(_, _, v)| v)
    }
}

/// A fake reporter: records into its host's reports.
#[derive(Debug)]
pub struct FakeReporter(Arc<Reports>);

impl HealthReporter for FakeReporter {
    fn report(&self, health: HostHealth) {
        self.0
            .made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(health);
        self.0.arrived.notify_all();
    }
}

impl EnvoyHealthChecker for FakeHealthChecker {
    type Reporter = FakeReporter;

    fn host_address(&self) -> Option<&str> {
        self.address.as_deref()
    }
    fn host_health(&self) -> HostHealth {
        self.health
    }
    fn host_metadata_string(&self, filter: &str, key: &str) -> Option<&[u8]> {
        match self.find(filter, key)? {
            MetadataValue::String(s) => Some(s.as_bytes()),
            _ => None,
        }
    }
    fn host_metadata_number(&self, filter: &str, key: &str) -> Option<f64> {
        match self.find(filter, key)? {
            MetadataValue::Number(n) => Some(*n),
            _ => None,
        }
    }
    fn host_metadata_bool(&self, filter: &str, key: &str) -> Option<bool> {
        match self.find(filter, key)? {
            MetadataValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn reporter(&mut self) -> FakeReporter {
        FakeReporter(self.reports.clone())
    }
}

/// A health checker configuration being created.
#[derive(Debug, Default)]
pub struct FakeHealthCheckerConfig;

impl EnvoyHealthCheckerConfig for FakeHealthCheckerConfig {}
