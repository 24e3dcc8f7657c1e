// handle.h: the stream handle: what a filter may ask of Envoy during one HTTP
// stream. EnvoyHttpFilter is the interface filters see; EnvoyFilterHandle is the
// real one (handle.cc, linked into the module only); unit tests use
// FakeEnvoyFilter (testing.h). Mirrors rust/sdk/src/http/handle.rs.
//
// Lifetimes: a std::string_view returned here points into Envoy's memory. It
// stays valid until the current hook returns or, for a header, until the next
// change to that header map. Copy what must outlive that.

#ifndef ENVOY_DM_CPP_SDK_HANDLE_H_
#define ENVOY_DM_CPP_SDK_HANDLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include "abi.h"
#include "config.h"
#include "filter.h"

namespace envoy_dm::sdk {

// One header: (name, value).
using Header = std::pair<std::string_view, std::string_view>;

// A per-route override, as the module's per-route constructor for a
// per_route_config_name made it (registry.h): a shared value of any type, like
// Rust's Arc<dyn Any + Send + Sync>. A filter asks for its own type with As<T>();
// the copy it gets keeps the value alive for as long as the filter holds it.
// A per-route configuration's per_route_config_module_ptr points to one of these.
class PerRouteConfig {
 public:
  PerRouteConfig() = default;
  template <typename T>
  explicit PerRouteConfig(std::shared_ptr<const T> value)
      : value_(std::move(value)), type_(&typeid(T)) {}

  // The value as a T, or nullptr when there is none or it is of another type.
  template <typename T>
  std::shared_ptr<const T> As() const {
    if (value_ == nullptr || *type_ != typeid(T)) return nullptr;
    return std::static_pointer_cast<const T>(value_);
  }

 private:
  std::shared_ptr<const void> value_;
  const std::type_info* type_ = nullptr;
};

// Envoy as seen from one stream.
class EnvoyHttpFilter {
 public:
  virtual ~EnvoyHttpFilter() = default;

  // The first value of header `key` (lowercase), if present.
  virtual std::optional<std::string_view> GetHeader(HeaderType kind,
                                                    std::string_view key) const = 0;
  // Every (name, value) of a header map, pseudo-headers included, in order.
  virtual std::vector<Header> GetHeaders(HeaderType kind) const = 0;
  // Replaces every value of `key` with `value`. An empty value removes the header
  // (Envoy 1.40 cannot store an empty value through this ABI).
  virtual bool SetHeader(HeaderType kind, std::string_view key, std::string_view value) = 0;
  // Appends a value to `key`, keeping the existing ones. An empty value is refused.
  virtual bool AddHeader(HeaderType kind, std::string_view key, std::string_view value) = 0;
  // Removes every value of `key`.
  bool RemoveHeader(HeaderType kind, std::string_view key) { return SetHeader(kind, key, {}); }
  // A string attribute, when Envoy knows it at this point of the stream.
  virtual std::optional<std::string_view> GetAttributeString(AttributeId id) const = 0;
  // An integer attribute, when Envoy knows it at this point of the stream.
  virtual std::optional<uint64_t> GetAttributeInt(AttributeId id) const = 0;
  // Answers the stream from Envoy with a local reply. The calling hook should then
  // return a Stop status.
  virtual void SendResponse(uint32_t status, std::span<const Header> headers, std::string_view body,
                            std::string_view details) = 0;
  // The module's per-route override for this stream's route; empty when the
  // route has none.
  virtual PerRouteConfig GetPerRouteConfig() const = 0;

  // Envoy's own slices of a body, in order, without copying the bytes; empty
  // when the body is absent at this point.
  virtual std::vector<std::string_view> GetBodyChunks(BodyType kind) const = 0;
  // The total bytes of a body (0 when absent).
  virtual size_t GetBodySize(BodyType kind) const = 0;
  // Removes `bytes` from the front of a body, across slices (all of it when the
  // body is shorter). False when the body does not exist at this point.
  virtual bool DrainBody(BodyType kind, size_t bytes) = 0;
  // Appends a copy of `data` to the end of a body. A Buffered body that does not
  // exist yet (in a trailers hook, say) is created.
  virtual bool AppendBody(BodyType kind, std::string_view data) = 0;
  // Adds `value` to counter `id`: one label value per label name it was
  // defined with, in order. False when Envoy refuses (unknown id, wrong labels).
  virtual bool IncrementCounter(MetricId id, std::span<const std::string_view> labels,
                                uint64_t value) = 0;

  // Sets `key` in namespace `ns` of the stream's dynamic metadata to a string.
  virtual void SetDynamicMetadataString(std::string_view ns, std::string_view key,
                                        std::string_view value) = 0;
  // A string of the stream's dynamic metadata, if present and a string.
  virtual std::optional<std::string_view> GetDynamicMetadataString(std::string_view ns,
                                                                   std::string_view key) const = 0;
  // Stores `value` under `key` in the stream's filter state, read-only: set a
  // key once per stream. False when Envoy refuses.
  virtual bool SetFilterStateBytes(std::string_view key, std::string_view value) = 0;
  // The bytes stored under `key` in the stream's filter state.
  virtual std::optional<std::string_view> GetFilterStateBytes(std::string_view key) const = 0;

