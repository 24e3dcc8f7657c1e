// config.cc: EnvoyConfigHandle, the configuration handle backed by Envoy's
// callbacks. Linked into the module only: unit tests run without Envoy.

#include "config.h"

#include <vector>

#include "handle.h"
#include "text.h"

namespace envoy_dm::sdk {
namespace {

std::string_view MetricsResultName(envoy_dynamic_module_type_metrics_result result) {
  switch (result) {
    case envoy_dynamic_module_type_metrics_result_Success:
      return "Success";
    case envoy_dynamic_module_type_metrics_result_MetricNotFound:
      return "MetricNotFound";
    case envoy_dynamic_module_type_metrics_result_InvalidLabels:
      return "InvalidLabels";
    case envoy_dynamic_module_type_metrics_result_Frozen:
      return "Frozen";
  }
  return "unknown result";
}

}  // namespace

Result<MetricId> EnvoyConfigHandle::Define(DefineFn define, std::string_view name,
                                           std::span<const std::string_view> labels) {
  std::vector<envoy_dynamic_module_type_module_buffer> label_buffers;
  label_buffers.reserve(labels.size());
  for (const std::string_view label : labels) label_buffers.push_back(ModuleBuffer(label));
  size_t id = 0;
  const auto result =
      define(raw_, ModuleBuffer(name), label_buffers.data(), label_buffers.size(), &id);
  if (result != envoy_dynamic_module_type_metrics_result_Success) {
    return Error{StrCat("defining metric ", Quote(name), " failed: ", MetricsResultName(result))};
  }
  return MetricId{id};
}

Result<MetricId> EnvoyConfigHandle::DefineCounter(std::string_view name,
                                                  std::span<const std::string_view> labels) {
  return Define(envoy_dynamic_module_callback_http_filter_config_define_counter, name, labels);
}

Result<MetricId> EnvoyConfigHandle::DefineHistogram(std::string_view name,
                                                    std::span<const std::string_view> labels) {
  return Define(envoy_dynamic_module_callback_http_filter_config_define_histogram, name, labels);
}

}  // namespace envoy_dm::sdk
