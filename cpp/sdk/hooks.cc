// hooks.cc: the hooks libcpp_module.so exports (all of abi.h's), as extern "C"
// definitions of the declarations in abi.h (a definition that differs from its
// declaration is a compile error), and nothing else. Thin glue: each converts
// Envoy's pointers and calls its body (config.h for configurations, body.h for
// program_init and streams), whose functions are noexcept, so no exception
// crosses into Envoy. Mirrors rust/sdk/src/http/hooks.rs and go/sdk/hooks.go.
//
// The definitions cannot themselves say noexcept: abi.h declares them without it,
// and C++ refuses a redeclaration with a different exception specification. The
// static_asserts below check instead that every SDK call made here is noexcept.

#include <memory>
#include <string_view>
#include <utility>

#include "abi.h"
#include "body.h"
#include "config.h"
#include "filter.h"
#include "handle.h"
#include "registry.h"

namespace {

namespace sdk = envoy_dm::sdk;
namespace hooks = envoy_dm::sdk::hooks;

std::string_view View(envoy_dynamic_module_type_envoy_buffer buffer) {
  return sdk::EnvoyBytes(buffer.ptr, buffer.length);
}

// The object behind a pointer a "new" hook released to Envoy, which keeps it.
template <typename T>
T* Pointer(const void* module_ptr) {
  // Envoy hands the module its own object back as const void*; it is ours to change.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
  return static_cast<T*>(const_cast<void*>(module_ptr));
}
template <typename T>
T& Borrow(const void* module_ptr) {
  return *Pointer<T>(module_ptr);
}

// Takes back ownership of a pointer a "new" hook released to Envoy.
template <typename T>
std::unique_ptr<T> Adopt(const void* module_ptr) {
  return std::unique_ptr<T>(Pointer<T>(module_ptr));
}

static_assert(noexcept(sdk::ProgramInit(std::declval<const sdk::Module&>())));
static_assert(noexcept(hooks::ConfigNew(std::declval<sdk::EnvoyHttpFilterConfig&>(), {}, {})));
static_assert(noexcept(hooks::ConfigDestroy(nullptr)));
static_assert(noexcept(hooks::PerRouteConfigNew({}, {})));
static_assert(noexcept(hooks::PerRouteConfigDestroy(nullptr)));
static_assert(noexcept(hooks::FilterNew(std::declval<const sdk::ConfigBox&>(),
                                        std::declval<sdk::EnvoyHttpFilter&>())));
static_assert(noexcept(hooks::FilterDestroy(nullptr)));
static_assert(noexcept(hooks::RequestHeaders(std::declval<sdk::HttpFilter&>(),
                                             std::declval<sdk::EnvoyHttpFilter&>(), true)));
static_assert(noexcept(hooks::RequestBody(std::declval<sdk::HttpFilter&>(),
                                          std::declval<sdk::EnvoyHttpFilter&>(), true)));
static_assert(noexcept(hooks::RequestTrailers(std::declval<sdk::HttpFilter&>(),
                                              std::declval<sdk::EnvoyHttpFilter&>())));
static_assert(noexcept(hooks::ResponseHeaders(std::declval<sdk::HttpFilter&>(),
                                              std::declval<sdk::EnvoyHttpFilter&>(), true)));
static_assert(noexcept(hooks::ResponseBody(std::declval<sdk::HttpFilter&>(),
                                           std::declval<sdk::EnvoyHttpFilter&>(), true)));
static_assert(noexcept(hooks::ResponseTrailers(std::declval<sdk::HttpFilter&>(),
                                               std::declval<sdk::EnvoyHttpFilter&>())));
static_assert(noexcept(hooks::StreamComplete(std::declval<sdk::HttpFilter&>(),
                                             std::declval<sdk::EnvoyHttpFilter&>())));

}  // namespace

// Only these symbols leave the .so: everything else is hidden by
// -fvisibility=hidden and by the linker version script (exports.map).
#define DM_EXPORT __attribute__((visibility("default")))

