// registry.cc: see registry.h.

#include "registry.h"

#include <algorithm>
#include <atomic>

namespace envoy_dm::sdk {
namespace {

// Written once on Envoy's main thread by program_init, before any configuration.
std::atomic<const Module*> current_module{nullptr};

}  // namespace

const NamedFilter* Module::Find(std::string_view filter_name) const {
  const auto it = std::ranges::find(filters, filter_name, &NamedFilter::name);
  return it == filters.end() ? nullptr : &*it;
}

const NamedPerRouteConfig* Module::FindPerRoute(std::string_view route_name) const {
  const auto it = std::ranges::find(per_route, route_name, &NamedPerRouteConfig::name);
  return it == per_route.end() ? nullptr : &*it;
}

std::string Module::FilterNames() const {
  std::string names;
  for (const NamedFilter& filter : filters) {
    if (!names.empty()) names.append(", ");
    names.append(filter.name);
  }
  return names;
}

const Module* CurrentModule() noexcept { return current_module.load(std::memory_order_acquire); }

std::string_view ModuleName() noexcept {
  const Module* module = CurrentModule();
  return module == nullptr ? "dynamic module" : module->name;
}

void SetCurrentModule(const Module& module) noexcept {
  current_module.store(&module, std::memory_order_release);
}

}  // namespace envoy_dm::sdk
