// The panic barrier. A Go panic that unwinds out of an //export function into
// Envoy's C++ frames kills the process, so every hook that runs filter code
// recovers here: the panic is logged once through Envoy and the stream fails
// closed as docs/CONTRACT.md says. Mirrors rust/sdk/src/barrier.rs and the
// run_phase of rust/sdk/src/hooks.rs.
//
// recover() cannot stop what is not a panic: a fatal runtime error (concurrent
// map writes, out of memory) or a panic in a goroutine the filter started
// still ends the process.

package main

import "fmt"

// The local reply a stream gets when its filter fails; the same in all three
// languages of this repository.
const (
	failClosedStatus  = 500
	failClosedDetails = "dynamic_module_filter_failed"
)

var failClosedBody = []byte("dynamic module filter failed\n")

// guard runs body and reports whether it returned normally. A panic stops
// here and is logged once, at error level, as "{context}: panicked: {message}";
// the caller then fails closed. context is called only on a panic.
func guard(context func() string, body func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			logf(LogError, "%s: panicked: %v", context(), r)
		}
	}()
	body()
	return true
}

// configBox is what a filter_config_module_ptr stands for (memory.go).
type configBox struct {
	name   string // the filter name it was registered under
	config FilterConfig
}

// streamBox is what a filter_module_ptr stands for (memory.go).
type streamBox struct {
	name   string // the filter name, for log lines
	filter Filter // nil when creating it panicked
	// failed is set once the filter panicked; from then on the stream
	// bypasses the filter.
	failed bool
	// envoy is the stream's real handle; filters get &envoy.
	envoy envoyFilter
}

// newFilter makes the stream's filter. A filter that fails to build leaves
// filter nil, and the stream fails closed at its first hook with the same
// local reply as any other failure, rather than being dropped.
func (s *streamBox) newFilter(config *configBox, envoy EnvoyHTTPFilter) {
	s.name = config.name
	context := func() string {
		return fmt.Sprintf("%s: filter '%s' in http_filter_new", module.name, s.name)
	}
	if guard(context, func() { s.filter = config.config.NewFilter(envoy) }) && s.filter == nil {
		logf(LogError, "%s: returned no filter", context())
	}
}

// runPhase runs one phase of a stream. It skips the filter once it has failed;
// on a panic it logs, marks the stream failed, sends the fail-closed local
// reply when canReply (request phases, response headers, scheduled) and returns
// stop; when it is too late to reply it returns goOn and the stream continues
// unfiltered.
func runPhase[S any](s *streamBox, envoy EnvoyHTTPFilter, phase string, canReply bool,
	goOn, stop S, call func(Filter) S) (status S) {
	if s.failed {
		return goOn
	}
	if s.filter == nil {
		// Creating the filter panicked, and was logged: fail closed now.
		return failStream(s, envoy, canReply, goOn, stop)
	}
	defer func() {
		if r := recover(); r != nil {
			logf(LogError, "%s: filter '%s' in %s: panicked: %v", module.name, s.name, phase, r)
			status = failStream(s, envoy, canReply, goOn, stop)
		}
	}()
	return call(s.filter)
}

// failStream marks the stream failed and, when it can still reply, sends the
// fail-closed local reply. failed is set first: Envoy may run this stream's
// encoder hooks while it sends the reply, and they must pass it through.
func failStream[S any](s *streamBox, envoy EnvoyHTTPFilter, canReply bool, goOn, stop S) S {
	s.failed = true
	if !canReply {
		return goOn
	}
	envoy.SendResponse(failClosedStatus, nil, failClosedBody, failClosedDetails)
	return stop
}

func (s *streamBox) onRequestHeaders(envoy EnvoyHTTPFilter, endOfStream bool) RequestHeadersStatus {
	return runPhase(s, envoy, "on_request_headers", true,
		RequestHeadersContinue, RequestHeadersStopIteration,
		func(f Filter) RequestHeadersStatus { return f.OnRequestHeaders(envoy, endOfStream) })
}

func (s *streamBox) onRequestBody(envoy EnvoyHTTPFilter, endOfStream bool) RequestBodyStatus {
	return runPhase(s, envoy, "on_request_body", true,
		RequestBodyContinue, RequestBodyStopIterationNoBuffer,
		func(f Filter) RequestBodyStatus { return f.OnRequestBody(envoy, endOfStream) })
}

func (s *streamBox) onRequestTrailers(envoy EnvoyHTTPFilter) RequestTrailersStatus {
	return runPhase(s, envoy, "on_request_trailers", true,
		RequestTrailersContinue, RequestTrailersStopIteration,
		func(f Filter) RequestTrailersStatus { return f.OnRequestTrailers(envoy) })
}

func (s *streamBox) onResponseHeaders(envoy EnvoyHTTPFilter, endOfStream bool) ResponseHeadersStatus {
	return runPhase(s, envoy, "on_response_headers", true,
		ResponseHeadersContinue, ResponseHeadersStopIteration,
		func(f Filter) ResponseHeadersStatus { return f.OnResponseHeaders(envoy, endOfStream) })
}

// Response headers are already on their way in the phases below: too late for
// a local reply, so a panic lets the rest of the stream through unfiltered.

func (s *streamBox) onResponseBody(envoy EnvoyHTTPFilter, endOfStream bool) ResponseBodyStatus {
	return runPhase(s, envoy, "on_response_body", false,
		ResponseBodyContinue, ResponseBodyContinue,
		func(f Filter) ResponseBodyStatus { return f.OnResponseBody(envoy, endOfStream) })
}

func (s *streamBox) onResponseTrailers(envoy EnvoyHTTPFilter) ResponseTrailersStatus {
	return runPhase(s, envoy, "on_response_trailers", false,
		ResponseTrailersContinue, ResponseTrailersContinue,
		func(f Filter) ResponseTrailersStatus { return f.OnResponseTrailers(envoy) })
}

func (s *streamBox) onStreamComplete(envoy EnvoyHTTPFilter) {
	runPhase(s, envoy, "on_stream_complete", false, struct{}{}, struct{}{},
		func(f Filter) struct{} { f.OnStreamComplete(envoy); return struct{}{} })
}

func (s *streamBox) onScheduled(envoy EnvoyHTTPFilter, eventID uint64) {
	runPhase(s, envoy, "on_scheduled", true, struct{}{}, struct{}{},
		func(f Filter) struct{} { f.OnScheduled(envoy, eventID); return struct{}{} })
}
