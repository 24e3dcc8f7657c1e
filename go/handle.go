// The stream handle: what a filter may ask of Envoy during one HTTP stream.
// Mirrors rust/sdk/src/handle.rs.

package main

/*
#include "abi.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// EnvoyHTTPFilter is Envoy as seen from one stream. The real implementation is
// envoyFilter below; unit tests use the fake in testing_test.go.
//
// Byte slices returned here borrow Envoy's memory: they are valid until the
// hook returns or the stream's headers change, whichever comes first. Go has
// no borrow checker to enforce that, so copy what you keep longer.
type EnvoyHTTPFilter interface {
	// GetHeader returns the first value of header key (lowercase), if present.
	GetHeader(kind HeaderType, key string) ([]byte, bool)
	// GetHeaders returns every entry of a header map, pseudo-headers
	// included, in order.
	GetHeaders(kind HeaderType) []Header
	// SetHeader replaces every value of key with value. An empty value removes
	// the header (Envoy 1.40 cannot store an empty value through this ABI).
	SetHeader(kind HeaderType, key string, value []byte) bool
	// AddHeader appends a value to key, keeping the existing ones. An empty
	// value is refused.
	AddHeader(kind HeaderType, key string, value []byte) bool
	// RemoveHeader removes every value of key: SetHeader with an empty value.
	RemoveHeader(kind HeaderType, key string) bool
	// GetAttributeString returns a string attribute, when Envoy knows it at
	// this point of the stream.
	GetAttributeString(id AttributeID) ([]byte, bool)
	// GetAttributeInt returns an integer attribute, when Envoy knows it at
	// this point of the stream.
	GetAttributeInt(id AttributeID) (uint64, bool)
	// SendResponse answers the stream from Envoy with a local reply. The
	// calling hook should then return a Stop status.
	SendResponse(status uint32, headers []Header, body []byte, details string)
	// PerRouteConfig returns the module's per-route override for this
	// stream's route (what a NewPerRouteConfig made), or nil when the route
	// has none. Filters type-assert it to their per-route constructor's type.
	PerRouteConfig() any
}

// Header is one header: a name and a value.
type Header struct {
	Key, Value []byte
}

// envoyFilter is the real handle: a thin wrapper of the filter_envoy_ptr Envoy
// passes to every stream hook. It lives in the stream's streamBox, and filters
// get it as &box.envoy: a pointer, so making the interface value allocates
// nothing.
type envoyFilter struct {
	raw C.envoy_dynamic_module_type_http_filter_envoy_ptr
	// slot is the stream's C memory (memory.go), used for out-parameters.
	slot *slot
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
	out := &e.slot.buffer
	*out = C.envoy_dynamic_module_type_envoy_buffer{}
	found := C.envoy_dynamic_module_callback_http_get_header(e.raw,
		C.enum_envoy_dynamic_module_type_http_header_type(kind), moduleBuffer(key), out, 0, nil)
	if !found {
		return nil, false
	}
	return envoyBytes(out.ptr, out.length), true
}

func (e *envoyFilter) GetHeaders(kind HeaderType) []Header {
	ckind := C.enum_envoy_dynamic_module_type_http_header_type(kind)
	n := C.envoy_dynamic_module_callback_http_get_headers_size(e.raw, ckind)
	if n == 0 {
		return nil
	}
	// Go memory without Go pointers in it, lent for the call; Envoy fills it
	// with pointers to its own memory, which the GC ignores.
	raw := make([]C.envoy_dynamic_module_type_envoy_http_header, int(n))
	if !C.envoy_dynamic_module_callback_http_get_headers(e.raw, ckind, &raw[0]) {
		return nil
	}
	headers := make([]Header, len(raw))
	for i := range raw {
		headers[i] = Header{
			Key:   envoyBytes(raw[i].key_ptr, raw[i].key_length),
			Value: envoyBytes(raw[i].value_ptr, raw[i].value_length),
		}
	}
	return headers
}

func (e *envoyFilter) SetHeader(kind HeaderType, key string, value []byte) bool {
	return bool(C.envoy_dynamic_module_callback_http_set_header(e.raw,
		C.enum_envoy_dynamic_module_type_http_header_type(kind), moduleBuffer(key), moduleBufferBytes(value)))
}

func (e *envoyFilter) AddHeader(kind HeaderType, key string, value []byte) bool {
	return bool(C.envoy_dynamic_module_callback_http_add_header(e.raw,
		C.enum_envoy_dynamic_module_type_http_header_type(kind), moduleBuffer(key), moduleBufferBytes(value)))
}

func (e *envoyFilter) RemoveHeader(kind HeaderType, key string) bool {
	return e.SetHeader(kind, key, nil)
}

func (e *envoyFilter) GetAttributeString(id AttributeID) ([]byte, bool) {
	out := &e.slot.buffer
	*out = C.envoy_dynamic_module_type_envoy_buffer{}
	if !C.envoy_dynamic_module_callback_http_filter_get_attribute_string(e.raw,
		C.enum_envoy_dynamic_module_type_attribute_id(id), out) {
		return nil, false
	}
	return envoyBytes(out.ptr, out.length), true
}

func (e *envoyFilter) GetAttributeInt(id AttributeID) (uint64, bool) {
	out := &e.slot.number
	if !C.envoy_dynamic_module_callback_http_filter_get_attribute_int(e.raw,
		C.enum_envoy_dynamic_module_type_attribute_id(id), out) {
		return 0, false
	}
	return uint64(*out), true
}

func (e *envoyFilter) SendResponse(status uint32, headers []Header, body []byte, details string) {
	var vector *C.envoy_dynamic_module_type_module_http_header
	if len(headers) > 0 {
		// The array holds pointers to the callers' bytes: cgo allows passing it
		// only when what they point to is pinned. Pin ignores non-Go memory.
		var pinner runtime.Pinner
		defer pinner.Unpin()
		raw := make([]C.envoy_dynamic_module_type_module_http_header, len(headers))
		for i, h := range headers {
			key, value := moduleBufferBytes(h.Key), moduleBufferBytes(h.Value)
			if key.ptr != nil {
				pinner.Pin(key.ptr)
			}
			if value.ptr != nil {
				pinner.Pin(value.ptr)
			}
			raw[i] = C.envoy_dynamic_module_type_module_http_header{
				key_ptr: key.ptr, key_length: key.length,
				value_ptr: value.ptr, value_length: value.length,
			}
		}
		vector = &raw[0]
	}
	C.envoy_dynamic_module_callback_http_send_response(e.raw, C.uint32_t(status),
		vector, C.size_t(len(headers)), moduleBufferBytes(body), moduleBuffer(details))
}

func (e *envoyFilter) PerRouteConfig() any {
	p := C.envoy_dynamic_module_callback_get_most_specific_route_config(e.raw)
	if p == nil {
		return nil
	}
	// A pointer our per-route hook returned (abi.go); Envoy keeps it alive
	// while the stream's route is in use.
	_, box := perRoutes.get(unsafe.Pointer(p))
	return box.config
}
