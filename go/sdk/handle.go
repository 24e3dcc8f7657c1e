// The stream handle: what a filter may ask of Envoy during one HTTP stream.
// Mirrors rust/sdk/src/http/handle.rs. An interface, so unit tests hand filters a
// fake (package sdktest).

package sdk

/*
#include "memory.h"
*/
import "C"

import "unsafe"

// EnvoyHTTPFilter is Envoy as seen from one stream. The real implementation is
// envoyFilter below; unit tests use sdktest.FakeEnvoy.
//
// Byte slices returned here borrow Envoy's memory: they are valid until the
// hook returns or the stream's headers change, whichever comes first. Go has
// no borrow checker to enforce that, so copy what you keep longer.
type EnvoyHTTPFilter interface {
	// GetHeader returns the first value of header key (lowercase), if present.
	GetHeader(kind HeaderType, key string) ([]byte, bool)
	// SetHeader replaces every value of key with value. An empty value removes
	// the header (Envoy 1.40 cannot store an empty value through this ABI).
	SetHeader(kind HeaderType, key string, value []byte) bool
	// AddHeader appends a value to key, keeping the existing ones. An empty
	// value is refused.
	AddHeader(kind HeaderType, key string, value []byte) bool
	// RemoveHeader removes every value of key: SetHeader with an empty value.
	RemoveHeader(kind HeaderType, key string) bool
	// ApplyHeaderBatch applies a batch's operations to one header map, in
	// order (header_batch.go). The real handle applies them as the hook
	// returns, without a crossing of their own, or before its next call,
	// whichever comes first: to the filter, as if at once. A handle with
	// nothing faster may apply them with ApplyHeaderOps.
	ApplyHeaderBatch(kind HeaderType, batch *HeaderBatch)
	// GetAttributeString returns a string attribute, when Envoy knows it at
	// this point of the stream.
	GetAttributeString(id AttributeID) ([]byte, bool)
	// GetAttributeInt returns an integer attribute, when Envoy knows it at
	// this point of the stream.
	GetAttributeInt(id AttributeID) (uint64, bool)
	// SendResponse answers the stream from Envoy with a local reply. The
	// calling hook should then return a Stop status.
	SendResponse(status uint32, body []byte, details string)
	// PerRouteConfig returns the module's per-route override for this
	// stream's route (what a per-route constructor made), or nil when the
	// route has none. Filters type-assert it to their constructor's type.
	// The stream keeps what the first call found for its whole life, so a
	// route update that releases the override mid-stream changes nothing for
	// it (the GC frees the value after the last stream that holds it).
	PerRouteConfig() any

	// GetBodyChunks returns Envoy's own slices of a body, in order, without
	// copying the bytes: valid until the body changes (DrainBody, AppendBody),
	// the next GetBodyChunks or the end of the hook. Empty slices are left
	// out; an absent body has none.
	GetBodyChunks(kind BodyType) [][]byte
	// GetBodySize returns the total bytes of a body (0 when absent).
	GetBodySize(kind BodyType) int
	// DrainBody removes n bytes from the front of a body (all of it when
	// shorter). False when the body is absent; n 0 does nothing.
	DrainBody(kind BodyType, n int) bool
	// AppendBody appends a copy of data to a body. A Buffered body that is
	// absent (in a trailers hook, say) is created; an absent Received body is
	// not, and the call returns false. Empty data does nothing.
	AppendBody(kind BodyType, data []byte) bool

	// IncrementCounter adds value to a counter the stream's configuration
	// defined, with one label value per label name, in order.
	IncrementCounter(id MetricID, labels []string, value uint64) bool

	// SetDynamicMetadataString sets key in namespace ns of the stream's
	// dynamic metadata to a string.
	SetDynamicMetadataString(ns, key, value string)
	// GetDynamicMetadataString returns a string of the stream's dynamic
	// metadata, if present and a string (borrowed: valid until it changes).
	GetDynamicMetadataString(ns, key string) ([]byte, bool)
	// SetFilterStateBytes stores value under key in the stream's filter
	// state, read-only: set a key once per stream. False when Envoy refuses.
	SetFilterStateBytes(key string, value []byte) bool
	// GetFilterStateBytes returns the bytes stored under key in the stream's
	// filter state (borrowed: valid until the filter state changes).
	GetFilterStateBytes(key string) ([]byte, bool)
}

