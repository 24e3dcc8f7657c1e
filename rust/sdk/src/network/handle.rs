//! The connection handle: what a network filter may ask of Envoy during one
//! TCP connection.

use crate::abi;
use crate::abi::network as net;
use crate::ffi::{envoy_bytes, module_buffer};
use crate::network::CloseType;
use crate::since;
use crate::MetricId;

/// Envoy as seen from one connection. The real implementation is
/// [`EnvoyNetworkFilterHandle`]; unit tests use `network::testing::FakeConnection`.
///
/// Slices returned here borrow Envoy's buffers: the borrow checker keeps them
/// from outliving the next change, as the ABI requires.
pub trait EnvoyNetworkFilter {
    /// Envoy's own slices of the read buffer (downstream to upstream), in order.
    fn read_buffer_chunks(&self) -> Vec<&[u8]>;
    /// Bytes in the read buffer.
    fn read_buffer_size(&self) -> usize;
    /// Removes `n` bytes from the front of the read buffer.
    fn drain_read_buffer(&mut self, n: usize) -> bool;
    /// Appends bytes to the read buffer (what the next filter will see).
    fn append_read_buffer(&mut self, data: &[u8]) -> bool;

    /// Envoy's own slices of the write buffer (to the downstream), in order.
    fn write_buffer_chunks(&self) -> Vec<&[u8]>;
    /// Bytes in the write buffer.
    fn write_buffer_size(&self) -> usize;
    /// Removes `n` bytes from the front of the write buffer.
    fn drain_write_buffer(&mut self, n: usize) -> bool;
    /// Appends bytes to the write buffer.
    fn append_write_buffer(&mut self, data: &[u8]) -> bool;

    /// Writes bytes to the downstream; `end_stream` half-closes after them.
    fn write(&mut self, data: &[u8], end_stream: bool);
    /// Resumes the read filters after a StopIteration.
    fn continue_reading(&mut self);
    /// Closes the connection, recording `details` (may be empty) as the reason.
    fn close(&mut self, how: CloseType, details: &str);
    /// Envoy's id of this connection.
    fn connection_id(&self) -> u64;
    /// The downstream peer's IP and port, when it is an IP peer.
    fn remote_address(&self) -> Option<(String, u32)>;
    /// With half-close on, a downstream FIN ends only its direction.
    fn enable_half_close(&mut self, enabled: bool);
    /// Stops (true) or resumes (false) reading from the downstream. Counted:
    /// every disable needs its enable.
    fn read_disable(&mut self, disable: bool);

    /// Adds to a counter defined by the configuration.
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool;
    /// Adds to a gauge defined by the configuration.
    fn increment_gauge(&mut self, id: MetricId, value: u64) -> bool;
    /// Subtracts from a gauge defined by the configuration.
    fn decrement_gauge(&mut self, id: MetricId, value: u64) -> bool;
}

/// The real handle, wrapping the `filter_envoy_ptr` of one connection.
pub struct EnvoyNetworkFilterHandle {
    raw: net::envoy_dynamic_module_type_network_filter_envoy_ptr,
}

impl EnvoyNetworkFilterHandle {
    /// # Safety
    /// `raw` must be the live filter pointer Envoy passed to the current hook.
    pub unsafe fn from_raw(raw: net::envoy_dynamic_module_type_network_filter_envoy_ptr) -> Self {
        Self { raw }
    }
}

type ChunksSizeFn =
    unsafe extern "C" fn(net::envoy_dynamic_module_type_network_filter_envoy_ptr) -> usize;
type ChunksFn = unsafe extern "C" fn(
    net::envoy_dynamic_module_type_network_filter_envoy_ptr,
    *mut abi::envoy_dynamic_module_type_envoy_buffer,
) -> bool;
type GaugeFn = unsafe extern "C" fn(
    net::envoy_dynamic_module_type_network_filter_envoy_ptr,
    usize,
    u64,
) -> abi::envoy_dynamic_module_type_metrics_result;

impl EnvoyNetworkFilterHandle {
    fn chunks(&self, size: ChunksSizeFn, get: ChunksFn) -> Vec<&[u8]> {
        // SAFETY: a plain query on the live connection.
        let n = unsafe { size(self.raw) };
        if n == 0 {
            return Vec::new();
        }
        let empty = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        let mut bufs = vec![empty; n];
        // SAFETY: `bufs` has room for the `n` slices Envoy reported.
        if !unsafe { get(self.raw, bufs.as_mut_ptr()) } {
            return Vec::new();
        }
        bufs.iter()
            // SAFETY: Envoy's slices stay valid until the buffer changes, which
            // needs `&mut self`.
            .map(|b| unsafe { envoy_bytes(b.ptr, b.length) })
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn metric(&mut self, call: GaugeFn, id: MetricId, value: u64) -> bool {
        // SAFETY: a plain call on the live connection.
        let result = unsafe { call(self.raw, id.0, value) };
        result == abi::envoy_dynamic_module_type_metrics_result::Success
    }
}

impl EnvoyNetworkFilter for EnvoyNetworkFilterHandle {
    fn read_buffer_chunks(&self) -> Vec<&[u8]> {
        self.chunks(
            net::envoy_dynamic_module_callback_network_filter_get_read_buffer_chunks_size,
            net::envoy_dynamic_module_callback_network_filter_get_read_buffer_chunks,
        )
    }

