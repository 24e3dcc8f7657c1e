// What Envoy holds of the module, and who frees what. This is the Go side of
// the Box::into_raw / Box::from_raw pairs in rust/sdk/src/hooks.rs, and the one
// place where Go's garbage collector and Envoy's C++ meet:
//
//  1. Envoy never keeps a Go pointer. The module pointers it holds (one per
//     filter config, one per stream) are addresses of slots in C memory; the Go
//     objects they stand for stay in Go, in a slotTable indexed by the number
//     each slot records. The GC never sees a Go object that only C refers to.
//  2. Bytes that the request path hands to Envoy (header_mutation's names and
//     values) are copied into C memory once, at config time, by newModuleString
//     and freed when the config is destroyed. Per request no Go pointer crosses
//     for them and nothing is allocated.
//  3. Out-parameters (the envoy_buffer that get_header fills, the uint64 of
//     get_attribute_int) are the stream's own slot, also C memory: passing their
//     address to Envoy passes no Go pointer and needs no allocation. (A Go stack
//     variable whose address goes to C escapes to the heap unless the function
//     is marked `#cgo noescape`, which Go 1.23 does not have.)
//  4. Go memory crosses only for the duration of one call (a log line, a local
//     reply's body, a key given by a caller), which cgo's pointer rules allow
//     because that memory holds no Go pointers. send_response's header array
//     does hold pointers, so handle.go pins what they point to for the call.
//
// With these rules the module is correct under the default GODEBUG=cgocheck=1;
// the Makefile's cgocheck=0 only skips the runtime's per-call check.
//
// Why not runtime/cgo.Handle for the module pointers: abi.h types them as
// `const void*`, which cgo maps to unsafe.Pointer, and a Handle is a small
// integer (1, 2, ...). Such a value in a pointer-typed Go variable is an invalid
// pointer: if the goroutine's stack is copied while it is live, the runtime
// throws "invalid pointer found on stack". cgo.NewHandle also allocates (an
// entry in a sync.Map) and Value/Delete hash into it, on every stream. A slot is
// a real C address, found again with one load and reused through a free list.

package main

/*
#include <stdlib.h>
#include "slot.h"
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// slot is the C half of one thing Envoy holds: its address is the module
// pointer Envoy keeps, so it lives in C memory (see slotTable.grow). Its fields
// (slot.h) are the slot's number in its table, the stream's hook bits that
// stream_hooks.c reads, and out-parameters for the handle's callbacks
// (handle.go): Envoy writes them, the handle reads them at once, so one of
// each per stream is enough.
type slot = C.dm_slot

const (
	slotChunkBits = 10
	slotChunkLen  = 1 << slotChunkBits
	// maxSlotChunks bounds a table at 4 Mi live entries (streams in flight,
	// or filter configs); past that, add reports failure.
	maxSlotChunks = 1 << 12
)

// slotTable[T] keeps the Go objects (T) that Envoy refers to by slot address.
// Slots are made a chunk at a time and never freed; a released slot goes on a
// free list and is reused, so a table grows to the peak number of live entries
// and then stops allocating. add and release take a mutex; get takes none.
type slotTable[T any] struct {
	mu     sync.Mutex
	free   []uint32 // released slot numbers, reused last-in first-out
	made   uint32   // slots made so far
	chunks [maxSlotChunks]atomic.Pointer[slotChunk[T]]
}

type slotChunk[T any] struct {
	slots  *[slotChunkLen]slot // C memory: the addresses Envoy holds
	values [slotChunkLen]T     // Go memory: what they stand for
}

// add takes a free slot and returns it with its (zero) value for the caller
// to fill; the slot's address is what Envoy keeps. It returns nil, nil when the
// table is full.
func (t *slotTable[T]) add() (*slot, *T) {
	t.mu.Lock()
	var index uint32
	if n := len(t.free); n > 0 {
		index = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if t.made == slotChunkLen*maxSlotChunks {
			t.mu.Unlock()
			return nil, nil
		}
		index = t.made
		if index%slotChunkLen == 0 {
			t.grow(index >> slotChunkBits)
		}
		t.made++
	}
	t.mu.Unlock()
	chunk := t.chunks[index>>slotChunkBits].Load()
	i := index % slotChunkLen
	return &chunk.slots[i], &chunk.values[i]
}

// grow makes chunk number n. Called with t.mu held, once per 1024 slots.
func (t *slotTable[T]) grow(n uint32) {
	chunk := &slotChunk[T]{
		// Never freed: slots are reused, and Envoy may hold any of them.
		slots: (*[slotChunkLen]slot)(C.calloc(slotChunkLen, C.size_t(unsafe.Sizeof(slot{})))),
	}
	for i := range chunk.slots {
		chunk.slots[i].index = C.uint32_t(n<<slotChunkBits | uint32(i))
	}
	// Room for every slot on the free list, so release never allocates.
	free := make([]uint32, len(t.free), (n+1)*slotChunkLen)
	copy(free, t.free)
	t.free = free
	t.chunks[n].Store(chunk)
}

// get returns the slot at the module pointer p, which add returned, and its value.
func (t *slotTable[T]) get(p unsafe.Pointer) (*slot, *T) {
	s := (*slot)(p)
	index := uint32(s.index)
	chunk := t.chunks[index>>slotChunkBits].Load()
	return s, &chunk.values[index%slotChunkLen]
}

// release zeroes the value at p (so the GC may collect what it referred to)
// and frees its slot for reuse. Envoy must not use p afterwards, as the ABI says.
func (t *slotTable[T]) release(p unsafe.Pointer) {
	s, value := t.get(p)
	var zero T
	*value = zero
	t.mu.Lock()
	t.free = append(t.free, uint32(s.index))
	t.mu.Unlock()
}

// newModuleString copies s into C memory and returns a Go string that reads
// that memory. Go code uses it like any string (the tests' fake handle does),
// but handing it to Envoy hands over no Go pointer. It must be freed with
// freeModuleString, and not used after.
func newModuleString(s string) string {
	if s == "" {
		return ""
	}
	p := C.malloc(C.size_t(len(s)))
	copy(unsafe.Slice((*byte)(p), len(s)), s)
	return unsafe.String((*byte)(p), len(s))
}

// freeModuleString frees what newModuleString made.
func freeModuleString(s string) {
	if s != "" {
		C.free(unsafe.Pointer(unsafe.StringData(s)))
	}
}

// freeModuleBytes frees what moduleStringBytes(newModuleString(...)) views.
func freeModuleBytes(b []byte) {
	if len(b) > 0 {
		C.free(unsafe.Pointer(unsafe.SliceData(b)))
	}
}

// moduleStringBytes views a module string as bytes, without copying. The
// bytes are read-only, like the string.
func moduleStringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
