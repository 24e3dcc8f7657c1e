//! Callbacks: functions Envoy exports and the module calls.
//!
//! Only the callbacks this project's filters use are declared; Envoy 1.40 exports
//! many more. Every one declared here is exported by every supported Envoy
//! (ENVOY_VERSIONS), so modules may link against them; the callbacks only newer
//! Envoys export are in [`crate::since`]. A test checks each name against the
//! real binaries. Unless noted, a stream callback must be called on the stream's worker
//! thread, during a hook of that stream.

use crate::types::*;

extern "C" {
    // ----------------------------------------------------------------- logging

    /// Writes one line to Envoy's log under the `dynamic_modules` logger. Every
    /// supported Envoy exports it; ABI v0.2.0 (Envoy 1.40) deprecates it in
    /// favour of `envoy_dynamic_module_callback_log_v2`, which the SDKs use when
    /// the running Envoy has it.
    pub fn envoy_dynamic_module_callback_log(
        level: envoy_dynamic_module_type_log_level,
        message: envoy_dynamic_module_type_module_buffer,
    );

    /// Whether a line at `level` would be written; check it before formatting.
    pub fn envoy_dynamic_module_callback_log_enabled(
        level: envoy_dynamic_module_type_log_level,
    ) -> bool;

    /// @since Envoy 1.38.0 (ABI v0.1.0); absent from 1.37.0.
    /// True while Envoy runs with `--mode validate` (main thread only).
    pub fn envoy_dynamic_module_callback_is_validation_mode() -> bool;

    // ----------------------------------------------------------------- headers

    /// Reads value number `index` of header `key` into `result` (borrowed until
    /// the hook returns or a header is changed). `optional_size`, when not NULL,
    /// receives how many values the header has. False when there is no such value.
    pub fn envoy_dynamic_module_callback_http_get_header(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
        index: usize,
        optional_size: *mut usize,
    ) -> bool;

    /// Replaces every value of `key` with `value`. A NULL or empty `value` removes
    /// the header: Envoy 1.40 has no separate remove callback. False when that
    /// header map does not exist in this phase.
    pub fn envoy_dynamic_module_callback_http_set_header(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// Appends one more value to `key`, keeping the others. An empty value is
    /// refused (false).
    pub fn envoy_dynamic_module_callback_http_add_header(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// How many entries a header map has (0 when it does not exist yet).
    pub fn envoy_dynamic_module_callback_http_get_headers_size(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
    ) -> usize;

    /// Fills `result_headers`, sized by get_headers_size, with every entry of a
    /// header map, pseudo-headers included. The entries are borrowed like get_header's.
    pub fn envoy_dynamic_module_callback_http_get_headers(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        header_type: envoy_dynamic_module_type_http_header_type,
        result_headers: *mut envoy_dynamic_module_type_envoy_http_header,
    ) -> bool;

    // -------------------------------------------------------------- attributes

    /// Reads a string attribute (borrowed for the current hook). False when the
    /// attribute is unknown at this point of the stream or is not a string.
    pub fn envoy_dynamic_module_callback_http_filter_get_attribute_string(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Reads an integer attribute. False when unknown here or not an integer.
    pub fn envoy_dynamic_module_callback_http_filter_get_attribute_int(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        attribute_id: envoy_dynamic_module_type_attribute_id,
        result: *mut u64,
    ) -> bool;

    // ------------------------------------------------------------- local reply

    /// Answers the stream from Envoy itself, with a status, headers and body. The
    /// inputs are read during the call. The hook should then return a Stop status.
    /// `details` becomes the response code details (may be empty).
    pub fn envoy_dynamic_module_callback_http_send_response(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        status_code: u32,
        headers_vector: *mut envoy_dynamic_module_type_module_http_header,
        headers_vector_size: usize,
        body: envoy_dynamic_module_type_module_buffer,
        details: envoy_dynamic_module_type_module_buffer,
    );

    // -------------------------------------------------------------------- body

    /// Total bytes of a body (0 when absent).
    pub fn envoy_dynamic_module_callback_http_get_body_size(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        body_type: envoy_dynamic_module_type_http_body_type,
    ) -> usize;

    /// How many slices a body is made of (0 when absent).
    pub fn envoy_dynamic_module_callback_http_get_body_chunks_size(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        body_type: envoy_dynamic_module_type_http_body_type,
    ) -> usize;

    /// Fills `result_buffer_vector`, sized by get_body_chunks_size, with Envoy's
    /// own slices of a body, without copying the bytes.
    pub fn envoy_dynamic_module_callback_http_get_body_chunks(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        body_type: envoy_dynamic_module_type_http_body_type,
        result_buffer_vector: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Removes `number_of_bytes` from the front of a body (all of it when the
    /// body is shorter). False when that body does not exist at this point.
    pub fn envoy_dynamic_module_callback_http_drain_body(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        body_type: envoy_dynamic_module_type_http_body_type,
        number_of_bytes: usize,
    ) -> bool;

    /// Appends a copy of `data` to the end of a body. For a Buffered body that
    /// does not exist yet (in a trailers hook, say), Envoy creates it.
    pub fn envoy_dynamic_module_callback_http_append_body(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        body_type: envoy_dynamic_module_type_http_body_type,
        data: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    // --------------------------------------------------------------- per route

    /// The module's per-route override for the stream's route (what
    /// http_filter_per_route_config_new returned), or NULL when the route has none.
    pub fn envoy_dynamic_module_callback_get_most_specific_route_config(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    ) -> envoy_dynamic_module_type_http_filter_per_route_config_module_ptr;

    // ---------------------------------------------------- resuming and threads

    /// Resumes the request path after a hook returned a Stop status.
    pub fn envoy_dynamic_module_callback_http_filter_continue_decoding(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    );

    /// Resumes the response path after a hook returned a Stop status.
    pub fn envoy_dynamic_module_callback_http_filter_continue_encoding(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    );

    /// Makes a scheduler for this stream (worker thread). The module must delete it.
    pub fn envoy_dynamic_module_callback_http_filter_scheduler_new(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    ) -> envoy_dynamic_module_type_http_filter_scheduler_module_ptr;

    /// Asks for http_filter_scheduled(event_id) on the stream's worker. Callable
    /// from any thread; does nothing once the stream is gone.
    pub fn envoy_dynamic_module_callback_http_filter_scheduler_commit(
        scheduler_module_ptr: envoy_dynamic_module_type_http_filter_scheduler_module_ptr,
        event_id: u64,
    );

    /// Frees a scheduler made by scheduler_new.
    pub fn envoy_dynamic_module_callback_http_filter_scheduler_delete(
        scheduler_module_ptr: envoy_dynamic_module_type_http_filter_scheduler_module_ptr,
    );

    // ------------------------------------------------------------ HTTP callouts

    /// Sends one HTTP request to the cluster `cluster_name` through Envoy's
    /// async client (on the stream's worker), with `headers` (which must hold
    /// `:method`, `:path` and `:authority`), `body` (may be empty) and a timeout.
    /// Every input is copied during the call. On Success, `callout_id` receives
    /// the id that http_filter_http_callout_done reports later; Envoy cancels
    /// the callout (and never reports it) when the stream goes first. A request
    /// the async client finishes at once gives CannotCreateRequest (a cluster
    /// without hosts does, with no done hook); Envoy's code does not rule out
    /// that done hook running before this returns, so the SDK guards against it.
    pub fn envoy_dynamic_module_callback_http_filter_http_callout(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        callout_id: *mut u64,
        cluster_name: envoy_dynamic_module_type_module_buffer,
        headers: *mut envoy_dynamic_module_type_module_http_header,
        headers_size: usize,
        body: envoy_dynamic_module_type_module_buffer,
        timeout_milliseconds: u64,
    ) -> envoy_dynamic_module_type_http_callout_init_result;

    // ----------------------------------------------------------------- metrics

    /// Defines a counter with the given label names; only during
    /// http_filter_config_new. Writes the counter's id to `counter_id_ptr`.
    pub fn envoy_dynamic_module_callback_http_filter_config_define_counter(
        filter_config_envoy_ptr: envoy_dynamic_module_type_http_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        label_names: *mut envoy_dynamic_module_type_module_buffer,
        label_names_length: usize,
        counter_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Defines a histogram with the given label names; only during
    /// http_filter_config_new. Writes the histogram's id to `histogram_id_ptr`.
    pub fn envoy_dynamic_module_callback_http_filter_config_define_histogram(
        filter_config_envoy_ptr: envoy_dynamic_module_type_http_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        label_names: *mut envoy_dynamic_module_type_module_buffer,
        label_names_length: usize,
        histogram_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Adds `value` to a counter; one label value per label name, in order.
    pub fn envoy_dynamic_module_callback_http_filter_increment_counter(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Records one value in a histogram; one label value per label name, in order.
    pub fn envoy_dynamic_module_callback_http_filter_record_histogram_value(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Defines a gauge with the given label names; only during
    /// http_filter_config_new. Writes the gauge's id to `gauge_id_ptr`.
    pub fn envoy_dynamic_module_callback_http_filter_config_define_gauge(
        filter_config_envoy_ptr: envoy_dynamic_module_type_http_filter_config_envoy_ptr,
        name: envoy_dynamic_module_type_module_buffer,
        label_names: *mut envoy_dynamic_module_type_module_buffer,
        label_names_length: usize,
        gauge_id_ptr: *mut usize,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Raises a gauge by `value`; one label value per label name, in order.
    pub fn envoy_dynamic_module_callback_http_filter_increment_gauge(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Lowers a gauge by `value`; one label value per label name, in order.
    pub fn envoy_dynamic_module_callback_http_filter_decrement_gauge(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    /// Sets a gauge to `value`; one label value per label name, in order.
    pub fn envoy_dynamic_module_callback_http_filter_set_gauge(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        id: usize,
        label_values: *mut envoy_dynamic_module_type_module_buffer,
        label_values_length: usize,
        value: u64,
    ) -> envoy_dynamic_module_type_metrics_result;

    // -------------------------------------------------------- dynamic metadata

    /// Sets `key` in namespace `ns` of the stream's dynamic metadata to a
    /// string (the namespace is created when absent). Returns nothing in 1.40:
    /// without stream info the call does nothing.
    pub fn envoy_dynamic_module_callback_http_set_dynamic_metadata_string(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        ns: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    );

    /// Sets `key` in namespace `ns` of the stream's dynamic metadata to a number.
    pub fn envoy_dynamic_module_callback_http_set_dynamic_metadata_number(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        ns: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        value: f64,
    );

    /// Reads a string value from the metadata `source`. The bytes are Envoy's,
    /// valid until the metadata changes. False when absent or not a string.
    pub fn envoy_dynamic_module_callback_http_get_metadata_string(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        source: envoy_dynamic_module_type_metadata_source,
        ns: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;

    /// Reads a number from the metadata `source`. False when absent or not a number.
    pub fn envoy_dynamic_module_callback_http_get_metadata_number(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        source: envoy_dynamic_module_type_metadata_source,
        ns: envoy_dynamic_module_type_module_buffer,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut f64,
    ) -> bool;

    // ------------------------------------------------------------ filter state

    /// Stores `value` under `key` in the stream's filter state, read-only, as a
    /// string accessor: what `%FILTER_STATE(key:PLAIN)%` prints. False without
    /// stream info. Set a key once per stream: the first value is read-only.
    pub fn envoy_dynamic_module_callback_http_set_filter_state_bytes(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        value: envoy_dynamic_module_type_module_buffer,
    ) -> bool;

    /// Reads the bytes stored under `key` in the stream's filter state (borrowed
    /// until the filter state changes). False when absent.
    pub fn envoy_dynamic_module_callback_http_get_filter_state_bytes(
        filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
        key: envoy_dynamic_module_type_module_buffer,
        result: *mut envoy_dynamic_module_type_envoy_buffer,
    ) -> bool;
}
