//! The hooks Envoy calls, defined with `#[no_mangle]`. Each one turns raw
//! pointers back into the objects the module handed out, runs the filter's method
//! behind the panic barrier, and fails closed when it panics.
//!
//! Every definition is checked against its declaration in the ABI crate by
//! [`signatures_match_the_abi`], so a wrong parameter fails the build.

// The hooks are entry points from C: their pointer arguments are trusted per the
// ABI's contract, which is why they are not `unsafe fn` (Envoy cannot tell).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use crate::abi::{self, *};
use crate::barrier::{guard, Panicked};
use crate::handle::PerRouteBox;
use crate::registry;
use crate::{
    EnvoyConfigHandle, EnvoyFilterHandle, EnvoyHttpFilter, HttpFilter, HttpFilterConfig, LogLevel,
};
use crate::{RequestBodyStatus, RequestHeadersStatus, RequestTrailersStatus};
use crate::{ResponseBodyStatus, ResponseHeadersStatus, ResponseTrailersStatus};

/// What `filter_config_module_ptr` points to.
struct ConfigBox {
    filter_name: &'static str,
    config: Box<dyn HttpFilterConfig<EnvoyFilterHandle>>,
}

/// What `filter_module_ptr` points to. `filter` is None when creating it panicked.
struct FilterBox {
    filter_name: &'static str,
    filter: Option<Box<dyn HttpFilter<EnvoyFilterHandle>>>,
    /// Set once the filter panicked; from then on the stream bypasses the filter.
    failed: bool,
}

/// The local reply a stream gets when its filter fails; the same in all three
/// languages of this repository.
pub const FAIL_CLOSED_STATUS: u32 = 500;
pub const FAIL_CLOSED_BODY: &[u8] = b"dynamic module filter failed\n";
pub const FAIL_CLOSED_DETAILS: &str = "dynamic_module_filter_failed";

/// The largest filter_config a filter is handed. Configs are a few hundred
/// bytes; anything near this is a mistake or an attack on the parser.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

fn module_name() -> &'static str {
    registry::module().map_or("dynamic module", |m| m.name)
}

// ------------------------------------------------------------------ config

/// Logs why a configuration of `kind` ("filter" or "per-route config") named
/// `name` is refused, and returns the NULL that tells Envoy so.
fn refuse<T>(kind: &str, name: &str, why: &str) -> *const T {
    crate::log::log(
        LogLevel::Error,
        &format!("{}: {kind} '{name}': {why}", module_name()),
    );
    core::ptr::null()
}

