// filters.cc: see filters.h.

#include "filters.h"

#include "fault_injection.h"
#include "header_mutation.h"
#include "passthrough.h"

namespace envoy_dm::filters {
namespace {

constexpr sdk::NamedFilter kFilters[] = {
    {"passthrough", &PassthroughConfig::New},
    {"header_mutation", &HeaderMutationConfig::New},
    {"fault_injection", &FaultInjectionConfig::New},
};

constexpr sdk::NamedPerRouteConfig kPerRoute[] = {
    {"header_mutation", &HeaderMutationConfig::NewPerRoute},
};

}  // namespace

constexpr sdk::Module kModule{
    .name = "cpp_module", .language = "cpp", .filters = kFilters, .per_route = kPerRoute};

}  // namespace envoy_dm::filters