extern "C" {

DM_EXPORT envoy_dynamic_module_type_abi_version_module_ptr
envoy_dynamic_module_on_program_init(void) {
  return sdk::ProgramInit(sdk::kModule);
}

// ------------------------------------------------------------------ config

DM_EXPORT envoy_dynamic_module_type_http_filter_config_module_ptr
envoy_dynamic_module_on_http_filter_config_new(
    envoy_dynamic_module_type_http_filter_config_envoy_ptr filter_config_envoy_ptr,
    envoy_dynamic_module_type_envoy_buffer name, envoy_dynamic_module_type_envoy_buffer config) {
  sdk::EnvoyFilterConfigHandle envoy(filter_config_envoy_ptr);
  return hooks::ConfigNew(envoy, View(name), View(config)).release();
}

DM_EXPORT void envoy_dynamic_module_on_http_filter_config_destroy(
    envoy_dynamic_module_type_http_filter_config_module_ptr filter_config_ptr) {
  hooks::ConfigDestroy(Adopt<sdk::ConfigBox>(filter_config_ptr));
}

// -------------------------------------------------------------- per route

DM_EXPORT envoy_dynamic_module_type_http_filter_per_route_config_module_ptr
envoy_dynamic_module_on_http_filter_per_route_config_new(
    envoy_dynamic_module_type_envoy_buffer name, envoy_dynamic_module_type_envoy_buffer config) {
  return hooks::PerRouteConfigNew(View(name), View(config)).release();
}

DM_EXPORT void envoy_dynamic_module_on_http_filter_per_route_config_destroy(
    envoy_dynamic_module_type_http_filter_per_route_config_module_ptr filter_config_ptr) {
  hooks::PerRouteConfigDestroy(Adopt<sdk::PerRouteConfig>(filter_config_ptr));
}

// ---------------------------------------------------------------- streams

DM_EXPORT envoy_dynamic_module_type_http_filter_module_ptr envoy_dynamic_module_on_http_filter_new(
    envoy_dynamic_module_type_http_filter_config_module_ptr filter_config_ptr,
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return hooks::FilterNew(Borrow<sdk::ConfigBox>(filter_config_ptr), envoy);
}

DM_EXPORT void envoy_dynamic_module_on_http_filter_destroy(
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  hooks::FilterDestroy(Pointer<sdk::HttpFilter>(filter_module_ptr));
}

DM_EXPORT envoy_dynamic_module_type_on_http_filter_request_headers_status
envoy_dynamic_module_on_http_filter_request_headers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return sdk::ToAbi(
      hooks::RequestHeaders(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy, end_of_stream));
}

DM_EXPORT envoy_dynamic_module_type_on_http_filter_request_body_status
envoy_dynamic_module_on_http_filter_request_body(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return sdk::ToAbi(
      hooks::RequestBody(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy, end_of_stream));
}

DM_EXPORT envoy_dynamic_module_type_on_http_filter_request_trailers_status
envoy_dynamic_module_on_http_filter_request_trailers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return sdk::ToAbi(hooks::RequestTrailers(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy));
}

DM_EXPORT envoy_dynamic_module_type_on_http_filter_response_headers_status
envoy_dynamic_module_on_http_filter_response_headers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return sdk::ToAbi(
      hooks::ResponseHeaders(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy, end_of_stream));
}

DM_EXPORT envoy_dynamic_module_type_on_http_filter_response_body_status
envoy_dynamic_module_on_http_filter_response_body(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr, bool end_of_stream) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return sdk::ToAbi(
      hooks::ResponseBody(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy, end_of_stream));
}

DM_EXPORT envoy_dynamic_module_type_on_http_filter_response_trailers_status
envoy_dynamic_module_on_http_filter_response_trailers(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  return sdk::ToAbi(hooks::ResponseTrailers(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy));
}

DM_EXPORT void envoy_dynamic_module_on_http_filter_stream_complete(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    envoy_dynamic_module_type_http_filter_module_ptr filter_module_ptr) {
  sdk::EnvoyFilterHandle envoy(filter_envoy_ptr);
  hooks::StreamComplete(Borrow<sdk::HttpFilter>(filter_module_ptr), envoy);
}

// ------------------------------------------------- hooks this SDK leaves idle
//
// Envoy 1.40 requires these symbols even from modules that never schedule,
// start callouts or act as terminal filters. This SDK does none of these (no
// C++ filter needs them), so they do nothing.

DM_EXPORT void envoy_dynamic_module_on_http_filter_scheduled(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/, uint64_t /*event_id*/) {
}

DM_EXPORT void envoy_dynamic_module_on_http_filter_http_callout_done(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/, uint64_t /*callout_id*/,
    envoy_dynamic_module_type_http_callout_result /*result*/,
    envoy_dynamic_module_type_envoy_http_header* /*headers*/, size_t /*headers_size*/,
    envoy_dynamic_module_type_envoy_buffer* /*body_chunks*/, size_t /*body_chunks_size*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_http_stream_headers(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/, uint64_t /*stream_id*/,
    envoy_dynamic_module_type_envoy_http_header* /*headers*/, size_t /*headers_size*/,
    bool /*end_stream*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_http_stream_data(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/, uint64_t /*stream_id*/,
    envoy_dynamic_module_type_envoy_buffer_const_ptr /*data*/, size_t /*data_count*/,
    bool /*end_stream*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_http_stream_trailers(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/, uint64_t /*stream_id*/,
    envoy_dynamic_module_type_envoy_http_header* /*trailers*/, size_t /*trailers_size*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_http_stream_complete(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/,
    uint64_t /*stream_id*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_http_stream_reset(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/, uint64_t /*stream_id*/,
    envoy_dynamic_module_type_http_stream_reset_reason /*reason*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/) {}

DM_EXPORT void envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark(
    envoy_dynamic_module_type_http_filter_envoy_ptr /*filter_envoy_ptr*/,
    envoy_dynamic_module_type_http_filter_module_ptr /*filter_module_ptr*/) {}

}  // extern "C"