// HeaderType says which header map of the stream a header call works on.
type HeaderType uint32

const (
	RequestHeader   HeaderType = C.envoy_dynamic_module_type_http_header_type_RequestHeader
	RequestTrailer  HeaderType = C.envoy_dynamic_module_type_http_header_type_RequestTrailer
	ResponseHeader  HeaderType = C.envoy_dynamic_module_type_http_header_type_ResponseHeader
	ResponseTrailer HeaderType = C.envoy_dynamic_module_type_http_header_type_ResponseTrailer
)

// AttributeID names one of Envoy's request attributes, read with
// GetAttributeString / GetAttributeInt. Only the ones this repository's
// filters read are named here; abi.h's envoy_dynamic_module_type_attribute_id
// has the rest, to be added the same way when a filter needs one.
type AttributeID uint32

const (
	AttributeSourceAddress   AttributeID = C.envoy_dynamic_module_type_attribute_id_SourceAddress   // source.address
	AttributeSourcePort      AttributeID = C.envoy_dynamic_module_type_attribute_id_SourcePort      // source.port
	AttributeUpstreamAddress AttributeID = C.envoy_dynamic_module_type_attribute_id_UpstreamAddress // upstream.address
	AttributeResponseCode    AttributeID = C.envoy_dynamic_module_type_attribute_id_ResponseCode    // response.code
)

// envoyFilter is the real handle: a thin wrapper of the filter_envoy_ptr Envoy
// passes to every stream hook. It lives in the stream's streamBox, and filters
// get it as &box.envoy: a pointer, so making the interface value allocates
// nothing.
type envoyFilter struct {
	raw C.envoy_dynamic_module_type_http_filter_envoy_ptr
	// slot is the stream's C memory (memory.go), used for out-parameters.
	slot *slot
	// route is the stream's reference to its per-route override, once
	// routeFound; a Go reference, so the override outlives a route update.
	route      any
	routeFound bool
	// chunks is GetBodyChunks' result, reused across the stream's calls.
	chunks [][]byte
}

// moduleBuffer lends a Go string's bytes to Envoy for the duration of one call.
// A string made by newModuleString lends C memory; any other string lends Go
// memory that holds no pointers, which cgo's rules allow for a call.
func moduleBuffer(s string) C.envoy_dynamic_module_type_module_buffer {
	if s == "" {
		return C.envoy_dynamic_module_type_module_buffer{}
	}
	return C.envoy_dynamic_module_type_module_buffer{
		ptr:    (*C.char)(unsafe.Pointer(unsafe.StringData(s))),
		length: C.size_t(len(s)),
	}
}

// moduleBufferBytes is moduleBuffer for a byte slice.
func moduleBufferBytes(b []byte) C.envoy_dynamic_module_type_module_buffer {
	if len(b) == 0 {
		return C.envoy_dynamic_module_type_module_buffer{}
	}
	return C.envoy_dynamic_module_type_module_buffer{
		ptr:    (*C.char)(unsafe.Pointer(unsafe.SliceData(b))),
		length: C.size_t(len(b)),
	}
}

// envoyBytes views bytes owned by Envoy as a slice, without copying.
func envoyBytes(ptr *C.char, length C.size_t) []byte {
	if ptr == nil || length == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(ptr)), int(length))
}

func (e *envoyFilter) GetHeader(kind HeaderType, key string) ([]byte, bool) {
	e.applyPending()
	out := &e.slot.buffer
	*out = C.envoy_dynamic_module_type_envoy_buffer{}
	found := C.envoy_dynamic_module_callback_http_get_header(e.raw,
		C.enum_envoy_dynamic_module_type_http_header_type(kind), moduleBuffer(key), out, 0, nil)
	if !found {
		return nil, false
	}
	return envoyBytes(out.ptr, out.length), true
}

