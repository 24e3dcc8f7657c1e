//! The transport_socket kind's hooks: what the module exports and Envoy calls
//! (declarations; the SDK defines them). Envoy looks up all thirteen when a
//! filter chain or cluster names the module; a missing one refuses it.

use super::types::*;
use crate::network::envoy_dynamic_module_type_network_connection_event;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// Creates the module's side of a factory: `socket_name` is the config's
    /// `socket_name`, `socket_config` its `socket_config` (an Any: a
    /// `google.protobuf.StringValue` arrives as its bytes, a `Struct` as JSON
    /// text; both borrowed for this call); `is_upstream` is true for a
    /// cluster's socket. NULL makes Envoy refuse the config.
    pub fn envoy_dynamic_module_on_transport_socket_factory_config_new(
        factory_config_envoy_ptr: envoy_dynamic_module_type_transport_socket_factory_config_envoy_ptr,
        socket_name: envoy_dynamic_module_type_envoy_buffer,
        socket_config: envoy_dynamic_module_type_envoy_buffer,
        is_upstream: bool,
    ) -> envoy_dynamic_module_type_transport_socket_factory_config_module_ptr;

    /// Releases a factory made by transport_socket_factory_config_new.
    pub fn envoy_dynamic_module_on_transport_socket_factory_config_destroy(
        factory_config_module_ptr: envoy_dynamic_module_type_transport_socket_factory_config_module_ptr,
    );

    /// Creates the socket of one new connection, on its worker. NULL closes
    /// the connection.
    pub fn envoy_dynamic_module_on_transport_socket_new(
        factory_config_module_ptr: envoy_dynamic_module_type_transport_socket_factory_config_module_ptr,
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    ) -> envoy_dynamic_module_type_transport_socket_module_ptr;

    /// Releases a socket made by transport_socket_new.
    pub fn envoy_dynamic_module_on_transport_socket_destroy(
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    );

    /// The connection is wired to the socket; no I/O has happened yet.
    pub fn envoy_dynamic_module_on_transport_socket_set_callbacks(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    );

    /// The TCP connection is up. The socket must raise `Connected` (at once,
    /// or after its own handshake) for the connection to go on.
    pub fn envoy_dynamic_module_on_transport_socket_on_connected(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    );

    /// The socket is readable: read it (io_read) and put plaintext into
    /// Envoy's read buffer (read_buffer_add).
    pub fn envoy_dynamic_module_on_transport_socket_do_read(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    ) -> envoy_dynamic_module_type_transport_socket_io_result;

    /// Envoy has plaintext to send (write_buffer_length says how much), or
    /// the socket became writable again: write it (io_write) and drain what
    /// was taken (write_buffer_drain). `end_stream` asks for a half close once
    /// the buffer is empty. 1.40 passes no length here (older headers had a
    /// `write_buffer_length` argument before `end_stream`: measured, 1.40's
    /// third argument is the end-of-stream flag).
    pub fn envoy_dynamic_module_on_transport_socket_do_write(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
        end_stream: bool,
    ) -> envoy_dynamic_module_type_transport_socket_io_result;

    /// The connection is closing, for the reason `event`.
    pub fn envoy_dynamic_module_on_transport_socket_close(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
        event: envoy_dynamic_module_type_network_connection_event,
    );

    /// The protocol the socket negotiated (ALPN), empty for none. The module
    /// owns the bytes; they must live as long as the socket.
    pub fn envoy_dynamic_module_on_transport_socket_get_protocol(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
        result: *mut envoy_dynamic_module_type_module_buffer,
    );

    /// Why the socket failed, empty for no failure: Envoy's transport
    /// failure reason (logs, `%UPSTREAM_TRANSPORT_FAILURE_REASON%`). The
    /// module owns the bytes; they must live as long as the socket.
    pub fn envoy_dynamic_module_on_transport_socket_get_failure_reason(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
        result: *mut envoy_dynamic_module_type_module_buffer,
    );

    /// Whether a close may first flush what is buffered.
    pub fn envoy_dynamic_module_on_transport_socket_can_flush_close(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    ) -> bool;

    /// A filter asks to switch to a secure transport (STARTTLS-like);
    /// false refuses.
    pub fn envoy_dynamic_module_on_transport_socket_start_secure_transport(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    ) -> bool;
}
