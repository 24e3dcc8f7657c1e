// filter.h: what a filter implements: HttpFilterConfig (one per configured
// filter) and HttpFilter (one per HTTP stream), and the status and id types
// their methods use. Mirrors rust/sdk/src/filter.rs.

#ifndef ENVOY_DM_CPP_SDK_FILTER_H_
#define ENVOY_DM_CPP_SDK_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "abi.h"

namespace envoy_dm::sdk {

class EnvoyHttpFilter;  // handle.h

// The statuses a hook returns, as scoped enums so a filter writes
// RequestHeadersStatus::kContinue and cannot return another hook's status. No
// value is written here: every enumerator is the C enumerator of abi.h, and
// ToAbi (below) gives each status back as its C enum.
template <typename AbiEnum>
using AbiUnderlying = std::underlying_type_t<AbiEnum>;

// What OnRequestHeaders returns.
enum class RequestHeadersStatus : AbiUnderlying<
    envoy_dynamic_module_type_on_http_filter_request_headers_status> {
  kContinue = envoy_dynamic_module_type_on_http_filter_request_headers_status_Continue,
  kStopIteration = envoy_dynamic_module_type_on_http_filter_request_headers_status_StopIteration,
  kContinueAndDontEndStream =
      envoy_dynamic_module_type_on_http_filter_request_headers_status_ContinueAndDontEndStream,
  kStopAllIterationAndBuffer =
      envoy_dynamic_module_type_on_http_filter_request_headers_status_StopAllIterationAndBuffer,
  kStopAllIterationAndWatermark =
      envoy_dynamic_module_type_on_http_filter_request_headers_status_StopAllIterationAndWatermark,
};

// What OnRequestBody returns.
enum class RequestBodyStatus : AbiUnderlying<
    envoy_dynamic_module_type_on_http_filter_request_body_status> {
  kContinue = envoy_dynamic_module_type_on_http_filter_request_body_status_Continue,
  kStopIterationAndBuffer =
      envoy_dynamic_module_type_on_http_filter_request_body_status_StopIterationAndBuffer,
  kStopIterationAndWatermark =
      envoy_dynamic_module_type_on_http_filter_request_body_status_StopIterationAndWatermark,
  kStopIterationNoBuffer =
      envoy_dynamic_module_type_on_http_filter_request_body_status_StopIterationNoBuffer,
};

// What OnRequestTrailers returns.
enum class RequestTrailersStatus : AbiUnderlying<
    envoy_dynamic_module_type_on_http_filter_request_trailers_status> {
  kContinue = envoy_dynamic_module_type_on_http_filter_request_trailers_status_Continue,
  kStopIteration = envoy_dynamic_module_type_on_http_filter_request_trailers_status_StopIteration,
};

// What OnResponseHeaders returns.
enum class ResponseHeadersStatus : AbiUnderlying<
    envoy_dynamic_module_type_on_http_filter_response_headers_status> {
  kContinue = envoy_dynamic_module_type_on_http_filter_response_headers_status_Continue,
  kStopIteration = envoy_dynamic_module_type_on_http_filter_response_headers_status_StopIteration,
  kContinueAndDontEndStream =
      envoy_dynamic_module_type_on_http_filter_response_headers_status_ContinueAndDontEndStream,
  kStopAllIterationAndBuffer =
      envoy_dynamic_module_type_on_http_filter_response_headers_status_StopAllIterationAndBuffer,
  kStopAllIterationAndWatermark =
      envoy_dynamic_module_type_on_http_filter_response_headers_status_StopAllIterationAndWatermark,
};

// What OnResponseBody returns.
enum class ResponseBodyStatus : AbiUnderlying<
    envoy_dynamic_module_type_on_http_filter_response_body_status> {
  kContinue = envoy_dynamic_module_type_on_http_filter_response_body_status_Continue,
  kStopIterationAndBuffer =
      envoy_dynamic_module_type_on_http_filter_response_body_status_StopIterationAndBuffer,
  kStopIterationAndWatermark =
      envoy_dynamic_module_type_on_http_filter_response_body_status_StopIterationAndWatermark,
  kStopIterationNoBuffer =
      envoy_dynamic_module_type_on_http_filter_response_body_status_StopIterationNoBuffer,
};

// What OnResponseTrailers returns.
enum class ResponseTrailersStatus : AbiUnderlying<
    envoy_dynamic_module_type_on_http_filter_response_trailers_status> {
  kContinue = envoy_dynamic_module_type_on_http_filter_response_trailers_status_Continue,
  kStopIteration = envoy_dynamic_module_type_on_http_filter_response_trailers_status_StopIteration,
};

// Each status enum's C enum: ToAbi(status) has exactly the type the hook
// returns, so pairing a status with the wrong hook does not compile.
template <typename Status>
struct AbiOf;
template <>
struct AbiOf<RequestHeadersStatus> {
  using type = envoy_dynamic_module_type_on_http_filter_request_headers_status;
};
template <>
struct AbiOf<RequestBodyStatus> {
  using type = envoy_dynamic_module_type_on_http_filter_request_body_status;
};
template <>
struct AbiOf<RequestTrailersStatus> {
  using type = envoy_dynamic_module_type_on_http_filter_request_trailers_status;
};
template <>
struct AbiOf<ResponseHeadersStatus> {
  using type = envoy_dynamic_module_type_on_http_filter_response_headers_status;
};
template <>
struct AbiOf<ResponseBodyStatus> {
  using type = envoy_dynamic_module_type_on_http_filter_response_body_status;
};
template <>
struct AbiOf<ResponseTrailersStatus> {
  using type = envoy_dynamic_module_type_on_http_filter_response_trailers_status;
};

template <typename Status>
constexpr typename AbiOf<Status>::type ToAbi(Status status) noexcept {
  using Abi = typename AbiOf<Status>::type;
  static_assert(std::is_same_v<std::underlying_type_t<Status>, AbiUnderlying<Abi>>);
  return static_cast<Abi>(status);
}
static_assert(ToAbi(RequestHeadersStatus::kStopIteration) ==
              envoy_dynamic_module_type_on_http_filter_request_headers_status_StopIteration);
static_assert(ToAbi(ResponseBodyStatus::kContinue) ==
              envoy_dynamic_module_type_on_http_filter_response_body_status_Continue);

// Which header map a header call works on, and which attribute to read: the
// ABI's own C enums, used as they are (their enumerators are the names a
// filter writes, e.g. envoy_dynamic_module_type_http_header_type_RequestHeader).
using HeaderType = envoy_dynamic_module_type_http_header_type;
// The attributes Envoy 1.40 serves and their formats are listed in abi.h
// (SourceAddress and UpstreamAddress are `ip:port`).
using AttributeId = envoy_dynamic_module_type_attribute_id;
// Which body a body call works on: the Received body is the chunk the current
// hook was handed; the Buffered body is what earlier hooks left buffered, and the
// one a trailers hook appends to.
using BodyType = envoy_dynamic_module_type_http_body_type;

// A metric defined at config creation (EnvoyHttpFilterConfig::DefineCounter),
// used by the streams of that configuration.
struct MetricId {
  size_t value;
  bool operator==(const MetricId&) const = default;
};

// One HTTP stream's filter. Every hook defaults to "continue", so a filter
// overrides only the phases it cares about. All hooks of one stream run on that
// stream's worker thread, one at a time. A hook may throw: the SDK's barrier
// catches it and fails the stream closed (see registry.h).
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
  friend class Stream;  // registry.cc

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
