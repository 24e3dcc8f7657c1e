// enums.h: the ABI's C enums a filter names, as the SDK's scoped enums, in one
// place. A filter writes HeaderType::kRequestHeader or
// RequestHeadersStatus::kContinue, never a C enumerator of abi.h, and cannot
// pass one kind of value where another is expected (a body type for a header
// map, another hook's status). No value is written here: every enumerator is
// initialised from its C enumerator in abi.h, so the two cannot drift apart, and
// ToAbi (below) is the one way back to the C enum, for the SDK's calls into
// Envoy (handle.cc, log.cc) and the hooks' return values (hooks.cc). The
// static_asserts at the end check that each scoped enum has its C enum's
// underlying type (so ToAbi loses nothing) and spot-check values against abi.h.

#ifndef ENVOY_DM_CPP_SDK_ENUMS_H_
#define ENVOY_DM_CPP_SDK_ENUMS_H_

#include <type_traits>

#include "abi.h"

namespace envoy_dm::sdk {

template <typename AbiEnum>
using AbiUnderlying = std::underlying_type_t<AbiEnum>;

// ------------------------------------------------------- what hooks return

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

// ------------------------------------------------- what filters pass Envoy

// Which header map a header call works on.
enum class HeaderType : AbiUnderlying<envoy_dynamic_module_type_http_header_type> {
  kRequestHeader = envoy_dynamic_module_type_http_header_type_RequestHeader,
  kRequestTrailer = envoy_dynamic_module_type_http_header_type_RequestTrailer,
  kResponseHeader = envoy_dynamic_module_type_http_header_type_ResponseHeader,
  kResponseTrailer = envoy_dynamic_module_type_http_header_type_ResponseTrailer,
};

// Which body a body call works on: the Received body is the chunk the current
// hook was handed; the Buffered body is what earlier hooks left buffered, and the
// one a trailers hook appends to.
enum class BodyType : AbiUnderlying<envoy_dynamic_module_type_http_body_type> {
  kReceivedRequestBody = envoy_dynamic_module_type_http_body_type_ReceivedRequestBody,
  kBufferedRequestBody = envoy_dynamic_module_type_http_body_type_BufferedRequestBody,
  kReceivedResponseBody = envoy_dynamic_module_type_http_body_type_ReceivedResponseBody,
  kBufferedResponseBody = envoy_dynamic_module_type_http_body_type_BufferedResponseBody,
};

// Which attribute to read. The attributes Envoy 1.40 serves and their formats
// are listed in abi.h (SourceAddress and UpstreamAddress are `ip:port`).
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

// A log level (log.h).
enum class LogLevel : AbiUnderlying<envoy_dynamic_module_type_log_level> {
  kTrace = envoy_dynamic_module_type_log_level_Trace,
  kDebug = envoy_dynamic_module_type_log_level_Debug,
  kInfo = envoy_dynamic_module_type_log_level_Info,
  kWarn = envoy_dynamic_module_type_log_level_Warn,
  kError = envoy_dynamic_module_type_log_level_Error,
  kCritical = envoy_dynamic_module_type_log_level_Critical,
  kOff = envoy_dynamic_module_type_log_level_Off,
};

// ----------------------------------------------------------- back to abi.h

// Each scoped enum's C enum: ToAbi(value) has exactly the type the hook returns
// or the callback takes, so pairing a value with the wrong one does not compile.
template <typename Enum>
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

template <>
struct AbiOf<HeaderType> {
  using type = envoy_dynamic_module_type_http_header_type;
};
template <>
struct AbiOf<BodyType> {
  using type = envoy_dynamic_module_type_http_body_type;
};
template <>
struct AbiOf<AttributeId> {
  using type = envoy_dynamic_module_type_attribute_id;
};
template <>
struct AbiOf<LogLevel> {
  using type = envoy_dynamic_module_type_log_level;
};

template <typename Enum>
constexpr typename AbiOf<Enum>::type ToAbi(Enum value) noexcept {
  using Abi = typename AbiOf<Enum>::type;
  static_assert(std::is_same_v<std::underlying_type_t<Enum>, AbiUnderlying<Abi>>);
  return static_cast<Abi>(value);
}
static_assert(ToAbi(RequestHeadersStatus::kStopIteration) ==
              envoy_dynamic_module_type_on_http_filter_request_headers_status_StopIteration);
static_assert(ToAbi(ResponseBodyStatus::kContinue) ==
              envoy_dynamic_module_type_on_http_filter_response_body_status_Continue);
static_assert(ToAbi(HeaderType::kResponseHeader) ==
              envoy_dynamic_module_type_http_header_type_ResponseHeader);
static_assert(ToAbi(BodyType::kBufferedResponseBody) ==
              envoy_dynamic_module_type_http_body_type_BufferedResponseBody);
static_assert(ToAbi(AttributeId::kUpstreamAddress) ==
              envoy_dynamic_module_type_attribute_id_UpstreamAddress);
static_assert(ToAbi(LogLevel::kWarn) == envoy_dynamic_module_type_log_level_Warn);

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_ENUMS_H_
