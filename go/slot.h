// slot.h: the C half of one thing Envoy holds of the Go module (memory.go). Its
// address is the module pointer Envoy keeps; it lives in C memory, so Envoy
// never holds a Go pointer. Defined in C so that stream_hooks.c can read
// `hooks` without entering Go.

#ifndef GO_MODULE_SLOT_H_
#define GO_MODULE_SLOT_H_

#include <stdint.h>

#include "abi.h"

// One bit per stream hook a filter implements (Go's HookSet).
enum {
  DM_HOOK_REQUEST_HEADERS = 1u << 0,
  DM_HOOK_REQUEST_BODY = 1u << 1,
  DM_HOOK_REQUEST_TRAILERS = 1u << 2,
  DM_HOOK_RESPONSE_HEADERS = 1u << 3,
  DM_HOOK_RESPONSE_BODY = 1u << 4,
  DM_HOOK_RESPONSE_TRAILERS = 1u << 5,
  DM_HOOK_STREAM_COMPLETE = 1u << 6,
  DM_HOOK_SCHEDULED = 1u << 7,
  DM_HOOK_ALL = (1u << 8) - 1,
};

typedef struct dm_slot {
  // This slot's number in its table: how a module pointer finds its Go half.
  uint32_t index;
  // For a stream: the DM_HOOK_* bits of the hooks that must enter Go.
  uint32_t hooks;
  // Out-parameters for the callbacks a stream's handle makes (handle.go).
  envoy_dynamic_module_type_envoy_buffer buffer;
  uint64_t number;
} dm_slot;

#endif  // GO_MODULE_SLOT_H_
