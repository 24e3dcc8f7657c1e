// The C half of HeaderBatch (header_batch.go): the loop over a batch's
// operations, each one Envoy callback, all inside one cgo crossing.

#include "header_batch.h"

#include <stdlib.h>
#include <string.h>

// Attribute values are copied before set_header gets them, so a header is
// never set from memory Envoy may change while it sets headers: on the stack
// up to this size (Rust's and C++'s filters use the same), on the heap past it.
enum { kStackCopy = 128 };

static bool set_from_string_attribute(envoy_dynamic_module_type_http_filter_envoy_ptr envoy,
                                      enum envoy_dynamic_module_type_http_header_type type,
                                      const dm_header_op* op) {
  envoy_dynamic_module_type_envoy_buffer found = {0};
  if (!envoy_dynamic_module_callback_http_filter_get_attribute_string(
          envoy, (enum envoy_dynamic_module_type_attribute_id)op->attribute, &found)) {
    return true;
  }
  if (found.ptr == NULL || found.length == 0) {
    // An empty value removes the header, as set_header with it does anywhere.
    envoy_dynamic_module_type_module_buffer none = {NULL, 0};
    return envoy_dynamic_module_callback_http_set_header(envoy, type, op->name, none);
  }
  char stack[kStackCopy];
  char* copy = found.length <= sizeof stack ? stack : malloc(found.length);
  if (copy == NULL) return false;
  memcpy(copy, found.ptr, found.length);
  envoy_dynamic_module_type_module_buffer value = {copy, found.length};
  bool ok = envoy_dynamic_module_callback_http_set_header(envoy, type, op->name, value);
  if (copy != stack) free(copy);
  return ok;
}

static bool set_from_int_attribute(envoy_dynamic_module_type_http_filter_envoy_ptr envoy,
                                   enum envoy_dynamic_module_type_http_header_type type,
                                   const dm_header_op* op) {
  uint64_t number = 0;
  if (!envoy_dynamic_module_callback_http_filter_get_attribute_int(
          envoy, (enum envoy_dynamic_module_type_attribute_id)op->attribute, &number)) {
    return true;
  }
  // Decimal, written backwards from the end: 20 digits hold any uint64.
  char text[20];
  size_t start = sizeof text;
  do {
    text[--start] = (char)('0' + number % 10);
    number /= 10;
  } while (number != 0);
  envoy_dynamic_module_type_module_buffer value = {text + start, sizeof text - start};
  return envoy_dynamic_module_callback_http_set_header(envoy, type, op->name, value);
}

bool dm_apply_header_batch(envoy_dynamic_module_type_http_filter_envoy_ptr filter_envoy_ptr,
                           enum envoy_dynamic_module_type_http_header_type header_type,
                           const dm_header_batch* batch) {
  bool all = true;
  for (size_t i = 0; i < batch->count; i++) {
    const dm_header_op* op = &batch->ops[i];
    envoy_dynamic_module_type_module_buffer none = {NULL, 0};
    switch (op->kind) {
      case DM_HEADER_SET:
        all &= envoy_dynamic_module_callback_http_set_header(filter_envoy_ptr, header_type,
                                                             op->name, op->value);
        break;
      case DM_HEADER_REMOVE:
        all &= envoy_dynamic_module_callback_http_set_header(filter_envoy_ptr, header_type,
                                                             op->name, none);
        break;
      case DM_HEADER_SET_FROM_STRING_ATTRIBUTE:
        all &= set_from_string_attribute(filter_envoy_ptr, header_type, op);
        break;
      case DM_HEADER_SET_FROM_INT_ATTRIBUTE:
        all &= set_from_int_attribute(filter_envoy_ptr, header_type, op);
        break;
      default:
        all = false;  // NewHeaderBatch makes no other kind
    }
  }
  return all;
}
