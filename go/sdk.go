// The two interfaces a filter implements, and the Go names of the ABI's enums.
// Mirrors rust/sdk/src/filter.rs.

package main

/*
#include "slot.h"
*/
import "C"

// FilterConfig is one configured filter: made once on Envoy's main thread from
// the filter's config, then shared by every stream on every worker thread, so
// it must be safe for concurrent use (read-only after construction is simplest).
//
// A FilterConfig that owns resources may also implement interface{ Destroy() },
// called when Envoy releases the configuration (after its last stream).
type FilterConfig interface {
	// NewFilter makes the filter for one new HTTP stream. Returning a value
	// that needs no allocation (a zero-size struct, or a pointer made once at
	// config time for a stateless filter) keeps the request path allocation-free.
	NewFilter(envoy EnvoyHTTPFilter) Filter
}

// Filter is one HTTP stream's filter. All hooks of one stream run on that
// stream's worker thread, one at a time. Embed BaseFilter to inherit "continue"
// for every hook and override only the phases the filter cares about.
//
// The envoy handle is valid only during the call: do not keep it.
type Filter interface {
	OnRequestHeaders(envoy EnvoyHTTPFilter, endOfStream bool) RequestHeadersStatus
	OnRequestBody(envoy EnvoyHTTPFilter, endOfStream bool) RequestBodyStatus
	OnRequestTrailers(envoy EnvoyHTTPFilter) RequestTrailersStatus
	OnResponseHeaders(envoy EnvoyHTTPFilter, endOfStream bool) ResponseHeadersStatus
	OnResponseBody(envoy EnvoyHTTPFilter, endOfStream bool) ResponseBodyStatus
	OnResponseTrailers(envoy EnvoyHTTPFilter) ResponseTrailersStatus
	// OnStreamComplete: the stream is over (completed or reset); the last hook
	// before the filter is released.
	OnStreamComplete(envoy EnvoyHTTPFilter)
	// OnScheduled: a wake-up requested through this stream's scheduler.
	OnScheduled(envoy EnvoyHTTPFilter, eventID uint64)
}

// HookSet names the stream hooks the filters of a config implement. Every hook
// costs a cgo crossing (far more than an empty method), so the module's C side
// (stream_hooks.c) skips the ones a filter leaves to BaseFilter, and a config
// whose filters implement none makes no Go object per stream at all. A
// FilterConfig tells which with a Hooks method; without one, all are called.
type HookSet uint32

const (
	HookRequestHeaders   HookSet = C.DM_HOOK_REQUEST_HEADERS
	HookRequestBody      HookSet = C.DM_HOOK_REQUEST_BODY
	HookRequestTrailers  HookSet = C.DM_HOOK_REQUEST_TRAILERS
	HookResponseHeaders  HookSet = C.DM_HOOK_RESPONSE_HEADERS
	HookResponseBody     HookSet = C.DM_HOOK_RESPONSE_BODY
	HookResponseTrailers HookSet = C.DM_HOOK_RESPONSE_TRAILERS
	HookStreamComplete   HookSet = C.DM_HOOK_STREAM_COMPLETE
	HookScheduled        HookSet = C.DM_HOOK_SCHEDULED
	AllHooks             HookSet = C.DM_HOOK_ALL
)

// hookLister is implemented by configs that name the hooks their filters implement.
type hookLister interface {
	Hooks() HookSet
}

// hooksOf is the set of hooks to call for the filters of config c.
func hooksOf(c FilterConfig) HookSet {
	if lister, ok := c.(hookLister); ok {
		return lister.Hooks()
	}
	return AllHooks
}

// BaseFilter implements every Filter hook as "continue"; embed it.
type BaseFilter struct{}

func (BaseFilter) OnRequestHeaders(EnvoyHTTPFilter, bool) RequestHeadersStatus {
	return RequestHeadersContinue
}

func (BaseFilter) OnRequestBody(EnvoyHTTPFilter, bool) RequestBodyStatus {
	return RequestBodyContinue
}

func (BaseFilter) OnRequestTrailers(EnvoyHTTPFilter) RequestTrailersStatus {
	return RequestTrailersContinue
}

func (BaseFilter) OnResponseHeaders(EnvoyHTTPFilter, bool) ResponseHeadersStatus {
	return ResponseHeadersContinue
}

func (BaseFilter) OnResponseBody(EnvoyHTTPFilter, bool) ResponseBodyStatus {
	return ResponseBodyContinue
}

func (BaseFilter) OnResponseTrailers(EnvoyHTTPFilter) ResponseTrailersStatus {
	return ResponseTrailersContinue
}

func (BaseFilter) OnStreamComplete(EnvoyHTTPFilter) {}

func (BaseFilter) OnScheduled(EnvoyHTTPFilter, uint64) {}

// The statuses below have the values of abi.h's enums, so the hooks in abi.go
// hand them to Envoy with a plain conversion.

// RequestHeadersStatus is what OnRequestHeaders returns.
type RequestHeadersStatus uint32

