//! A fake of the stats sink's Envoy handles for unit tests.

use super::{EnvoyStatSinkConfig, EnvoyStatSinkSnapshot};

/// One flush's metrics, in order.
#[derive(Debug, Default, Clone)]
pub struct FakeSnapshot {
    /// (name, value, delta)
    pub counters: Vec<(String, u64, u64)>,
    /// (name, value)
    pub gauges: Vec<(String, u64)>,
    /// (name, sample count, sum)
    pub histograms: Vec<(String, u64, f64)>,
}

impl EnvoyStatSinkSnapshot for FakeSnapshot {
    fn counters(&self, f: &mut dyn FnMut(&[u8], u64, u64)) {
        for (name, value, delta) in &self.counters {
            f(name.as_bytes(), *value, *delta);
        }
    }
    fn gauges(&self, f: &mut dyn FnMut(&[u8], u64)) {
        for (name, value) in &self.gauges {
            f(name.as_bytes(), *value);
        }
    }
    fn histograms(&self, f: &mut dyn FnMut(&[u8], u64, f64)) {
        for (name, count, sum) in &self.histograms {
            f(name.as_bytes(), *count, *sum);
        }
    }
}

/// A stats sink configuration being created.
#[derive(Debug, Default)]
pub struct FakeStatSinkConfig;

impl EnvoyStatSinkConfig for FakeStatSinkConfig {}
