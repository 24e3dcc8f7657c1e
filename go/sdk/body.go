// The bodies of the hooks in hooks.go: what each //export does once Envoy's
// arguments are Go values. Making configurations and streams and their slots
// (memory.go), finding a stream from filter_module_ptr, and running each phase
// of a stream behind the panic barrier, failing the stream closed when its
// filter panics (docs/CONTRACT.md). The hooks convert their arguments and call
// these; the Rust and C++ siblings keep the same split (hooks: the exported
// glue; body: what it runs), cpp/sdk/body.cc in C++.
//
// These were in hooks.go until the split; moving them to another file of the
// same package left every function of libgo_module.so the same size: no cgo
// crossing and no allocation was added to a request.

package sdk

/*
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

// filterConfigDestroy releases a filter configuration, its stream cache and
// its slot.
func filterConfigDestroy(configPtr unsafe.Pointer) {
	releaseStreamCache((*slot)(configPtr))
	destroyConfig(configs.get(configPtr))
	configs.release(configPtr)
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

func (s *streamBox) onRequestBody(envoy EnvoyHTTPFilter, endOfStream bool) RequestBodyStatus {
	f, ok := s.filter.(RequestBodyFilter)
	return runPhase(s, envoy, f, ok, "on_request_body", true, RequestBodyContinue, RequestBodyStopIterationNoBuffer,
		func(f RequestBodyFilter) RequestBodyStatus { return f.OnRequestBody(envoy, endOfStream) })
}

func (s *streamBox) onRequestTrailers(envoy EnvoyHTTPFilter) RequestTrailersStatus {
	f, ok := s.filter.(RequestTrailersFilter)
	return runPhase(s, envoy, f, ok, "on_request_trailers", true, RequestTrailersContinue, RequestTrailersStopIteration,
		func(f RequestTrailersFilter) RequestTrailersStatus { return f.OnRequestTrailers(envoy) })
}

func (s *streamBox) onResponseHeaders(envoy EnvoyHTTPFilter, endOfStream bool) ResponseHeadersStatus {
	f, ok := s.filter.(ResponseHeadersFilter)
	return runPhase(s, envoy, f, ok, "on_response_headers", true, ResponseHeadersContinue, ResponseHeadersStopIteration,
		func(f ResponseHeadersFilter) ResponseHeadersStatus { return f.OnResponseHeaders(envoy, endOfStream) })
}

func (s *streamBox) onResponseBody(envoy EnvoyHTTPFilter, endOfStream bool) ResponseBodyStatus {
	f, ok := s.filter.(ResponseBodyFilter)
	return runPhase(s, envoy, f, ok, "on_response_body", false, ResponseBodyContinue, ResponseBodyContinue,
		func(f ResponseBodyFilter) ResponseBodyStatus { return f.OnResponseBody(envoy, endOfStream) })
}

func (s *streamBox) onResponseTrailers(envoy EnvoyHTTPFilter) ResponseTrailersStatus {
	f, ok := s.filter.(ResponseTrailersFilter)
	return runPhase(s, envoy, f, ok, "on_response_trailers", false, ResponseTrailersContinue, ResponseTrailersContinue,
		func(f ResponseTrailersFilter) ResponseTrailersStatus { return f.OnResponseTrailers(envoy) })
}

func (s *streamBox) onStreamComplete(envoy EnvoyHTTPFilter) {
	f, ok := s.filter.(StreamCompleteFilter)
	runPhase(s, envoy, f, ok, "on_stream_complete", false, struct{}{}, struct{}{},
		func(f StreamCompleteFilter) struct{} { f.OnStreamComplete(envoy); return struct{}{} })
}
