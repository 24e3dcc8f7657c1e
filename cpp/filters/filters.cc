// filters.cc: libcpp_module.so's table: every C++ filter of the repository,
// registered by the name Envoy's filter_name uses, and the per-route overrides
// by per_route_config_name. Mirrors rust/filters/src/lib.rs; hooks.cc hands
// this table to the SDK at program_init.

#include "body_rewrite.h"
#include "callback_price.h"
#include "fault_injection.h"
#include "header_mutation.h"
#include "passthrough.h"
#include "sdk.h"

namespace envoy_dm {
namespace filters {
namespace {

constexpr sdk::NamedFilter kFilters[] = {
    {"passthrough", &PassthroughConfig::New},
    {"header_mutation", &HeaderMutationConfig::New},
    {"fault_injection", &FaultInjectionConfig::New},
    {"body_rewrite", &BodyRewriteConfig::New},
    // Go's header_mutation with its header changes batched in C (1077). Here
    // it is the one header_mutation, so this .so swapped in for Go's serves
    // every listener of envoy.yaml unchanged.
    {"header_mutation_batched", &HeaderMutationConfig::New},
    // Bench-only: prices one callback (bench/price_list.py).
    {"callback_price", &CallbackPriceConfig::New},
};

constexpr sdk::NamedPerRouteConfig kPerRoute[] = {
    {"header_mutation", &HeaderMutationConfig::NewPerRoute},
};

}  // namespace
}  // namespace filters

constexpr sdk::Module sdk::kModule{.name = "cpp_module",
                                   .language = "cpp",
                                   .filters = filters::kFilters,
                                   .per_route = filters::kPerRoute};

}  // namespace envoy_dm
