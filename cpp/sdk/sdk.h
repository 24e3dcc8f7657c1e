// sdk.h: a small layer over the Envoy dynamic-module ABI, the C++ sibling of
// rust/sdk (same concepts, same file names). A filter includes this one header.
//
// A filter implements two classes: HttpFilterConfig (one per configured filter,
// shared by all streams) and HttpFilter (one per HTTP stream). Streams talk to
// Envoy only through the EnvoyHttpFilter handle interface, so unit tests can
// hand them a fake instead of a running Envoy.
//
// The module lists its filters by name (cpp/filters/filters.cc defines
// sdk::kModule); hooks.cc exports every ABI hook and calls the SDK, which
// dispatches to the filters and stops exceptions at the border (barrier.h).
//
// | file            | concept                                                      |
// |-----------------|--------------------------------------------------------------|
// | hooks.cc        | the extern "C" hooks Envoy calls, and nothing else           |
// | filter.h        | the filter classes a filter implements                       |
// | enums.h         | the ABI's C enums as scoped enums (statuses, header and body |
// |                 | types, attributes, log levels), mapped back in one place     |
// | handle.h/.cc    | the stream and config handles and their ABI-backed impls     |
// | body.h/.cc      | the hooks' bodies: streams made, phases run, fail closed     |
// | registry.h/.cc  | filter names to constructors: registration and lookup        |
// | barrier.h/.cc   | the exception guard: log once, the caller fails closed       |
// | log.h/.cc       | logging through Envoy                                        |
// | config.h/.cc    | making configs: the refusal contract, Result, strict JSON    |
// | testing.h/.cc   | the fake handle and captured log (unit tests only)           |
//
// handle.cc, log.cc and hooks.cc call Envoy, so they are linked into the module
// only; the tests link testing.cc in place of the first two.

#ifndef ENVOY_DM_CPP_SDK_SDK_H_
#define ENVOY_DM_CPP_SDK_SDK_H_

#include "barrier.h"   // IWYU pragma: export
#include "config.h"    // IWYU pragma: export
#include "enums.h"     // IWYU pragma: export
#include "filter.h"    // IWYU pragma: export
#include "handle.h"    // IWYU pragma: export
#include "log.h"       // IWYU pragma: export
#include "registry.h"  // IWYU pragma: export

#endif  // ENVOY_DM_CPP_SDK_SDK_H_
