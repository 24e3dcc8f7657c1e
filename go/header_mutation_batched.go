// header_mutation_batched: header_mutation (header_mutation.go: the same
// config, the same changes, the same route override) made cheap in cgo
// crossings, under its own filter name so the benchmark shows what the C
// batch buys over the plain filter a reader would write.
//
// Entering C from Go (a cgo call) costs far more than Envoy's set_header
// itself, so a filter config's changes are compiled once into two
// sdk.HeaderBatch values in C memory, one per direction (the response one
// ending with the three attribute stamps), and each phase hands the handle
// its batch, which the hook's C half runs once Go returns: no crossing per
// header, none of its own. Streams share one filter (SharedFilter), so they
// also begin and end without entering Go; and on a route without an
// override the two batches are all the hooks do, so the SDK applies them
// without entering Go at all (DefaultHeaderBatches). A route's override stays in Go
// memory and is applied one operation at a time: a stream that found it
// keeps a reference (sdk.EnvoyHTTPFilter.PerRouteConfig), so a route update
// that releases it mid-stream frees nothing the stream still uses.
//
// Attributes: the batch copies each value (to the stack, or the heap past 128
// bytes, as Rust and C++ do) before set_header gets it; none is dropped, and
// the request path allocates nothing in Go.

package main

import "github.com/envoy-dynamic-modules-lab/go_module/sdk"

// ops are the mutations as header operations, in the order they run:
// removals first, so a header named in both ends up set.
func (m *Mutations) ops() []sdk.HeaderOp {
	ops := make([]sdk.HeaderOp, 0, len(m.Remove)+len(m.Set)+len(stamps))
	for _, name := range m.Remove {
		ops = append(ops, sdk.HeaderOp{Kind: sdk.HeaderOpRemove, Name: name})
	}
	for _, h := range m.Set {
		ops = append(ops, sdk.HeaderOp{Kind: sdk.HeaderOpSet, Name: h.Name, Value: h.Value})
	}
	return ops
}

// stamps set the three attribute headers, after the response's own changes.
var stamps = []sdk.HeaderOp{
	{Kind: sdk.HeaderOpSetFromStringAttribute, Name: DownstreamAddressHeader, Attribute: sdk.AttributeSourceAddress},
	{Kind: sdk.HeaderOpSetFromStringAttribute, Name: UpstreamAddressHeader, Attribute: sdk.AttributeUpstreamAddress},
	{Kind: sdk.HeaderOpSetFromIntAttribute, Name: ResponseCodeHeader, Attribute: sdk.AttributeResponseCode},
}

// BatchedRules are Rules as the operations each phase applies (the
// response's with the stamps), in Go memory and in C memory.
type BatchedRules struct {
	requestOps, responseOps     []sdk.HeaderOp
	requestBatch, responseBatch *sdk.HeaderBatch
}

// batched compiles rules into operations and, when there is memory for them,
// batches in C memory; without, the operations are applied one at a time:
// slower, with the same effect.
func batched(r *Rules) *BatchedRules {
	b := &BatchedRules{requestOps: r.Request.ops(), responseOps: append(r.Response.ops(), stamps...)}
	b.requestBatch = sdk.NewHeaderBatch(b.requestOps)
	b.responseBatch = sdk.NewHeaderBatch(b.responseOps)
	return b
}

// destroy frees the C memory of the batches.
func (b *BatchedRules) destroy() {
	b.requestBatch.Free()
	b.responseBatch.Free()
	b.requestBatch, b.responseBatch = nil, nil
}

// apply makes one phase's changes: as one batch when there is one.
func apply(envoy sdk.EnvoyHTTPFilter, kind sdk.HeaderType, batch *sdk.HeaderBatch, ops []sdk.HeaderOp) {
	if batch != nil {
		envoy.ApplyHeaderBatch(kind, batch)
		return
	}
	sdk.ApplyHeaderOps(envoy, kind, ops)
}

// HeaderMutationBatchedConfig is one configured header_mutation_batched filter.
type HeaderMutationBatchedConfig struct {
	rules *BatchedRules // in C memory
	// shared is the filter of every stream: it never changes, so one value
	// serves all streams on all workers.
	shared *HeaderMutationBatched
}

func NewHeaderMutationBatchedConfig(config []byte) (*HeaderMutationBatchedConfig, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	inC := batched(rules)
	return &HeaderMutationBatchedConfig{rules: inC, shared: &HeaderMutationBatched{rules: inC}}, nil
}

func (c *HeaderMutationBatchedConfig) NewFilter(sdk.EnvoyHTTPFilter) *HeaderMutationBatched {
	return c.shared // nothing to allocate
}

// SharedFilter makes header_mutation_batched a sdk.SharedFilterConfig: its
// streams share one filter, so they begin and end without entering Go.
func (c *HeaderMutationBatchedConfig) SharedFilter() *HeaderMutationBatched {
	return c.shared
}

// DefaultHeaderBatches makes header_mutation_batched a
// sdk.DefaultHeaderBatches: on a route without an override, its hooks only
// apply these batches, so the SDK applies them without entering Go. A
// batch that could not be made (no memory) is nil, and that hook runs in Go.
func (c *HeaderMutationBatchedConfig) DefaultHeaderBatches() (request, response *sdk.HeaderBatch) {
	return c.rules.requestBatch, c.rules.responseBatch
}

// Destroy runs after the config's last stream.
func (c *HeaderMutationBatchedConfig) Destroy() {
	c.rules.destroy()
}

// HeaderMutationBatched is every stream's filter: it implements the two
// header hooks only, so no other hook enters Go.
type HeaderMutationBatched struct {
	rules *BatchedRules
}

// rulesFor is the stream's route override if it has one (its operations, in
// Go memory), else the filter's batches.
func (f *HeaderMutationBatched) rulesFor(envoy sdk.EnvoyHTTPFilter) *BatchedRules {
	if route, ok := envoy.PerRouteConfig().(*RouteRules); ok {
		return route.ops
	}
	return f.rules
}

func (f *HeaderMutationBatched) OnRequestHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.RequestHeadersStatus {
	rules := f.rulesFor(envoy)
	apply(envoy, sdk.RequestHeader, rules.requestBatch, rules.requestOps)
	return sdk.RequestHeadersContinue
}

func (f *HeaderMutationBatched) OnResponseHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.ResponseHeadersStatus {
	rules := f.rulesFor(envoy)
	apply(envoy, sdk.ResponseHeader, rules.responseBatch, rules.responseOps)
	return sdk.ResponseHeadersContinue
}
