//! A fake connection for unit tests of network filters: the read and write
//! buffers, what the filter wrote and whether it closed, in plain collections.

use crate::network::{CloseType, EnvoyNetworkFilter, EnvoyNetworkFilterConfig};
use crate::MetricId;
use std::collections::HashMap;

/// One connection's worth of Envoy state.
#[derive(Debug, Default)]
pub struct FakeConnection {
    /// The read buffer, as slices (Envoy hands buffers out in slices).
    pub read_buffer: Vec<Vec<u8>>,
    /// The write buffer, as slices.
    pub write_buffer: Vec<Vec<u8>>,
    /// Everything the filter wrote with `write`, in order.
    pub written: Vec<u8>,
    /// Whether a `write` asked to half-close.
    pub write_end_stream: bool,
    /// The first close the filter asked for.
    pub closed: Option<(CloseType, String)>,
    pub continued_reading: usize,
    pub half_close: bool,
    /// Reads disabled minus reads enabled.
    pub read_disabled: i64,
    pub connection_id: u64,
    pub remote: Option<(String, u32)>,
    /// Counter and gauge values by metric id (`MetricId.0`).
    pub counters: HashMap<usize, u64>,
    pub gauges: HashMap<usize, i64>,
}

impl FakeConnection {
    /// A connection from 127.0.0.1:40000 with connection id 1.
    pub fn new() -> Self {
        Self {
            connection_id: 1,
            remote: Some(("127.0.0.1".into(), 40000)),
            ..Self::default()
        }
    }

    /// Puts `data` in the read buffer as one more slice; returns its total size.
    pub fn receive(&mut self, data: &[u8]) -> usize {
        if !data.is_empty() {
            self.read_buffer.push(data.to_vec());
        }
        self.read_buffer_size()
    }

    /// Puts `data` in the write buffer as one more slice; returns its total size.
    pub fn send(&mut self, data: &[u8]) -> usize {
        if !data.is_empty() {
            self.write_buffer.push(data.to_vec());
        }
        self.write_buffer_size()
    }

    /// The read buffer as one byte string (what the next filter would get).
    pub fn read_bytes(&self) -> Vec<u8> {
        self.read_buffer.concat()
    }

    /// The write buffer as one byte string (what the downstream would get).
    pub fn write_bytes(&self) -> Vec<u8> {
        self.write_buffer.concat()
    }

    /// Moves the read buffer on, as tcp_proxy does after a Continue.
    pub fn take_read(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.read_buffer).concat()
    }

    /// Moves the write buffer out, as the socket does.
    pub fn take_write(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.write_buffer).concat()
    }
}

fn drain(buffer: &mut Vec<Vec<u8>>, mut n: usize) -> bool {
    let total: usize = buffer.iter().map(Vec::len).sum();
    if n > total {
        return false;
    }
    while n > 0 {
        let first = &mut buffer[0];
        if first.len() <= n {
            n -= first.len();
            buffer.remove(0);
        } else {
            first.drain(..n);
            n = 0;
        }
    }
    true
}

impl EnvoyNetworkFilter for FakeConnection {
    fn read_buffer_chunks(&self) -> Vec<&[u8]> {
        self.read_buffer.iter().map(Vec::as_slice).collect()
    }

    fn read_buffer_size(&self) -> usize {
        self.read_buffer.iter().map(Vec::len).sum()
    }

    fn drain_read_buffer(&mut self, n: usize) -> bool {
        drain(&mut self.read_buffer, n)
    }

    fn append_read_buffer(&mut self, data: &[u8]) -> bool {
        self.receive(data);
        true
    }

    fn write_buffer_chunks(&self) -> Vec<&[u8]> {
        self.write_buffer.iter().map(Vec::as_slice).collect()
    }

    fn write_buffer_size(&self) -> usize {
        self.write_buffer.iter().map(Vec::len).sum()
    }

    fn drain_write_buffer(&mut self, n: usize) -> bool {
        drain(&mut self.write_buffer, n)
    }

    fn append_write_buffer(&mut self, data: &[u8]) -> bool {
        self.send(data);
        true
    }

    fn write(&mut self, data: &[u8], end_stream: bool) {
        self.written.extend_from_slice(data);
        self.write_end_stream |= end_stream;
    }

    fn continue_reading(&mut self) {
        self.continued_reading += 1;
    }

    fn close(&mut self, how: CloseType, details: &str) {
        self.closed.get_or_insert((how, details.to_string()));
    }

    fn connection_id(&self) -> u64 {
        self.connection_id
    }

    fn remote_address(&self) -> Option<(String, u32)> {
        self.remote.clone()
    }

    fn enable_half_close(&mut self, enabled: bool) {
        self.half_close = enabled;
    }

    fn read_disable(&mut self, disable: bool) {
        self.read_disabled += if disable { 1 } else { -1 };
    }

    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        *self.counters.entry(id.0).or_default() += value;
        true
    }

    fn increment_gauge(&mut self, id: MetricId, value: u64) -> bool {
        *self.gauges.entry(id.0).or_default() += value as i64;
        true
    }

    fn decrement_gauge(&mut self, id: MetricId, value: u64) -> bool {
        *self.gauges.entry(id.0).or_default() -= value as i64;
        true
    }
}

/// A network configuration handle that hands out metric ids in order.
#[derive(Debug, Default)]
pub struct FakeNetworkConfig {
    /// Every metric defined, by name, in order (the id is the index).
    pub defined: Vec<String>,
}

impl FakeNetworkConfig {
    /// The id of the metric defined under `name`.
    pub fn id(&self, name: &str) -> Option<MetricId> {
        self.defined.iter().position(|n| n == name).map(MetricId)
    }
}

impl EnvoyNetworkFilterConfig for FakeNetworkConfig {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        self.defined.push(name.to_string());
        Ok(MetricId(self.defined.len() - 1))
    }

    fn define_gauge(&mut self, name: &str) -> Result<MetricId, String> {
        self.define_counter(name)
    }
}
