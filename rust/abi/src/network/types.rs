//! Network filter types: opaque pointers and enums.

use core::ffi::c_void;

/// Network filter: Envoy's side of one network filter configuration. Used to
/// define metrics while the configuration is being created.
pub type envoy_dynamic_module_type_network_filter_config_envoy_ptr = *mut c_void;

/// The module's side of one network filter configuration, returned by
/// network_filter_config_new and freed in network_filter_config_destroy.
pub type envoy_dynamic_module_type_network_filter_config_module_ptr = *const c_void;

/// Envoy's side of one network filter instance, i.e. one TCP connection. Dead
/// after network_filter_destroy.
pub type envoy_dynamic_module_type_network_filter_envoy_ptr = *mut c_void;

/// The module's side of one connection, returned by network_filter_new and
/// freed in network_filter_destroy.
pub type envoy_dynamic_module_type_network_filter_module_ptr = *const c_void;

/// What the new_connection, read and write hooks tell Envoy to do next
/// (Envoy's `Network::FilterStatus`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_on_network_filter_data_status {
    /// Hand the buffer to the next filter.
    Continue,
    /// Stop here; on read, the next filters wait for continue_reading.
    StopIteration,
}

/// How network_filter_close closes the connection (Envoy's `ConnectionCloseType`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_network_connection_close_type {
    /// Write what is pending first.
    FlushWrite,
    /// Hand pending data to the transport, then close.
    NoFlush,
    /// Flush, then wait for the delayed-close timeout.
    FlushWriteAndDelay,
    /// Drop pending data and close.
    Abort,
    /// Drop pending data and send a TCP RST.
    AbortReset,
}

/// What happened to the connection (Envoy's `ConnectionEvent`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_network_connection_event {
    RemoteClose,
    LocalClose,
    Connected,
    ConnectedZeroRtt,
}

/// What network_filter_read_disable did (Envoy's `ReadDisableStatus`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_network_read_disable_status {
    NoTransition,
    StillReadDisabled,
    TransitionedToReadEnabled,
    TransitionedToReadDisabled,
}
