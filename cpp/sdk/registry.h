// registry.h: the module's filters by name, and what Envoy's pointers point to.
// A filter's name is looked up once per configuration (config.h), never per
// request; a stream's hooks reach its filter through filter_module_ptr and run
// it behind the barrier, failing the stream closed when it throws. The bodies
// of the extern "C" hooks (hooks.cc) are the noexcept functions below.
// Mirrors rust/sdk/src/registry.rs and the dispatch half of rust/sdk/src/hooks.rs.
//
// Envoy's pointers: filter_config_module_ptr points to a ConfigBox,
// per_route_config_module_ptr to a PerRouteConfig (handle.h), and
// filter_module_ptr to the HttpFilter itself (which carries the little state the
// SDK keeps per stream), or to the module's one fail-closed filter.

#ifndef ENVOY_DM_CPP_SDK_REGISTRY_H_
#define ENVOY_DM_CPP_SDK_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "config.h"
#include "filter.h"
#include "handle.h"

namespace envoy_dm::sdk {

// Builds one filter configuration from its filter_config bytes, or says why not.
// `envoy` is the configuration's handle, valid during the call (metrics are
// defined there).
using NewHttpFilterConfig = Result<std::unique_ptr<HttpFilterConfig>> (*)(
    EnvoyHttpFilterConfig& envoy, std::string_view config);

// One entry of the table: the filter_name Envoy's configuration uses.
struct NamedFilter {
  std::string_view name;
  NewHttpFilterConfig new_config;
};

// Builds one per-route override from its filter_config bytes. The filter gets it
// back from EnvoyHttpFilter::GetPerRouteConfig.
using NewPerRouteConfig = Result<PerRouteConfig> (*)(std::string_view config);

// One per-route entry: the per_route_config_name a route's
// DynamicModuleFilterPerRoute uses.
struct NamedPerRouteConfig {
  std::string_view name;
  NewPerRouteConfig new_config;
};

// What a module is: its name (the lib{name}.so stem), its language, its filters
// by name, and the per-route overrides it understands, by per_route_config_name.
struct Module {
  std::string_view name;
  std::string_view language;
  std::span<const NamedFilter> filters;
  std::span<const NamedPerRouteConfig> per_route;

  // The entry registered under `filter_name`, or nullptr.
  const NamedFilter* Find(std::string_view filter_name) const;
  // The per-route entry registered under `route_name`, or nullptr.
  const NamedPerRouteConfig* FindPerRoute(std::string_view route_name) const;
  // The registered names, for messages: "passthrough, header_mutation".
  std::string FilterNames() const;
};

// This .so's module: defined once, by its table of filters (cpp/filters/filters.cc).
extern const Module kModule;

// The module registered at program_init, or nullptr before it.
const Module* CurrentModule() noexcept;
// Its name for log lines ("dynamic module" before program_init).
std::string_view ModuleName() noexcept;

// The body of envoy_dynamic_module_on_program_init: records the module, finds
// the logging callbacks (log.h), says which implementation Envoy just loaded
// (tests that swap .so files read this line) and returns the ABI version.
const char* ProgramInit(const Module& module) noexcept;

// What filter_config_module_ptr points to.
struct ConfigBox {
  std::string_view filter_name;  // the registry's copy, valid as long as the module
  std::unique_ptr<HttpFilterConfig> config;
};

// The local reply a stream gets when its filter fails; the same in all three
// languages of this repository (docs/CONTRACT.md).
inline constexpr uint32_t kFailClosedStatus = 500;
inline constexpr std::string_view kFailClosedBody = "dynamic module filter failed\n";
inline constexpr std::string_view kFailClosedDetails = "dynamic_module_filter_failed";

namespace hooks {

// http_filter_new. Never nullptr, which Envoy would not check: when creating the
// filter throws (std::bad_alloc included), the stream gets the module's one
// fail-closed filter, which answers the request with the fail-closed reply.
HttpFilter* FilterNew(const ConfigBox& config, EnvoyHttpFilter& envoy) noexcept;
// http_filter_destroy: frees what FilterNew allocated (never the fail-closed filter).
void FilterDestroy(HttpFilter* filter) noexcept;
// Whether `filter` is the module's fail-closed filter (for tests).
bool IsFailClosedFilter(const HttpFilter* filter) noexcept;

// The stream hooks. A filter that threw in a request phase or in response
// headers gets the fail-closed local reply and the phase's Stop status; later
// (response body, trailers, stream complete) it is too late to reply, and the
// stream continues unfiltered. Either way the filter is bypassed for the rest
// of the stream.
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

}  // namespace hooks
}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_REGISTRY_H_
