// HeaderBatch: a fixed list of header operations that a filter makes once (at
// config time) and applies to a header map with one call. Each entry into C
// from Go (a cgo call) costs far more than Envoy's set_header itself; a loop
// of SetHeader calls crosses once per header, a batch not at all: its
// operations run in C (header_batch.c) when the hook's C half regains
// control from Go (hooks.c).

package sdk

/*
#include <stdlib.h>
#include "header_batch.h"
*/
import "C"

import (
	"strconv"
	"sync"
	"unsafe"
)

// HeaderOpKind says what one HeaderOp does.
type HeaderOpKind uint32

const (
	// HeaderOpSet replaces every value of Name with Value.
	HeaderOpSet HeaderOpKind = C.DM_HEADER_SET
	// HeaderOpRemove removes every value of Name.
	HeaderOpRemove HeaderOpKind = C.DM_HEADER_REMOVE
	// HeaderOpSetFromStringAttribute sets Name to a copy of a string
	// attribute's value; nothing happens when Envoy does not know it.
	HeaderOpSetFromStringAttribute HeaderOpKind = C.DM_HEADER_SET_FROM_STRING_ATTRIBUTE
	// HeaderOpSetFromIntAttribute sets Name to an integer attribute in
	// decimal; nothing happens when Envoy does not know it.
	HeaderOpSetFromIntAttribute HeaderOpKind = C.DM_HEADER_SET_FROM_INT_ATTRIBUTE
)

// HeaderOp is one operation of a HeaderBatch.
type HeaderOp struct {
	Kind      HeaderOpKind
	Name      string
	Value     []byte      // HeaderOpSet only
	Attribute AttributeID // the attribute kinds only
}

// HeaderBatch is a list of HeaderOps copied into C memory, read-only and safe
// to share between streams and threads. Free it after its last use.
type HeaderBatch struct {
	ops []HeaderOp // the Go values, for handles that apply them one by one
	c   *C.dm_header_batch
}

// NewHeaderBatch copies ops (names and values too) into one C allocation. It
// returns nil when ops holds an unknown kind or the memory is not there.
func NewHeaderBatch(ops []HeaderOp) *HeaderBatch {
	size := unsafe.Sizeof(C.dm_header_batch{}) + uintptr(len(ops))*unsafe.Sizeof(C.dm_header_op{})
	bytes := 0
	for _, op := range ops {
		if op.Kind > HeaderOpSetFromIntAttribute {
			return nil
		}
		bytes += len(op.Name) + len(op.Value)
	}
	block := C.malloc(C.size_t(size + uintptr(bytes)))
	if block == nil {
		return nil
	}
	batch := (*C.dm_header_batch)(block)
	batch.count = C.size_t(len(ops))
	cOps := unsafe.Slice((*C.dm_header_op)(unsafe.Add(block, unsafe.Sizeof(C.dm_header_batch{}))), len(ops))
	text := unsafe.Slice((*byte)(unsafe.Add(block, size)), bytes)
	place := func(b []byte) C.envoy_dynamic_module_type_module_buffer {
		if len(b) == 0 {
			return C.envoy_dynamic_module_type_module_buffer{}
		}
		n := copy(text, b)
		buffer := C.envoy_dynamic_module_type_module_buffer{
			ptr: (*C.char)(unsafe.Pointer(unsafe.SliceData(text))), length: C.size_t(n),
		}
		text = text[n:]
		return buffer
	}
	for i, op := range ops {
		cOps[i] = C.dm_header_op{
			kind:      C.uint32_t(op.Kind),
			attribute: C.uint32_t(op.Attribute),
			name:      place([]byte(op.Name)),
			value:     place(op.Value),
		}
	}
	return &HeaderBatch{ops: append([]HeaderOp(nil), ops...), c: batch}
}

// Ops returns the batch's operations, in order. Read-only.
func (b *HeaderBatch) Ops() []HeaderOp { return b.ops }

// inC is the batch's C memory, or nil for no batch.
func (b *HeaderBatch) inC() *C.dm_header_batch {
	if b == nil {
		return nil
	}
	return b.c
}