    fn read_buffer_size(&self) -> usize {
        // SAFETY: a plain query on the live connection.
        unsafe { net::envoy_dynamic_module_callback_network_filter_get_read_buffer_size(self.raw) }
    }

    fn drain_read_buffer(&mut self, n: usize) -> bool {
        // SAFETY: a plain call on the live connection.
        unsafe { net::envoy_dynamic_module_callback_network_filter_drain_read_buffer(self.raw, n) }
    }

    fn append_read_buffer(&mut self, data: &[u8]) -> bool {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            net::envoy_dynamic_module_callback_network_filter_append_read_buffer(
                self.raw,
                module_buffer(data),
            )
        }
    }

    fn write_buffer_chunks(&self) -> Vec<&[u8]> {
        self.chunks(
            net::envoy_dynamic_module_callback_network_filter_get_write_buffer_chunks_size,
            net::envoy_dynamic_module_callback_network_filter_get_write_buffer_chunks,
        )
    }

    fn write_buffer_size(&self) -> usize {
        // SAFETY: a plain query on the live connection.
        unsafe { net::envoy_dynamic_module_callback_network_filter_get_write_buffer_size(self.raw) }
    }

    fn drain_write_buffer(&mut self, n: usize) -> bool {
        // SAFETY: a plain call on the live connection.
        unsafe { net::envoy_dynamic_module_callback_network_filter_drain_write_buffer(self.raw, n) }
    }

    fn append_write_buffer(&mut self, data: &[u8]) -> bool {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            net::envoy_dynamic_module_callback_network_filter_append_write_buffer(
                self.raw,
                module_buffer(data),
            )
        }
    }

    fn write(&mut self, data: &[u8], end_stream: bool) {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            net::envoy_dynamic_module_callback_network_filter_write(
                self.raw,
                module_buffer(data),
                end_stream,
            )
        }
    }

    fn continue_reading(&mut self) {
        // SAFETY: a plain call on the live connection.
        unsafe { net::envoy_dynamic_module_callback_network_filter_continue_reading(self.raw) }
    }

    fn close(&mut self, how: CloseType, details: &str) {
        // SAFETY: the details are read during the call.
        unsafe {
            net::envoy_dynamic_module_callback_network_filter_close_with_details(
                self.raw,
                how,
                module_buffer(details.as_bytes()),
            )
        }
    }

    fn connection_id(&self) -> u64 {
        // SAFETY: a plain query on the live connection.
        unsafe { net::envoy_dynamic_module_callback_network_filter_get_connection_id(self.raw) }
    }

    fn remote_address(&self) -> Option<(String, u32)> {
        let mut address = abi::envoy_dynamic_module_type_envoy_buffer {
            ptr: core::ptr::null(),
            length: 0,
        };
        let mut port = 0u32;
        // SAFETY: both outputs are written by Envoy during the call.
        let found = unsafe {
            net::envoy_dynamic_module_callback_network_filter_get_remote_address(
                self.raw,
                &mut address,
                &mut port,
            )
        };
        // SAFETY: the text is Envoy's, valid for this hook; copied at once.
        let ip = unsafe { envoy_bytes(address.ptr, address.length) };
        found.then(|| (String::from_utf8_lossy(ip).into_owned(), port))
    }

    fn enable_half_close(&mut self, enabled: bool) {
        // SAFETY: a plain call on the live connection.
        unsafe {
            since::call::envoy_dynamic_module_callback_network_filter_enable_half_close(
                self.raw, enabled,
            )
        }
    }

    fn read_disable(&mut self, disable: bool) {
        // SAFETY: a plain call on the live connection.
        let _ = unsafe {
            since::call::envoy_dynamic_module_callback_network_filter_read_disable(
                self.raw, disable,
            )
        };
    }

    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        self.metric(
            net::envoy_dynamic_module_callback_network_filter_increment_counter,
            id,
            value,
        )
    }

    fn increment_gauge(&mut self, id: MetricId, value: u64) -> bool {
        self.metric(
            net::envoy_dynamic_module_callback_network_filter_increment_gauge,
            id,
            value,
        )
    }

    fn decrement_gauge(&mut self, id: MetricId, value: u64) -> bool {
        self.metric(
            net::envoy_dynamic_module_callback_network_filter_decrement_gauge,
            id,
            value,
        )
    }
}
