// registry.h: filter names to constructors: the module's dispatch table, looked
// up once per filter configuration (never per request). Mirrors
// rust/sdk/src/registry.rs; filters.cc is this module's table.

#ifndef ENVOY_DM_CPP_SRC_REGISTRY_H_
#define ENVOY_DM_CPP_SRC_REGISTRY_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "config.h"
#include "filter.h"
#include "handle.h"
#include "result.h"

namespace envoy_dm::sdk {

// Builds one filter configuration from its filter_config bytes, or says why not.
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

// The module registered at program_init, or nullptr before it.
const Module* CurrentModule() noexcept;

// The body of envoy_dynamic_module_on_program_init: records the module, says which
// implementation Envoy just loaded (tests that swap .so files read this line) and
// returns the ABI version.
const char* ProgramInit(const Module& module) noexcept;

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SRC_REGISTRY_H_
