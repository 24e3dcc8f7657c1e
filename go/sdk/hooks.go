// The hooks Envoy calls: every envoy_dynamic_module_on_* of abi/abi.h, as an
// //export function (the stream hooks' C halves are in hooks.c). Glue only:
// each converts Envoy's arguments to Go values and calls its body (body.go),
// which finds the objects the module handed out (memory.go) and runs the
// filter behind the panic barrier (barrier.go). Mirrors the extern "C" glue of
// the Rust SDK's hooks.rs; the C++ sibling is cpp/sdk/hooks.cc.
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

import "unsafe"

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

//export envoy_dynamic_module_on_http_filter_config_destroy
func envoy_dynamic_module_on_http_filter_config_destroy(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_config_module_ptr,
) {
	filterConfigDestroy(unsafe.Pointer(filter_config_ptr))
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

//export dm_go_request_trailers
func dm_go_request_trailers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) C.envoy_dynamic_module_type_on_http_filter_request_trailers_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_request_trailers_status(s.onRequestTrailers(&s.envoy))
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

//export dm_go_response_trailers
func dm_go_response_trailers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) C.envoy_dynamic_module_type_on_http_filter_response_trailers_status {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	return C.envoy_dynamic_module_type_on_http_filter_response_trailers_status(s.onResponseTrailers(&s.envoy))
}

//export dm_go_stream_complete
func dm_go_stream_complete(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	s.onStreamComplete(&s.envoy)
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
