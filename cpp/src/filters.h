// filters.h: libcpp_module.so's module: every filter of the repository,
// registered by the name Envoy's filter_name uses. Mirrors
// rust/filters/src/lib.rs.

#ifndef ENVOY_DM_CPP_SRC_FILTERS_H_
#define ENVOY_DM_CPP_SRC_FILTERS_H_

#include "registry.h"

namespace envoy_dm::filters {

// name "cpp_module", language "cpp", filters passthrough, header_mutation and
// fault_injection, and header_mutation's per-route override. module.cc hands it
// to the SDK at program_init.
extern const sdk::Module kModule;

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_SRC_FILTERS_H_
