// The hooks Envoy calls: every envoy_dynamic_module_on_* of abi/abi.h, as an
// //export function (the stream hooks' C halves are in hooks.c). Thin glue
// only: each turns Envoy's pointers back into the objects the module handed
// out (memory.go) and runs the filter behind the panic barrier (barrier.go),
// failing the stream closed when it panics. Mirrors rust/sdk/src/hooks.rs.
//
// The preamble includes abi.h, and cgo copies it into the _cgo_export.h it
// compiles the exports against, so the C compiler checks every //export below
// against the header's declaration ("conflicting types for ..." on any
// difference). Parameter names are the header's.
//
// Linking: the envoy_dynamic_module_callback_* functions are defined by the
// Envoy binary. In the c-shared library they stay undefined references ("U" in
// nm), which ld allows in a shared object and the dynamic loader binds to
// Envoy's definitions when Envoy loads the module. `go test` links an
// executable instead, where an undefined reference is an error; the LDFLAGS
// below tell ld to ignore unresolved symbols, which changes nothing for the
// shared object (they were allowed there already, and remain strong undefined
// references, so a missing callback still fails the load) and lets the test
// binary link. Tests never reach a real callback: they drive filters through
// the fake handle (sdktest) and replace the log sink (log.go); a stray call
// would crash at address 0 rather than pass silently. Alternatives weighed:
// weak declarations (`#pragma weak`) would turn a callback Envoy lacks into a
// silent NULL call at run time instead of a load failure; stub definitions in
// a .c file cannot be limited to tests (C files have no _test variant), so
// they would also land in the .so and shadow Envoy's. The one callback not
// every supported Envoy has, log_v2, is looked up at load instead (log.go).

package sdk

