// filter.h: what a filter implements: HttpFilterConfig (one per configured
// filter) and HttpFilter (one per HTTP stream). The status and id types their
// methods use are enums.h's. Mirrors rust/sdk/src/http/filter.rs.

#ifndef ENVOY_DM_CPP_SDK_FILTER_H_
#define ENVOY_DM_CPP_SDK_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "abi.h"
#include "enums.h"

namespace envoy_dm::sdk {

class EnvoyHttpFilter;  // handle.h

// A metric defined at config creation (EnvoyHttpFilterConfig::DefineCounter),
// used by the streams of that configuration.
struct MetricId {
  size_t value;
  bool operator==(const MetricId&) const = default;
};

// One HTTP stream's filter. Every hook defaults to "continue", so a filter
// overrides only the phases it cares about. All hooks of one stream run on that
// stream's worker thread, one at a time. A hook may throw: the SDK's barrier
// catches it and fails the stream closed (see body.h).
class HttpFilter {
 public:
  HttpFilter() = default;
  HttpFilter(const HttpFilter&) = delete;
  HttpFilter& operator=(const HttpFilter&) = delete;
  virtual ~HttpFilter() = default;

  virtual RequestHeadersStatus OnRequestHeaders(EnvoyHttpFilter& /*envoy*/,
                                                bool /*end_of_stream*/) {
    return RequestHeadersStatus::kContinue;
  }
  virtual RequestBodyStatus OnRequestBody(EnvoyHttpFilter& /*envoy*/, bool /*end_of_stream*/) {
    return RequestBodyStatus::kContinue;
  }
  virtual RequestTrailersStatus OnRequestTrailers(EnvoyHttpFilter& /*envoy*/) {
    return RequestTrailersStatus::kContinue;
  }
  virtual ResponseHeadersStatus OnResponseHeaders(EnvoyHttpFilter& /*envoy*/,
                                                  bool /*end_of_stream*/) {
    return ResponseHeadersStatus::kContinue;
  }
  virtual ResponseBodyStatus OnResponseBody(EnvoyHttpFilter& /*envoy*/, bool /*end_of_stream*/) {
    return ResponseBodyStatus::kContinue;
  }
  virtual ResponseTrailersStatus OnResponseTrailers(EnvoyHttpFilter& /*envoy*/) {
    return ResponseTrailersStatus::kContinue;
  }
  // The stream is over (completed or reset); the last hook before the filter is destroyed.
  virtual void OnStreamComplete(EnvoyHttpFilter& /*envoy*/) {}

 private:
  friend class Stream;  // body.cc

  // What the SDK remembers about the stream. It lives in the filter, the object
  // Envoy's filter_module_ptr points to, so that a stream costs one allocation.
  std::string_view filter_name_;
  bool failed_ = false;  // a hook threw: the filter is bypassed for the rest of the stream
};

// One configured filter: made once on Envoy's main thread from the filter's
// config, then shared by every stream on every worker. NewFilter is const and
// must be safe to call from several threads at once.
class HttpFilterConfig {
 public:
  HttpFilterConfig() = default;
  HttpFilterConfig(const HttpFilterConfig&) = delete;
  HttpFilterConfig& operator=(const HttpFilterConfig&) = delete;
  virtual ~HttpFilterConfig() = default;

  // Makes the filter for one new HTTP stream. Envoy destroys the streams of a
  // configuration before the configuration, so the filter may refer to it.
  virtual std::unique_ptr<HttpFilter> NewFilter(EnvoyHttpFilter& envoy) const = 0;
};

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_FILTER_H_
