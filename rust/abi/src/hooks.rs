//! Event hooks: functions the module exports and Envoy calls.
//!
//! These are declarations only; the SDK defines them with `#[no_mangle]` and
//! checks each definition against the declaration here. Envoy 1.40 refuses a
//! module that lacks any of the 21 HTTP-filter hooks, naming the first one
//! missing; it looks up the two per-route hooks only when a route carries a
//! per-route override, and then needs both.
//!
//! All hooks of one stream run on that stream's worker thread; the config hooks
//! run on the main thread.

use crate::types::*;

extern "C" {
    /// Called once when Envoy loads the module. Returns the ABI version the module
    /// speaks on this Envoy: ENVOY_DYNAMIC_MODULES_ABI_VERSION where
    /// envoy_dynamic_module_callback_log_v2 resolves (1.40),
    /// ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION where only is_validation_mode
    /// does (1.38, 1.39), ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37 where
    /// neither does. Envoy 1.38 to 1.40 log an exact match at info, load any
    /// other string with a deprecation warning, and fail on NULL; 1.37 fails
    /// the load on anything but its exact string.
    pub fn envoy_dynamic_module_on_program_init() -> envoy_dynamic_module_type_abi_version_module_ptr;

    /// Creates the module's side of a filter configuration. `name` is the
    /// configured filter_name and `config` the filter_config bytes (JSON text for
    /// a google.protobuf.Struct, raw bytes for a StringValue); both are borrowed
    /// for this call only. Returning NULL makes Envoy refuse the configuration.
    pub fn envoy_dynamic_module_on_http_filter_config_new(
        filter_config_envoy_ptr: envoy_dynamic_module_type_http_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_http_filter_config_module_ptr;

    /// Releases a configuration made by http_filter_config_new. Streams created
    /// from it are gone by now.
    pub fn envoy_dynamic_module_on_http_filter_config_destroy(
        filter_config_ptr: envoy_dynamic_module_type_http_filter_config_module_ptr,
    );

    /// Creates the module's side of a per-route override (a route's
    /// `typed_per_filter_config` of type DynamicModuleFilterPerRoute). `name` is its
    /// per_route_config_name; both buffers are borrowed for this call only. NULL
    /// makes Envoy refuse the route configuration.
    pub fn envoy_dynamic_module_on_http_filter_per_route_config_new(
        name: envoy_dynamic_module_type_envoy_buffer,
        config: envoy_dynamic_module_type_envoy_buffer,
    ) -> envoy_dynamic_module_type_http_filter_per_route_config_module_ptr;

    /// Releases a per-route override made by http_filter_per_route_config_new.
    pub fn envoy_dynamic_module_on_http_filter_per_route_config_destroy(
        filter_config_ptr: envoy_dynamic_module_type_http_filter_per_route_config_module_ptr,
    );

    /// Creates the per-stream filter. NULL makes Envoy close the stream.
    pub fn envoy_dynamic_module_on_http_filter_new(
        filter_config_ptr: envoy_dynamic_module_type_http_filter_config_module_ptr,
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    ) -> envoy_dynamic_module_type_http_filter_module_ptr;

    /// The request headers have arrived; `end_of_stream` says no body follows.
    pub fn envoy_dynamic_module_on_http_filter_request_headers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        end_of_stream: bool,
    ) -> envoy_dynamic_module_type_on_http_filter_request_headers_status;

    /// A chunk of the request body has arrived (read it as ReceivedRequestBody).
    pub fn envoy_dynamic_module_on_http_filter_request_body(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        end_of_stream: bool,
    ) -> envoy_dynamic_module_type_on_http_filter_request_body_status;

    /// The request trailers have arrived.
    pub fn envoy_dynamic_module_on_http_filter_request_trailers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    ) -> envoy_dynamic_module_type_on_http_filter_request_trailers_status;

    /// The response headers are about to go downstream.
    pub fn envoy_dynamic_module_on_http_filter_response_headers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        end_of_stream: bool,
    ) -> envoy_dynamic_module_type_on_http_filter_response_headers_status;

    /// A chunk of the response body is about to go downstream.
    pub fn envoy_dynamic_module_on_http_filter_response_body(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        end_of_stream: bool,
    ) -> envoy_dynamic_module_type_on_http_filter_response_body_status;

    /// The response trailers are about to go downstream.
    pub fn envoy_dynamic_module_on_http_filter_response_trailers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    ) -> envoy_dynamic_module_type_on_http_filter_response_trailers_status;

    /// The stream is finished (completed or reset); runs before access logging
    /// and before http_filter_destroy.
    pub fn envoy_dynamic_module_on_http_filter_stream_complete(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    );

    /// Releases the per-stream filter. The filter's Envoy pointer is dead afterwards.
    /// Envoy 1.40 runs it from deferred deletion, after every other hook of the
    /// stream has returned; 1.38 and 1.39 could run it on the stack of a hook that
    /// tore the stream down (recreate_stream, not declared here). See docs/COMPAT.md.
    pub fn envoy_dynamic_module_on_http_filter_destroy(
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    );

    /// An HTTP callout started by the filter has finished. On Success, the
    /// response's headers (`:status` among them) and body slices are borrowed
    /// for this call; on Reset or ExceedResponseBufferLimit both are NULL.
    /// Envoy 1.40 reports a timeout or an unreachable host as Success, with
    /// its own 504 or 503 response.
    pub fn envoy_dynamic_module_on_http_filter_http_callout_done(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        callout_id: u64,
        result: envoy_dynamic_module_type_http_callout_result,
        headers: *mut envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        body_chunks: *mut envoy_dynamic_module_type_envoy_buffer,
        body_chunks_size: usize,
    );

    /// A streaming callout received its response headers.
    pub fn envoy_dynamic_module_on_http_filter_http_stream_headers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        stream_id: u64,
        headers: *mut envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        end_stream: bool,
    );

    /// A streaming callout received body data.
    pub fn envoy_dynamic_module_on_http_filter_http_stream_data(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        stream_id: u64,
        data: envoy_dynamic_module_type_envoy_buffer_const_ptr,
        data_count: usize,
        end_stream: bool,
    );

    /// A streaming callout received trailers.
    pub fn envoy_dynamic_module_on_http_filter_http_stream_trailers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        stream_id: u64,
        trailers: *mut envoy_dynamic_module_type_envoy_http_header,
        trailers_size: usize,
    );

    /// A streaming callout finished; its id is free again.
    pub fn envoy_dynamic_module_on_http_filter_http_stream_complete(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        stream_id: u64,
    );

    /// A streaming callout was reset.
    pub fn envoy_dynamic_module_on_http_filter_http_stream_reset(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        stream_id: u64,
        reason: envoy_dynamic_module_type_http_stream_reset_reason,
    );

    /// Runs on the stream's worker after scheduler_commit(event_id) was called,
    /// from any thread, on this stream's scheduler.
    pub fn envoy_dynamic_module_on_http_filter_scheduled(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        event_id: u64,
    );

    /// The downstream connection's write buffer went over its high watermark.
    pub fn envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    );

    /// The downstream connection's write buffer drained below its low watermark.
    pub fn envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
    );

    /// Optional. Envoy is about to answer the stream with a local reply (from any
    /// filter, the router or Envoy itself): `response_code`, `details` (borrowed
    /// for this call) and whether a reset will be sent instead. The answer may
    /// turn the reply into a reset.
    pub fn envoy_dynamic_module_on_http_filter_local_reply(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
        response_code: u32,
        details: envoy_dynamic_module_type_envoy_buffer,
        reset_imminent: bool,
    ) -> envoy_dynamic_module_type_on_http_filter_local_reply_status;
}
