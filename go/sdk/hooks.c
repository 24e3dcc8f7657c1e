// The stream hooks, in C. Entering Go from Envoy's thread (cgo) costs far more
// than a filter's empty method, and Envoy calls every hook of every stream; so
// each hook first reads, in the stream's C slot, whether its filter implements
// it (the bits filter.go found by type assertion), and returns Continue without
// entering Go when it does not. A config whose filters implement no hook at all
// (passthrough) gets one shared C slot for all its streams, so such a stream
// never enters Go. A config whose streams share one filter (Go's
// SharedFilterConfig) keeps its streams' slots for its next streams, so
// filter_new and filter_destroy do not enter Go either (stream_cache.c); and
// when such a config's header hooks only apply fixed batches (Go's
// DefaultHeaderBatches), a stream on a route without an override never
// enters Go at all.
// The definitions include abi.h, so the compiler checks them as it checks the
// //export hooks in hooks.go; the Go halves are the dm_go_* exports there.

#include "_cgo_export.h"
#include "header_batch.h"
#include "memory.h"

#define SLOT(ptr) ((const dm_slot*)(ptr))

// Applies the header batch the filter left for this hook (header_batch.go),
// after Go has returned: the batch costs no crossing of its own.
static void apply_pending(envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
                          envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  dm_slot* slot = (dm_slot*)filter_module_ptr;
  const dm_header_batch* batch = slot->pending;
  if (batch == NULL) return;
  slot->pending = NULL;
  dm_apply_header_batch(filter_envoy_ptr,
                        (enum envoy_dynamic_module_type_http_header_type)slot->pending_type, batch);
}

// Applies a config's default header batch (memory.h) when the stream's route
// has no per-route override: all the filter would have done in Go. False when
// Go must run the hook.
static bool applied_default(envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
                            const dm_header_batch* batch,
                            enum envoy_dynamic_module_type_http_header_type type) {
  if (batch == NULL) return false;
  if (envoy_dynamic_module_callback_get_most_specific_route_config(filter_envoy_ptr) != NULL) {
    return false;
  }
  dm_apply_header_batch(filter_envoy_ptr, type, batch);
  return true;
}

// The slot of every stream whose config's filters implement no hook.
static const dm_slot kNoGoStream = {.index = DM_SLOT_NO_GO_STREAM, .hooks = 0};

envoy_dynamic_module_type_http_filter_module_ptr envoy_dynamic_module_on_http_filter_new(
    envoy_dynamic_module_type_http_filter_config_module_ptr filter_config_ptr,
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr) {
  const dm_slot* config = SLOT(filter_config_ptr);
  if (config->hooks == 0) return &kNoGoStream;
  // A shared-filter config's stream reuses a slot a finished stream left,
  // with its Go half: nothing to make in Go.
  if (config->cache != NULL) {
    dm_slot* reused = dm_stream_cache_pop(config->cache);
    if (reused != NULL) return reused;
  }
  // Never NULL (Envoy does not check): a stream the module cannot make gets
  // a slot that fails it closed (memory.go's failedStream).
  return dm_go_filter_new(filter_config_ptr, filter_envoy_ptr);
}

void envoy_dynamic_module_on_http_filter_destroy(
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  if (filter_module_ptr == &kNoGoStream) return;
  dm_slot* stream = (dm_slot*)filter_module_ptr;
  if (stream->cache != NULL) {
    // Kept for the config's next stream; Go releases it with the config.
    dm_stream_cache_push(stream->cache, stream);
    return;
  }
  dm_go_filter_destroy(filter_module_ptr);
}

envoy_dynamic_module_type_on_http_filter_request_headers_status
envoy_dynamic_module_on_http_filter_request_headers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  const dm_slot* slot = SLOT(filter_module_ptr);
  if (!(slot->hooks & DM_HOOK_REQUEST_HEADERS) ||
      (slot->cache != NULL &&
       applied_default(filter_envoy_ptr, slot->cache->request_headers,
                       envoy_dynamic_module_type_http_header_type_RequestHeader))) {
    return envoy_dynamic_module_type_on_http_filter_request_headers_status_Continue;
  }
  envoy_dynamic_module_type_on_http_filter_request_headers_status status =
      dm_go_request_headers(filter_envoy_ptr, filter_module_ptr, end_of_stream);
  apply_pending(filter_envoy_ptr, filter_module_ptr);
  return status;
}

