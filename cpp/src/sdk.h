// sdk.h: a small layer over the Envoy dynamic-module ABI, the C++ sibling of
// rust/sdk (same concepts, same file order). Include this one header.
//
// A filter implements two classes: HttpFilterConfig (one per configured filter,
// shared by all streams) and HttpFilter (one per HTTP stream). Both talk to
// Envoy only through the EnvoyHttpFilter and EnvoyHttpFilterConfig handle
// interfaces, so unit tests can hand them a fake instead of a running Envoy.
//
// The module lists its filters by name in a Module (filters.cc); module.cc
// exports every ABI hook and calls the SDK, which dispatches to the filters and
// stops exceptions at the border (barrier.h).
//
// | file               | concept                                                  |
// |--------------------|----------------------------------------------------------|
// | filter.h           | the filter classes and status types                      |
// | handle.h/.cc       | the stream handle interface and its real, ABI-backed impl |
// | config.h/.cc       | the config handle interface (metrics) and its real impl  |
// | registry.h/.cc     | filter names to constructors, program_init               |
// | hooks.h/.cc        | the hook bodies module.cc calls; fail closed             |
// | barrier.h/.cc      | exception barrier: log once, fail closed                 |
// | log.h/.cc          | logging through Envoy                                    |
// | result.h, text.h   | Result/Error, string helpers (Rust has them built in)    |
// | test/testing.h     | the fake handles and captured log (unit tests only)      |
//
// handle.cc, config.cc and log.cc call Envoy, so they are linked into the
// module only; the tests link test/testing.cc in their place.

#ifndef ENVOY_DM_CPP_SRC_SDK_H_
#define ENVOY_DM_CPP_SRC_SDK_H_

#include "barrier.h"   // IWYU pragma: export
#include "config.h"    // IWYU pragma: export
#include "filter.h"    // IWYU pragma: export
#include "handle.h"    // IWYU pragma: export
#include "hooks.h"     // IWYU pragma: export
#include "log.h"       // IWYU pragma: export
#include "registry.h"  // IWYU pragma: export
#include "result.h"    // IWYU pragma: export
#include "text.h"      // IWYU pragma: export

#endif  // ENVOY_DM_CPP_SRC_SDK_H_
