// header_mutation.h: `header_mutation`, which sets, replaces and removes request
// and response headers, and stamps every response with three of Envoy's
// attributes. Mirrors rust/filters/src/http/header_mutation.rs.
//
// Config (JSON; unknown fields are refused):
//   {"request_headers": [["x-k", "v"]], "remove_request_headers": ["x-gone"],
//    "response_headers": [["x-k", "v"]], "remove_response_headers": ["x-gone"],
//    "allow_pseudo_headers": false}
// A route may override the whole config with a DynamicModuleFilterPerRoute whose
// per_route_config_name is `header_mutation` and whose filter_config has the
// same shape; the stream then uses the route's rules instead.
//
// Removals run before sets, so a header named in both ends up set. Setting
// replaces every existing value. Names are lowercased, must be HTTP tokens, and
// may name a pseudo-header (":path") only with allow_pseudo_headers. Values must
// be non-empty (Envoy 1.40 treats an empty value as a removal) and free of CR,
// LF and NUL, so a config cannot split a response.
//
// The three stamped headers (x-downstream-address, x-upstream-address,
// x-response-code) carry their attribute's value whatever its length: none is
// dropped. A header whose attribute Envoy does not know at this point is left
// unset.

#ifndef ENVOY_DM_CPP_FILTERS_HEADER_MUTATION_H_
#define ENVOY_DM_CPP_FILTERS_HEADER_MUTATION_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sdk.h"

namespace envoy_dm::filters {

// The headers every response gets, and the attributes they come from.
inline constexpr std::string_view kDownstreamAddressHeader = "x-downstream-address";
inline constexpr std::string_view kUpstreamAddressHeader = "x-upstream-address";
inline constexpr std::string_view kResponseCodeHeader = "x-response-code";

// The mutations for one direction, validated and lowercased.
struct Mutations {
  std::vector<std::pair<std::string, std::string>> set;
  std::vector<std::string> remove;

  void Apply(sdk::EnvoyHttpFilter& envoy, sdk::HeaderType kind) const;
  bool operator==(const Mutations&) const = default;
};

// The validated rules of one configuration.
struct Rules {
  Mutations request;
  Mutations response;
  bool operator==(const Rules&) const = default;
};

class HeaderMutationConfig final : public sdk::HttpFilterConfig {
 public:
  static sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> New(sdk::EnvoyHttpFilterConfig& envoy,
                                                                 std::string_view config);
  // Parses and validates a config; every error names the offending entry.
  static sdk::Result<Rules> Parse(std::string_view config);
  // A route's override: the same config, as a per-route value holding Rules.
  static sdk::Result<sdk::PerRouteConfig> NewPerRoute(std::string_view config);

  explicit HeaderMutationConfig(Rules rules) : rules_(std::move(rules)) {}

  std::unique_ptr<sdk::HttpFilter> NewFilter(sdk::EnvoyHttpFilter& envoy) const override;
  const Rules& rules() const { return rules_; }

 private:
  Rules rules_;
};

// Checks a header name at entry `at` (e.g. "request_headers[0]") and returns it
// lowercased.
sdk::Result<std::string> CheckName(std::string_view at, std::string_view name, bool allow_pseudo);
// Refuses values Envoy would drop or that would split a message.
sdk::Result<std::string_view> CheckValue(std::string_view at, std::string_view value);

// One stream's filter. It refers to its configuration's rules instead of
// copying them: Envoy destroys a configuration only after all of its streams.
class HeaderMutation final : public sdk::HttpFilter {
 public:
  explicit HeaderMutation(const Rules& rules) : rules_(&rules) {}

  sdk::RequestHeadersStatus OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                             bool end_of_stream) override;
  sdk::ResponseHeadersStatus OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                               bool end_of_stream) override;

 private:
  // Switches to the route's override, if it has one.
  void ResolveRules(const sdk::EnvoyHttpFilter& envoy);

  const Rules* rules_;                        // the configuration's, or route_rules_
  std::shared_ptr<const Rules> route_rules_;  // the route's override, kept alive
};

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_FILTERS_HEADER_MUTATION_H_
