//! The HTTP hooks Envoy calls, defined with `#[no_mangle]`: only the glue. Each
//! turns Envoy's arguments into the module's objects and calls its body in
//! [`body`](super::body), generic over the handle.
//!
//! Every definition is checked against its declaration in the ABI crate by
//! [`signatures_match_the_abi`], so a wrong parameter fails the build.

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use super::body::*;
use crate::abi::{self, *};
use crate::barrier::{context, guard};
use crate::config;
use crate::ffi::envoy_bytes;
use crate::http::callout::{self, HttpCalloutResponse};
use crate::http::handle::PerRouteBox;
use crate::log::module_name;
use crate::registry;
use crate::LocalReplyStatus;
use crate::{EnvoyConfigHandle, EnvoyFilterHandle, HttpFilterConfig};

/// Builds one filter configuration from its `filter_config` bytes.
pub type NewHttpFilterConfig =
    fn(
        &mut EnvoyConfigHandle,
        &[u8],
    ) -> Result<Box<dyn HttpFilterConfig<EnvoyFilterHandle>>, crate::BoxError>;

/// Builds one per-route override from its `filter_config` bytes. The filter
/// gets it back from [`EnvoyHttpFilter::per_route_config`](crate::EnvoyHttpFilter::per_route_config).
pub type NewPerRouteConfig =
    fn(&[u8]) -> Result<std::sync::Arc<dyn std::any::Any + Send + Sync>, crate::BoxError>;

/// The HTTP filters the module registered, by name ([`module!`](crate::module)).
pub static FILTERS: registry::Table<NewHttpFilterConfig> = registry::Table::new();

/// The per-route overrides the module understands, by per_route_config_name.
pub static PER_ROUTE: registry::Table<NewPerRouteConfig> = registry::Table::new();