const (
	RequestHeadersContinue                     RequestHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_request_headers_status_Continue
	RequestHeadersStopIteration                RequestHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_request_headers_status_StopIteration
	RequestHeadersContinueAndDontEndStream     RequestHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_request_headers_status_ContinueAndDontEndStream
	RequestHeadersStopAllIterationAndBuffer    RequestHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_request_headers_status_StopAllIterationAndBuffer
	RequestHeadersStopAllIterationAndWatermark RequestHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_request_headers_status_StopAllIterationAndWatermark
)

// RequestBodyStatus is what OnRequestBody returns.
type RequestBodyStatus uint32

const (
	RequestBodyContinue                  RequestBodyStatus = C.envoy_dynamic_module_type_on_http_filter_request_body_status_Continue
	RequestBodyStopIterationAndBuffer    RequestBodyStatus = C.envoy_dynamic_module_type_on_http_filter_request_body_status_StopIterationAndBuffer
	RequestBodyStopIterationAndWatermark RequestBodyStatus = C.envoy_dynamic_module_type_on_http_filter_request_body_status_StopIterationAndWatermark
	RequestBodyStopIterationNoBuffer     RequestBodyStatus = C.envoy_dynamic_module_type_on_http_filter_request_body_status_StopIterationNoBuffer
)

// RequestTrailersStatus is what OnRequestTrailers returns.
type RequestTrailersStatus uint32

const (
	RequestTrailersContinue      RequestTrailersStatus = C.envoy_dynamic_module_type_on_http_filter_request_trailers_status_Continue
	RequestTrailersStopIteration RequestTrailersStatus = C.envoy_dynamic_module_type_on_http_filter_request_trailers_status_StopIteration
)

// ResponseHeadersStatus is what OnResponseHeaders returns.
type ResponseHeadersStatus uint32

const (
	ResponseHeadersContinue                     ResponseHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_response_headers_status_Continue
	ResponseHeadersStopIteration                ResponseHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_response_headers_status_StopIteration
	ResponseHeadersContinueAndDontEndStream     ResponseHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_response_headers_status_ContinueAndDontEndStream
	ResponseHeadersStopAllIterationAndBuffer    ResponseHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_response_headers_status_StopAllIterationAndBuffer
	ResponseHeadersStopAllIterationAndWatermark ResponseHeadersStatus = C.envoy_dynamic_module_type_on_http_filter_response_headers_status_StopAllIterationAndWatermark
)

// ResponseBodyStatus is what OnResponseBody returns.
type ResponseBodyStatus uint32

const (
	ResponseBodyContinue                  ResponseBodyStatus = C.envoy_dynamic_module_type_on_http_filter_response_body_status_Continue
	ResponseBodyStopIterationAndBuffer    ResponseBodyStatus = C.envoy_dynamic_module_type_on_http_filter_response_body_status_StopIterationAndBuffer
	ResponseBodyStopIterationAndWatermark ResponseBodyStatus = C.envoy_dynamic_module_type_on_http_filter_response_body_status_StopIterationAndWatermark
	ResponseBodyStopIterationNoBuffer     ResponseBodyStatus = C.envoy_dynamic_module_type_on_http_filter_response_body_status_StopIterationNoBuffer
)

// ResponseTrailersStatus is what OnResponseTrailers returns.
type ResponseTrailersStatus uint32

const (
	ResponseTrailersContinue      ResponseTrailersStatus = C.envoy_dynamic_module_type_on_http_filter_response_trailers_status_Continue
	ResponseTrailersStopIteration ResponseTrailersStatus = C.envoy_dynamic_module_type_on_http_filter_response_trailers_status_StopIteration
)

// HeaderType says which header map of the stream a header call works on.
type HeaderType uint32

const (
	RequestHeader   HeaderType = C.envoy_dynamic_module_type_http_header_type_RequestHeader
	RequestTrailer  HeaderType = C.envoy_dynamic_module_type_http_header_type_RequestTrailer
	ResponseHeader  HeaderType = C.envoy_dynamic_module_type_http_header_type_ResponseHeader
	ResponseTrailer HeaderType = C.envoy_dynamic_module_type_http_header_type_ResponseTrailer
)

// LogLevel is the severity of a log line; Envoy's own levels.
type LogLevel uint32

const (
	LogTrace    LogLevel = C.envoy_dynamic_module_type_log_level_Trace
	LogDebug    LogLevel = C.envoy_dynamic_module_type_log_level_Debug
	LogInfo     LogLevel = C.envoy_dynamic_module_type_log_level_Info
	LogWarn     LogLevel = C.envoy_dynamic_module_type_log_level_Warn
	LogError    LogLevel = C.envoy_dynamic_module_type_log_level_Error
	LogCritical LogLevel = C.envoy_dynamic_module_type_log_level_Critical
	LogOff      LogLevel = C.envoy_dynamic_module_type_log_level_Off
)

// AttributeID names one of Envoy's request attributes, read with
// EnvoyHTTPFilter.GetAttributeString / GetAttributeInt. AttributeSourceAddress
// is `source.address`, AttributeXdsRouteName is `xds.route_name`, and so on;
// see abi.h for which ones Envoy 1.40 serves.
type AttributeID uint32

