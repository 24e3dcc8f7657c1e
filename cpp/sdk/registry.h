// registry.h: the module's filters by name: registration (the table
// cpp/filters/filters.cc defines) and lookup, once per configuration
// (config.h), never per request. Nothing here runs a filter: the hooks' bodies
// (body.h) do. Mirrors rust/sdk/src/registry.rs.
//
// filter_config_module_ptr points to a ConfigBox (below).

#ifndef ENVOY_DM_CPP_SDK_REGISTRY_H_
#define ENVOY_DM_CPP_SDK_REGISTRY_H_

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

// Records `module` as this .so's, at program_init (body.h's ProgramInit),
// before any configuration is made.
void SetCurrentModule(const Module& module) noexcept;

// What filter_config_module_ptr points to.
struct ConfigBox {
  std::string_view filter_name;  // the registry's copy, valid as long as the module
  std::unique_ptr<HttpFilterConfig> config;
};

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_REGISTRY_H_
