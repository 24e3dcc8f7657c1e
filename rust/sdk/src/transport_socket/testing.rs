//! A fake of the transport socket's Envoy handle for unit tests: a kernel
//! socket as two byte queues (what the peer sent, what was written), Envoy's
//! read and write buffers, and the events raised.

use super::{ConnectionEvent, EnvoyTransportSocket, EnvoyTransportSocketConfig, IoError};
use std::collections::VecDeque;

#[derive(Debug, Default, Clone)]
pub struct FakeTransportSocket {
    /// Bytes the peer sent, not yet read by the socket.
    pub wire_in: VecDeque<u8>,
    /// The peer ended its side once `wire_in` is read.
    pub peer_closed: bool,
    /// Most bytes one io_read hands over (0: no limit).
    pub read_chunk: usize,
    /// Most bytes the kernel takes before io_write answers Again (None: no limit).
    pub write_room: Option<usize>,
    /// Bytes the socket wrote to the kernel.
    pub wire_out: Vec<u8>,
    /// The socket shut its writing side.
    pub shut_down_write: bool,
    /// Envoy's read buffer: plaintext the socket handed over.
    pub read_buffer: Vec<u8>,
    /// Envoy's write buffer: plaintext waiting to be written.
    pub write_buffer: VecDeque<u8>,
    /// Events the socket raised.
    pub events: Vec<ConnectionEvent>,
    /// set_is_readable calls.
    pub readable_requests: usize,
    /// What should_drain_read_buffer answers.
    pub drain_read_buffer: bool,
}

impl EnvoyTransportSocket for FakeTransportSocket {
    fn io_read(&mut self, buffer: &mut [u8]) -> Result<usize, IoError> {
        if self.wire_in.is_empty() {
            return if self.peer_closed {
                Ok(0)
            } else {
                Err(IoError::Again)
            };
        }
        let mut n = buffer.len().min(self.wire_in.len());
        if self.read_chunk > 0 {
            n = n.min(self.read_chunk);
        }
        for (slot, byte) in buffer.iter_mut().zip(self.wire_in.drain(..n)) {
            *slot = byte;
        }
        Ok(n)
    }
    fn io_write(&mut self, data: &[u8]) -> Result<usize, IoError> {
        let n = match self.write_room {
            Some(0) => return Err(IoError::Again),
            Some(room) => data.len().min(room),
            None => data.len(),
        };
        if let Some(room) = self.write_room.as_mut() {
            *room -= n;
        }
        self.wire_out.extend_from_slice(&data[..n]);
        Ok(n)
    }
    fn io_shutdown_write(&mut self) {
        self.shut_down_write = true;
    }
    fn read_buffer_add(&mut self, data: &[u8]) {
        self.read_buffer.extend_from_slice(data);
    }
    fn write_buffer_length(&self) -> usize {
        self.write_buffer.len()
    }
    fn write_buffer_copy(&self, out: &mut Vec<u8>, max: usize) {
        out.clear();
        out.extend(self.write_buffer.iter().take(max));
    }
    fn write_buffer_drain(&mut self, length: usize) {
        let n = length.min(self.write_buffer.len());
        self.write_buffer.drain(..n);
    }
    fn raise_event(&mut self, event: ConnectionEvent) {
        self.events.push(event);
    }
    fn should_drain_read_buffer(&self) -> bool {
        self.drain_read_buffer
    }
    fn set_is_readable(&mut self) {
        self.readable_requests += 1;
    }
    fn remote_address(&self) -> Option<(String, u32)> {
        Some(("127.0.0.1".to_string(), 40000))
    }
    fn connection_id(&self) -> Option<u64> {
        Some(1)
    }
}

/// The fake factory handle: upstream or downstream.
#[derive(Debug, Default)]
pub struct FakeTransportSocketConfig {
    pub is_upstream: bool,
}

impl EnvoyTransportSocketConfig for FakeTransportSocketConfig {
    fn is_upstream(&self) -> bool {
        self.is_upstream
    }
}
