/* A stand-in for a guard module, for test_sentinel.py: it exports every HTTP
 * filter hook Envoy 1.40 requires, accepts any filter name and any config, and
 * lets every request through without a mark. Copied over librust_module.so it
 * answers for header_auth the way any wrong module would: no error at load,
 * no guarding. The test compiles it against the repository's abi.h. */
#include "abi.h"

#define PASS(T) return (T)0

static char config_token, filter_token;

envoy_dynamic_module_type_abi_version_module_ptr envoy_dynamic_module_on_program_init(void) {
  return ENVOY_DYNAMIC_MODULES_ABI_VERSION;
}
envoy_dynamic_module_type_http_filter_config_module_ptr envoy_dynamic_module_on_http_filter_config_new(
    envoy_dynamic_module_type_http_filter_config_envoy_ptr e, struct envoy_dynamic_module_type_envoy_buffer name,
    struct envoy_dynamic_module_type_envoy_buffer config) {
  (void)e; (void)name; (void)config;
  return &config_token;
}
void envoy_dynamic_module_on_http_filter_config_destroy(envoy_dynamic_module_type_http_filter_config_module_ptr c) { (void)c; }
envoy_dynamic_module_type_http_filter_module_ptr envoy_dynamic_module_on_http_filter_new(
    envoy_dynamic_module_type_http_filter_config_module_ptr c, envoy_dynamic_module_type_http_filter_envoy_ptr e) {
  (void)c; (void)e;
  return &filter_token;
}
void envoy_dynamic_module_on_http_filter_destroy(envoy_dynamic_module_type_http_filter_module_ptr f) { (void)f; }

#define ARGS envoy_dynamic_module_type_http_filter_envoy_ptr e, envoy_dynamic_module_type_http_filter_module_ptr f
enum envoy_dynamic_module_type_on_http_filter_request_headers_status envoy_dynamic_module_on_http_filter_request_headers(ARGS, bool eos) { (void)e; (void)f; (void)eos; PASS(enum envoy_dynamic_module_type_on_http_filter_request_headers_status); }
enum envoy_dynamic_module_type_on_http_filter_request_body_status envoy_dynamic_module_on_http_filter_request_body(ARGS, bool eos) { (void)e; (void)f; (void)eos; PASS(enum envoy_dynamic_module_type_on_http_filter_request_body_status); }
enum envoy_dynamic_module_type_on_http_filter_request_trailers_status envoy_dynamic_module_on_http_filter_request_trailers(ARGS) { (void)e; (void)f; PASS(enum envoy_dynamic_module_type_on_http_filter_request_trailers_status); }
enum envoy_dynamic_module_type_on_http_filter_response_headers_status envoy_dynamic_module_on_http_filter_response_headers(ARGS, bool eos) { (void)e; (void)f; (void)eos; PASS(enum envoy_dynamic_module_type_on_http_filter_response_headers_status); }
enum envoy_dynamic_module_type_on_http_filter_response_body_status envoy_dynamic_module_on_http_filter_response_body(ARGS, bool eos) { (void)e; (void)f; (void)eos; PASS(enum envoy_dynamic_module_type_on_http_filter_response_body_status); }
enum envoy_dynamic_module_type_on_http_filter_response_trailers_status envoy_dynamic_module_on_http_filter_response_trailers(ARGS) { (void)e; (void)f; PASS(enum envoy_dynamic_module_type_on_http_filter_response_trailers_status); }
void envoy_dynamic_module_on_http_filter_stream_complete(ARGS) { (void)e; (void)f; }
void envoy_dynamic_module_on_http_filter_http_callout_done(ARGS, uint64_t id, enum envoy_dynamic_module_type_http_callout_result r,
    struct envoy_dynamic_module_type_envoy_http_header *h, size_t hn, struct envoy_dynamic_module_type_envoy_buffer *b, size_t bn) {
  (void)e; (void)f; (void)id; (void)r; (void)h; (void)hn; (void)b; (void)bn;
}
void envoy_dynamic_module_on_http_filter_http_stream_headers(ARGS, uint64_t id, struct envoy_dynamic_module_type_envoy_http_header *h, size_t n, bool end) { (void)e; (void)f; (void)id; (void)h; (void)n; (void)end; }
void envoy_dynamic_module_on_http_filter_http_stream_data(ARGS, uint64_t id, envoy_dynamic_module_type_envoy_buffer_const_ptr d, size_t n, bool end) { (void)e; (void)f; (void)id; (void)d; (void)n; (void)end; }
void envoy_dynamic_module_on_http_filter_http_stream_trailers(ARGS, uint64_t id, struct envoy_dynamic_module_type_envoy_http_header *t, size_t n) { (void)e; (void)f; (void)id; (void)t; (void)n; }
void envoy_dynamic_module_on_http_filter_http_stream_complete(ARGS, uint64_t id) { (void)e; (void)f; (void)id; }
void envoy_dynamic_module_on_http_filter_http_stream_reset(ARGS, uint64_t id, enum envoy_dynamic_module_type_http_stream_reset_reason r) { (void)e; (void)f; (void)id; (void)r; }
void envoy_dynamic_module_on_http_filter_scheduled(ARGS, uint64_t id) { (void)e; (void)f; (void)id; }
void envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark(ARGS) { (void)e; (void)f; }
void envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark(ARGS) { (void)e; (void)f; }
