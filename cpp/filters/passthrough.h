// passthrough.h: `passthrough`, a filter that changes nothing. It measures the
// bare cost of a module on the request path: every hook crosses the ABI and
// returns Continue. Mirrors rust/filters/src/http/passthrough.rs.

#ifndef ENVOY_DM_CPP_FILTERS_PASSTHROUGH_H_
#define ENVOY_DM_CPP_FILTERS_PASSTHROUGH_H_

#include <memory>
#include <string_view>

#include "sdk.h"

namespace envoy_dm::filters {

// Accepts no settings: an absent config or an empty JSON object.
class PassthroughConfig final : public sdk::HttpFilterConfig {
 public:
  static sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> New(sdk::EnvoyHttpFilterConfig& envoy,
                                                                 std::string_view config);

  std::unique_ptr<sdk::HttpFilter> NewFilter(sdk::EnvoyHttpFilter& envoy) const override;
};

// Every hook keeps the SDK's default: continue. The object holds only what the
// SDK keeps per stream, so a stream costs one small allocation.
class Passthrough final : public sdk::HttpFilter {};

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_FILTERS_PASSTHROUGH_H_
