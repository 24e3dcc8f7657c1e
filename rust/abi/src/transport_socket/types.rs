//! The transport_socket kind's types: opaque pointers, the result of one
//! read or write, and the status of a raw socket call.

#[allow(unused_imports)]
use crate::types::*;
use core::ffi::c_void;

/// Envoy's side of one factory configuration (a filter chain's or a
/// cluster's `transport_socket`). Valid during factory_config_new.
pub type envoy_dynamic_module_type_transport_socket_factory_config_envoy_ptr = *mut c_void;

/// The module's side of one factory configuration, shared by every worker.
pub type envoy_dynamic_module_type_transport_socket_factory_config_module_ptr = *const c_void;

/// Envoy's side of one connection's socket: valid until
/// transport_socket_destroy; every callback of the kind takes it.
pub type envoy_dynamic_module_type_transport_socket_envoy_ptr = *mut c_void;

/// The module's side of one connection's socket.
pub type envoy_dynamic_module_type_transport_socket_module_ptr = *const c_void;

/// What Envoy does with the connection after a read or a write (Envoy's
/// `Network::PostIoAction`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_transport_socket_post_io_action {
    KeepOpen,
    Close,
}

/// The result of do_read or do_write, returned by value (Envoy's
/// `Network::IoResult`): `bytes_processed` counts plaintext bytes put into
/// (read) or taken from (write) Envoy's buffer; `end_stream_read` says the
/// peer closed its side (reads only).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct envoy_dynamic_module_type_transport_socket_io_result {
    pub action: envoy_dynamic_module_type_transport_socket_post_io_action,
    pub bytes_processed: u64,
    pub end_stream_read: bool,
}

/// The status of a raw socket call (io_read, io_write and the buffer-backed
/// pair), as the 1.40 binary answers it: `Ok` with the count written to the
/// out-parameter (0 from a read is the peer's end of stream), `Again` when
/// the socket would block, `Error` for any other failure (or no socket yet).
/// The names are this project's; the values are those the binary returns.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum envoy_dynamic_module_type_transport_socket_io_status {
    Ok,
    Again,
    Error,
}
