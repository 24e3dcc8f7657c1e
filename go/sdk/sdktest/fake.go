// Package sdktest is a fake Envoy for unit tests of filters: header maps,
// attributes, bodies, counters and a recorded local reply in plain Go values,
// with the same observable rules as Envoy 1.40 (lowercase keys, an empty
// value removes, bodies drain from the front across slices).
// Mirrors rust/sdk/src/http/testing.rs.
//
// A test binary has no Envoy: calling a real envoy_dynamic_module_callback_*
// would jump to address 0 (see sdk/hooks.go). So filters under test get this
// handle, never the real one.
package sdktest

import (
	"strings"
	"sync"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

// SentResponse is a local reply recorded by FakeEnvoy.SendResponse.
type SentResponse struct {
	Status  uint32
	Body    string
	Details string
}

// Header is one entry of a fake header map.
type Header struct {
	Key   string
	Value []byte
}

// FakeEnvoy is one stream's worth of Envoy state; it implements
// sdk.EnvoyHTTPFilter.
type FakeEnvoy struct {
	Headers          map[sdk.HeaderType][]Header
	StringAttributes map[sdk.AttributeID][]byte
	IntAttributes    map[sdk.AttributeID]uint64
	Sent             *SentResponse
	PerRoute         any
	// Bodies holds each body as Envoy's slices. A test sets the Received
	// body before calling a body hook; a body without an entry is absent.
	Bodies map[sdk.BodyType][][]byte
	// Counters records every IncrementCounter, in order.
	Counters []Counter
	// DynamicMetadata by namespace, then key; FilterState by key.
	DynamicMetadata map[string]map[string]string
	FilterState     map[string][]byte
	// MetadataCalls and FilterStateCalls count the calls of each pair (a
	// value set again leaves no other trace).
	MetadataCalls    int
	FilterStateCalls int
}

// Counter is one recorded IncrementCounter.
type Counter struct {
	ID     sdk.MetricID
	Labels []string
	Value  uint64
}

var _ sdk.EnvoyHTTPFilter = (*FakeEnvoy)(nil)

// New is a stream with empty header maps and no attributes.
func New() *FakeEnvoy {
	return &FakeEnvoy{
		Headers:          map[sdk.HeaderType][]Header{},
		StringAttributes: map[sdk.AttributeID][]byte{},
		IntAttributes:    map[sdk.AttributeID]uint64{},
		Bodies:           map[sdk.BodyType][][]byte{},
		DynamicMetadata:  map[string]map[string]string{},
		FilterState:      map[string][]byte{},
	}
}

// WithRequestHeaders is a stream whose request carries headers, as name,
// value pairs.
func WithRequestHeaders(pairs ...string) *FakeEnvoy {
	fake := New()
	for i := 0; i+1 < len(pairs); i += 2 {
		fake.AddHeader(sdk.RequestHeader, pairs[i], []byte(pairs[i+1]))
	}
	return fake
}

// AddHeader appends a value to key, keeping the existing ones, as the
// stream's client or upstream would send it, or a filter adds it. It keeps an
// empty value too (a client may send one), where Envoy refuses a filter's.
func (f *FakeEnvoy) AddHeader(kind sdk.HeaderType, key string, value []byte) bool {
	f.Headers[kind] = append(f.Headers[kind], Header{strings.ToLower(key), append([]byte(nil), value...)})
	return true
}

// Values returns every value of key in one map, as text.
func (f *FakeEnvoy) Values(kind sdk.HeaderType, key string) []string {
	key = strings.ToLower(key)
	var values []string
	for _, h := range f.Headers[kind] {
		if h.Key == key {
			values = append(values, string(h.Value))
		}
	}
	return values
}

func (f *FakeEnvoy) GetHeader(kind sdk.HeaderType, key string) ([]byte, bool) {
	key = strings.ToLower(key)
	for _, h := range f.Headers[kind] {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

func (f *FakeEnvoy) SetHeader(kind sdk.HeaderType, key string, value []byte) bool {
	key = strings.ToLower(key)
	kept := f.Headers[kind][:0]
	for _, h := range f.Headers[kind] {
		if h.Key != key {
			kept = append(kept, h)
		}
	}
	if len(value) > 0 {
		kept = append(kept, Header{key, append([]byte(nil), value...)})
	}
	f.Headers[kind] = kept
	return true
}

func (f *FakeEnvoy) RemoveHeader(kind sdk.HeaderType, key string) bool {
	return f.SetHeader(kind, key, nil)
}

// ApplyHeaderBatch applies the batch one operation at a time, through the
// methods above, as the real handle does in C.
func (f *FakeEnvoy) ApplyHeaderBatch(kind sdk.HeaderType, batch *sdk.HeaderBatch) {
	sdk.ApplyHeaderOps(f, kind, batch.Ops())
}

func (f *FakeEnvoy) GetAttributeString(id sdk.AttributeID) ([]byte, bool) {
	value, ok := f.StringAttributes[id]
	return value, ok
}

func (f *FakeEnvoy) GetAttributeInt(id sdk.AttributeID) (uint64, bool) {
	value, ok := f.IntAttributes[id]
	return value, ok
}

func (f *FakeEnvoy) SendResponse(status uint32, body []byte, details string) {
	f.Sent = &SentResponse{Status: status, Body: string(body), Details: details}
}

func (f *FakeEnvoy) PerRouteConfig() any {
	return f.PerRoute
}

// SetBody sets a body to the slices given (copied), as Envoy hands a body
// hook its Received body.
func (f *FakeEnvoy) SetBody(kind sdk.BodyType, slices ...[]byte) {
	body := make([][]byte, 0, len(slices))
	for _, s := range slices {
		body = append(body, append([]byte(nil), s...))
	}
	f.Bodies[kind] = body
}

// Body returns a body's bytes, joined.
func (f *FakeEnvoy) Body(kind sdk.BodyType) []byte {
	var out []byte
	for _, s := range f.Bodies[kind] {
		out = append(out, s...)
	}
	return out
}

func (f *FakeEnvoy) GetBodyChunks(kind sdk.BodyType) [][]byte {
	var chunks [][]byte
	for _, s := range f.Bodies[kind] {
		if len(s) > 0 {
			chunks = append(chunks, s)
		}
	}
	return chunks
}

func (f *FakeEnvoy) GetBodySize(kind sdk.BodyType) int {
	n := 0
	for _, s := range f.Bodies[kind] {
		n += len(s)
	}
	return n
}

// DrainBody drains from the front, across slices, as Envoy does.
func (f *FakeEnvoy) DrainBody(kind sdk.BodyType, n int) bool {
	body, ok := f.Bodies[kind]
	if !ok {
		return false
	}
	for n > 0 && len(body) > 0 {
		if len(body[0]) <= n {
			n -= len(body[0])
			body = body[1:]
		} else {
			body[0] = body[0][n:]
			n = 0
		}
	}
	f.Bodies[kind] = body
	return true
}

// AppendBody appends a copy as a slice of its own. As in Envoy, an absent
// Buffered body is created (a trailers hook may add body bytes), an absent
// Received body is not.
func (f *FakeEnvoy) AppendBody(kind sdk.BodyType, data []byte) bool {
	body, ok := f.Bodies[kind]
	if !ok && (kind == sdk.ReceivedRequestBody || kind == sdk.ReceivedResponseBody) {
		return false
	}
	if len(data) > 0 {
		body = append(body, append([]byte(nil), data...))
	}
	f.Bodies[kind] = body
	return true
}

func (f *FakeEnvoy) IncrementCounter(id sdk.MetricID, labels []string, value uint64) bool {
	f.Counters = append(f.Counters, Counter{id, append([]string(nil), labels...), value})
	return true
}

func (f *FakeEnvoy) SetDynamicMetadataString(ns, key, value string) {
	f.MetadataCalls++
	if f.DynamicMetadata[ns] == nil {
		f.DynamicMetadata[ns] = map[string]string{}
	}
	f.DynamicMetadata[ns][key] = value
}

func (f *FakeEnvoy) GetDynamicMetadataString(ns, key string) ([]byte, bool) {
	f.MetadataCalls++
	v, ok := f.DynamicMetadata[ns][key]
	if !ok {
		return nil, false
	}
	return []byte(v), true
}

// SetFilterStateBytes refuses a key already set, as Envoy does with its
// read-only filter state.
func (f *FakeEnvoy) SetFilterStateBytes(key string, value []byte) bool {
	f.FilterStateCalls++
	if _, ok := f.FilterState[key]; ok {
		return false
	}
	f.FilterState[key] = append([]byte(nil), value...)
	return true
}

func (f *FakeEnvoy) GetFilterStateBytes(key string) ([]byte, bool) {
	f.FilterStateCalls++
	v, ok := f.FilterState[key]
	return v, ok
}

// FakeConfig is Envoy while a configuration is created: it hands out metric
// ids in order and records what was defined.
type FakeConfig struct {
	Defined []Metric
}

// Metric is one defined metric.
type Metric struct {
	Name   string
	Labels []string
}

var _ sdk.EnvoyHTTPFilterConfig = (*FakeConfig)(nil)

func (f *FakeConfig) DefineCounter(name string, labels ...string) (sdk.MetricID, error) {
	f.Defined = append(f.Defined, Metric{name, append([]string(nil), labels...)})
	return sdk.MetricID(len(f.Defined) - 1), nil
}

// Logs records the lines filters log during a test.
type Logs struct {
	mu    sync.Mutex
	lines []LogLine
}

// LogLine is one recorded line.
type LogLine struct {
	Level   sdk.LogLevel
	Message string
}

// CaptureLogs records every log line until the test ends (a test binary has
// no Envoy to log to).
func CaptureLogs(t testing.TB) *Logs {
	logs := &Logs{}
	restore := sdk.CaptureLogs(func(level sdk.LogLevel, message string) {
		logs.mu.Lock()
		defer logs.mu.Unlock()
		logs.lines = append(logs.lines, LogLine{level, message})
	})
	t.Cleanup(restore)
	return logs
}

// Take returns the lines recorded so far and forgets them.
func (l *Logs) Take() []LogLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	taken := l.lines
	l.lines = nil
	return taken
}