func (e *envoyFilter) SetHeader(kind HeaderType, key string, value []byte) bool {
	e.applyPending()
	return bool(C.envoy_dynamic_module_callback_http_set_header(e.raw,
		C.enum_envoy_dynamic_module_type_http_header_type(kind), moduleBuffer(key), moduleBufferBytes(value)))
}

func (e *envoyFilter) AddHeader(kind HeaderType, key string, value []byte) bool {
	e.applyPending()
	return bool(C.envoy_dynamic_module_callback_http_add_header(e.raw,
		C.enum_envoy_dynamic_module_type_http_header_type(kind), moduleBuffer(key), moduleBufferBytes(value)))
}

func (e *envoyFilter) RemoveHeader(kind HeaderType, key string) bool {
	return e.SetHeader(kind, key, nil)
}

func (e *envoyFilter) GetAttributeString(id AttributeID) ([]byte, bool) {
	e.applyPending()
	out := &e.slot.buffer
	*out = C.envoy_dynamic_module_type_envoy_buffer{}
	if !C.envoy_dynamic_module_callback_http_filter_get_attribute_string(e.raw,
		C.enum_envoy_dynamic_module_type_attribute_id(id), out) {
		return nil, false
	}
	return envoyBytes(out.ptr, out.length), true
}

func (e *envoyFilter) GetAttributeInt(id AttributeID) (uint64, bool) {
	e.applyPending()
	out := &e.slot.number
	if !C.envoy_dynamic_module_callback_http_filter_get_attribute_int(e.raw,
		C.enum_envoy_dynamic_module_type_attribute_id(id), out) {
		return 0, false
	}
	return uint64(*out), true
}

func (e *envoyFilter) SetDynamicMetadataString(ns, key, value string) {
	e.applyPending()
	C.envoy_dynamic_module_callback_http_set_dynamic_metadata_string(e.raw,
		moduleBuffer(ns), moduleBuffer(key), moduleBuffer(value))
}

func (e *envoyFilter) GetDynamicMetadataString(ns, key string) ([]byte, bool) {
	e.applyPending()
	out := &e.slot.buffer
	*out = C.envoy_dynamic_module_type_envoy_buffer{}
	if !C.envoy_dynamic_module_callback_http_get_metadata_string(e.raw,
		C.envoy_dynamic_module_type_metadata_source_Dynamic, moduleBuffer(ns), moduleBuffer(key), out) {
		return nil, false
	}
	return envoyBytes(out.ptr, out.length), true
}

func (e *envoyFilter) SetFilterStateBytes(key string, value []byte) bool {
	e.applyPending()
	return bool(C.envoy_dynamic_module_callback_http_set_filter_state_bytes(e.raw,
		moduleBuffer(key), moduleBufferBytes(value)))
}

func (e *envoyFilter) GetFilterStateBytes(key string) ([]byte, bool) {
	e.applyPending()
	out := &e.slot.buffer
	*out = C.envoy_dynamic_module_type_envoy_buffer{}
	if !C.envoy_dynamic_module_callback_http_get_filter_state_bytes(e.raw, moduleBuffer(key), out) {
		return nil, false
	}
	return envoyBytes(out.ptr, out.length), true
}

func (e *envoyFilter) SendResponse(status uint32, body []byte, details string) {
	e.applyPending()
	C.envoy_dynamic_module_callback_http_send_response(e.raw, C.uint32_t(status),
		nil, 0, moduleBufferBytes(body), moduleBuffer(details))
}

func (e *envoyFilter) PerRouteConfig() any {
	if e.routeFound {
		return e.route
	}
	e.routeFound = true
	// While no override exists, no route has one: Envoy keeps a route's
	// override alive as long as a stream holds the route. This spares the
	// callback on every stream of a module without overrides.
	if perRoutes.live.Load() == 0 {
		return nil
	}
	// NULL, or a pointer our per-route hook returned (body.go); the Go
	// value behind it is referenced from here on.
	if p := C.envoy_dynamic_module_callback_get_most_specific_route_config(e.raw); p != nil {
		e.route = perRoutes.get(unsafe.Pointer(p)).config
	}
	return e.route
}