// ------------------------------------------------------------------ config

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_config_new(
    filter_config_envoy_ptr: envoy_dynamic_module_type_http_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_http_filter_config_module_ptr {
    let find = |name: &str| {
        FILTERS.find(name).ok_or_else(|| {
            let names = FILTERS.names();
            format!("unknown filter name; this module has: {names}")
        })
    };
    // SAFETY: the pointer is the one Envoy passed to this running hook.
    let mut envoy = unsafe { EnvoyConfigHandle::from_raw(filter_config_envoy_ptr) };
    // SAFETY: Envoy lends both buffers for this call.
    unsafe { config::create_box(FILTER_CONFIG, name, config, find, &mut envoy) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_config_destroy(
    filter_config_ptr: envoy_dynamic_module_type_http_filter_config_module_ptr,
) {
    let what = |filter_name| context("filter", filter_name, "config destroy");
    // SAFETY: the pointer came from create_box in config_new and is freed once.
    unsafe {
        config::destroy_box::<dyn HttpFilterConfig<EnvoyFilterHandle>>(filter_config_ptr, what)
    }
}

// -------------------------------------------------------------- per route

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_per_route_config_new(
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_http_filter_per_route_config_module_ptr {
    // SAFETY: Envoy lends both buffers for this call.
    let (name, config) = unsafe {
        (
            envoy_bytes(name.ptr, name.length),
            envoy_bytes(config.ptr, config.length),
        )
    };
    let find = |name: &str| {
        PER_ROUTE.find(name).ok_or_else(|| {
            "no filter of this module takes a per-route config by that name".to_string()
        })
    };
    let build = |_, new_config: NewPerRouteConfig, config: &[u8]| new_config(config);
    match config::create(PER_ROUTE_CONFIG, name, config, find, build) {
        Some(config) => Box::into_raw(Box::new(PerRouteBox { config })) as *const _,
        None => core::ptr::null(),
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_per_route_config_destroy(
    filter_config_ptr: envoy_dynamic_module_type_http_filter_per_route_config_module_ptr,
) {
    // SAFETY: the pointer came from Box::into_raw above and is freed once.
    let config = unsafe { Box::from_raw(filter_config_ptr as *mut PerRouteBox) };
    let _ = guard(
        || format!("{}: per-route config destroy", module_name()),
        move || drop(config),
    );
}

// ---------------------------------------------------------------- streams

// A stream's box is recycled per thread only if it fits a block: a field added
// to FilterBox that outgrows it fails the build here instead of quietly
// bringing back an allocation per stream.
const _: () = assert!(crate::http::place::fits_a_block::<
    FilterBox<EnvoyFilterHandle>,
>());

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_new(
    filter_config_ptr: envoy_dynamic_module_type_http_filter_config_module_ptr,
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
) -> envoy_dynamic_module_type_http_filter_module_ptr {
    // SAFETY: Envoy keeps the config alive for as long as it has streams.
    let config = unsafe { &*(filter_config_ptr as *const ConfigBox) };
    // SAFETY: the filter pointer is live during this hook.
    let mut envoy = unsafe { EnvoyFilterHandle::from_raw(filter_envoy_ptr) };
    let counts = config.live.counts();
    create_stream(config.filter_name, counts, &*config.config, &mut envoy) as *const _
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_destroy(
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) {
    // SAFETY: the pointer came from create_stream in filter_new and is freed once.
    unsafe { destroy_stream(filter_module_ptr as *mut FilterBox<EnvoyFilterHandle>) }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_request_headers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_request_headers_status {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    request_headers(this, &mut envoy, end_of_stream)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_request_body(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_request_body_status {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    request_body(this, &mut envoy, end_of_stream)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_request_trailers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) -> envoy_dynamic_module_type_on_http_filter_request_trailers_status {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    request_trailers(this, &mut envoy)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_response_headers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_response_headers_status {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    response_headers(this, &mut envoy, end_of_stream)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_response_body(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_response_body_status {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    response_body(this, &mut envoy, end_of_stream)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_response_trailers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) -> envoy_dynamic_module_type_on_http_filter_response_trailers_status {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    response_trailers(this, &mut envoy)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_stream_complete(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    stream_complete(this, &mut envoy)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_scheduled(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    event_id: u64,
) {
    // SAFETY: see `stream`.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    scheduled(this, &mut envoy, event_id)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_local_reply(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    response_code: u32,
    details: envoy_dynamic_module_type_envoy_buffer,
    reset_imminent: bool,
) -> envoy_dynamic_module_type_on_http_filter_local_reply_status {
    // A reply the filter's own callback set off (send_response, continue_*,
    // append_body, from inside its hook): its box is borrowed below us.
    if crate::reentry::inside(filter_envoy_ptr) {
        return LocalReplyStatus::Continue;
    }
    // SAFETY: see `stream`; not re-entrant, checked above.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    // SAFETY: Envoy lends the details for this call.
    let details = unsafe { envoy_bytes(details.ptr, details.length) };
    local_reply(this, &mut envoy, response_code, details, reset_imminent)
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_callout_done(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    callout_id: u64,
    result: envoy_dynamic_module_type_http_callout_result,
    headers: *mut envoy_dynamic_module_type_envoy_http_header,
    headers_size: usize,
    body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
    body_chunks_size: usize,
) {
    // Before touching the filter: it may be on the stack below, calling out.
    if callout::answered_inline(filter_envoy_ptr) {
        return;
    }
    // SAFETY: see `stream`; the arrays are Envoy's, lent for this call.
    let (this, mut envoy) = unsafe { stream(filter_envoy_ptr, filter_module_ptr) };
    // SAFETY: Envoy lends the header and body arrays for this call.
    let response = unsafe {
        HttpCalloutResponse::from_raw(headers, headers_size, body_chunks, body_chunks_size)
    };
    http_callout_done(this, &mut envoy, callout_id, result, response.as_ref())
}

// ------------------------------------------------- hooks this SDK leaves idle
//
// Envoy 1.40 requires these symbols even from modules that never start
// streaming callouts or act as terminal filters; they do nothing here.

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_headers(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    _stream_id: u64,
    _headers: *mut envoy_dynamic_module_type_envoy_http_header,
    _headers_size: usize,
    _end_stream: bool,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_data(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    _stream_id: u64,
    _data: envoy_dynamic_module_type_envoy_buffer_const_ptr,
    _data_count: usize,
    _end_stream: bool,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_trailers(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    _stream_id: u64,
    _trailers: *mut envoy_dynamic_module_type_envoy_http_header,
    _trailers_size: usize,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_complete(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    _stream_id: u64,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_reset(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    _stream_id: u64,
    _reason: envoy_dynamic_module_type_http_stream_reset_reason,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) {
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) {
}

/// Assigns each definition and its ABI declaration to one fn-pointer type, so the
/// compiler rejects any difference in parameters or return type. (rustc does not
/// compare a `#[no_mangle]` definition with an `extern` declaration by itself.)
#[allow(dead_code, clippy::type_complexity)]
fn signatures_match_the_abi() {
    macro_rules! same {
        ($name:ident, $($arg:tt),*) => {
            let _: [unsafe extern "C" fn($($arg),*) -> _; 2] = [abi::http::hooks::$name, $name];
        };
    }
    same!(envoy_dynamic_module_on_http_filter_config_new, _, _, _);
    same!(envoy_dynamic_module_on_http_filter_config_destroy, _);
    same!(
        envoy_dynamic_module_on_http_filter_per_route_config_new,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_per_route_config_destroy,
        _
    );
    same!(envoy_dynamic_module_on_http_filter_new, _, _);
    same!(envoy_dynamic_module_on_http_filter_destroy, _);
    same!(envoy_dynamic_module_on_http_filter_request_headers, _, _, _);
    same!(envoy_dynamic_module_on_http_filter_request_body, _, _, _);
    same!(envoy_dynamic_module_on_http_filter_request_trailers, _, _);
    same!(
        envoy_dynamic_module_on_http_filter_response_headers,
        _,
        _,
        _
    );
    same!(envoy_dynamic_module_on_http_filter_response_body, _, _, _);
    same!(envoy_dynamic_module_on_http_filter_response_trailers, _, _);
    same!(envoy_dynamic_module_on_http_filter_stream_complete, _, _);
    same!(envoy_dynamic_module_on_http_filter_scheduled, _, _, _);
    same!(
        envoy_dynamic_module_on_http_filter_local_reply,
        _,
        _,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_http_callout_done,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_http_stream_headers,
        _,
        _,
        _,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_http_stream_data,
        _,
        _,
        _,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_http_stream_trailers,
        _,
        _,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_http_stream_complete,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_http_stream_reset,
        _,
        _,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark,
        _,
        _
    );
    same!(
        envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark,
        _,
        _
    );
}

// The exported glue itself, where a test must go through it rather than the
// bodies (body.rs tests those with the fake).
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::HttpCalloutResult;

    /// The real handle's local reply, linked into this test binary only because
    /// the next test calls the exported hook; reaching it is a failure.
    #[no_mangle]
    extern "C" fn envoy_dynamic_module_callback_http_send_response(
        _: envoy_dynamic_module_type_http_filter_envoy_ptr,
        _: u32,
        _: *mut envoy_dynamic_module_type_module_http_header,
        _: usize,
        _: envoy_dynamic_module_type_module_buffer,
        _: envoy_dynamic_module_type_module_buffer,
    ) {
        unreachable!("the inline answer reached the filter")
    }

    #[test]
    fn an_inline_answer_never_touches_the_filter() {
        // The module pointer is dangling on purpose: the hook must return
        // before reading it (under ASan, a read would be reported).
        let stream = 0x1000 as envoy_dynamic_module_type_http_filter_envoy_ptr;
        let dangling =
            std::ptr::dangling::<u64>() as envoy_dynamic_module_type_http_filter_module_ptr;
        let ((), inline) = callout::calling_out(stream, || {
            envoy_dynamic_module_on_http_filter_http_callout_done(
                stream,
                dangling,
                1,
                HttpCalloutResult::Success,
                core::ptr::null_mut(),
                0,
                core::ptr::null_mut(),
                0,
            )
        });
        assert!(inline);
    }
}