const (
	AttributeRequestPath                           AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestPath
	AttributeRequestUrlPath                        AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestUrlPath
	AttributeRequestHost                           AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestHost
	AttributeRequestScheme                         AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestScheme
	AttributeRequestMethod                         AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestMethod
	AttributeRequestHeaders                        AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestHeaders
	AttributeRequestReferer                        AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestReferer
	AttributeRequestUserAgent                      AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestUserAgent
	AttributeRequestTime                           AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestTime
	AttributeRequestId                             AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestId
	AttributeRequestProtocol                       AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestProtocol
	AttributeRequestQuery                          AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestQuery
	AttributeRequestDuration                       AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestDuration
	AttributeRequestSize                           AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestSize
	AttributeRequestTotalSize                      AttributeID = C.envoy_dynamic_module_type_attribute_id_RequestTotalSize
	AttributeResponseCode                          AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseCode
	AttributeResponseCodeDetails                   AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseCodeDetails
	AttributeResponseFlags                         AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseFlags
	AttributeResponseGrpcStatus                    AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseGrpcStatus
	AttributeResponseHeaders                       AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseHeaders
	AttributeResponseTrailers                      AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseTrailers
	AttributeResponseSize                          AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseSize
	AttributeResponseTotalSize                     AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseTotalSize
	AttributeResponseBackendLatency                AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseBackendLatency
	AttributeSourceAddress                         AttributeID = C.envoy_dynamic_module_type_attribute_id_SourceAddress
	AttributeSourcePort                            AttributeID = C.envoy_dynamic_module_type_attribute_id_SourcePort
	AttributeDestinationAddress                    AttributeID = C.envoy_dynamic_module_type_attribute_id_DestinationAddress
	AttributeDestinationPort                       AttributeID = C.envoy_dynamic_module_type_attribute_id_DestinationPort
	AttributeConnectionId                          AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionId
	AttributeConnectionMtls                        AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionMtls
	AttributeConnectionRequestedServerName         AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionRequestedServerName
	AttributeConnectionTlsVersion                  AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionTlsVersion
	AttributeConnectionSubjectLocalCertificate     AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionSubjectLocalCertificate
	AttributeConnectionSubjectPeerCertificate      AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionSubjectPeerCertificate
	AttributeConnectionDnsSanLocalCertificate      AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionDnsSanLocalCertificate
	AttributeConnectionDnsSanPeerCertificate       AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionDnsSanPeerCertificate
	AttributeConnectionUriSanLocalCertificate      AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionUriSanLocalCertificate
	AttributeConnectionUriSanPeerCertificate       AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionUriSanPeerCertificate
	AttributeConnectionSha256PeerCertificateDigest AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionSha256PeerCertificateDigest
	AttributeConnectionTransportFailureReason      AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionTransportFailureReason
	AttributeConnectionTerminationDetails          AttributeID = C.envoy_dynamic_module_type_attribute_id_ConnectionTerminationDetails
	AttributeUpstreamAddress                       AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamAddress
	AttributeUpstreamPort                          AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamPort
	AttributeUpstreamTlsVersion                    AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamTlsVersion
	AttributeUpstreamSubjectLocalCertificate       AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamSubjectLocalCertificate
	AttributeUpstreamSubjectPeerCertificate        AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamSubjectPeerCertificate
	AttributeUpstreamDnsSanLocalCertificate        AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamDnsSanLocalCertificate
	AttributeUpstreamDnsSanPeerCertificate         AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamDnsSanPeerCertificate
	AttributeUpstreamUriSanLocalCertificate        AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamUriSanLocalCertificate
	AttributeUpstreamUriSanPeerCertificate         AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamUriSanPeerCertificate
	AttributeUpstreamSha256PeerCertificateDigest   AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamSha256PeerCertificateDigest
	AttributeUpstreamLocalAddress                  AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamLocalAddress
	AttributeUpstreamTransportFailureReason        AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamTransportFailureReason
	AttributeUpstreamRequestAttemptCount           AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamRequestAttemptCount
	AttributeUpstreamCxPoolReadyDuration           AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamCxPoolReadyDuration
	AttributeUpstreamLocality                      AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamLocality
	AttributeXdsNode                               AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsNode
	AttributeXdsClusterName                        AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsClusterName
	AttributeXdsClusterMetadata                    AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsClusterMetadata
	AttributeXdsListenerDirection                  AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsListenerDirection
	AttributeXdsListenerMetadata                   AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsListenerMetadata
	AttributeXdsRouteName                          AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsRouteName
	AttributeXdsRouteMetadata                      AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsRouteMetadata
	AttributeXdsVirtualHostName                    AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsVirtualHostName
	AttributeXdsVirtualHostMetadata                AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsVirtualHostMetadata
	AttributeXdsUpstreamHostMetadata               AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsUpstreamHostMetadata
	AttributeXdsFilterChainName                    AttributeID = C.envoy_dynamic_module_type_attribute_id_XdsFilterChainName
	AttributeHealthCheck                           AttributeID = C.envoy_dynamic_module_type_attribute_id_HealthCheck
)
