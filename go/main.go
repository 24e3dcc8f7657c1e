// Command go_module is libgo_module.so: every filter of the repository, one file
// each, registered here by the name Envoy's filter_name uses. It is the Go
// sibling of rust/filters/src/lib.rs; the SDK it is written against, package
// sdk, mirrors rust/sdk/src file by file:
//
//	sdk/hooks.go     the //export hooks Envoy calls (cgo glue only)    hooks.rs
//	sdk/hooks.c      the stream hooks' C fast path                     (Go only)
//	sdk/body.go      the hooks' bodies: streams, phases, fail closed   body.rs
//	sdk/filter.go    the interfaces a filter implements                filter.rs
//	sdk/handle.go    the stream handle interface and its real impl     handle.rs
//	sdk/handle_body.go the handle's body calls (one crossing each)     handle.rs
//	sdk/metrics.go   the config handle, counters                       handle.rs
//	sdk/registry.go  filter names to constructors                      registry.rs
//	sdk/barrier.go   the panic guard                                   barrier.rs
//	sdk/log.go       logging through Envoy                             log.rs
//	sdk/config.go    config creation and refusal, strict JSON          config.rs
//	sdk/memory.go    what Envoy holds: C addresses, never Go pointers  (Go only)
//	sdk/sdktest      the fake Envoy for filters' unit tests            testing.rs
//
// Build it with `go build -buildmode=c-shared -o ../build/lib/libgo_module.so .`
package main

import (
	"os"
	"runtime/debug"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

// gcPercent is the module's collector pacing unless the operator sets GOGC.
// Only body streaming makes garbage (the header paths allocate nothing), and a
// laxer pacing buys the body rows little: under callgrind (bench/run.py --only
// go_body_rewrite_64k,go_body_rewrite_1m), per 64 KiB and 1 MiB response, 100
// gave 2.07M and 31.6M instructions, 200 1.93M and 28.5M, 400 1.86M and 26.9M.
// But 200 let Envoy's RSS grow 5.5 MiB for a 7 MiB response to a slow reader in
// a clean-clone run (400: 6.2 MiB), over test_slow_reader.py's 5 MiB bound:
// bounded memory wins, so Go's own default is kept, set here where a reader
// sees it. memoryLimit (unless GOMEMLIMIT is set) is a soft ceiling: near it
// the collector runs as often as it must.
const (
	gcPercent   = 100
	memoryLimit = 512 << 20
)

// The module's name (the lib{name}.so stem), its filters in the order error
// messages list them, and the per-route overrides it understands, by
// per_route_config_name.
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	sdk.SetModuleName("go_module")
	sdk.RegisterFilter("passthrough", NewPassthroughConfig)
	sdk.RegisterFilter("header_mutation", NewHeaderMutationConfig)
	sdk.RegisterFilter("header_mutation_batched", NewHeaderMutationBatchedConfig)
	sdk.RegisterFilter("fault_injection", NewFaultInjectionConfig)
	sdk.RegisterFilterWithEnvoy("body_rewrite", NewBodyRewriteConfig)
	// bench-only: bench/price_list.py's callback prices.
	sdk.RegisterFilterWithEnvoy("callback_price", NewCallbackPriceConfig)
	// Both header_mutation filters take this per-route override.
	sdk.RegisterPerRoute("header_mutation", NewHeaderMutationRoute)
}

// main is never called: a c-shared library starts at the hooks in sdk/hooks.go.
// Package main is what -buildmode=c-shared requires.
func main() {}