/*
#cgo CFLAGS: -I${SRCDIR}/../../abi
#cgo LDFLAGS: -Wl,--unresolved-symbols=ignore-all
#include "memory.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// envoyBuffer views a buffer Envoy lends for one hook as a byte slice.
func envoyBuffer(b C.envoy_dynamic_module_type_envoy_buffer) []byte {
	return envoyBytes(b.ptr, b.length)
}

//export envoy_dynamic_module_on_program_init
func envoy_dynamic_module_on_program_init() C.envoy_dynamic_module_type_abi_version_module_ptr {
	programInit()
	return abiVersion()
}

// ------------------------------------------------------------------ config

//export envoy_dynamic_module_on_http_filter_config_new
func envoy_dynamic_module_on_http_filter_config_new(
	filter_config_envoy_ptr C.envoy_dynamic_module_type_http_filter_config_envoy_ptr,
	name C.envoy_dynamic_module_type_envoy_buffer,
	config C.envoy_dynamic_module_type_envoy_buffer,
) C.envoy_dynamic_module_type_http_filter_config_module_ptr {
	return C.envoy_dynamic_module_type_http_filter_config_module_ptr(
		filterConfigNew(filter_config_envoy_ptr, configName(envoyBuffer(name)), envoyBuffer(config)))
}

// filterConfigNew makes a filter configuration and its slot; nil refuses it.
// The name is a Go copy; the config bytes and the config handle are lent to
// the constructor for this call only.
func filterConfigNew(envoyPtr C.envoy_dynamic_module_type_http_filter_config_envoy_ptr, name string, config []byte) unsafe.Pointer {
	envoy := &envoyFilterConfig{raw: envoyPtr}
	box, ok := newConfig(filterKind, registry.filters, envoy, name, config)
	envoy.done = true
	if !ok {
		return nil
	}
	box.name = name
	s, value := configs.add()
	if s == nil {
		destroyConfig(&box)
		refuse(filterKind, name, "too many filter configs")
		return nil
	}
	*value = box
	setHooks(s, box.hooks)
	newStreamCache(s, value)
	return unsafe.Pointer(s)
}

//export envoy_dynamic_module_on_http_filter_config_destroy
func envoy_dynamic_module_on_http_filter_config_destroy(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_config_module_ptr,
) {
	releaseStreamCache((*slot)(unsafe.Pointer(filter_config_ptr)))
	destroyConfig(configs.get(unsafe.Pointer(filter_config_ptr)))
	configs.release(unsafe.Pointer(filter_config_ptr))
}

// --------------------------------------------------------------- per route

//export envoy_dynamic_module_on_http_filter_per_route_config_new
func envoy_dynamic_module_on_http_filter_per_route_config_new(
	name C.envoy_dynamic_module_type_envoy_buffer,
	config C.envoy_dynamic_module_type_envoy_buffer,
) C.envoy_dynamic_module_type_http_filter_per_route_config_module_ptr {
	return C.envoy_dynamic_module_type_http_filter_per_route_config_module_ptr(
		perRouteConfigNew(configName(envoyBuffer(name)), envoyBuffer(config)))
}

// perRouteConfigNew makes a per-route override and its slot; nil refuses it.
func perRouteConfigNew(name string, config []byte) unsafe.Pointer {
	made, ok := newConfig(perRouteKind, registry.perRoute, nil, name, config)
	if !ok {
		return nil
	}
	s, value := perRoutes.add()
	if s == nil {
		refuse(perRouteKind, name, "too many per-route configs")
		return nil
	}
	value.config = made
	return unsafe.Pointer(s)
}

//export envoy_dynamic_module_on_http_filter_per_route_config_destroy
func envoy_dynamic_module_on_http_filter_per_route_config_destroy(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_per_route_config_module_ptr,
) {
	// Only Envoy's reference goes: streams that found the override keep
	// theirs (memory.go), so nothing is freed here but the slot.
	perRoutes.release(unsafe.Pointer(filter_config_ptr))
}

// ----------------------------------------------------------------- streams

// The Go halves of filter_new and filter_destroy, which are C functions in
// hooks.c: they enter Go only for configs whose filters implement a hook.

//export dm_go_filter_new
func dm_go_filter_new(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_config_module_ptr,
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
) C.envoy_dynamic_module_type_http_filter_module_ptr {
	return C.envoy_dynamic_module_type_http_filter_module_ptr(
		filterNew(unsafe.Pointer(filter_config_ptr), filter_envoy_ptr))
}

// filterNew makes a stream's filter and its slot. It never returns nil: a
// stream it cannot make gets failedStream, which fails it closed.
func filterNew(configPtr unsafe.Pointer, envoyPtr C.envoy_dynamic_module_type_http_filter_envoy_ptr) unsafe.Pointer {
	config := configs.get(configPtr)
	s, stream := streams.add()
	if s == nil {
		logf(logError, "%s: filter '%s' in http_filter_new: too many streams in flight; failing the stream closed",
			registry.name, config.name)
		return unsafe.Pointer(failedStream)
	}
	stream.name = config.name
	stream.envoy = envoyFilter{raw: envoyPtr, slot: s}
	s.cache, s.next, s.reused = nil, nil, 0
	if config.shared != nil {
		// Kept for the config's next stream when Envoy destroys this one
		// (hooks.c), and released with the config.
		s.cache = (*slot)(configPtr).cache
		stream.filter = config.shared
		setHooks(s, config.hooks)
		return unsafe.Pointer(s)
	}
	context := func() string {
		return fmt.Sprintf("%s: filter '%s' in http_filter_new", registry.name, config.name)
	}
	if guard(context, func() { stream.filter = config.newFilter(&stream.envoy) }) && stream.filter == nil {
		logf(logError, "%s: returned no filter", context())
	}
	switch {
	case stream.filter == nil:
		setHooks(s, allHooks) // fail closed at the first hook
	case config.perStream:
		setHooks(s, hooksOf(stream.filter))
	default:
		setHooks(s, config.hooks)
	}
	return unsafe.Pointer(s)
}

//export dm_go_filter_destroy
func dm_go_filter_destroy(
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
	// Releasing the slot drops the Go filter; the GC frees it. No filter code
	// runs here, so there is nothing to guard.
	if p := unsafe.Pointer(filter_module_ptr); p != unsafe.Pointer(failedStream) {
		streams.release(p)
	}
}

// streamFor finds the stream behind filter_module_ptr and points its handle at
// the filter_envoy_ptr of the current hook.
func streamFor(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) *streamBox {
	p := unsafe.Pointer(filter_module_ptr)
	s := streams.get(p)
	if c := (*slot)(p); c.reused != 0 {
		c.reused = 0
		s.reset()
	}
	s.envoy.raw = filter_envoy_ptr
	return s
}

// The fail-closed local reply of a stream whose filter failed; the same in
// all three languages of this repository.
const (
	failClosedStatus  = 500
	failClosedDetails = "dynamic_module_filter_failed"
)

var failClosedBody = []byte("dynamic module filter failed\n")

// runPhase runs one phase of a stream: call(filter) when the filter
// implements the phase (implements: the caller's type assertion, which Go
// caches at each call site, where one in this generic function would look
// its itab up every time), behind the panic barrier. It skips the filter once
// it has failed; on a panic it marks the stream failed, sends the fail-closed
// local reply when canReply (request phases, response headers) and returns
// stop; when it is too late to reply it returns goOn and the stream continues
// unfiltered. The barrier is barrier.go's guard written out here, one closure
// fewer on the two or more phases of every request.
func runPhase[F any, S any](s *streamBox, envoy EnvoyHTTPFilter, filter F, implements bool, phase string,
	canReply bool, goOn, stop S, call func(F) S) (status S) {
	if s.failed {
		return goOn
	}
	if s.filter == nil {
		// Creating the filter failed, and was logged: fail closed now.
		return failStream(s, envoy, canReply, goOn, stop)
	}
	if !implements {
		return goOn
	}
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			logf(logError, "%s: filter '%s' in %s: panicked: %v", registry.name, s.name, phase, r)
		}
		status = failStream(s, envoy, canReply, goOn, stop)
	}()
	status = call(filter)
	returned = true
	return status
}

// failStream marks the stream failed and, when it can still reply, sends the
// fail-closed local reply. failed is set first: Envoy may run this stream's
// encoder hooks while it sends the reply, and they must pass it through.
func failStream[S any](s *streamBox, envoy EnvoyHTTPFilter, canReply bool, goOn, stop S) S {
	s.failed = true
	if !canReply {
		return goOn
	}
	failClosed(envoy)
	return stop
}

func failClosed(envoy EnvoyHTTPFilter) {
	envoy.SendResponse(failClosedStatus, failClosedBody, failClosedDetails)
}

// The Go halves of the stream hooks. The hooks themselves are C functions in
// hooks.c, which enter here only when the stream's filter implements the hook.

//export dm_go_request_headers
func dm_go_request_headers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	end_of_stream C.bool,
) C.envoy_dynamic_module_type_on_http_filter_request_headers_status {
	if unsafe.Pointer(filter_module_ptr) == unsafe.Pointer(failedStream) {
		return C.envoy_dynamic_module_type_on_http_filter_request_headers_status(
			failedStreamRequestHeaders(&envoyFilter{raw: filter_envoy_ptr}))
	}
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_request_headers_status(
		s.onRequestHeaders(&s.envoy, bool(end_of_stream)))
}

// failedStreamRequestHeaders is the one hook of failedStream: it answers with
// the barrier's local reply.
func failedStreamRequestHeaders(envoy EnvoyHTTPFilter) RequestHeadersStatus {
	failClosed(envoy)
	return RequestHeadersStopIteration
}

func (s *streamBox) onRequestHeaders(envoy EnvoyHTTPFilter, endOfStream bool) RequestHeadersStatus {
	f, ok := s.filter.(RequestHeadersFilter)
	return runPhase(s, envoy, f, ok, "on_request_headers", true, RequestHeadersContinue, RequestHeadersStopIteration,
		func(f RequestHeadersFilter) RequestHeadersStatus { return f.OnRequestHeaders(envoy, endOfStream) })
}

//export dm_go_request_body
func dm_go_request_body(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	end_of_stream C.bool,
) C.envoy_dynamic_module_type_on_http_filter_request_body_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_request_body_status(
		s.onRequestBody(&s.envoy, bool(end_of_stream)))
}

func (s *streamBox) onRequestBody(envoy EnvoyHTTPFilter, endOfStream bool) RequestBodyStatus {
	f, ok := s.filter.(RequestBodyFilter)
	return runPhase(s, envoy, f, ok, "on_request_body", true, RequestBodyContinue, RequestBodyStopIterationNoBuffer,
		func(f RequestBodyFilter) RequestBodyStatus { return f.OnRequestBody(envoy, endOfStream) })
}

//export dm_go_request_trailers
func dm_go_request_trailers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) C.envoy_dynamic_module_type_on_http_filter_request_trailers_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_request_trailers_status(s.onRequestTrailers(&s.envoy))
}

func (s *streamBox) onRequestTrailers(envoy EnvoyHTTPFilter) RequestTrailersStatus {
	f, ok := s.filter.(RequestTrailersFilter)
	return runPhase(s, envoy, f, ok, "on_request_trailers", true, RequestTrailersContinue, RequestTrailersStopIteration,
		func(f RequestTrailersFilter) RequestTrailersStatus { return f.OnRequestTrailers(envoy) })
}

//export dm_go_response_headers
func dm_go_response_headers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	end_of_stream C.bool,
) C.envoy_dynamic_module_type_on_http_filter_response_headers_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_response_headers_status(
		s.onResponseHeaders(&s.envoy, bool(end_of_stream)))
}

func (s *streamBox) onResponseHeaders(envoy EnvoyHTTPFilter, endOfStream bool) ResponseHeadersStatus {
	f, ok := s.filter.(ResponseHeadersFilter)
	return runPhase(s, envoy, f, ok, "on_response_headers", true, ResponseHeadersContinue, ResponseHeadersStopIteration,
		func(f ResponseHeadersFilter) ResponseHeadersStatus { return f.OnResponseHeaders(envoy, endOfStream) })
}

// Response headers are already on their way in the phases below: too late for
// a local reply, so a panic lets the rest of the stream through unfiltered.

//export dm_go_response_body
func dm_go_response_body(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	end_of_stream C.bool,
) C.envoy_dynamic_module_type_on_http_filter_response_body_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_response_body_status(
		s.onResponseBody(&s.envoy, bool(end_of_stream)))
}

func (s *streamBox) onResponseBody(envoy EnvoyHTTPFilter, endOfStream bool) ResponseBodyStatus {
	f, ok := s.filter.(ResponseBodyFilter)
	return runPhase(s, envoy, f, ok, "on_response_body", false, ResponseBodyContinue, ResponseBodyContinue,
		func(f ResponseBodyFilter) ResponseBodyStatus { return f.OnResponseBody(envoy, endOfStream) })
}

//export dm_go_response_trailers
func dm_go_response_trailers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) C.envoy_dynamic_module_type_on_http_filter_response_trailers_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_response_trailers_status(s.onResponseTrailers(&s.envoy))
}

func (s *streamBox) onResponseTrailers(envoy EnvoyHTTPFilter) ResponseTrailersStatus {
	f, ok := s.filter.(ResponseTrailersFilter)
	return runPhase(s, envoy, f, ok, "on_response_trailers", false, ResponseTrailersContinue, ResponseTrailersContinue,
		func(f ResponseTrailersFilter) ResponseTrailersStatus { return f.OnResponseTrailers(envoy) })
}

//export dm_go_stream_complete
func dm_go_stream_complete(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	s.onStreamComplete(&s.envoy)
}

func (s *streamBox) onStreamComplete(envoy EnvoyHTTPFilter) {
	f, ok := s.filter.(StreamCompleteFilter)
	runPhase(s, envoy, f, ok, "on_stream_complete", false, struct{}{}, struct{}{},
		func(f StreamCompleteFilter) struct{} { f.OnStreamComplete(envoy); return struct{}{} })
}

// ------------------------------------------------- hooks this SDK leaves idle
//
// Envoy 1.40 requires these symbols even from modules that never start
// callouts or watch watermarks. This SDK starts no callouts, so they do nothing.
// (envoy_dynamic_module_on_http_filter_scheduled, idle too, is in hooks.c.)

//export envoy_dynamic_module_on_http_filter_http_callout_done
func envoy_dynamic_module_on_http_filter_http_callout_done(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	callout_id C.uint64_t,
	result C.envoy_dynamic_module_type_http_callout_result,
	headers *C.envoy_dynamic_module_type_envoy_http_header,
	headers_size C.size_t,
	body_chunks *C.envoy_dynamic_module_type_envoy_buffer,
	body_chunks_size C.size_t,
) {
}

//export envoy_dynamic_module_on_http_filter_http_stream_headers
func envoy_dynamic_module_on_http_filter_http_stream_headers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	stream_id C.uint64_t,
	headers *C.envoy_dynamic_module_type_envoy_http_header,
	headers_size C.size_t,
	end_stream C.bool,
) {
}

//export envoy_dynamic_module_on_http_filter_http_stream_data
func envoy_dynamic_module_on_http_filter_http_stream_data(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	stream_id C.uint64_t,
	data C.envoy_dynamic_module_type_envoy_buffer_const_ptr,
	data_count C.size_t,
	end_stream C.bool,
) {
}

//export envoy_dynamic_module_on_http_filter_http_stream_trailers
func envoy_dynamic_module_on_http_filter_http_stream_trailers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	stream_id C.uint64_t,
	trailers *C.envoy_dynamic_module_type_envoy_http_header,
	trailers_size C.size_t,
) {
}

//export envoy_dynamic_module_on_http_filter_http_stream_complete
func envoy_dynamic_module_on_http_filter_http_stream_complete(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	stream_id C.uint64_t,
) {
}

//export envoy_dynamic_module_on_http_filter_http_stream_reset
func envoy_dynamic_module_on_http_filter_http_stream_reset(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	stream_id C.uint64_t,
	reason C.envoy_dynamic_module_type_http_stream_reset_reason,
) {
}

//export envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark
func envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
}

//export envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark
func envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
}
