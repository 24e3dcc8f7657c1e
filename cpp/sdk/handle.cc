// handle.cc: EnvoyFilterHandle, the stream handle backed by Envoy's callbacks.
// Linked into the module only: unit tests run without Envoy.

#include "handle.h"

#include <string>

#include "log.h"

namespace envoy_dm::sdk {

std::optional<std::string_view> EnvoyFilterHandle::GetHeader(HeaderType kind,
                                                             std::string_view key) const {
  envoy_dynamic_module_type_envoy_buffer out{nullptr, 0};
  if (!envoy_dynamic_module_callback_http_get_header(raw_, ToAbi(kind), ModuleBuffer(key), &out, 0,
                                                     nullptr)) {
    return std::nullopt;
  }
  return EnvoyBytes(out.ptr, out.length);
}

std::vector<Header> EnvoyFilterHandle::GetHeaders(HeaderType kind) const {
  const size_t n = envoy_dynamic_module_callback_http_get_headers_size(raw_, ToAbi(kind));
  if (n == 0) return {};
  std::vector<envoy_dynamic_module_type_envoy_http_header> raw(n);
  if (!envoy_dynamic_module_callback_http_get_headers(raw_, ToAbi(kind), raw.data())) return {};
  std::vector<Header> headers;
  headers.reserve(n);
  for (const auto& h : raw) {
    headers.emplace_back(EnvoyBytes(h.key_ptr, h.key_length),
                         EnvoyBytes(h.value_ptr, h.value_length));
  }
  return headers;
}

bool EnvoyFilterHandle::SetHeader(HeaderType kind, std::string_view key, std::string_view value) {
  return envoy_dynamic_module_callback_http_set_header(raw_, ToAbi(kind), ModuleBuffer(key),
                                                       ModuleBuffer(value));
}

bool EnvoyFilterHandle::AddHeader(HeaderType kind, std::string_view key, std::string_view value) {
  return envoy_dynamic_module_callback_http_add_header(raw_, ToAbi(kind), ModuleBuffer(key),
                                                       ModuleBuffer(value));
}

std::optional<std::string_view> EnvoyFilterHandle::GetAttributeString(AttributeId id) const {
  envoy_dynamic_module_type_envoy_buffer out{nullptr, 0};
  if (!envoy_dynamic_module_callback_http_filter_get_attribute_string(raw_, ToAbi(id), &out)) {
    return std::nullopt;
  }
  return EnvoyBytes(out.ptr, out.length);
}

std::optional<uint64_t> EnvoyFilterHandle::GetAttributeInt(AttributeId id) const {
  uint64_t out = 0;
  if (!envoy_dynamic_module_callback_http_filter_get_attribute_int(raw_, ToAbi(id), &out)) {
    return std::nullopt;
  }
  return out;
}

void EnvoyFilterHandle::SendResponse(uint32_t status, std::span<const Header> headers,
                                     std::string_view body, std::string_view details) {
  std::vector<envoy_dynamic_module_type_module_http_header> raw;
  raw.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    raw.push_back({name.data(), name.size(), value.data(), value.size()});
  }
  envoy_dynamic_module_callback_http_send_response(raw_, status, raw.data(), raw.size(),
                                                   ModuleBuffer(body), ModuleBuffer(details));
}

void EnvoyFilterHandle::SetDynamicMetadataString(std::string_view ns, std::string_view key,
                                                 std::string_view value) {
  envoy_dynamic_module_callback_http_set_dynamic_metadata_string(
      raw_, ModuleBuffer(ns), ModuleBuffer(key), ModuleBuffer(value));
}

std::optional<std::string_view> EnvoyFilterHandle::GetDynamicMetadataString(
    std::string_view ns, std::string_view key) const {
  envoy_dynamic_module_type_envoy_buffer out{nullptr, 0};
  if (!envoy_dynamic_module_callback_http_get_metadata_string(
          raw_, envoy_dynamic_module_type_metadata_source_Dynamic, ModuleBuffer(ns),
          ModuleBuffer(key), &out)) {
    return std::nullopt;
  }
  return EnvoyBytes(out.ptr, out.length);
}

bool EnvoyFilterHandle::SetFilterStateBytes(std::string_view key, std::string_view value) {
  return envoy_dynamic_module_callback_http_set_filter_state_bytes(raw_, ModuleBuffer(key),
                                                                   ModuleBuffer(value));
}

std::optional<std::string_view> EnvoyFilterHandle::GetFilterStateBytes(std::string_view key) const {
  envoy_dynamic_module_type_envoy_buffer out{nullptr, 0};
  if (!envoy_dynamic_module_callback_http_get_filter_state_bytes(raw_, ModuleBuffer(key), &out)) {
    return std::nullopt;
  }
  return EnvoyBytes(out.ptr, out.length);
}

PerRouteConfig EnvoyFilterHandle::GetPerRouteConfig() const {
  // A non-NULL result is what our per-route hook returned (config.h), which Envoy
  // keeps alive while the stream's route is in use; the copy holds it longer.
  const void* route = envoy_dynamic_module_callback_get_most_specific_route_config(raw_);
  if (route == nullptr) return {};
  return *static_cast<const PerRouteConfig*>(route);
}

std::vector<std::string_view> EnvoyFilterHandle::GetBodyChunks(BodyType kind) const {
  const size_t n = envoy_dynamic_module_callback_http_get_body_chunks_size(raw_, ToAbi(kind));
  if (n == 0) return {};
  std::vector<envoy_dynamic_module_type_envoy_buffer> raw(n);
  if (!envoy_dynamic_module_callback_http_get_body_chunks(raw_, ToAbi(kind), raw.data())) return {};
  std::vector<std::string_view> chunks;
  chunks.reserve(n);
  for (const auto& chunk : raw) chunks.push_back(EnvoyBytes(chunk.ptr, chunk.length));
  return chunks;
}

size_t EnvoyFilterHandle::GetBodySize(BodyType kind) const {
  return envoy_dynamic_module_callback_http_get_body_size(raw_, ToAbi(kind));
}

bool EnvoyFilterHandle::DrainBody(BodyType kind, size_t bytes) {
  return envoy_dynamic_module_callback_http_drain_body(raw_, ToAbi(kind), bytes);
}

bool EnvoyFilterHandle::AppendBody(BodyType kind, std::string_view data) {
  return envoy_dynamic_module_callback_http_append_body(raw_, ToAbi(kind), ModuleBuffer(data));
}

bool EnvoyFilterHandle::IncrementCounter(MetricId id, std::span<const std::string_view> labels,
                                         uint64_t value) {
  std::vector<envoy_dynamic_module_type_module_buffer> values = ModuleBuffers(labels);
  return envoy_dynamic_module_callback_http_filter_increment_counter(raw_, id.value, values.data(),
                                                                     values.size(), value) ==
         envoy_dynamic_module_type_metrics_result_Success;
}

Result<MetricId> EnvoyFilterConfigHandle::DefineCounter(std::string_view name,
                                                        std::span<const std::string_view> labels) {
  std::vector<envoy_dynamic_module_type_module_buffer> names = ModuleBuffers(labels);
  size_t id = 0;
  const auto result = envoy_dynamic_module_callback_http_filter_config_define_counter(
      raw_, ModuleBuffer(name), names.data(), names.size(), &id);
  if (result != envoy_dynamic_module_type_metrics_result_Success) {
    return Error{StrCat("defining metric ", Quote(name), " failed: result ",
                        std::to_string(static_cast<int>(result)))};
  }
  return MetricId{id};
}

}  // namespace envoy_dm::sdk
