// What Envoy holds of the module, and who frees what. This is the Go side of
// the Box::into_raw / Box::from_raw pairs in rust/sdk/src/http/hooks.rs, and the one
// place where Go's garbage collector and Envoy's C++ meet:
//
//  1. Envoy never keeps a Go pointer. The module pointers it holds (one per
//     filter config, one per stream) are addresses of slots in C memory; the Go
//     objects they stand for stay in Go, in a slotTable indexed by the number
//     each slot records. The GC never sees a Go object that only C refers to.
//  2. Bytes that the request path hands to Envoy (header_mutation's names and
//     values) are copied into C memory once, at config time, by
//     NewModuleString and freed when the config is destroyed, which Envoy does
//     after the config's last stream. Per request no Go pointer crosses for
//     them and nothing is allocated.
//  3. Out-parameters (the envoy_buffer that get_header fills, the uint64 of
//     get_attribute_int) are the stream's own slot, also C memory: passing their
//     address to Envoy passes no Go pointer and needs no allocation. (A Go stack
//     variable whose address goes to C escapes to the heap unless the function
//     is marked `#cgo noescape`, which Go 1.23 does not have.)
//  4. Go memory crosses only for the duration of one call (a log line, a local
//     reply's body, a key or value given by a caller), which cgo's pointer
//     rules allow because that memory holds no Go pointers.
//
// With these rules the module is correct under the default GODEBUG=cgocheck=1;
// the Makefile's cgocheck=0 only skips the runtime's per-call check.
//
// Per-route overrides are the exception to 2: Envoy holds a slot per override,
// and a stream that found one keeps a Go reference to its value (handle.go),
// so a route update that releases the slot mid-stream frees nothing the
// stream still uses. The GC frees the value after the last reference, as
// Rust's Arc would; so such a value keeps no C memory of its own, and the SDK
// never calls a Destroy method on it.
//
// Why not runtime/cgo.Handle for the module pointers: abi.h types them as
// `const void*`, which cgo maps to unsafe.Pointer, and a Handle is a small
// integer (1, 2, ...). Such a value in a pointer-typed Go variable is an invalid
// pointer: if the goroutine's stack is copied while it is live, the runtime
// throws "invalid pointer found on stack". cgo.NewHandle also allocates (an
// entry in a sync.Map) and Value/Delete hash into it, on every stream. A slot is
// a real C address, found again with one load and reused through a free list.

package sdk

