// The hooks Envoy calls: every envoy_dynamic_module_on_* of abi/abi.h, as an
// //export function. Thin glue only: each turns Envoy's pointers back into the
// objects the module handed out (memory.go) and calls into the SDK, which runs
// the filter behind the panic barrier (barrier.go). Mirrors rust/sdk/src/hooks.rs.
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
// the fake handle and replace the log sink (log.go); a stray call would crash
// at address 0 rather than pass silently. Alternatives weighed: weak
// declarations (`#pragma weak`) would turn a callback Envoy lacks into a silent
// NULL call at run time instead of a load failure; stub definitions in a .c
// file cannot be limited to tests (C files have no _test variant), so they
// would also land in the .so and shadow Envoy's.

package main

/*
#cgo CFLAGS: -I${SRCDIR}/../abi
#cgo LDFLAGS: -Wl,--unresolved-symbols=ignore-all
#include "slot.h"
*/
import "C"

import "unsafe"

// configs, perRoutes and streams hold the Go objects behind the module
// pointers Envoy keeps (memory.go).
var (
	configs   slotTable[configBox]
	perRoutes slotTable[perRouteBox]
	streams   slotTable[streamBox]
)

// abiVersion is C memory that lives as long as the process, as program_init's
// result must.
var abiVersion = C.CString(C.ENVOY_DYNAMIC_MODULES_ABI_VERSION)

// envoyBuffer views a buffer Envoy lends for one hook as a byte slice.
func envoyBuffer(b C.envoy_dynamic_module_type_envoy_buffer) []byte {
	return envoyBytes(b.ptr, b.length)
}

//export envoy_dynamic_module_on_program_init
func envoy_dynamic_module_on_program_init() C.envoy_dynamic_module_type_abi_version_module_ptr {
	module.programInit()
	return abiVersion
}

// ------------------------------------------------------------------ config

//export envoy_dynamic_module_on_http_filter_config_new
func envoy_dynamic_module_on_http_filter_config_new(
	filter_config_envoy_ptr C.envoy_dynamic_module_type_http_filter_config_envoy_ptr,
	name C.envoy_dynamic_module_type_envoy_buffer,
	config C.envoy_dynamic_module_type_envoy_buffer,
) C.envoy_dynamic_module_type_http_filter_config_module_ptr {
	// The name is copied into a Go string; the config bytes are lent to the
	// constructor for this call only.
	box, ok := module.newFilterConfig(string(envoyBuffer(name)), envoyBuffer(config))
	if !ok {
		return nil
	}
	s, value := configs.add()
	if s == nil {
		box.destroy()
		module.refuse(box.name, "too many filter configs")
		return nil
	}
	*value = box
	s.hooks = C.uint32_t(hooksOf(box.config))
	return C.envoy_dynamic_module_type_http_filter_config_module_ptr(unsafe.Pointer(s))
}

//export envoy_dynamic_module_on_http_filter_config_destroy
func envoy_dynamic_module_on_http_filter_config_destroy(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_config_module_ptr,
) {
	_, box := configs.get(unsafe.Pointer(filter_config_ptr))
	box.destroy()
	configs.release(unsafe.Pointer(filter_config_ptr))
}

// --------------------------------------------------------------- per route

//export envoy_dynamic_module_on_http_filter_per_route_config_new
func envoy_dynamic_module_on_http_filter_per_route_config_new(
	name C.envoy_dynamic_module_type_envoy_buffer,
	config C.envoy_dynamic_module_type_envoy_buffer,
) C.envoy_dynamic_module_type_http_filter_per_route_config_module_ptr {
	box, ok := module.newPerRouteConfig(string(envoyBuffer(name)), envoyBuffer(config))
	if !ok {
		return nil
	}
	s, value := perRoutes.add()
	if s == nil {
		box.destroy()
		module.refusePerRoute(box.name, "too many per-route configs")
		return nil
	}
	*value = box
	return C.envoy_dynamic_module_type_http_filter_per_route_config_module_ptr(unsafe.Pointer(s))
}

//export envoy_dynamic_module_on_http_filter_per_route_config_destroy
func envoy_dynamic_module_on_http_filter_per_route_config_destroy(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_per_route_config_module_ptr,
) {
	_, box := perRoutes.get(unsafe.Pointer(filter_config_ptr))
	box.destroy()
	perRoutes.release(unsafe.Pointer(filter_config_ptr))
}

// ----------------------------------------------------------------- streams

// The Go halves of filter_new and filter_destroy, which are C functions in
// stream_hooks.c: they enter Go only for configs whose filters implement a hook.

//export dm_go_filter_new
func dm_go_filter_new(
	filter_config_ptr C.envoy_dynamic_module_type_http_filter_config_module_ptr,
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
) C.envoy_dynamic_module_type_http_filter_module_ptr {
	_, config := configs.get(unsafe.Pointer(filter_config_ptr))
	s, stream := streams.add()
	if s == nil {
		return nil // the table is full: Envoy closes the stream
	}
	stream.envoy = envoyFilter{raw: filter_envoy_ptr, slot: s}
	stream.newFilter(config, &stream.envoy)
	s.hooks = C.uint32_t(hooksOf(config.config))
	if stream.filter == nil {
		s.hooks = C.uint32_t(AllHooks) // fail closed at the first hook
	}
	return C.envoy_dynamic_module_type_http_filter_module_ptr(unsafe.Pointer(s))
}

//export dm_go_filter_destroy
func dm_go_filter_destroy(
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
	// Releasing the slot drops the Go filter; the GC frees it. No filter code
	// runs here, so there is nothing to guard.
	streams.release(unsafe.Pointer(filter_module_ptr))
}

// streamFor finds the stream behind filter_module_ptr and points its handle at
// the filter_envoy_ptr of the current hook.
func streamFor(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) *streamBox {
	_, s := streams.get(unsafe.Pointer(filter_module_ptr))
	s.envoy.raw = filter_envoy_ptr
	return s
}

// The Go halves of the stream hooks. The hooks themselves are C functions in
// stream_hooks.c, which enter here only when the stream's filter implements the
// hook (see HookSet in sdk.go).

//export dm_go_request_headers
func dm_go_request_headers(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	end_of_stream C.bool,
) C.envoy_dynamic_module_type_on_http_filter_request_headers_status {
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
	return C.envoy_dynamic_module_type_on_http_filter_request_trailers_status(
		s.onRequestTrailers(&s.envoy))
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
	return C.envoy_dynamic_module_type_on_http_filter_response_trailers_status(
		s.onResponseTrailers(&s.envoy))
}

//export dm_go_stream_complete
func dm_go_stream_complete(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
) {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	s.onStreamComplete(&s.envoy)
}

//export dm_go_scheduled
func dm_go_scheduled(
	filter_envoy_ptr C.envoy_dynamic_module_type_http_filter_envoy_ptr,
	filter_module_ptr C.envoy_dynamic_module_type_http_filter_module_ptr,
	event_id C.uint64_t,
) {
	s := streamFor(filter_envoy_ptr, filter_module_ptr)
	s.onScheduled(&s.envoy, uint64(event_id))
}

// ------------------------------------------------- hooks this SDK leaves idle
//
// Envoy 1.40 requires these symbols even from modules that never start
// callouts or watch watermarks. This SDK starts no callouts, so they do nothing.

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
