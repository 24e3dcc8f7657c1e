// body.h: the bodies of the extern "C" hooks (hooks.cc): what each hook runs
// once Envoy's pointers are C++ objects. program_init; a stream's filter made
// from its config, and each phase of the stream run behind the barrier
// (barrier.h), failing the stream closed when the filter throws
// (docs/CONTRACT.md). All noexcept, so no exception reaches Envoy. The config
// hooks' bodies are config.h's. Mirrors the Rust SDK's hook bodies and Go's
// go/sdk/body.go.
//
// filter_module_ptr points to the HttpFilter itself (which carries the little
// state the SDK keeps per stream), or to the module's one fail-closed filter.

#ifndef ENVOY_DM_CPP_SDK_BODY_H_
#define ENVOY_DM_CPP_SDK_BODY_H_

#include <cstdint>
#include <string_view>

#include "filter.h"
#include "handle.h"
#include "registry.h"

namespace envoy_dm::sdk {

// The body of envoy_dynamic_module_on_program_init: records the module, finds
// the logging callbacks (log.h), says which implementation Envoy just loaded
// (tests that swap .so files read this line) and returns the ABI version.
const char* ProgramInit(const Module& module) noexcept;

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

#endif  // ENVOY_DM_CPP_SDK_BODY_H_