// Free releases the batch's C memory; the batch must not be used after.
func (b *HeaderBatch) Free() {
	if b != nil && b.c != nil {
		C.free(unsafe.Pointer(b.c))
		b.c = nil
	}
}

// ApplyHeaderBatch is the real handle's: it leaves the batch in the
// stream's slot, and the hook's C half applies it once Go returns (hooks.c),
// in the same crossing that entered Go. Any other call on the handle applies
// it first (applyPending), so the filter never sees the headers without it.
func (e *envoyFilter) ApplyHeaderBatch(kind HeaderType, batch *HeaderBatch) {
	if batch == nil || batch.c == nil {
		return
	}
	e.applyPending()
	if e.slot == nil || e.slot == failedStream {
		// A handle without a stream slot of its own applies it now.
		C.dm_apply_header_batch(e.raw, C.enum_envoy_dynamic_module_type_http_header_type(kind), batch.c)
		return
	}
	e.slot.pending, e.slot.pending_type = batch.c, C.uint32_t(kind)
}

// applyPending applies the batch left for this hook, if any: the first thing
// every other call of the real handle does.
func (e *envoyFilter) applyPending() {
	if s := e.slot; s != nil && s.pending != nil {
		batch := s.pending
		s.pending = nil
		C.dm_apply_header_batch(e.raw, C.enum_envoy_dynamic_module_type_http_header_type(s.pending_type), batch)
	}
}

// ApplyHeaderOps applies ops in order through envoy's one-header methods,
// with the same effect as ApplyHeaderBatch, and reports whether Envoy took
// every one (its header map exists in this phase): for handles that have no batch
// path (fakes in tests) and for ops in Go memory (a route's override).
func ApplyHeaderOps(envoy EnvoyHTTPFilter, kind HeaderType, ops []HeaderOp) bool {
	all := true
	for _, op := range ops {
		switch op.Kind {
		case HeaderOpSet:
			all = envoy.SetHeader(kind, op.Name, op.Value) && all
		case HeaderOpRemove:
			all = envoy.RemoveHeader(kind, op.Name) && all
		case HeaderOpSetFromStringAttribute:
			if value, ok := envoy.GetAttributeString(op.Attribute); ok {
				all = setCopy(envoy, kind, op.Name, value) && all
			}
		case HeaderOpSetFromIntAttribute:
			if number, ok := envoy.GetAttributeInt(op.Attribute); ok {
				all = setDecimal(envoy, kind, op.Name, number) && all
			}
		default:
			all = false
		}
	}
	return all
}

// valueCopies are the buffers attribute values are copied to (as in
// header_batch.c, so a header is never set from memory Envoy may change while
// it sets headers); pooled, so the one-by-one path allocates nothing either.
var valueCopies = sync.Pool{New: func() any { return new([]byte) }}

func setCopy(envoy EnvoyHTTPFilter, kind HeaderType, name string, value []byte) bool {
	buffer := valueCopies.Get().(*[]byte)
	*buffer = append((*buffer)[:0], value...)
	ok := envoy.SetHeader(kind, name, *buffer)
	valueCopies.Put(buffer)
	return ok
}

func setDecimal(envoy EnvoyHTTPFilter, kind HeaderType, name string, number uint64) bool {
	buffer := valueCopies.Get().(*[]byte)
	*buffer = strconv.AppendUint((*buffer)[:0], number, 10)
	ok := envoy.SetHeader(kind, name, *buffer)
	valueCopies.Put(buffer)
	return ok
}

// cOps reads the batch's C memory back as HeaderOps, for tests (which cannot
// use cgo themselves) to check what header_batch.c will be handed.
func (b *HeaderBatch) cOps() []HeaderOp {
	ops := unsafe.Slice((*C.dm_header_op)(unsafe.Add(unsafe.Pointer(b.c), unsafe.Sizeof(C.dm_header_batch{}))), int(b.c.count))
	out := make([]HeaderOp, len(ops))
	for i, op := range ops {
		out[i] = HeaderOp{
			Kind:      HeaderOpKind(op.kind),
			Attribute: AttributeID(op.attribute),
			Name:      string(envoyBytes(op.name.ptr, op.name.length)),
			Value:     envoyBytes(op.value.ptr, op.value.length),
		}
	}
	return out
}
