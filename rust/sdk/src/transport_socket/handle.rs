//! What a transport socket may ask of Envoy: the kernel socket's raw I/O,
//! Envoy's read and write buffers, connection events and addresses. Every
//! callback of this kind is `@since` (1.37 has no such kind, 1.38 other
//! callbacks), so the handles call them through [`crate::since`], never
//! linked; a config checks the ones it needs ([`REQUIRED`]) and is refused on
//! an Envoy without them.

use super::ConnectionEvent;
use crate::abi;
use crate::ffi::envoy_bytes;
use crate::since::{self, call, MissingCallback};

/// Why a raw socket call moved nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoError {
    /// The socket would block: wait for the next readable/writable event.
    Again,
    /// Any other failure: the connection is done.
    Error,
}

/// Envoy as seen by one connection's socket. The real implementation is
/// [`EnvoyTransportSocketHandle`]; unit tests use
/// `testing::FakeTransportSocket`.
pub trait EnvoyTransportSocket {
    /// Reads from the kernel socket into `buffer`: the count, 0 meaning the
    /// peer's end of stream.
    fn io_read(&mut self, buffer: &mut [u8]) -> Result<usize, IoError>;
    /// Writes `data` to the kernel socket: how many bytes it took.
    fn io_write(&mut self, data: &[u8]) -> Result<usize, IoError>;
    /// Half-closes the kernel socket (the peer reads its end of stream).
    fn io_shutdown_write(&mut self);
    /// Appends plaintext to Envoy's read buffer (during do_read).
    fn read_buffer_add(&mut self, data: &[u8]);
    /// Bytes in Envoy's write buffer (during do_write).
    fn write_buffer_length(&self) -> usize;
    /// Copies up to `max` bytes from the front of Envoy's write buffer into
    /// `out` (cleared first), without draining them.
    fn write_buffer_copy(&self, out: &mut Vec<u8>, max: usize);
    /// Drops `length` bytes from the front of Envoy's write buffer.
    fn write_buffer_drain(&mut self, length: usize);
    /// Raises a connection event (`Connected` when the socket is ready).
    fn raise_event(&mut self, event: ConnectionEvent);
    /// True when Envoy's read buffer is over its limit: stop reading.
    fn should_drain_read_buffer(&self) -> bool;
    /// Asks for another do_read without new bytes on the kernel socket.
    fn set_is_readable(&mut self);
    /// The peer's IP and port, when it has them.
    fn remote_address(&self) -> Option<(String, u32)>;
    /// The connection's id, as in Envoy's logs (1.40 and later).
    fn connection_id(&self) -> Option<u64>;
}

/// Envoy as seen while a factory configuration is created.
pub trait EnvoyTransportSocketConfig {
    /// True for a cluster's socket (Envoy connects), false for a filter
    /// chain's (Envoy accepts).
    fn is_upstream(&self) -> bool;
}

/// The callbacks a socket cannot work without; a config checks them so that
/// an Envoy lacking one refuses the config instead of failing connections.
pub fn required() -> Result<(), MissingCallback> {
    since::TRANSPORT_SOCKET_IO_READ.check()?;
    since::TRANSPORT_SOCKET_IO_WRITE.check()?;
    since::TRANSPORT_SOCKET_IO_SHUTDOWN_WRITE.check()?;
    since::TRANSPORT_SOCKET_READ_BUFFER_ADD.check()?;
    since::TRANSPORT_SOCKET_WRITE_BUFFER_LENGTH.check()?;
    since::TRANSPORT_SOCKET_WRITE_BUFFER_GET_SLICES.check()?;
    since::TRANSPORT_SOCKET_WRITE_BUFFER_DRAIN.check()?;
    since::TRANSPORT_SOCKET_RAISE_EVENT.check()?;
    since::TRANSPORT_SOCKET_SHOULD_DRAIN_READ_BUFFER.check()?;
    since::TRANSPORT_SOCKET_SET_IS_READABLE.check()
}

/// The real handle, wrapping the socket's `transport_socket_envoy_ptr`.
pub struct EnvoyTransportSocketHandle {
    raw: abi::envoy_dynamic_module_type_transport_socket_envoy_ptr,
}

impl EnvoyTransportSocketHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_transport_socket_envoy_ptr) -> Self {
        Self { raw }
    }
}

fn status(
    status: abi::envoy_dynamic_module_type_transport_socket_io_status,
    count: usize,
) -> Result<usize, IoError> {
    use abi::envoy_dynamic_module_type_transport_socket_io_status as S;
    match status {
        S::Ok => Ok(count),
        S::Again => Err(IoError::Again),
        S::Error => Err(IoError::Error),
    }
}

impl EnvoyTransportSocket for EnvoyTransportSocketHandle {
    fn io_read(&mut self, buffer: &mut [u8]) -> Result<usize, IoError> {
        let mut count = 0usize;
        // SAFETY: the pointer is live during the hook; Envoy writes at most
        // `buffer.len()` bytes into our buffer and the count into `count`.
        let s = unsafe {
            call::envoy_dynamic_module_callback_transport_socket_io_read(
                self.raw,
                buffer.as_mut_ptr() as *mut core::ffi::c_char,
                buffer.len(),
                &mut count,
            )
        };
        status(s, count.min(buffer.len()))
    }

