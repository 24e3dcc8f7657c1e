//! The transport socket's exported hooks: only the `extern "C"` glue, each a
//! call into [`body`](super::body) with Envoy's arguments. The SDK exports
//! them for every module; the module's [`module!`](crate::module)
//! registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The transport sockets the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewTransportSocketConfig> =
    crate::registry::Table::new();

use super::body as b;
use super::EnvoyTransportSocketHandle as Handle;
use crate::abi::*;

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_factory_config_new(
    _factory_config_envoy_ptr: envoy_dynamic_module_type_transport_socket_factory_config_envoy_ptr,
    socket_name: envoy_dynamic_module_type_envoy_buffer,
    socket_config: envoy_dynamic_module_type_envoy_buffer,
    is_upstream: bool,
) -> envoy_dynamic_module_type_transport_socket_factory_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::config_new(REGISTERED.get(), socket_name, socket_config, is_upstream) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_factory_config_destroy(
    factory_config_module_ptr: envoy_dynamic_module_type_transport_socket_factory_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::config_destroy(factory_config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_new(
    factory_config_module_ptr: envoy_dynamic_module_type_transport_socket_factory_config_module_ptr,
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
) -> envoy_dynamic_module_type_transport_socket_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::new(factory_config_module_ptr, transport_socket_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_destroy(
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { b::destroy(transport_socket_module_ptr) }
}

/// Both pointers of a running socket hook, turned back.
///
/// # Safety
/// Envoy's arguments to the running hook.
unsafe fn both<'a>(
    envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) -> (&'a b::SocketBox<Handle>, Handle) {
    // SAFETY: the caller's contract.
    unsafe { (b::socket(module_ptr), Handle::from_raw(envoy_ptr)) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_set_callbacks(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::set_callbacks(socket, &mut envoy)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_on_connected(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::on_connected(socket, &mut envoy)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_do_read(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) -> envoy_dynamic_module_type_transport_socket_io_result {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::to_abi(b::do_read(socket, &mut envoy))
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_do_write(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    end_stream: bool,
) -> envoy_dynamic_module_type_transport_socket_io_result {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::to_abi(b::do_write(socket, &mut envoy, end_stream))
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_close(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    event: crate::abi::network::envoy_dynamic_module_type_network_connection_event,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::close(socket, &mut envoy, event)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_get_protocol(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    result: *mut envoy_dynamic_module_type_module_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::protocol(socket, &mut envoy);
    if !result.is_null() {
        // SAFETY: Envoy's out-parameter; the bytes live in the socket's box.
        unsafe { *result = b::kept(&socket.protocol.borrow()) };
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_get_failure_reason(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
    result: *mut envoy_dynamic_module_type_module_buffer,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::failure_reason(socket, &mut envoy);
    if !result.is_null() {
        // SAFETY: Envoy's out-parameter; the bytes live in the socket's box.
        unsafe { *result = b::kept(&socket.reason.borrow()) };
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_can_flush_close(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::can_flush_close(socket, &mut envoy)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_transport_socket_start_secure_transport(
    transport_socket_envoy_ptr: envoy_dynamic_module_type_transport_socket_envoy_ptr,
    transport_socket_module_ptr: envoy_dynamic_module_type_transport_socket_module_ptr,
) -> bool {
    // SAFETY: Envoy's arguments, per the ABI.
    let (socket, mut envoy) =
        unsafe { both(transport_socket_envoy_ptr, transport_socket_module_ptr) };
    b::start_secure_transport(socket, &mut envoy)
}

/// Each definition and its ABI declaration assigned to one
/// fn-pointer type: any difference fails the build.
#[allow(dead_code)]
fn transport_socket_hooks_match_the_abi() {
    use crate::abi::transport_socket as abi;
    let _: [unsafe extern "C" fn(_, _, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_transport_socket_factory_config_new,
        envoy_dynamic_module_on_transport_socket_factory_config_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_factory_config_destroy,
        envoy_dynamic_module_on_transport_socket_factory_config_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_transport_socket_new,
        envoy_dynamic_module_on_transport_socket_new,
    ];
    let _: [unsafe extern "C" fn(_); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_destroy,
        envoy_dynamic_module_on_transport_socket_destroy,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_set_callbacks,
        envoy_dynamic_module_on_transport_socket_set_callbacks,
    ];
    let _: [unsafe extern "C" fn(_, _); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_on_connected,
        envoy_dynamic_module_on_transport_socket_on_connected,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_transport_socket_do_read,
        envoy_dynamic_module_on_transport_socket_do_read,
    ];
    let _: [unsafe extern "C" fn(_, _, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_transport_socket_do_write,
        envoy_dynamic_module_on_transport_socket_do_write,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_close,
        envoy_dynamic_module_on_transport_socket_close,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_get_protocol,
        envoy_dynamic_module_on_transport_socket_get_protocol,
    ];
    let _: [unsafe extern "C" fn(_, _, _); 2] = [
        abi::envoy_dynamic_module_on_transport_socket_get_failure_reason,
        envoy_dynamic_module_on_transport_socket_get_failure_reason,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_transport_socket_can_flush_close,
        envoy_dynamic_module_on_transport_socket_can_flush_close,
    ];
    let _: [unsafe extern "C" fn(_, _) -> _; 2] = [
        abi::envoy_dynamic_module_on_transport_socket_start_secure_transport,
        envoy_dynamic_module_on_transport_socket_start_secure_transport,
    ];
}