envoy_dynamic_module_type_on_http_filter_request_body_status
envoy_dynamic_module_on_http_filter_request_body(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  if (!(SLOT(filter_module_ptr)->hooks & DM_HOOK_REQUEST_BODY)) {
    return envoy_dynamic_module_type_on_http_filter_request_body_status_Continue;
  }
  envoy_dynamic_module_type_on_http_filter_request_body_status status =
      dm_go_request_body(filter_envoy_ptr, filter_module_ptr, end_of_stream);
  apply_pending(filter_envoy_ptr, filter_module_ptr);
  return status;
}

envoy_dynamic_module_type_on_http_filter_request_trailers_status
envoy_dynamic_module_on_http_filter_request_trailers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  if (!(SLOT(filter_module_ptr)->hooks & DM_HOOK_REQUEST_TRAILERS)) {
    return envoy_dynamic_module_type_on_http_filter_request_trailers_status_Continue;
  }
  envoy_dynamic_module_type_on_http_filter_request_trailers_status status =
      dm_go_request_trailers(filter_envoy_ptr, filter_module_ptr);
  apply_pending(filter_envoy_ptr, filter_module_ptr);
  return status;
}

envoy_dynamic_module_type_on_http_filter_response_headers_status
envoy_dynamic_module_on_http_filter_response_headers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  const dm_slot* slot = SLOT(filter_module_ptr);
  if (!(slot->hooks & DM_HOOK_RESPONSE_HEADERS) ||
      (slot->cache != NULL &&
       applied_default(filter_envoy_ptr, slot->cache->response_headers,
                       envoy_dynamic_module_type_http_header_type_ResponseHeader))) {
    return envoy_dynamic_module_type_on_http_filter_response_headers_status_Continue;
  }
  envoy_dynamic_module_type_on_http_filter_response_headers_status status =
      dm_go_response_headers(filter_envoy_ptr, filter_module_ptr, end_of_stream);
  apply_pending(filter_envoy_ptr, filter_module_ptr);
  return status;
}

envoy_dynamic_module_type_on_http_filter_response_body_status
envoy_dynamic_module_on_http_filter_response_body(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  if (!(SLOT(filter_module_ptr)->hooks & DM_HOOK_RESPONSE_BODY)) {
    return envoy_dynamic_module_type_on_http_filter_response_body_status_Continue;
  }
  envoy_dynamic_module_type_on_http_filter_response_body_status status =
      dm_go_response_body(filter_envoy_ptr, filter_module_ptr, end_of_stream);
  apply_pending(filter_envoy_ptr, filter_module_ptr);
  return status;
}

envoy_dynamic_module_type_on_http_filter_response_trailers_status
envoy_dynamic_module_on_http_filter_response_trailers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  if (!(SLOT(filter_module_ptr)->hooks & DM_HOOK_RESPONSE_TRAILERS)) {
    return envoy_dynamic_module_type_on_http_filter_response_trailers_status_Continue;
  }
  envoy_dynamic_module_type_on_http_filter_response_trailers_status status =
      dm_go_response_trailers(filter_envoy_ptr, filter_module_ptr);
  apply_pending(filter_envoy_ptr, filter_module_ptr);
  return status;
}

void envoy_dynamic_module_on_http_filter_stream_complete(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  if (SLOT(filter_module_ptr)->hooks & DM_HOOK_STREAM_COMPLETE) {
    dm_go_stream_complete(filter_envoy_ptr, filter_module_ptr);
    apply_pending(filter_envoy_ptr, filter_module_ptr);
  }
}

// Required by Envoy 1.40 even from a module that never schedules: this SDK
// offers no scheduler, so no event ever arrives.
void envoy_dynamic_module_on_http_filter_scheduled(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, uint64_t event_id) {
  (void)filter_envoy_ptr;
  (void)filter_module_ptr;
  (void)event_id;
}
