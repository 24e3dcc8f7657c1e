// config.h: the configuration handle: what a filter may ask of Envoy while its
// configuration is being created (on the main thread). EnvoyConfigHandle is the
// real one (config.cc, linked into the module only); unit tests use
// FakeEnvoyConfig (test/testing.h). Mirrors rust/sdk/src/config.rs.

#ifndef ENVOY_DM_CPP_SRC_CONFIG_H_
#define ENVOY_DM_CPP_SRC_CONFIG_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "abi.h"
#include "result.h"

namespace envoy_dm::sdk {

// A metric defined by a configuration, used later from its streams.
struct MetricId {
  size_t value;
  bool operator==(const MetricId&) const = default;
};

// Envoy as seen while a filter configuration is created.
class EnvoyHttpFilterConfig {
 public:
  virtual ~EnvoyHttpFilterConfig() = default;

  // Defines a counter with these label names. Only possible during creation.
  virtual Result<MetricId> DefineCounter(std::string_view name,
                                         std::span<const std::string_view> labels) = 0;
  // Defines a histogram with these label names. Only possible during creation.
  virtual Result<MetricId> DefineHistogram(std::string_view name,
                                           std::span<const std::string_view> labels) = 0;

 protected:
  EnvoyHttpFilterConfig() = default;
  EnvoyHttpFilterConfig(const EnvoyHttpFilterConfig&) = default;
  EnvoyHttpFilterConfig& operator=(const EnvoyHttpFilterConfig&) = default;
};

// The real configuration handle, wrapping the filter_config_envoy_ptr Envoy
// passes to http_filter_config_new.
class EnvoyConfigHandle final : public EnvoyHttpFilterConfig {
 public:
  // `raw` must be the pointer Envoy passed to the running http_filter_config_new.
  explicit EnvoyConfigHandle(envoy_dynamic_module_type_http_filter_config_envoy_ptr raw)
      : raw_(raw) {}

  Result<MetricId> DefineCounter(std::string_view name,
                                 std::span<const std::string_view> labels) override;
  Result<MetricId> DefineHistogram(std::string_view name,
                                   std::span<const std::string_view> labels) override;

 private:
  using DefineFn = envoy_dynamic_module_type_metrics_result (*)(
      envoy_dynamic_module_type_http_filter_config_envoy_ptr,
      envoy_dynamic_module_type_module_buffer, envoy_dynamic_module_type_module_buffer*, size_t,
      size_t*);

  Result<MetricId> Define(DefineFn define, std::string_view name,
                          std::span<const std::string_view> labels);

  envoy_dynamic_module_type_http_filter_config_envoy_ptr raw_;
};

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SRC_CONFIG_H_