/// The refusal of a config over [`MAX_CONFIG_BYTES`], before any parser sees it.
fn oversized(config: &[u8]) -> Option<String> {
    (config.len() > MAX_CONFIG_BYTES).then(|| {
        format!(
            "invalid filter_config: {} bytes is over the {MAX_CONFIG_BYTES}-byte limit",
            config.len()
        )
    })
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_config_new(
    filter_config_envoy_ptr: envoy_dynamic_module_type_http_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_http_filter_config_module_ptr {
    // SAFETY: Envoy lends both buffers for this call.
    let name = unsafe { crate::handle::envoy_bytes(name.ptr, name.length) };
    let config = unsafe { crate::handle::envoy_bytes(config.ptr, config.length) };
    let name = String::from_utf8_lossy(name);
    let refuse = |why: &str| refuse("filter", &name, why);
    let Some(module) = registry::module() else {
        return refuse("program_init has not run");
    };
    let Some((filter_name, new_config)) = module.find(&name) else {
        return refuse(&format!(
            "unknown filter name; this module has: {}",
            module.filter_names()
        ));
    };
    if let Some(why) = oversized(config) {
        return refuse(&why);
    }
    // SAFETY: the pointer is the one Envoy passed to this running hook.
    let mut envoy = unsafe { EnvoyConfigHandle::from_raw(filter_config_envoy_ptr) };
    let built = guard(
        || format!("{}: filter '{filter_name}' config creation", module.name),
        || new_config(&mut envoy, config),
    );
    match built {
        Ok(Ok(config)) => Box::into_raw(Box::new(ConfigBox {
            filter_name,
            config,
        })) as *const _,
        Ok(Err(error)) => refuse(&refusal(&*error)),
        Err(Panicked) => core::ptr::null(),
    }
}

/// Why a filter constructor's error refuses the config: a callback this Envoy
/// lacks is not the config's fault, so it is not called an invalid config.
fn refusal(error: &(dyn std::error::Error + 'static)) -> String {
    match error.downcast_ref::<crate::since::MissingCallback>() {
        Some(missing) => missing.to_string(),
        None => format!("invalid filter_config: {error}"),
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_config_destroy(
    filter_config_ptr: envoy_dynamic_module_type_http_filter_config_module_ptr,
) {
    // SAFETY: the pointer came from Box::into_raw in config_new and is freed once.
    let config = unsafe { Box::from_raw(filter_config_ptr as *mut ConfigBox) };
    let filter_name = config.filter_name;
    let _ = guard(
        || format!("{}: filter '{filter_name}' config destroy", module_name()),
        move || drop(config),
    );
}

// -------------------------------------------------------------- per route

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_per_route_config_new(
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_http_filter_per_route_config_module_ptr {
    // SAFETY: Envoy lends both buffers for this call.
    let name = unsafe { crate::handle::envoy_bytes(name.ptr, name.length) };
    let config = unsafe { crate::handle::envoy_bytes(config.ptr, config.length) };
    let name = String::from_utf8_lossy(name);
    let refuse = |why: &str| refuse("per-route config", &name, why);
    let Some(module) = registry::module() else {
        return refuse("program_init has not run");
    };
    let Some((route_name, new_config)) = module.find_per_route(&name) else {
        return refuse("no filter of this module takes a per-route config by that name");
    };
    if let Some(why) = oversized(config) {
        return refuse(&why);
    }
    let built = guard(
        || format!("{}: per-route config '{route_name}' creation", module.name),
        || new_config(config),
    );
    match built {
        Ok(Ok(config)) => Box::into_raw(Box::new(PerRouteBox { config })) as *const _,
        Ok(Err(error)) => refuse(&format!("invalid filter_config: {error}")),
        Err(Panicked) => core::ptr::null(),
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

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_new(
    filter_config_ptr: envoy_dynamic_module_type_http_filter_config_module_ptr,
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
) -> envoy_dynamic_module_type_http_filter_module_ptr {
    // SAFETY: Envoy keeps the config alive for as long as it has streams.
    let config = unsafe { &*(filter_config_ptr as *const ConfigBox) };
    // SAFETY: the filter pointer is live during this hook.
    let mut envoy = unsafe { EnvoyFilterHandle::from_raw(filter_envoy_ptr) };
    let filter = guard(
        || {
            format!(
                "{}: filter '{}' in http_filter_new",
                module_name(),
                config.filter_name
            )
        },
        || config.config.new_http_filter(&mut envoy),
    );
    // A filter that failed to build still gets a box, so the stream fails closed
    // with the same local reply as any other failure instead of being dropped.
    let failed = filter.is_err();
    Box::into_raw(Box::new(FilterBox {
        filter_name: config.filter_name,
        filter: filter.ok(),
        failed,
    })) as *const _
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_destroy(
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) {
    // SAFETY: the pointer came from Box::into_raw in filter_new and is freed once.
    let filter = unsafe { Box::from_raw(filter_module_ptr as *mut FilterBox) };
    let filter_name = filter.filter_name;
    let _ = guard(
        || {
            format!(
                "{}: filter '{filter_name}' in http_filter_destroy",
                module_name()
            )
        },
        move || drop(filter),
    );
}

/// Runs one phase of a stream. Skips the filter once it has failed; on a panic,
/// sends the fail-closed local reply (when `can_reply`) and returns `stop`.
fn run_phase<R>(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    phase: &'static str,
    can_reply: bool,
    go_on: R,
    stop: R,
    call: impl FnOnce(&mut dyn HttpFilter<EnvoyFilterHandle>, &mut EnvoyFilterHandle) -> R,
) -> R {
    // SAFETY: Envoy passes the pointer filter_new returned, live until destroy, and
    // never runs two hooks of one stream at once.
    let this = unsafe { &mut *(filter_module_ptr as *mut FilterBox) };
    // SAFETY: the filter pointer is live during this hook.
    let mut envoy = unsafe { EnvoyFilterHandle::from_raw(filter_envoy_ptr) };
    let outcome = match (this.failed, this.filter.as_deref_mut()) {
        (false, Some(filter)) => guard(
            || {
                format!(
                    "{}: filter '{}' in {phase}",
                    module_name(),
                    this.filter_name
                )
            },
            || call(filter, &mut envoy),
        ),
        // A filter that failed to build fails closed at its first chance.
        (false, None) => Err(Panicked),
        (true, _) => return go_on,
    };
    match outcome {
        Ok(status) => status,
        Err(Panicked) if can_reply => {
            this.failed = true;
            envoy.send_response(
                FAIL_CLOSED_STATUS,
                &[],
                FAIL_CLOSED_BODY,
                FAIL_CLOSED_DETAILS,
            );
            stop
        }
        Err(Panicked) => {
            this.failed = true;
            go_on
        }
    }
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_request_headers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_request_headers_status {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_request_headers",
        true,
        RequestHeadersStatus::Continue,
        RequestHeadersStatus::StopIteration,
        |f, e| f.on_request_headers(e, end_of_stream),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_request_body(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_request_body_status {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_request_body",
        true,
        RequestBodyStatus::Continue,
        RequestBodyStatus::StopIterationNoBuffer,
        |f, e| f.on_request_body(e, end_of_stream),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_request_trailers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) -> envoy_dynamic_module_type_on_http_filter_request_trailers_status {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_request_trailers",
        true,
        RequestTrailersStatus::Continue,
        RequestTrailersStatus::StopIteration,
        |f, e| f.on_request_trailers(e),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_response_headers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_response_headers_status {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_response_headers",
        true,
        ResponseHeadersStatus::Continue,
        ResponseHeadersStatus::StopIteration,
        |f, e| f.on_response_headers(e, end_of_stream),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_response_body(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    end_of_stream: bool,
) -> envoy_dynamic_module_type_on_http_filter_response_body_status {
    // Response headers are already on their way: too late for a local reply, so a
    // panic here lets the rest of the body through unfiltered and is logged.
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_response_body",
        false,
        ResponseBodyStatus::Continue,
        ResponseBodyStatus::Continue,
        |f, e| f.on_response_body(e, end_of_stream),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_response_trailers(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) -> envoy_dynamic_module_type_on_http_filter_response_trailers_status {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_response_trailers",
        false,
        ResponseTrailersStatus::Continue,
        ResponseTrailersStatus::Continue,
        |f, e| f.on_response_trailers(e),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_stream_complete(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_stream_complete",
        false,
        (),
        (),
        |f, e| f.on_stream_complete(e),
    )
}

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_scheduled(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    event_id: u64,
) {
    run_phase(
        filter_envoy_ptr,
        filter_module_ptr,
        "on_scheduled",
        true,
        (),
        (),
        |f, e| f.on_scheduled(e, event_id),
    )
}

// ------------------------------------------------- hooks this SDK leaves idle
//
// Envoy 1.40 requires these symbols even from modules that never start callouts
// or act as terminal filters. This SDK starts no callouts, so they do nothing.

#[no_mangle]
pub extern "C" fn envoy_dynamic_module_on_http_filter_http_callout_done(
    _filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    _filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    _callout_id: u64,
    _result: envoy_dynamic_module_type_http_callout_result,
    _headers: *mut envoy_dynamic_module_type_envoy_http_header,
    _headers_size: usize,
    _body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
    _body_chunks_size: usize,
) {
}

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
            let _: [unsafe extern "C" fn($($arg),*) -> _; 2] = [abi::hooks::$name, $name];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::since::{LogV2, OptionalCallback};
    use crate::BoxError;

    #[test]
    fn a_missing_callback_refuses_without_blaming_the_config() {
        static NEWER: OptionalCallback<LogV2> =
            OptionalCallback::new(c"envoy_dynamic_module_callback_from_the_future", "2.0.0");
        NEWER.resolve();
        let error: BoxError = NEWER.require().unwrap_err().into();
        assert_eq!(
            refusal(&*error),
            "needs envoy_dynamic_module_callback_from_the_future, which this Envoy does not \
             export (Envoy 2.0.0 and later do)"
        );
        let bad: BoxError = "expected a regex".into();
        assert_eq!(refusal(&*bad), "invalid filter_config: expected a regex");
    }
}
