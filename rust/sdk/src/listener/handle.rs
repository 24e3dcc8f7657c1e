//! What a listener filter may ask of Envoy: per connection, and while its
//! configuration is created.

use crate::abi;
use crate::ffi::{define_labelless, envoy_bytes, module_buffer};
use crate::MetricId;

/// Envoy as seen from one accepted connection. The real implementation is
/// [`EnvoyListenerFilterHandle`]; unit tests use `testing::FakeListenerFilter`.
pub trait EnvoyListenerFilter {
    /// The peer's IP address (text) and port, if it is an IP socket.
    fn remote_address(&self) -> Option<(String, u32)>;
    /// The bytes peeked so far; empty outside on_data.
    fn buffer(&self) -> &[u8];
    /// What `filter_chain_match.transport_protocol` compares with.
    fn set_detected_transport_protocol(&mut self, protocol: &str);
    /// What `filter_chain_match.server_names` compares with.
    fn set_requested_server_name(&mut self, name: &str);
    /// Closes the socket; `details` becomes the connection's termination details.
    fn close_socket(&mut self, details: &str);
    /// Adds to a counter defined by the configuration.
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool;
}

/// Envoy as seen while a listener filter configuration is created.
pub trait EnvoyListenerFilterConfig {
    /// Defines the counter `dynamicmodulescustom.{name}`.
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String>;
}

/// The real connection handle, wrapping the `filter_envoy_ptr` of the running hook.
pub struct EnvoyListenerFilterHandle {
    raw: abi::envoy_dynamic_module_type_listener_filter_envoy_ptr,
}

impl EnvoyListenerFilterHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_listener_filter_envoy_ptr) -> Self {
        Self { raw }
    }
}

const EMPTY: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

impl EnvoyListenerFilter for EnvoyListenerFilterHandle {
    fn remote_address(&self) -> Option<(String, u32)> {
        let mut address = EMPTY;
        let mut port = 0u32;
        // SAFETY: both out-pointers are live; the text is Envoy's and copied at once.
        unsafe {
            abi::envoy_dynamic_module_callback_listener_filter_get_remote_address(
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

    fn buffer(&self) -> &[u8] {
        let mut chunk = EMPTY;
        // SAFETY: the slice stays valid until the hook returns, which the
        // borrow of `self` (made for this hook only) outlives not.
        unsafe {
            if abi::envoy_dynamic_module_callback_listener_filter_get_buffer_chunk(
                self.raw, &mut chunk,
            ) {
                envoy_bytes(chunk.ptr, chunk.length)
            } else {
                &[]
            }
        }
    }

    fn set_detected_transport_protocol(&mut self, protocol: &str) {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_listener_filter_set_detected_transport_protocol(
                self.raw,
                module_buffer(protocol.as_bytes()),
            )
        }
    }

    fn set_requested_server_name(&mut self, name: &str) {
        // SAFETY: Envoy copies the bytes during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_listener_filter_set_requested_server_name(
                self.raw,
                module_buffer(name.as_bytes()),
            )
        }
    }

    fn close_socket(&mut self, details: &str) {
        // SAFETY: Envoy copies the details during the call.
        unsafe {
            abi::envoy_dynamic_module_callback_listener_filter_close_socket(
                self.raw,
                module_buffer(details.as_bytes()),
            )
        }
    }

    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        // SAFETY: a plain call on the live pointer.
        unsafe {
            abi::envoy_dynamic_module_callback_listener_filter_increment_counter(
                self.raw, id.0, value,
            ) == abi::envoy_dynamic_module_type_metrics_result::Success
        }
    }
}

/// The real configuration handle, wrapping the `filter_config_envoy_ptr`
/// Envoy passes to listener_filter_config_new.
pub struct EnvoyListenerConfigHandle {
    raw: abi::envoy_dynamic_module_type_listener_filter_config_envoy_ptr,
}

impl EnvoyListenerConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_listener_filter_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyListenerFilterConfig for EnvoyListenerConfigHandle {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        let define = abi::envoy_dynamic_module_callback_listener_filter_config_define_counter;
        // SAFETY: `raw` is the pointer of the running config_new hook.
        unsafe { define_labelless(self.raw, define, "counter", name) }
    }
}
