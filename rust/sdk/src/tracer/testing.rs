//! A fake of the tracer's Envoy handles for unit tests: one request's trace
//! context, and a configuration whose counters count nothing.

use super::{EnvoyTraceContext, EnvoyTracerConfig, TracerCounter};
use crate::BoxError;

#[derive(Debug, Default, Clone)]
pub struct FakeTraceContext {
    /// The request's headers, lowercase names; what the tracer set lands here.
    pub values: Vec<(String, Vec<u8>)>,
    pub method: Option<Vec<u8>>,
    pub path: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
    pub protocol: Option<Vec<u8>>,
}

impl FakeTraceContext {
    /// The same, with a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.set_value(name, value.as_bytes());
        self
    }
}

impl EnvoyTraceContext for FakeTraceContext {
    fn value(&self, key: &str) -> Option<&[u8]> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
    fn set_value(&mut self, key: &str, value: &[u8]) {
        self.remove_value(key);
        self.values.push((key.to_string(), value.to_vec()));
    }
    fn remove_value(&mut self, key: &str) {
        self.values.retain(|(k, _)| k != key);
    }
    fn protocol(&self) -> Option<&[u8]> {
        self.protocol.as_deref()
    }
    fn host(&self) -> Option<&[u8]> {
        self.host.as_deref()
    }
    fn path(&self) -> Option<&[u8]> {
        self.path.as_deref()
    }
    fn method(&self) -> Option<&[u8]> {
        self.method.as_deref()
    }
}

/// A tracer configuration being created; records the counters defined.
#[derive(Debug, Default)]
pub struct FakeTracerConfig {
    pub counters: Vec<String>,
}

impl EnvoyTracerConfig for FakeTracerConfig {
    fn define_counter(&mut self, name: &str) -> Result<TracerCounter, BoxError> {
        self.counters.push(name.to_string());
        Ok(TracerCounter::detached())
    }
}