    fn io_write(&mut self, data: &[u8]) -> Result<usize, IoError> {
        let mut count = 0usize;
        // SAFETY: as io_read; Envoy only reads `data`.
        let s = unsafe {
            call::envoy_dynamic_module_callback_transport_socket_io_write(
                self.raw,
                data.as_ptr() as *const core::ffi::c_char,
                data.len(),
                &mut count,
            )
        };
        status(s, count.min(data.len()))
    }

    fn io_shutdown_write(&mut self) {
        // SAFETY: the pointer is live during the hook.
        unsafe { call::envoy_dynamic_module_callback_transport_socket_io_shutdown_write(self.raw) }
    }

    fn read_buffer_add(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        // SAFETY: as io_write; Envoy copies the bytes.
        unsafe {
            call::envoy_dynamic_module_callback_transport_socket_read_buffer_add(
                self.raw,
                data.as_ptr() as *const core::ffi::c_char,
                data.len(),
            )
        }
    }

    fn write_buffer_length(&self) -> usize {
        // SAFETY: the pointer is live during the hook.
        unsafe {
            call::envoy_dynamic_module_callback_transport_socket_write_buffer_length(self.raw)
        }
    }

    fn write_buffer_copy(&self, out: &mut Vec<u8>, max: usize) {
        out.clear();
        let mut count = 0usize;
        // SAFETY: NULL slices asks for their number only.
        unsafe {
            call::envoy_dynamic_module_callback_transport_socket_write_buffer_get_slices(
                self.raw,
                core::ptr::null_mut(),
                &mut count,
            )
        };
        if count == 0 {
            return;
        }
        let empty = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        let mut slices = vec![empty; count];
        // SAFETY: room for `count` slices; Envoy fills at most that many and
        // says how many; their bytes stay valid until the buffer is drained.
        unsafe {
            call::envoy_dynamic_module_callback_transport_socket_write_buffer_get_slices(
                self.raw,
                slices.as_mut_ptr(),
                &mut count,
            )
        };
        for slice in slices.iter().take(count) {
            if out.len() >= max {
                break;
            }
            // SAFETY: Envoy's bytes, valid during this hook (see above).
            let bytes = unsafe { envoy_bytes(slice.ptr, slice.length) };
            let take = bytes.len().min(max - out.len());
            out.extend_from_slice(&bytes[..take]);
        }
    }

    fn write_buffer_drain(&mut self, length: usize) {
        // SAFETY: the pointer is live during the hook; Envoy clamps the length.
        unsafe {
            call::envoy_dynamic_module_callback_transport_socket_write_buffer_drain(
                self.raw, length,
            )
        }
    }

    fn raise_event(&mut self, event: ConnectionEvent) {
        // SAFETY: the pointer is live during the hook.
        unsafe { call::envoy_dynamic_module_callback_transport_socket_raise_event(self.raw, event) }
    }

    fn should_drain_read_buffer(&self) -> bool {
        // SAFETY: the pointer is live during the hook.
        unsafe {
            call::envoy_dynamic_module_callback_transport_socket_should_drain_read_buffer(self.raw)
        }
    }

    fn set_is_readable(&mut self) {
        // SAFETY: the pointer is live during the hook.
        unsafe { call::envoy_dynamic_module_callback_transport_socket_set_is_readable(self.raw) }
    }

    fn remote_address(&self) -> Option<(String, u32)> {
        since::TRANSPORT_SOCKET_GET_REMOTE_ADDRESS.get()?;
        let mut out = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        let mut port = 0u32;
        // SAFETY: the pointer is live during the hook; Envoy's bytes stay
        // valid during it and are copied at once.
        unsafe {
            let found = call::envoy_dynamic_module_callback_transport_socket_get_remote_address(
                self.raw, &mut out, &mut port,
            );
            (found && !out.ptr.is_null()).then(|| {
                let ip = String::from_utf8_lossy(envoy_bytes(out.ptr, out.length)).into_owned();
                (ip, port)
            })
        }
    }

    fn connection_id(&self) -> Option<u64> {
        since::TRANSPORT_SOCKET_GET_CONNECTION_ID.get()?;
        let mut id = 0u64;
        // SAFETY: the pointer is live during the hook.
        let found = unsafe {
            call::envoy_dynamic_module_callback_transport_socket_get_connection_id(
                self.raw, &mut id,
            )
        };
        found.then_some(id)
    }
}

/// The real factory handle: what Envoy said about the configuration.
pub struct EnvoyTransportSocketConfigHandle {
    is_upstream: bool,
}

impl EnvoyTransportSocketConfigHandle {
    pub fn new(is_upstream: bool) -> Self {
        Self { is_upstream }
    }
}

impl EnvoyTransportSocketConfig for EnvoyTransportSocketConfigHandle {
    fn is_upstream(&self) -> bool {
        self.is_upstream
    }
}
