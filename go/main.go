// Command go_module is libgo_module.so: every filter of the repository, one file
// each, registered here by the name Envoy's filter_name uses. It is the Go
// sibling of rust/filters/src/lib.rs; the SDK around it mirrors rust/sdk/src:
//
//	file          concept                                              Rust
//	sdk.go        the filter interfaces and the ABI's enums in Go      filter.rs
//	handle.go     the stream handle interface and its real impl        handle.rs
//	registry.go   filter names to constructors, program_init           registry.rs
//	abi.go        the //export hooks Envoy calls (cgo glue only)       hooks.rs
//	barrier.go    panic barrier: log once, fail closed                 barrier.rs
//	log.go        logging through Envoy                                log.rs
//	memory.go     what Envoy holds: C addresses, never Go pointers     (Box::into_raw)
//	config.go     strict JSON parsing of filter_config                 filters/config.rs
//
// Build it with `go build -buildmode=c-shared -o ../build/lib/libgo_module.so .`
package main

// module is what this library is: its name (the lib{name}.so stem), its
// language, its filters in the order error messages list them, and the
// per-route overrides it understands, by per_route_config_name.
var module = newModule("go_module", "go",
	[]filterEntry{
		{"passthrough", NewPassthroughConfig},
		{"header_mutation", NewHeaderMutationConfig},
		{"fault_injection", NewFaultInjectionConfig},
	},
	[]perRouteEntry{
		{"header_mutation", NewHeaderMutationRoute},
	})

// main is never called: a c-shared library starts at the hooks in abi.go. Package
// main is what -buildmode=c-shared requires.
func main() {}
