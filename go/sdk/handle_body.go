// The body calls of the stream handle: read a body's slices without copying,
// drain it from the front, append to it. Mirrors the body methods of
// rust/sdk/src/http/handle.rs.
//
// Each call is one cgo crossing, whatever the body's size: GetBodyChunks asks
// Envoy for the slice count and the slices in one C call (dm_get_body_chunks
// below), and the bytes themselves never cross.

package sdk

/*
#include <stdlib.h>
#include "memory.h"

// The slices of a body, into the stream slot's chunk array (grown as needed):
// get_body_chunks_size and get_body_chunks in one crossing. Returns the count,
// 0 for an absent or empty body.
static size_t dm_get_body_chunks(dm_slot* slot, envoy_dynamic_module_type_http_filter_envoy_ptr envoy,
                                 envoy_dynamic_module_type_http_body_type kind) {
  size_t n = envoy_dynamic_module_callback_http_get_body_chunks_size(envoy, kind);
  if (n == 0) return 0;
  if (n > slot->chunks_cap) {
    size_t cap = slot->chunks_cap ? slot->chunks_cap : 8;
    while (cap < n) cap *= 2;
    envoy_dynamic_module_type_envoy_buffer* grown = realloc(slot->chunks, cap * sizeof(*grown));
    if (grown == NULL) return 0;
    slot->chunks = grown;
    slot->chunks_cap = cap;
  }
  if (!envoy_dynamic_module_callback_http_get_body_chunks(envoy, kind, slot->chunks)) return 0;
  return n;
}

// Gives back a chunk array grown past what streams usually need.
static void dm_shrink_chunks(dm_slot* slot) {
  free(slot->chunks);
  slot->chunks = NULL;
  slot->chunks_cap = 0;
}
*/
import "C"

import "unsafe"

// BodyType says which body a body call works on.
type BodyType uint32

const (
	// ReceivedRequestBody is the piece of the request body the running
	// OnRequestBody was called for.
	ReceivedRequestBody BodyType = C.envoy_dynamic_module_type_http_body_type_ReceivedRequestBody
	// BufferedRequestBody is what Envoy holds of the request body so far; in
	// OnRequestTrailers, appending to it (even when absent) adds body bytes
	// before the trailers.
	BufferedRequestBody BodyType = C.envoy_dynamic_module_type_http_body_type_BufferedRequestBody
	// ReceivedResponseBody is the piece of the response body the running
	// OnResponseBody was called for.
	ReceivedResponseBody BodyType = C.envoy_dynamic_module_type_http_body_type_ReceivedResponseBody
	// BufferedResponseBody is BufferedRequestBody's response twin.
	BufferedResponseBody BodyType = C.envoy_dynamic_module_type_http_body_type_BufferedResponseBody
)

// keptChunks is the chunk array a slot keeps between calls; a body of more
// slices gets its array freed after the call, so idle slots stay small.
const keptChunks = 64

func (e *envoyFilter) GetBodyChunks(kind BodyType) [][]byte {
	e.applyPending()
	n := int(C.dm_get_body_chunks(e.slot, e.raw, C.envoy_dynamic_module_type_http_body_type(kind)))
	e.chunks = e.chunks[:0]
	if n == 0 {
		return nil
	}
	for _, b := range unsafe.Slice(e.slot.chunks, n) {
		if b.length > 0 {
			e.chunks = append(e.chunks, envoyBytes(b.ptr, b.length))
		}
	}
	if e.slot.chunks_cap > keptChunks {
		C.dm_shrink_chunks(e.slot)
	}
	return e.chunks
}

func (e *envoyFilter) GetBodySize(kind BodyType) int {
	e.applyPending()
	return int(C.envoy_dynamic_module_callback_http_get_body_size(e.raw,
		C.enum_envoy_dynamic_module_type_http_body_type(kind)))
}

func (e *envoyFilter) DrainBody(kind BodyType, n int) bool {
	e.applyPending()
	if n <= 0 {
		return true
	}
	return bool(C.envoy_dynamic_module_callback_http_drain_body(e.raw,
		C.enum_envoy_dynamic_module_type_http_body_type(kind), C.size_t(n)))
}

func (e *envoyFilter) AppendBody(kind BodyType, data []byte) bool {
	e.applyPending()
	if len(data) == 0 {
		return true
	}
	// Go memory without pointers, lent for the call: Envoy copies it.
	return bool(C.envoy_dynamic_module_callback_http_append_body(e.raw,
		C.enum_envoy_dynamic_module_type_http_body_type(kind), moduleBufferBytes(data)))
}
