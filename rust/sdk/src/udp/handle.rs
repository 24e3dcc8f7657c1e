//! What a UDP listener filter may ask of Envoy: per datagram, and while its
//! configuration is created.

use crate::abi;
use crate::ffi::{define_labelless, envoy_bytes, module_buffer};
use crate::MetricId;
use std::borrow::Cow;

/// Envoy as seen during one datagram. The real implementation is
/// [`EnvoyUdpListenerFilterHandle`]; unit tests use `testing::FakeUdpListenerFilter`.
pub trait EnvoyUdpListenerFilter {
    /// The datagram's bytes: borrowed when Envoy holds them in one slice,
    /// copied once otherwise.
    fn datagram(&self) -> Cow<'_, [u8]>;
    /// The sender's IP address (text) and port.
    fn peer_address(&self) -> Option<(String, u32)>;
    /// Sends `data` back to the sender, from the listener's address.
    fn send_to_peer(&mut self, data: &[u8]) -> bool;
    /// Adds to a counter defined by the configuration.
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool;
}

/// Envoy as seen while a UDP listener filter configuration is created.
pub trait EnvoyUdpListenerFilterConfig {
    /// Defines the counter `dynamicmodulescustom.{name}`.
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String>;
}

/// The real handle, wrapping the `filter_envoy_ptr` of the running hook.
pub struct EnvoyUdpListenerFilterHandle {
    raw: abi::envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
}

impl EnvoyUdpListenerFilterHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_udp_listener_filter_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

const EMPTY: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

impl EnvoyUdpListenerFilter for EnvoyUdpListenerFilterHandle {
    fn datagram(&self) -> Cow<'_, [u8]> {
        // SAFETY: the slices are Envoy's for the duration of on_data, which
        // this handle (made for one hook call) does not outlive.
        unsafe {
            let n = abi::envoy_dynamic_module_callback_udp_listener_filter_get_datagram_data_chunks_size(
                self.raw,
            );
            if n == 0 {
                return Cow::Borrowed(&[]);
            }
            let mut chunks = vec![EMPTY; n];
            if !abi::envoy_dynamic_module_callback_udp_listener_filter_get_datagram_data_chunks(
                self.raw,
                chunks.as_mut_ptr(),
            ) {
                return Cow::Borrowed(&[]);
            }
            if n == 1 {
                return Cow::Borrowed(envoy_bytes(chunks[0].ptr, chunks[0].length));
            }
            let mut all = Vec::new();
            for c in &chunks {
                all.extend_from_slice(envoy_bytes(c.ptr, c.length));
            }
            Cow::Owned(all)
        }
    }

    fn peer_address(&self) -> Option<(String, u32)> {
        let mut address = EMPTY;
        let mut port = 0u32;
        // SAFETY: both out-pointers are live; the text is copied at once.
        unsafe {
            abi::envoy_dynamic_module_callback_udp_listener_filter_get_peer_address(
                self.raw,
                &mut address,
                &mut port,
            )
            .then(|| {
                let text = envoy_bytes(address.ptr, address.length);
                (String::from_utf8_lossy(text).into_owned(), port)
            })
        }
    }

    fn send_to_peer(&mut self, data: &[u8]) -> bool {
        // SAFETY: Envoy copies the bytes; an empty address means "the sender".
        unsafe {
            abi::envoy_dynamic_module_callback_udp_listener_filter_send_datagram(
                self.raw,
                module_buffer(data),
                module_buffer(b""),
                0,
            )
        }
    }

    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            abi::envoy_dynamic_module_callback_udp_listener_filter_increment_counter(
                self.raw, id.0, value,
            ) == abi::envoy_dynamic_module_type_metrics_result::Success
        }
    }
}

/// The real configuration handle, wrapping the `filter_config_envoy_ptr`
/// Envoy passes to udp_listener_filter_config_new.
pub struct EnvoyUdpConfigHandle {
    raw: abi::envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr,
}

impl EnvoyUdpConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_udp_listener_filter_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyUdpListenerFilterConfig for EnvoyUdpConfigHandle {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        let define = abi::envoy_dynamic_module_callback_udp_listener_filter_config_define_counter;
        // SAFETY: `raw` is the pointer of the running config_new hook.
        unsafe { define_labelless(self.raw, define, "counter", name) }
    }
}
