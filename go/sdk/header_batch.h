// header_batch.h: a fixed list of header operations in C memory, applied to
// one header map by one C function (header_batch.c), so a Go filter crosses
// into C once per phase instead of once per header (header_batch.go).

#ifndef GO_SDK_HEADER_BATCH_H_
#define GO_SDK_HEADER_BATCH_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "memory.h"

// What one operation does (Go's HeaderOpKind).
enum {
  // Replace every value of name with value.
  DM_HEADER_SET = 0,
  // Remove every value of name (set_header with an empty value).
  DM_HEADER_REMOVE = 1,
  // Set name to a copy of a string attribute; nothing when it is absent.
  DM_HEADER_SET_FROM_STRING_ATTRIBUTE = 2,
  // Set name to an integer attribute in decimal; nothing when it is absent.
  DM_HEADER_SET_FROM_INT_ATTRIBUTE = 3,
};

typedef struct dm_header_op {
  uint32_t kind;
  // An envoy_dynamic_module_type_attribute_id, for the attribute kinds.
  uint32_t attribute;
  envoy_dynamic_module_type_module_buffer name;
  envoy_dynamic_module_type_module_buffer value;
} dm_header_op;

// One allocation: the ops, then the bytes of their names and values.
typedef struct dm_header_batch {
  size_t count;
  dm_header_op ops[];
} dm_header_batch;

// Applies every op of batch in order; false when Envoy refused any (its
// header map absent in this phase). An absent attribute is no failure.
DM_INTERNAL bool dm_apply_header_batch(
    envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
    enum envoy_dynamic_module_type_http_header_type header_type, const dm_header_batch* batch);

#endif  // GO_SDK_HEADER_BATCH_H_
