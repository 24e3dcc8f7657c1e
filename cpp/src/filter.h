// filter.h: what a filter implements: HttpFilterConfig (one per configured
// filter) and HttpFilter (one per HTTP stream), and the status and id types
// their methods use. Mirrors rust/sdk/src/filter.rs.

#ifndef ENVOY_DM_CPP_SRC_FILTER_H_
#define ENVOY_DM_CPP_SRC_FILTER_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "abi.h"

namespace envoy_dm::sdk {

class EnvoyHttpFilter;  // handle.h

// Each enum below mirrors its ABI counterpart value for value (every enumerator
// is defined from the ABI's), so the hooks convert them with a static_cast.
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

// Which header map a header call works on.
enum class HeaderType : AbiUnderlying<envoy_dynamic_module_type_http_header_type> {
  kRequestHeader = envoy_dynamic_module_type_http_header_type_RequestHeader,
  kRequestTrailer = envoy_dynamic_module_type_http_header_type_RequestTrailer,
  kResponseHeader = envoy_dynamic_module_type_http_header_type_ResponseHeader,
  kResponseTrailer = envoy_dynamic_module_type_http_header_type_ResponseTrailer,
};

// Which body a body call works on.
enum class BodyType : AbiUnderlying<envoy_dynamic_module_type_http_body_type> {
  kReceivedRequestBody = envoy_dynamic_module_type_http_body_type_ReceivedRequestBody,
  kBufferedRequestBody = envoy_dynamic_module_type_http_body_type_BufferedRequestBody,
  kReceivedResponseBody = envoy_dynamic_module_type_http_body_type_ReceivedResponseBody,
  kBufferedResponseBody = envoy_dynamic_module_type_http_body_type_BufferedResponseBody,
};

// An Envoy attribute, read with GetAttributeString / GetAttributeInt. See abi.h
// for the ones Envoy 1.40 does not serve (RequestDuration) and their formats
// (SourceAddress and UpstreamAddress are `ip:port`).
enum class AttributeId : AbiUnderlying<envoy_dynamic_module_type_attribute_id> {
  kRequestPath = envoy_dynamic_module_type_attribute_id_RequestPath,
  kRequestUrlPath = envoy_dynamic_module_type_attribute_id_RequestUrlPath,
  kRequestHost = envoy_dynamic_module_type_attribute_id_RequestHost,
  kRequestScheme = envoy_dynamic_module_type_attribute_id_RequestScheme,
  kRequestMethod = envoy_dynamic_module_type_attribute_id_RequestMethod,
  kRequestHeaders = envoy_dynamic_module_type_attribute_id_RequestHeaders,
  kRequestReferer = envoy_dynamic_module_type_attribute_id_RequestReferer,
  kRequestUserAgent = envoy_dynamic_module_type_attribute_id_RequestUserAgent,
  kRequestTime = envoy_dynamic_module_type_attribute_id_RequestTime,
  kRequestId = envoy_dynamic_module_type_attribute_id_RequestId,
  kRequestProtocol = envoy_dynamic_module_type_attribute_id_RequestProtocol,
  kRequestQuery = envoy_dynamic_module_type_attribute_id_RequestQuery,
  kRequestDuration = envoy_dynamic_module_type_attribute_id_RequestDuration,
  kRequestSize = envoy_dynamic_module_type_attribute_id_RequestSize,
  kRequestTotalSize = envoy_dynamic_module_type_attribute_id_RequestTotalSize,
  kResponseCode = envoy_dynamic_module_type_attribute_id_ResponseCode,
  kResponseCodeDetails = envoy_dynamic_module_type_attribute_id_ResponseCodeDetails,
  kResponseFlags = envoy_dynamic_module_type_attribute_id_ResponseFlags,
  kResponseGrpcStatus = envoy_dynamic_module_type_attribute_id_ResponseGrpcStatus,
  kResponseHeaders = envoy_dynamic_module_type_attribute_id_ResponseHeaders,
  kResponseTrailers = envoy_dynamic_module_type_attribute_id_ResponseTrailers,
  kResponseSize = envoy_dynamic_module_type_attribute_id_ResponseSize,
  kResponseTotalSize = envoy_dynamic_module_type_attribute_id_ResponseTotalSize,
  kResponseBackendLatency = envoy_dynamic_module_type_attribute_id_ResponseBackendLatency,
  kSourceAddress = envoy_dynamic_module_type_attribute_id_SourceAddress,
  kSourcePort = envoy_dynamic_module_type_attribute_id_SourcePort,
  kDestinationAddress = envoy_dynamic_module_type_attribute_id_DestinationAddress,
  kDestinationPort = envoy_dynamic_module_type_attribute_id_DestinationPort,
  kConnectionId = envoy_dynamic_module_type_attribute_id_ConnectionId,
  kConnectionMtls = envoy_dynamic_module_type_attribute_id_ConnectionMtls,
  kConnectionRequestedServerName =
      envoy_dynamic_module_type_attribute_id_ConnectionRequestedServerName,
  kConnectionTlsVersion = envoy_dynamic_module_type_attribute_id_ConnectionTlsVersion,
  kConnectionSubjectLocalCertificate =
      envoy_dynamic_module_type_attribute_id_ConnectionSubjectLocalCertificate,
  kConnectionSubjectPeerCertificate =
      envoy_dynamic_module_type_attribute_id_ConnectionSubjectPeerCertificate,
  kConnectionDnsSanLocalCertificate =
      envoy_dynamic_module_type_attribute_id_ConnectionDnsSanLocalCertificate,
  kConnectionDnsSanPeerCertificate =
      envoy_dynamic_module_type_attribute_id_ConnectionDnsSanPeerCertificate,
  kConnectionUriSanLocalCertificate =
      envoy_dynamic_module_type_attribute_id_ConnectionUriSanLocalCertificate,
  kConnectionUriSanPeerCertificate =
      envoy_dynamic_module_type_attribute_id_ConnectionUriSanPeerCertificate,
  kConnectionSha256PeerCertificateDigest =
      envoy_dynamic_module_type_attribute_id_ConnectionSha256PeerCertificateDigest,
  kConnectionTransportFailureReason =
      envoy_dynamic_module_type_attribute_id_ConnectionTransportFailureReason,
  kConnectionTerminationDetails =
      envoy_dynamic_module_type_attribute_id_ConnectionTerminationDetails,
  kUpstreamAddress = envoy_dynamic_module_type_attribute_id_UpstreamAddress,
  kUpstreamPort = envoy_dynamic_module_type_attribute_id_UpstreamPort,
  kUpstreamTlsVersion = envoy_dynamic_module_type_attribute_id_UpstreamTlsVersion,
  kUpstreamSubjectLocalCertificate =
      envoy_dynamic_module_type_attribute_id_UpstreamSubjectLocalCertificate,
  kUpstreamSubjectPeerCertificate =
      envoy_dynamic_module_type_attribute_id_UpstreamSubjectPeerCertificate,
  kUpstreamDnsSanLocalCertificate =
      envoy_dynamic_module_type_attribute_id_UpstreamDnsSanLocalCertificate,
  kUpstreamDnsSanPeerCertificate =
      envoy_dynamic_module_type_attribute_id_UpstreamDnsSanPeerCertificate,
  kUpstreamUriSanLocalCertificate =
      envoy_dynamic_module_type_attribute_id_UpstreamUriSanLocalCertificate,
  kUpstreamUriSanPeerCertificate =
      envoy_dynamic_module_type_attribute_id_UpstreamUriSanPeerCertificate,
  kUpstreamSha256PeerCertificateDigest =
      envoy_dynamic_module_type_attribute_id_UpstreamSha256PeerCertificateDigest,
  kUpstreamLocalAddress = envoy_dynamic_module_type_attribute_id_UpstreamLocalAddress,
  kUpstreamTransportFailureReason =
      envoy_dynamic_module_type_attribute_id_UpstreamTransportFailureReason,
  kUpstreamRequestAttemptCount = envoy_dynamic_module_type_attribute_id_UpstreamRequestAttemptCount,
  kUpstreamCxPoolReadyDuration = envoy_dynamic_module_type_attribute_id_UpstreamCxPoolReadyDuration,
  kUpstreamLocality = envoy_dynamic_module_type_attribute_id_UpstreamLocality,
  kXdsNode = envoy_dynamic_module_type_attribute_id_XdsNode,
  kXdsClusterName = envoy_dynamic_module_type_attribute_id_XdsClusterName,
  kXdsClusterMetadata = envoy_dynamic_module_type_attribute_id_XdsClusterMetadata,
  kXdsListenerDirection = envoy_dynamic_module_type_attribute_id_XdsListenerDirection,
  kXdsListenerMetadata = envoy_dynamic_module_type_attribute_id_XdsListenerMetadata,
  kXdsRouteName = envoy_dynamic_module_type_attribute_id_XdsRouteName,
  kXdsRouteMetadata = envoy_dynamic_module_type_attribute_id_XdsRouteMetadata,
  kXdsVirtualHostName = envoy_dynamic_module_type_attribute_id_XdsVirtualHostName,
  kXdsVirtualHostMetadata = envoy_dynamic_module_type_attribute_id_XdsVirtualHostMetadata,
  kXdsUpstreamHostMetadata = envoy_dynamic_module_type_attribute_id_XdsUpstreamHostMetadata,
  kXdsFilterChainName = envoy_dynamic_module_type_attribute_id_XdsFilterChainName,
  kHealthCheck = envoy_dynamic_module_type_attribute_id_HealthCheck,
};

// A log level.
enum class LogLevel : AbiUnderlying<envoy_dynamic_module_type_log_level> {
  kTrace = envoy_dynamic_module_type_log_level_Trace,
  kDebug = envoy_dynamic_module_type_log_level_Debug,
  kInfo = envoy_dynamic_module_type_log_level_Info,
  kWarn = envoy_dynamic_module_type_log_level_Warn,
  kError = envoy_dynamic_module_type_log_level_Error,
  kCritical = envoy_dynamic_module_type_log_level_Critical,
  kOff = envoy_dynamic_module_type_log_level_Off,
};

// One HTTP stream's filter. Every hook defaults to "continue", so a filter
// overrides only the phases it cares about. All hooks of one stream run on that
// stream's worker thread, one at a time. A hook may throw: the SDK's barrier
// catches it and fails the stream closed (see hooks.h).
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
  // A wake-up requested through this stream's scheduler.
  virtual void OnScheduled(EnvoyHttpFilter& /*envoy*/, uint64_t /*event_id*/) {}

 private:
  friend class Stream;  // hooks.cc

  // What the SDK remembers about the stream. It lives in the filter, the object
  // Envoy's filter_module_ptr points to, so that a stream costs one allocation.
  enum class State : uint8_t {
    kRunning,
    kUnbuilt,  // creating the filter threw: the stream fails closed at its first hook
    kFailed,   // a hook threw: the filter is bypassed for the rest of the stream
  };
  std::string_view filter_name_;
  State state_ = State::kRunning;
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

#endif  // ENVOY_DM_CPP_SRC_FILTER_H_