/*
#include <stdlib.h>
#include "memory.h"
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// configs, perRoutes and streams hold the Go objects behind the module
// pointers Envoy keeps.
var (
	configs   slotTable[configBox]
	perRoutes slotTable[perRouteBox]
	streams   slotTable[streamBox]
)

// configBox is what a filter_config_module_ptr stands for: one configuration
// of a registered filter (registry.go).
type configBox struct {
	name      string // the filter name it was registered under
	config    any    // the FilterConfig, for its Destroy
	newFilter func(EnvoyHTTPFilter) any
	hooks     hookSet // the hooks its filters implement
	perStream bool    // the filter type is an interface: assert each filter
	// shared is every stream's filter when the config is a
	// SharedFilterConfig (filter.go), else nil.
	shared any
}

// perRouteBox is what a per_route_config_module_ptr stands for.
type perRouteBox struct {
	config any
}

// streamBox is what a filter_module_ptr stands for.
type streamBox struct {
	name   string // the filter name, for log lines
	filter any    // nil when creating it failed
	// failed is set once the filter panicked; from then on the stream
	// bypasses the filter.
	failed bool
	// envoy is the stream's real handle; filters get &envoy.
	envoy envoyFilter
}

// slot is the C half of one thing Envoy holds: its address is the module
// pointer Envoy keeps, so it lives in C memory (see slotTable.grow). Its fields
// (memory.h) are the slot's number in its table, the hook bits that hooks.c
// reads, and out-parameters for the handle's callbacks
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
	// limit, when not 0, is a smaller bound than maxSlotChunks' (for tests).
	limit uint32
	// live counts the slots in use; read without the mutex.
	live   atomic.Int64
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
		if t.made == slotChunkLen*maxSlotChunks || t.limit != 0 && t.made == t.limit {
			t.mu.Unlock()
			return nil, nil
		}
		index = t.made
		if index%slotChunkLen == 0 {
			t.grow(index >> slotChunkBits)
		}
		t.made++
	}
	t.live.Add(1)
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

// get returns the value of the slot at the module pointer p, which add returned.
func (t *slotTable[T]) get(p unsafe.Pointer) *T {
	index := uint32((*slot)(p).index)
	chunk := t.chunks[index>>slotChunkBits].Load()
	return &chunk.values[index%slotChunkLen]
}

// release zeroes the value at p (so the GC may collect what it referred to)
// and frees its slot for reuse. Envoy must not use p afterwards, as the ABI says.
func (t *slotTable[T]) release(p unsafe.Pointer) {
	var zero T
	*t.get(p) = zero
	t.mu.Lock()
	t.live.Add(-1)
	t.free = append(t.free, uint32((*slot)(p).index))
	t.mu.Unlock()
}

// reset readies a stream's Go half for the next stream of a shared-filter
// config, which reuses the slot (and the filter) a finished stream left.
func (s *streamBox) reset() {
	s.failed = false
	s.envoy.route, s.envoy.routeFound = nil, false
}

// newStreamCache gives a shared-filter config's slot its stream cache
// (memory.h). Without memory for one, its streams go through Go as others do.
func newStreamCache(config *slot, box *configBox) {
	config.cache = nil
	if box.shared == nil {
		return
	}
	config.cache = C.dm_stream_cache_new()
	if d, ok := box.config.(DefaultHeaderBatches); ok && config.cache != nil {
		request, response := d.DefaultHeaderBatches()
		config.cache.request_headers, config.cache.response_headers = request.inC(), response.inC()
	}
}

// releaseStreamCache releases the stream slots a config kept, with the
// config: Envoy destroys a config after its last stream, so every one of
// them is in the cache by then.
func releaseStreamCache(config *slot) {
	if config.cache == nil {
		return
	}
	for s := C.dm_stream_cache_take_all(config.cache); s != nil; {
		next := s.next
		s.cache, s.next, s.reused = nil, nil, 0
		streams.release(unsafe.Pointer(s))
		s = next
	}
	C.dm_stream_cache_free(config.cache)
	config.cache = nil
}

// setHooks records in the slot the hooks that enter Go, for hooks.c.
func setHooks(s *slot, h hookSet) {
	s.hooks = C.uint32_t(h)
}

// failedStream is the module pointer of every stream the module could not
// make (its slot table full, or no memory): C memory for the life of the
// process, whose only hook fails the stream closed at request headers
// (body.go). It holds no per-stream state, so all such streams share it,
// and Envoy is never handed NULL (it does not check).
var failedStream = newFixedSlot(C.DM_SLOT_FAILED_STREAM, C.DM_HOOK_REQUEST_HEADERS)

func newFixedSlot(index, hooks C.uint32_t) *slot {
	s := (*slot)(C.calloc(1, C.size_t(unsafe.Sizeof(slot{}))))
	s.index, s.hooks = index, hooks
	return s
}

// NewModuleString copies s into C memory and returns a Go string that reads
// that memory. Go code uses it like any string (the tests' fake handle does),
// but handing it to Envoy hands over no Go pointer. It must be freed with
// FreeModuleString, and not used after.
func NewModuleString(s string) string {
	if s == "" {
		return ""
	}
	p := C.malloc(C.size_t(len(s)))
	copy(unsafe.Slice((*byte)(p), len(s)), s)
	return unsafe.String((*byte)(p), len(s))
}

// FreeModuleString frees what NewModuleString made.
func FreeModuleString(s string) {
	if s != "" {
		C.free(unsafe.Pointer(unsafe.StringData(s)))
	}
}

// FreeModuleBytes frees what ModuleStringBytes(NewModuleString(...)) views.
func FreeModuleBytes(b []byte) {
	if len(b) > 0 {
		C.free(unsafe.Pointer(unsafe.SliceData(b)))
	}
}

// ModuleStringBytes views a module string as bytes, without copying. The
// bytes are read-only, like the string.
func ModuleStringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
