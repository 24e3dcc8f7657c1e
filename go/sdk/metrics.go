// Metrics: a filter's configuration defines counters while Envoy creates it
// (the config handle), and its streams add to them. Envoy shows them on the
// admin /stats as dynamicmodulescustom.<name>. Mirrors the metric parts of
// rust/sdk/src/http/handle.rs.

package sdk

/*
#include <stdlib.h>
#include "memory.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// MetricID names a metric its configuration defined, for its streams.
type MetricID uint64

// EnvoyHTTPFilterConfig is Envoy as seen while a filter configuration is
// created (RegisterFilterWithEnvoy). It is valid only during the constructor.
type EnvoyHTTPFilterConfig interface {
	// DefineCounter defines a counter with these label names.
	DefineCounter(name string, labels ...string) (MetricID, error)
}

// envoyFilterConfig is the real config handle: the filter_config_envoy_ptr
// Envoy passes to http_filter_config_new, until the constructor returns.
type envoyFilterConfig struct {
	raw  C.envoy_dynamic_module_type_http_filter_config_envoy_ptr
	done bool
}

func (e *envoyFilterConfig) DefineCounter(name string, labels ...string) (MetricID, error) {
	if e == nil || e.done {
		return 0, errors.New("metrics can be defined only while the config is created")
	}
	var id C.size_t
	var result C.enum_envoy_dynamic_module_type_metrics_result
	withModuleBuffers(append([]string{name}, labels...), func(b *C.envoy_dynamic_module_type_module_buffer) {
		list := unsafe.Slice(b, 1+len(labels))
		result = C.envoy_dynamic_module_callback_http_filter_config_define_counter(e.raw,
			list[0], labelsPtr(list[1:]), C.size_t(len(labels)), &id)
	})
	if result != C.envoy_dynamic_module_type_metrics_result_Success {
		return 0, fmt.Errorf("defining metric %q failed: metrics result %d", name, uint32(result))
	}
	return MetricID(id), nil
}

func (e *envoyFilter) IncrementCounter(id MetricID, labels []string, value uint64) bool {
	e.applyPending()
	var result C.enum_envoy_dynamic_module_type_metrics_result
	withModuleBuffers(labels, func(b *C.envoy_dynamic_module_type_module_buffer) {
		result = C.envoy_dynamic_module_callback_http_filter_increment_counter(e.raw,
			C.size_t(id), b, C.size_t(len(labels)), C.uint64_t(value))
	})
	return result == C.envoy_dynamic_module_type_metrics_result_Success
}

func labelsPtr(list []C.envoy_dynamic_module_type_module_buffer) *C.envoy_dynamic_module_type_module_buffer {
	if len(list) == 0 {
		return nil
	}
	return &list[0]
}

// withModuleBuffers lends strs to Envoy as an array of module buffers. The
// array holds pointers, so cgo's rules forbid it in Go memory when they point
// at Go memory: array and bytes are copied into one C block for the call.
// A malloc per call: metrics calls are not on this repository's hot paths.
func withModuleBuffers(strs []string, call func(*C.envoy_dynamic_module_type_module_buffer)) {
	if len(strs) == 0 {
		call(nil)
		return
	}
	head := C.size_t(len(strs)) * C.size_t(unsafe.Sizeof(C.envoy_dynamic_module_type_module_buffer{}))
	size := head
	for _, s := range strs {
		size += C.size_t(len(s))
	}
	block := C.malloc(size)
	defer C.free(block)
	list := unsafe.Slice((*C.envoy_dynamic_module_type_module_buffer)(block), len(strs))
	bytes := unsafe.Slice((*byte)(block), int(size))[head:]
	for i, s := range strs {
		n := copy(bytes, s)
		list[i] = C.envoy_dynamic_module_type_module_buffer{
			ptr: (*C.char)(unsafe.Pointer(unsafe.SliceData(bytes))), length: C.size_t(n)}
		bytes = bytes[n:]
	}
	call(&list[0])
}
