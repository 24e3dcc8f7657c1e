// passthrough.cc: see passthrough.h.

#include "passthrough.h"

namespace envoy_dm::filters {

sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> PassthroughConfig::New(
    sdk::EnvoyHttpFilterConfig& /*envoy*/, std::string_view config) {
  if (!sdk::IsBlank(config)) {
    sdk::Result<sdk::Json> no_settings = sdk::ParseJsonObject(config, {});
    if (!no_settings) return std::move(no_settings).error();
  }
  return std::make_unique<PassthroughConfig>();
}

std::unique_ptr<sdk::HttpFilter> PassthroughConfig::NewFilter(
    sdk::EnvoyHttpFilter& /*envoy*/) const {
  return std::make_unique<Passthrough>();
}

}  // namespace envoy_dm::filters