 protected:
  EnvoyHttpFilter() = default;
  EnvoyHttpFilter(const EnvoyHttpFilter&) = default;
  EnvoyHttpFilter& operator=(const EnvoyHttpFilter&) = default;
  EnvoyHttpFilter(EnvoyHttpFilter&&) = default;
  EnvoyHttpFilter& operator=(EnvoyHttpFilter&&) = default;
};

// The real handle: a thin wrapper of the filter_envoy_ptr Envoy passes to every
// stream hook, made on the stack for the duration of one hook.
class EnvoyFilterHandle final : public EnvoyHttpFilter {
 public:
  // `raw` must be the live filter pointer Envoy passed to the current hook.
  explicit EnvoyFilterHandle(envoy_dynamic_module_type_http_filter_envoy_ptr raw) : raw_(raw) {}

  std::optional<std::string_view> GetHeader(HeaderType kind, std::string_view key) const override;
  std::vector<Header> GetHeaders(HeaderType kind) const override;
  bool SetHeader(HeaderType kind, std::string_view key, std::string_view value) override;
  bool AddHeader(HeaderType kind, std::string_view key, std::string_view value) override;
  std::optional<std::string_view> GetAttributeString(AttributeId id) const override;
  std::optional<uint64_t> GetAttributeInt(AttributeId id) const override;
  void SendResponse(uint32_t status, std::span<const Header> headers, std::string_view body,
                    std::string_view details) override;
  PerRouteConfig GetPerRouteConfig() const override;
  std::vector<std::string_view> GetBodyChunks(BodyType kind) const override;
  size_t GetBodySize(BodyType kind) const override;
  bool DrainBody(BodyType kind, size_t bytes) override;
  bool AppendBody(BodyType kind, std::string_view data) override;
  bool IncrementCounter(MetricId id, std::span<const std::string_view> labels,
                        uint64_t value) override;
  void SetDynamicMetadataString(std::string_view ns, std::string_view key,
                                std::string_view value) override;
  std::optional<std::string_view> GetDynamicMetadataString(std::string_view ns,
                                                           std::string_view key) const override;
  bool SetFilterStateBytes(std::string_view key, std::string_view value) override;
  std::optional<std::string_view> GetFilterStateBytes(std::string_view key) const override;

 private:
  envoy_dynamic_module_type_http_filter_envoy_ptr raw_;
};

// Envoy as seen from one configuration while it is being made: what a
// filter's config constructor may ask (registry.h's NewHttpFilterConfig). Valid
// only during that call, on Envoy's main thread. Mirrors the Rust SDK's
// EnvoyHttpFilterConfig; unit tests use FakeEnvoyConfig (testing.h).
class EnvoyHttpFilterConfig {
 public:
  virtual ~EnvoyHttpFilterConfig() = default;

  // Defines a counter with the given label names, for the streams of this
  // configuration to increment. Envoy exposes it as
  // dynamicmodulescustom.{name} (Prometheus: envoy_dynamicmodulescustom_{name}).
  virtual Result<MetricId> DefineCounter(std::string_view name,
                                         std::span<const std::string_view> labels) = 0;

 protected:
  EnvoyHttpFilterConfig() = default;
  EnvoyHttpFilterConfig(const EnvoyHttpFilterConfig&) = default;
  EnvoyHttpFilterConfig& operator=(const EnvoyHttpFilterConfig&) = default;
  EnvoyHttpFilterConfig(EnvoyHttpFilterConfig&&) = default;
  EnvoyHttpFilterConfig& operator=(EnvoyHttpFilterConfig&&) = default;
};

// The real configuration handle: a thin wrapper of the filter_config_envoy_ptr
// Envoy passes to http_filter_config_new, made on the stack for that call.
class EnvoyFilterConfigHandle final : public EnvoyHttpFilterConfig {
 public:
  explicit EnvoyFilterConfigHandle(envoy_dynamic_module_type_http_filter_config_envoy_ptr raw)
      : raw_(raw) {}

  Result<MetricId> DefineCounter(std::string_view name,
                                 std::span<const std::string_view> labels) override;

 private:
  envoy_dynamic_module_type_http_filter_config_envoy_ptr raw_;
};

// Lends module bytes to Envoy for the duration of one call.
inline envoy_dynamic_module_type_module_buffer ModuleBuffer(std::string_view bytes) {
  return {bytes.data(), bytes.size()};
}

// Lends a list of module strings to Envoy (label names and values): the
// buffers point into `strings`, which must outlive the call.
inline std::vector<envoy_dynamic_module_type_module_buffer> ModuleBuffers(
    std::span<const std::string_view> strings) {
  std::vector<envoy_dynamic_module_type_module_buffer> out;
  out.reserve(strings.size());
  for (const std::string_view s : strings) out.push_back(ModuleBuffer(s));
  return out;
}

// Views Envoy-owned bytes (NULL or empty is the empty view).
inline std::string_view EnvoyBytes(const char* ptr, size_t length) {
  return ptr == nullptr ? std::string_view{} : std::string_view{ptr, length};
}

// `name` with ASCII letters lowercased: header names are case-insensitive, and
// Envoy keeps them lowercase.
inline std::string AsciiLower(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_HANDLE_H_
