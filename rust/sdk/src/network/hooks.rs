//! The network filter hooks Envoy calls, defined with `#[no_mangle]`: only the
//! glue; the module's [`module!`](crate::module) fills [`REGISTERED`]. Each
//! calls its body in [`body`](super::body), which runs the filter behind the
//! panic barrier and fails closed by closing the connection.
//!
//! Envoy calls some hooks from inside others: a `write` from `on_read` runs the
//! write filters (this one too) at once, and a `close` raises the close event at
//! once. A filter is never entered twice: its own writes pass its `on_write`
//! untouched, and events and watermarks raised meanwhile wait until the running
//! hook returns. That keeps the one `&mut` to the filter unique.
//!
//! The hook bodies (body.rs) are generic over the connection handle, so unit
//! tests run them (and their fail-closed paths) on the fake; the `#[no_mangle]`
//! functions here only turn Envoy's pointers into the real handle and the
//! filter's box.
//!
//! Every definition is checked against its declaration in the ABI crate by
//! [`signatures_match_the_abi`].

#![allow(clippy::not_unsafe_ptr_arg_deref)]

use super::body::*;
use crate::abi::network::{self as net, *};
use crate::abi::*;
use crate::barrier::{context, guard, in_phase};
use crate::config;
use crate::network::NetworkFilterConfig;

/// The network filters the module registered, by name ([`module!`](crate::module)).
pub static REGISTERED: crate::registry::Table<NewNetworkFilterConfig> =
    crate::registry::Table::new();

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_config_new(
    filter_config_envoy_ptr: envoy_dynamic_module_type_network_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_network_filter_config_module_ptr {
    config_new(&REGISTERED, filter_config_envoy_ptr, name, config)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_config_destroy(
    filter_config_ptr: envoy_dynamic_module_type_network_filter_config_module_ptr,
) {
    let what = |filter_name| context("filter", filter_name, "config destroy");
    // SAFETY: the pointer came from create_box in config_new and is freed once.
    unsafe { config::destroy_box::<dyn NetworkFilterConfig<Handle>>(filter_config_ptr, what) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_new(
    filter_config_ptr: envoy_dynamic_module_type_network_filter_config_module_ptr,
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
) -> envoy_dynamic_module_type_network_filter_module_ptr {
    // SAFETY: Envoy keeps the config alive for as long as it has connections.
    let config = unsafe { &*(filter_config_ptr as *const ConfigBox) };
    // SAFETY: the filter pointer is live during this hook.
    let mut envoy = unsafe { Handle::from_raw(filter_envoy_ptr) };
    let live = crate::live::Instance::new(config.live.counts());
    let filter = new_filter(config.filter_name, &*config.config, &mut envoy, live);
    Box::into_raw(Box::new(filter)) as *const _
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_destroy(
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
) {
    // SAFETY: the pointer came from Box::into_raw in filter_new and is freed once.
    let filter = unsafe { Box::from_raw(filter_module_ptr as *mut FilterBox<Handle>) };
    let filter_name = filter.filter_name;
    let _ = guard(
        || in_phase("filter", filter_name, "network_filter_destroy"),
        move || drop(filter),
    );
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_new_connection(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
) -> envoy_dynamic_module_type_on_network_filter_data_status {
    data_hook(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_new_connection",
        |f, e| f.on_new_connection(e),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_read(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    data_length: usize,
    end_stream: bool,
) -> envoy_dynamic_module_type_on_network_filter_data_status {
    data_hook(filter_envoy_ptr, filter_module_ptr, "on_read", |f, e| {
        f.on_read(e, data_length, end_stream)
    })
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_write(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    data_length: usize,
    end_stream: bool,
) -> envoy_dynamic_module_type_on_network_filter_data_status {
    data_hook(filter_envoy_ptr, filter_module_ptr, "on_write", |f, e| {
        f.on_write(e, data_length, end_stream)
    })
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_event(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    event: envoy_dynamic_module_type_network_connection_event,
) {
    notice_hook(filter_envoy_ptr, filter_module_ptr, Deferred::Event(event))
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_above_write_buffer_high_watermark(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
) {
    notice_hook(
        filter_envoy_ptr,
        filter_module_ptr,
        Deferred::AboveHighWatermark,
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_below_write_buffer_low_watermark(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
) {
    notice_hook(
        filter_envoy_ptr,
        filter_module_ptr,
        Deferred::BelowLowWatermark,
    )
}

// ------------------------------------------------- hooks this SDK leaves idle
//
// This SDK starts no callouts and no schedulers on network filters.

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_http_callout_done(
    _filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    _callout_id: u64,
    _result: envoy_dynamic_module_type_http_callout_result,
    _headers: *mut envoy_dynamic_module_type_envoy_http_header,
    _headers_size: usize,
    _body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
    _body_chunks_size: usize,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_scheduled(
    _filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    _event_id: u64,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_network_filter_config_scheduled(
    _filter_config_ptr: envoy_dynamic_module_type_network_filter_config_module_ptr,
    _event_id: u64,
) {
}

/// Assigns each definition and its ABI declaration to one fn-pointer type, so
/// the compiler rejects any difference in parameters or return type.
#[allow(dead_code, clippy::type_complexity)]
fn signatures_match_the_abi() {
    macro_rules! same {
        ($name:ident, $($arg:tt),*) => {
            let _: [unsafe extern "C" fn($($arg),*) -> _; 2] = [net::hooks::$name, $name];
        };
    }
    same!(envoy_dynamic_module_on_network_filter_config_new, _, _, _);
    same!(envoy_dynamic_module_on_network_filter_config_destroy, _);
    same!(envoy_dynamic_module_on_network_filter_new, _, _);
    same!(envoy_dynamic_module_on_network_filter_destroy, _);
    same!(envoy_dynamic_module_on_network_filter_new_connection, _, _);
    same!(envoy_dynamic_module_on_network_filter_read, _, _, _, _);
    same!(envoy_dynamic_module_on_network_filter_write, _, _, _, _);
    same!(envoy_dynamic_module_on_network_filter_event, _, _, _);
    same!(
        envoy_dynamic_module_on_network_filter_above_write_buffer_high_watermark,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_network_filter_below_write_buffer_low_watermark,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_network_filter_http_callout_done,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _
    );
    same!(envoy_dynamic_module_on_network_filter_scheduled, _, _, _);
    same!(
        envoy_dynamic_module_on_network_filter_config_scheduled,
        _,
        _
    );
}
