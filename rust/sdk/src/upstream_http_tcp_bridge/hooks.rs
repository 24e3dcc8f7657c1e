//! The upstream HTTP-to-TCP bridge's exported hooks: only the `extern "C"`
//! glue, each a call into [`body`](super::body) with Envoy's arguments. The
//! SDK exports them for every module; the module's [`module!`](crate::module)
//! registration fills [`REGISTERED`].

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

/// The bridges the module registered, by name.
pub static REGISTERED: crate::registry::Table<super::NewUpstreamHttpTcpBridgeConfig> =
    crate::registry::Table::new();

use super::body::{self as h, BridgeBox};
use super::EnvoyUpstreamHttpTcpBridgeHandle as Handle;
use crate::abi::upstream_http_tcp_bridge::*;
use crate::abi::*;

/// One request's box and a handle for the running hook.
///
/// # Safety
/// `module` is what bridge_new returned, not yet destroyed; `envoy` is live.
unsafe fn bridge<'a>(
    envoy: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    module: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
) -> (&'a BridgeBox<Handle>, Handle) {
    // SAFETY: the caller's contract above.
    unsafe {
        let this = &*(module as *const BridgeBox<Handle>);
        (this, Handle::from_raw(envoy, this.started.get()))
    }
}

/// Frees the box when Envoy destroyed the request while the hook ran.
///
/// # Safety
/// `this` is the box at `module`, and the hook is done with both.
unsafe fn release(
    this: &BridgeBox<Handle>,
    module: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
) {
    if h::release(this) {
        // SAFETY: bridge_new's box; destroy left it to this hook (the caller's contract).
        h::destroy(unsafe { Box::from_raw(module as *mut BridgeBox<Handle>) });
    }
}

/// A buffer's slices as one piece the bridge can keep across callbacks.
fn joined(chunks: Vec<&[u8]>) -> Vec<u8> {
    chunks.concat()
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_config_new(
    config_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_new(REGISTERED.get(), config_envoy_ptr, name, config) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_config_destroy(
    config_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::config_destroy(config_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_new(
    config_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_config_module_ptr,
    bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
) -> envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr {
    // SAFETY: Envoy's arguments, per the ABI.
    unsafe { h::bridge_new(config_module_ptr, bridge_envoy_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_headers(
    bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
    end_of_stream: bool,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (this, mut envoy) = unsafe { bridge(bridge_envoy_ptr, bridge_module_ptr) };
    h::request(this, &mut envoy, "encode_headers", |b, e| {
        b.encode_headers(e, end_of_stream)
    });
    // SAFETY: the box of this hook, freed at most once (here or in destroy).
    unsafe { release(this, bridge_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_data(
    bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
    end_of_stream: bool,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (this, mut envoy) = unsafe { bridge(bridge_envoy_ptr, bridge_module_ptr) };
    // Read inside the barrier: a buffer read that fails must not unwind into Envoy.
    h::request(this, &mut envoy, "encode_data", |b, e| {
        let data = joined(e.request_body_chunks());
        b.encode_data(e, &data, end_of_stream)
    });
    // SAFETY: the box of this hook, freed at most once (here or in destroy).
    unsafe { release(this, bridge_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_trailers(
    bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (this, mut envoy) = unsafe { bridge(bridge_envoy_ptr, bridge_module_ptr) };
    h::request(this, &mut envoy, "encode_trailers", |b, e| {
        b.encode_trailers(e)
    }); // SAFETY: the box of this hook, freed at most once (here or in destroy).
    unsafe { release(this, bridge_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_on_upstream_data(
    bridge_envoy_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_envoy_ptr,
    bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
    end_of_stream: bool,
) {
    // SAFETY: Envoy's arguments, per the ABI.
    let (this, mut envoy) = unsafe { bridge(bridge_envoy_ptr, bridge_module_ptr) };
    let read = |e: &Handle| joined(e.upstream_data_chunks());
    h::upstream_data_read(this, &mut envoy, read, end_of_stream);
    // SAFETY: the box of this hook, freed at most once (here or in destroy).
    unsafe { release(this, bridge_module_ptr) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_upstream_http_tcp_bridge_destroy(
    bridge_module_ptr: envoy_dynamic_module_type_upstream_http_tcp_bridge_module_ptr,
) {
    // SAFETY: bridge_new's box, not yet freed (Envoy destroys a bridge once).
    let this = unsafe { &*(bridge_module_ptr as *const BridgeBox<Handle>) };
    if h::destroy_requested(this) {
        // SAFETY: bridge_new's box, freed once: no hook of it is running.
        h::destroy(unsafe { Box::from_raw(bridge_module_ptr as *mut BridgeBox<Handle>) });
    }
}

/// Each definition and its ABI declaration assigned to one fn-pointer type:
/// any difference fails the build.
#[allow(dead_code)]
fn upstream_http_tcp_bridge_hooks_match_the_abi() {
    use crate::abi::upstream_http_tcp_bridge::hooks as abi;
    macro_rules! same {
        ($name:ident, $($arg:tt),*) => {
            let _: [unsafe extern "C" fn($($arg),*) -> _; 2] = [abi::$name, $name];
        };
    }
    same!(
        envoy_dynamic_module_on_upstream_http_tcp_bridge_config_new,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_upstream_http_tcp_bridge_config_destroy,
        _
    );
    same!(envoy_dynamic_module_on_upstream_http_tcp_bridge_new, _, _);
    same!(
        envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_headers,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_data,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_upstream_http_tcp_bridge_encode_trailers,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_upstream_http_tcp_bridge_on_upstream_data,
        _,
        _,
        _
    );
    same!(envoy_dynamic_module_on_upstream_http_tcp_bridge_destroy, _);
}
