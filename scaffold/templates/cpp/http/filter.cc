// {{name}}.cc: see {{name}}.h.

#include "{{name}}.h"

namespace envoy_dm::filters {

sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> {{Camel}}Config::New(
    sdk::EnvoyHttpFilterConfig& /*envoy*/, std::string_view config) {
  constexpr std::string_view kFields[] = {"stamp"};
  sdk::Result<sdk::Json> raw = sdk::ParseJsonObject(config, kFields);
  if (!raw) return std::move(raw).error();
  sdk::Result<std::string> stamp = sdk::ReadRequiredString(*raw, "stamp");
  if (!stamp) return std::move(stamp).error();
  if (stamp->empty()) return sdk::Error{"\"stamp\" is empty"};
  auto made = std::make_unique<{{Camel}}Config>();
  made->stamp = std::move(*stamp);
  return made;
}

std::unique_ptr<sdk::HttpFilter> {{Camel}}Config::NewFilter(sdk::EnvoyHttpFilter& /*envoy*/) const {
  return std::make_unique<{{Camel}}>(*this);
}

sdk::ResponseHeadersStatus {{Camel}}::OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                                        bool /*end_of_stream*/) {
  envoy.SetHeader(sdk::HeaderType::kResponseHeader, "{{header}}", config_.stamp);
  return sdk::ResponseHeadersStatus::kContinue;
}

}  // namespace envoy_dm::filters
