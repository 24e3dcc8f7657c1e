// The interfaces a filter implements. Mirrors rust/sdk/src/http/filter.rs, in Go's
// idiom: a filter implements only the hooks it needs, each a one-method
// interface found by type assertion (as net/http finds http.Flusher), and the
// C side (hooks.c) enters Go only for those.

package sdk

/*
#include "memory.h"
*/
import "C"

import "reflect"

// FilterConfig is one configured filter: made once on Envoy's main thread from
// the filter's config, then shared by every stream on every worker thread, so
// it must be safe for concurrent use (read-only after construction is simplest).
// F is the type of its streams' filters: the hooks F implements are the ones
// Envoy's calls enter Go for, decided once when the filter is registered.
//
// A FilterConfig that owns resources may also implement interface{ Destroy() },
// called when Envoy releases the configuration (after its last stream).
type FilterConfig[F any] interface {
	// NewFilter makes the filter for one new HTTP stream. Returning a value
	// that needs no allocation (a zero-size struct, or a pointer made once at
	// config time for a stateless filter) keeps the request path allocation-free.
	NewFilter(envoy EnvoyHTTPFilter) F
}

// SharedFilterConfig is a FilterConfig whose streams all use one filter
// value that keeps no per-stream state (a pointer made once at config time,
// say). The SDK asks for it once, when the configuration is made, instead of
// calling NewFilter for every stream, and keeps each finished stream's
// bookkeeping for the config's next stream: such a stream then begins and
// ends without entering Go (hooks.c), and only the hooks its filter
// implements do.
type SharedFilterConfig[F any] interface {
	FilterConfig[F]
	SharedFilter() F
}

// DefaultHeaderBatches is a SharedFilterConfig whose filter, on a route
// without a per-route override (PerRouteConfig nil), does nothing in its
// header hooks but apply one HeaderBatch and continue. The SDK then applies
// those batches in the hooks' C half without entering Go: such a stream
// crosses into Go not once. A nil batch leaves that hook to Go. The batches
// must stay valid until the config's Destroy (after its last stream).
type DefaultHeaderBatches interface {
	DefaultHeaderBatches() (requestHeaders, responseHeaders *HeaderBatch)
}

// The hooks a stream's filter may implement. All hooks of one stream run on
// that stream's worker thread, one at a time. The envoy handle is valid only
// during the call: do not keep it.

// RequestHeadersFilter sees the request headers.
type RequestHeadersFilter interface {
	OnRequestHeaders(envoy EnvoyHTTPFilter, endOfStream bool) RequestHeadersStatus
}

// RequestBodyFilter sees each piece of the request body.
type RequestBodyFilter interface {
	OnRequestBody(envoy EnvoyHTTPFilter, endOfStream bool) RequestBodyStatus
}

// RequestTrailersFilter sees the request trailers.
type RequestTrailersFilter interface {
	OnRequestTrailers(envoy EnvoyHTTPFilter) RequestTrailersStatus
}

// ResponseHeadersFilter sees the response headers.
type ResponseHeadersFilter interface {
	OnResponseHeaders(envoy EnvoyHTTPFilter, endOfStream bool) ResponseHeadersStatus
}

// ResponseBodyFilter sees each piece of the response body.
type ResponseBodyFilter interface {
	OnResponseBody(envoy EnvoyHTTPFilter, endOfStream bool) ResponseBodyStatus
}

// ResponseTrailersFilter sees the response trailers.
type ResponseTrailersFilter interface {
	OnResponseTrailers(envoy EnvoyHTTPFilter) ResponseTrailersStatus
}

// StreamCompleteFilter is told that the stream is over (completed or reset):
// the last hook before the filter is released.
type StreamCompleteFilter interface {
	OnStreamComplete(envoy EnvoyHTTPFilter)
}

// hookSet is the DM_HOOK_* bits (memory.h) of the hooks that enter Go, kept
// in a config's or a stream's C slot for hooks.c to read.
type hookSet uint32

const allHooks hookSet = C.DM_HOOK_ALL

// hooksOf finds by type assertion the hooks filter implements.
func hooksOf(filter any) hookSet {
	var h hookSet
	if _, ok := filter.(RequestHeadersFilter); ok {
		h |= C.DM_HOOK_REQUEST_HEADERS
	}
	if _, ok := filter.(RequestBodyFilter); ok {
		h |= C.DM_HOOK_REQUEST_BODY
	}
	if _, ok := filter.(RequestTrailersFilter); ok {
		h |= C.DM_HOOK_REQUEST_TRAILERS
	}
	if _, ok := filter.(ResponseHeadersFilter); ok {
		h |= C.DM_HOOK_RESPONSE_HEADERS
	}
	if _, ok := filter.(ResponseBodyFilter); ok {
		h |= C.DM_HOOK_RESPONSE_BODY
	}
	if _, ok := filter.(ResponseTrailersFilter); ok {
		h |= C.DM_HOOK_RESPONSE_TRAILERS
	}
	if _, ok := filter.(StreamCompleteFilter); ok {
		h |= C.DM_HOOK_STREAM_COMPLETE
	}
	return h
}

// hooksOfType is hooksOf for every filter of type F, known when the filter is
// registered; perStream is true when F is an interface type, whose values
// must each be asserted when their stream starts.
func hooksOfType[F any]() (hooks hookSet, perStream bool) {
	if reflect.TypeFor[F]().Kind() == reflect.Interface {
		return allHooks, true
	}
	var zero F
	return hooksOf(zero), false
}

// The statuses below have the values of abi.h's enums, so the hooks in hooks.go
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
