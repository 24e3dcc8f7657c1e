//! The transport_socket kind's callbacks: what Envoy exports and the module
//! calls, each taking the socket's `transport_socket_envoy_ptr`. Envoy 1.37
//! has none; 1.38 exports eight of these names (and six others) without
//! registering the extension; fifteen are in 1.39 and 1.40, five in 1.40 only:
//! every one is `@since`, resolved at load by the SDKs (never linked).
//! The shapes are those of the 1.40 binary's machine code.

use super::types::*;
use crate::network::envoy_dynamic_module_type_network_connection_event;
use crate::types::*;
#[allow(unused_imports)]
use core::ffi::c_void;

extern "C" {
    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Reads at most `length` bytes from the kernel socket into the module's
    /// `buffer`; `*bytes_read` is the count (0 with `Ok`: the peer's end of
    /// stream).
    pub fn envoy_dynamic_module_callback_transport_socket_io_read(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        buffer: *mut core::ffi::c_char,
        length: usize,
        bytes_read: *mut usize,
    ) -> envoy_dynamic_module_type_transport_socket_io_status;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Writes at most `length` of the module's bytes to the kernel socket;
    /// `*bytes_written` is how many it took.
    pub fn envoy_dynamic_module_callback_transport_socket_io_write(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        buffer: *const core::ffi::c_char,
        length: usize,
        bytes_written: *mut usize,
    ) -> envoy_dynamic_module_type_transport_socket_io_status;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Reads at most `max_length` bytes from the kernel socket straight into
    /// Envoy's read buffer (no copy through the module): a pass-through read.
    pub fn envoy_dynamic_module_callback_transport_socket_io_read_to_read_buffer(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        max_length: u64,
        bytes_read: *mut usize,
    ) -> envoy_dynamic_module_type_transport_socket_io_status;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Writes Envoy's write buffer straight to the kernel socket, draining
    /// what was written: a pass-through write.
    pub fn envoy_dynamic_module_callback_transport_socket_io_write_from_write_buffer(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        bytes_written: *mut usize,
    ) -> envoy_dynamic_module_type_transport_socket_io_status;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Shuts the kernel socket down for writing (the peer reads its end of
    /// stream): a half close.
    pub fn envoy_dynamic_module_callback_transport_socket_io_shutdown_write(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// The kernel socket's file descriptor, -1 before set_callbacks.
    pub fn envoy_dynamic_module_callback_transport_socket_get_fd(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    ) -> core::ffi::c_int;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// Appends plaintext to Envoy's read buffer (during do_read only); Envoy
    /// copies the bytes.
    pub fn envoy_dynamic_module_callback_transport_socket_read_buffer_add(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        data: *const core::ffi::c_char,
        length: usize,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// Removes `length` bytes (at most what it holds) from the front of
    /// Envoy's write buffer (during do_write only).
    pub fn envoy_dynamic_module_callback_transport_socket_write_buffer_drain(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        length: usize,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// The slices of Envoy's write buffer (during do_write only): with
    /// `slices` NULL, `*slices_count` becomes their number; otherwise up to
    /// `*slices_count` are filled and it becomes how many were. Envoy's
    /// bytes, valid until the buffer is drained.
    pub fn envoy_dynamic_module_callback_transport_socket_write_buffer_get_slices(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        slices: *mut envoy_dynamic_module_type_envoy_buffer,
        slices_count: *mut usize,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// How many bytes Envoy's write buffer holds (0 outside do_write).
    pub fn envoy_dynamic_module_callback_transport_socket_write_buffer_length(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    ) -> usize;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// Asks the connection to write its buffer out now.
    pub fn envoy_dynamic_module_callback_transport_socket_flush_write_buffer(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// Raises a connection event: `Connected` once the socket is ready.
    pub fn envoy_dynamic_module_callback_transport_socket_raise_event(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        event: envoy_dynamic_module_type_network_connection_event,
    );

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// True when the read buffer is over its limit: stop reading for now
    /// (and call set_is_readable to be called again).
    pub fn envoy_dynamic_module_callback_transport_socket_should_drain_read_buffer(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37 (1.38 has no such
    /// extension: exported, never called there).
    /// Asks for another do_read although the kernel socket has nothing new
    /// (the module holds bytes it did not hand over yet).
    pub fn envoy_dynamic_module_callback_transport_socket_set_is_readable(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// Asks for another do_write although the kernel socket did not report
    /// writable.
    pub fn envoy_dynamic_module_callback_transport_socket_set_is_writable(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    );

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// The peer's IP as text (Envoy's bytes, valid during the hook) and
    /// port; false when it has none (a pipe).
    pub fn envoy_dynamic_module_callback_transport_socket_get_remote_address(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        address_out: *mut envoy_dynamic_module_type_envoy_buffer,
        port_out: *mut u32,
    ) -> bool;

    /// @since Envoy 1.39.0 (ABI v0.1.0); absent from 1.37 and 1.38.
    /// This side's IP as text and port, as get_remote_address.
    pub fn envoy_dynamic_module_callback_transport_socket_get_local_address(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        address_out: *mut envoy_dynamic_module_type_envoy_buffer,
        port_out: *mut u32,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// The connection's id (as in Envoy's logs); false before set_callbacks.
    pub fn envoy_dynamic_module_callback_transport_socket_get_connection_id(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        id_out: *mut u64,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// The id of the upstream connection recorded on this connection's
    /// stream info, when there is one.
    pub fn envoy_dynamic_module_callback_transport_socket_get_upstream_connection_id(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        id_out: *mut u64,
    ) -> bool;

    /// @since Envoy 1.40.0 (ABI v0.2.0); absent from 1.39.
    /// Adds to the connection's wire-byte counts (what crossed the kernel
    /// socket, framing included). The order of the two counts is read off the
    /// binary's machine code, not a published header; the SDK does not call it.
    pub fn envoy_dynamic_module_callback_transport_socket_add_wire_bytes(
        transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
        bytes_received: u64,
        bytes_sent: u64,
    );
}
