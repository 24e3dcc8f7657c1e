// memory.h: the C half of one thing Envoy holds of the Go module (memory.go).
// Its address is the module pointer Envoy keeps; it lives in C memory, so
// Envoy never holds a Go pointer. Defined in C so that hooks.c can read `hooks`
// without entering Go.

#ifndef GO_SDK_MEMORY_H_
#define GO_SDK_MEMORY_H_

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

// One bit per stream hook that must enter Go (Go's hookSet, filled from the
// optional interfaces a filter implements: filter.go).
enum {
  DM_HOOK_REQUEST_HEADERS = 1u << 0,
  DM_HOOK_REQUEST_BODY = 1u << 1,
  DM_HOOK_REQUEST_TRAILERS = 1u << 2,
  DM_HOOK_RESPONSE_HEADERS = 1u << 3,
  DM_HOOK_RESPONSE_BODY = 1u << 4,
  DM_HOOK_RESPONSE_TRAILERS = 1u << 5,
  DM_HOOK_STREAM_COMPLETE = 1u << 6,
  DM_HOOK_ALL = (1u << 7) - 1,
};

// Slot numbers that are no table's: the stream slots that stand for no Go
// object (hooks.c, memory.go).
enum {
  DM_SLOT_NO_GO_STREAM = UINT32_MAX,
  DM_SLOT_FAILED_STREAM = UINT32_MAX - 1,
};

typedef struct dm_slot dm_slot;

// The stream slots of one filter config whose streams share one filter
// (Go's SharedFilterConfig), kept for its next streams after Envoy destroys
// theirs: so hooks.c begins and ends such a stream without entering Go
// (stream_cache.c). Linked through dm_slot.next; the mutex because worker
// threads make and destroy streams at once.
typedef struct dm_stream_cache {
  pthread_mutex_t lock;
  dm_slot* head;
  // The config's default header batches (Go's DefaultHeaderBatches,
  // filter.go), or NULL: on a route without a per-route override, hooks.c
  // applies them itself and does not enter Go for that hook. Set once, when
  // the config is made; freed by the config after its last stream.
  const struct dm_header_batch* request_headers;
  const struct dm_header_batch* response_headers;
} dm_stream_cache;

struct dm_slot {
  // This slot's number in its table: how a module pointer finds its Go half.
  uint32_t index;
  // For a config or a stream: the DM_HOOK_* bits of the hooks that enter Go.
  uint32_t hooks;
  // A stream's: set when hooks.c hands the slot out again from a cache; the
  // Go side then resets the stream's state at its first hook (memory.go).
  uint32_t reused;
  // A config's: its stream cache, NULL when its filters are made per stream.
  // A stream's: the cache it goes back to when destroyed, or NULL.
  dm_stream_cache* cache;
  // The next slot in a cache.
  dm_slot* next;
  // A stream's: the header batch its filter applied during the current hook
  // and its header_type, which the hook's C half applies once Go returns
  // (header_batch.go); NULL when there is none.
  const struct dm_header_batch* pending;
  uint32_t pending_type;
  // Out-parameters for the callbacks a stream's handle makes (handle.go).
  envoy_dynamic_module_type_envoy_buffer buffer;
  uint64_t number;
  // get_body_chunks' out-array (handle_body.go): C memory, grown on demand and kept
  // with the slot while it stays small.
  envoy_dynamic_module_type_envoy_buffer* chunks;
  size_t chunks_cap;
};

// The module's own C functions stay out of its dynamic symbol table: Envoy
// sees the hooks and what Go's runtime exports, nothing else
// (integration/test_symbols.py).
#define DM_INTERNAL __attribute__((visibility("hidden")))

// stream_cache.c. NULL when there is no memory.
DM_INTERNAL dm_stream_cache* dm_stream_cache_new(void);
// A cached slot with reused set, or NULL when there is none.
DM_INTERNAL dm_slot* dm_stream_cache_pop(dm_stream_cache* cache);
DM_INTERNAL void dm_stream_cache_push(dm_stream_cache* cache, dm_slot* slot);
// Empties the cache, and returns its slots as a list through next.
DM_INTERNAL dm_slot* dm_stream_cache_take_all(dm_stream_cache* cache);
DM_INTERNAL void dm_stream_cache_free(dm_stream_cache* cache);

#endif  // GO_SDK_MEMORY_H_
