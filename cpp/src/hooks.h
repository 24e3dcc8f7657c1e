// hooks.h: the bodies of the hooks Envoy calls. module.cc defines the extern "C"
// symbols and only converts pointers; the functions here do the work. All are
// noexcept: each filter method runs behind the barrier (barrier.h), and a stream
// whose filter threw fails closed. Mirrors rust/sdk/src/hooks.rs.
//
// Envoy's pointers: filter_config_module_ptr points to a ConfigBox,
// per_route_config_module_ptr to a PerRouteConfig (handle.h), and
// filter_module_ptr to the HttpFilter itself (which carries the little state the
// SDK keeps per stream). Both are released from a std::unique_ptr by the "new"
// hooks and adopted back into one by the "destroy" hooks.

#ifndef ENVOY_DM_CPP_SRC_HOOKS_H_
#define ENVOY_DM_CPP_SRC_HOOKS_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "config.h"
#include "filter.h"
#include "handle.h"

namespace envoy_dm::sdk {

// The local reply a stream gets when its filter fails; the same in all three
// languages of this repository (docs/CONTRACT.md).
inline constexpr uint32_t kFailClosedStatus = 500;
inline constexpr std::string_view kFailClosedBody = "dynamic module filter failed\n";
inline constexpr std::string_view kFailClosedDetails = "dynamic_module_filter_failed";

// The largest filter_config a filter is handed. Configs are a few hundred bytes;
// anything near this is a mistake or an attack on the parser.
inline constexpr size_t kMaxConfigBytes = size_t{1} << 20;

// What filter_config_module_ptr points to.
struct ConfigBox {
  std::string_view filter_name;  // the registry's copy, valid as long as the module
  std::unique_ptr<HttpFilterConfig> config;
};

namespace hooks {

// http_filter_config_new: nullptr (after one error line) refuses the configuration.
std::unique_ptr<ConfigBox> ConfigNew(EnvoyHttpFilterConfig& envoy, std::string_view name,
                                     std::string_view config) noexcept;
// http_filter_config_destroy.
void ConfigDestroy(std::unique_ptr<ConfigBox> config) noexcept;

// http_filter_per_route_config_new: nullptr (after one error line) refuses the
// route configuration.
std::unique_ptr<PerRouteConfig> PerRouteConfigNew(std::string_view name,
                                                  std::string_view config) noexcept;
// http_filter_per_route_config_destroy.
void PerRouteConfigDestroy(std::unique_ptr<PerRouteConfig> config) noexcept;

// http_filter_new. When the configuration's NewFilter throws, the stream still
// gets a filter object, which fails closed at the first hook. nullptr only when
// even that cannot be allocated (Envoy then closes the stream).
std::unique_ptr<HttpFilter> FilterNew(const ConfigBox& config, EnvoyHttpFilter& envoy) noexcept;
// http_filter_destroy.
void FilterDestroy(std::unique_ptr<HttpFilter> filter) noexcept;

// The stream hooks. A filter that threw in a request phase, in response headers
// or in on_scheduled gets the fail-closed local reply and the phase's Stop
// status; later (response body, trailers, stream complete) it is too late to
// reply, and the stream continues unfiltered. Either way the filter is bypassed
// for the rest of the stream.
RequestHeadersStatus RequestHeaders(HttpFilter& filter, EnvoyHttpFilter& envoy,
                                    bool end_of_stream) noexcept;
RequestBodyStatus RequestBody(HttpFilter& filter, EnvoyHttpFilter& envoy,
                              bool end_of_stream) noexcept;
RequestTrailersStatus RequestTrailers(HttpFilter& filter, EnvoyHttpFilter& envoy) noexcept;
ResponseHeadersStatus ResponseHeaders(HttpFilter& filter, EnvoyHttpFilter& envoy,
                                      bool end_of_stream) noexcept;
ResponseBodyStatus ResponseBody(HttpFilter& filter, EnvoyHttpFilter& envoy,
                                bool end_of_stream) noexcept;
ResponseTrailersStatus ResponseTrailers(HttpFilter& filter, EnvoyHttpFilter& envoy) noexcept;
void StreamComplete(HttpFilter& filter, EnvoyHttpFilter& envoy) noexcept;
void Scheduled(HttpFilter& filter, EnvoyHttpFilter& envoy, uint64_t event_id) noexcept;

}  // namespace hooks
}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SRC_HOOKS_H_
