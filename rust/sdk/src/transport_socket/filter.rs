//! The traits a transport socket implements: a configuration shared by every
//! worker, and one socket per connection.

use super::EnvoyTransportSocket;
use crate::abi;

/// What happened to the connection (Envoy's `ConnectionEvent`).
pub type ConnectionEvent = abi::network::envoy_dynamic_module_type_network_connection_event;

/// What Envoy does with the connection after a read or a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostIoAction {
    KeepOpen,
    /// Close the connection (the socket's failure reason says why).
    Close,
}

/// The result of one do_read or do_write: plaintext bytes put into (read) or
/// taken from (write) Envoy's buffer, and whether the peer ended its side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoResult {
    pub action: PostIoAction,
    pub bytes_processed: u64,
    pub end_stream_read: bool,
}

impl IoResult {
    /// Keep going, having moved `bytes` plaintext bytes.
    pub fn keep_open(bytes: u64) -> Self {
        Self {
            action: PostIoAction::KeepOpen,
            bytes_processed: bytes,
            end_stream_read: false,
        }
    }
    /// Close the connection, having moved `bytes` plaintext bytes.
    pub fn close(bytes: u64) -> Self {
        Self {
            action: PostIoAction::Close,
            bytes_processed: bytes,
            end_stream_read: false,
        }
    }
}

/// One configured transport socket (a filter chain's or a cluster's), shared
/// by every worker.
pub trait TransportSocketConfig<E: EnvoyTransportSocket>: Send + Sync {
    /// The socket of one new connection, on its worker.
    fn new_transport_socket(&self, envoy: &mut E) -> Box<dyn TransportSocket<E>>;
}

/// One connection's socket. Envoy calls it on the connection's worker only.
pub trait TransportSocket<E: EnvoyTransportSocket> {
    /// The connection is wired to the socket; no I/O yet.
    fn set_callbacks(&mut self, _envoy: &mut E) {}
    /// The TCP connection is up. The default raises `Connected` at once (a
    /// socket with a handshake of its own raises it when that is done).
    fn on_connected(&mut self, envoy: &mut E) {
        envoy.raise_event(ConnectionEvent::Connected);
    }
    /// The kernel socket is readable: read it, add plaintext to Envoy's read
    /// buffer.
    fn do_read(&mut self, envoy: &mut E) -> IoResult;
    /// Envoy's write buffer has bytes (`write_buffer_length`), or the socket
    /// is writable again: write what it can, drain what it took; `end_stream`
    /// asks for a half close once all is written.
    fn do_write(&mut self, envoy: &mut E, end_stream: bool) -> IoResult;
    /// The connection is closing.
    fn on_close(&mut self, _envoy: &mut E, _event: ConnectionEvent) {}
    /// The negotiated protocol (ALPN), empty for none.
    fn protocol(&self) -> &str {
        ""
    }
    /// Why the socket failed, empty for no failure.
    fn failure_reason(&self) -> &str {
        ""
    }
    /// Whether a close may first flush what is buffered.
    fn can_flush_close(&self) -> bool {
        true
    }
    /// A filter asks for a secure transport; false refuses.
    fn start_secure_transport(&mut self, _envoy: &mut E) -> bool {
        false
    }
}
