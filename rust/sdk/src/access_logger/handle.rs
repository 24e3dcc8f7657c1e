//! What an access logger may ask of Envoy: about the event being logged, and
//! while its configuration is created.

use crate::abi;
use crate::ffi::{define_labelless, envoy_bytes, header_list};
use crate::since;
use crate::{AttributeId, HeaderType, MetricId};

/// The request's timings ([`abi::envoy_dynamic_module_type_timing_info`]).
pub type TimingInfo = abi::envoy_dynamic_module_type_timing_info;
/// Timings before Envoy fills them: every moment unset.
pub const UNSET_TIMING: TimingInfo = TimingInfo {
    start_time_unix_ns: 0,
    request_complete_duration_ns: -1,
    first_upstream_tx_byte_sent_ns: -1,
    last_upstream_tx_byte_sent_ns: -1,
    first_upstream_rx_byte_received_ns: -1,
    last_upstream_rx_byte_received_ns: -1,
    first_downstream_tx_byte_sent_ns: -1,
    last_downstream_tx_byte_sent_ns: -1,
};

/// The request's byte counts ([`abi::envoy_dynamic_module_type_bytes_info`]).
pub type BytesInfo = abi::envoy_dynamic_module_type_bytes_info;

/// Envoy as seen during one log event. The real implementation is
/// [`EnvoyAccessLogHandle`]; unit tests use `testing::FakeAccessLog`.
pub trait EnvoyAccessLog {
    /// Every header of one map, in order; empty when the map does not exist
    /// (a request Envoy rejected before its headers were parsed).
    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])>;
    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]>;
    fn get_attribute_int(&self, id: AttributeId) -> Option<u64>;
    /// The response code sent downstream, None when none was.
    fn response_code(&self) -> Option<u32>;
    fn response_code_details(&self) -> Option<&[u8]>;
    /// Envoy's response flags, bit i for CoreResponseFlag i.
    fn response_flags(&self) -> u64;
    fn protocol(&self) -> Option<&[u8]>;
    fn timing_info(&self) -> TimingInfo;
    fn bytes_info(&self) -> BytesInfo;
    /// Adds to a counter defined by the configuration.
    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool;
}

/// Envoy as seen while an access logger configuration is created.
pub trait EnvoyAccessLoggerConfig {
    /// Defines the counter `dynamicmodulescustom.{name}`.
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String>;
}

/// The real handle: the `logger_envoy_ptr` of the running log hook, and the
/// configuration's pointer, which the metric callbacks take.
pub struct EnvoyAccessLogHandle {
    raw: abi::envoy_dynamic_module_type_access_logger_envoy_ptr,
    config: abi::envoy_dynamic_module_type_access_logger_config_envoy_ptr,
}

impl EnvoyAccessLogHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current log hook,
    /// `config` the one it passed to the config_new of that logger's config.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_access_logger_envoy_ptr,
        config: abi::envoy_dynamic_module_type_access_logger_config_envoy_ptr,
    ) -> Self {
        Self { raw, config }
    }

    /// A string getter's answer, borrowed for the log event.
    fn buffer(
        &self,
        get: unsafe extern "C" fn(
            abi::envoy_dynamic_module_type_access_logger_envoy_ptr,
            *mut abi::envoy_dynamic_module_type_envoy_buffer,
        ) -> bool,
    ) -> Option<&[u8]> {
        let mut out = EMPTY;
        // SAFETY: `out` is live; the bytes are Envoy's for the log event, which
        // this handle (made for one hook call) does not outlive.
        unsafe { get(self.raw, &mut out).then(|| envoy_bytes(out.ptr, out.length)) }
    }
}

const EMPTY: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

impl EnvoyAccessLog for EnvoyAccessLogHandle {
    fn get_headers(&self, kind: HeaderType) -> Vec<(&[u8], &[u8])> {
        // SAFETY: the pointer is live for the log event, which this handle
        // (made for one hook call) does not outlive.
        unsafe {
            header_list(
                self.raw,
                kind,
                abi::envoy_dynamic_module_callback_access_logger_get_headers_size,
                abi::envoy_dynamic_module_callback_access_logger_get_headers,
            )
        }
    }

    fn get_attribute_string(&self, id: AttributeId) -> Option<&[u8]> {
        let mut out = EMPTY;
        // SAFETY: as in `buffer`.
        unsafe {
            since::call::envoy_dynamic_module_callback_access_logger_get_attribute_string(
                self.raw, id, &mut out,
            )
            .then(|| envoy_bytes(out.ptr, out.length))
        }
    }

    fn get_attribute_int(&self, id: AttributeId) -> Option<u64> {
        let mut out = 0u64;
        // SAFETY: `out` is live for the call.
        unsafe {
            since::call::envoy_dynamic_module_callback_access_logger_get_attribute_int(
                self.raw, id, &mut out,
            )
            .then_some(out)
        }
    }

    fn response_code(&self) -> Option<u32> {
        // SAFETY: a plain call on the live pointer.
        let code =
            unsafe { abi::envoy_dynamic_module_callback_access_logger_get_response_code(self.raw) };
        (code != 0).then_some(code)
    }

    fn response_code_details(&self) -> Option<&[u8]> {
        self.buffer(abi::envoy_dynamic_module_callback_access_logger_get_response_code_details)
    }

    fn response_flags(&self) -> u64 {
        // SAFETY: a plain call on the live pointer.
        unsafe { abi::envoy_dynamic_module_callback_access_logger_get_response_flags(self.raw) }
    }

    fn protocol(&self) -> Option<&[u8]> {
        self.buffer(abi::envoy_dynamic_module_callback_access_logger_get_protocol)
    }

    fn timing_info(&self) -> TimingInfo {
        let mut info = UNSET_TIMING;
        // SAFETY: `info` is live and has the layout Envoy writes.
        unsafe {
            abi::envoy_dynamic_module_callback_access_logger_get_timing_info(self.raw, &mut info)
        };
        info
    }

    fn bytes_info(&self) -> BytesInfo {
        let mut info = BytesInfo {
            bytes_received: 0,
            bytes_sent: 0,
            wire_bytes_received: 0,
            wire_bytes_sent: 0,
        };
        // SAFETY: `info` is live and has the layout Envoy writes.
        unsafe {
            abi::envoy_dynamic_module_callback_access_logger_get_bytes_info(self.raw, &mut info)
        };
        info
    }

    fn increment_counter(&mut self, id: MetricId, value: u64) -> bool {
        // SAFETY: the configuration outlives its loggers; counters are
        // thread-safe in Envoy.
        unsafe {
            abi::envoy_dynamic_module_callback_access_logger_increment_counter(
                self.config,
                id.0,
                value,
            ) == abi::envoy_dynamic_module_type_metrics_result::Success
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to access_logger_config_new.
pub struct EnvoyAccessLoggerConfigHandle {
    raw: abi::envoy_dynamic_module_type_access_logger_config_envoy_ptr,
}

impl EnvoyAccessLoggerConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_access_logger_config_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

impl EnvoyAccessLoggerConfig for EnvoyAccessLoggerConfigHandle {
    fn define_counter(&mut self, name: &str) -> Result<MetricId, String> {
        let define = abi::envoy_dynamic_module_callback_access_logger_config_define_counter;
        // SAFETY: `raw` is the pointer of the running config_new hook.
        unsafe { define_labelless(self.raw, define, "counter", name) }
    }
}
