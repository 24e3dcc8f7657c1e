// memory.h: the C half of one thing Envoy holds of the Go module (memory.go).
// Its address is the module pointer Envoy keeps; it lives in C memory, so
// Envoy never holds a Go pointer. Defined in C so that hooks.c can read `hooks`
// without entering Go.

#ifndef GO_SDK_MEMORY_H_
#define GO_SDK_MEMORY_H_

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

typedef struct dm_slot {
  // This slot's number in its table: how a module pointer finds its Go half.
  uint32_t index;
  // For a config or a stream: the DM_HOOK_* bits of the hooks that enter Go.
  uint32_t hooks;
  // Out-parameters for the callbacks a stream's handle makes (handle.go).
  envoy_dynamic_module_type_envoy_buffer buffer;
  uint64_t number;
  // get_body_chunks' out-array (body.go): C memory, grown on demand and kept
  // with the slot while it stays small.
  envoy_dynamic_module_type_envoy_buffer* chunks;
  size_t chunks_cap;
} dm_slot;

#endif  // GO_SDK_MEMORY_H_
