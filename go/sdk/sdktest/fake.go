// Package sdktest is a fake Envoy for unit tests of filters: header maps,
// attributes and a recorded local reply in plain Go values, with the same
// observable rules as Envoy 1.40 (lowercase keys, an empty value removes).
// Mirrors rust/sdk/src/testing.rs.
//
// A test binary has no Envoy: calling a real envoy_dynamic_module_callback_*
// would jump to address 0 (see sdk/hooks.go). So filters under test get this
// handle, never the real one.
package sdktest

import (
	"strings"

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
}

var _ sdk.EnvoyHTTPFilter = (*FakeEnvoy)(nil)

// New is a stream with empty header maps and no attributes.
func New() *FakeEnvoy {
	return &FakeEnvoy{
		Headers:          map[sdk.HeaderType][]Header{},
		StringAttributes: map[sdk.AttributeID][]byte{},
		IntAttributes:    map[sdk.AttributeID]uint64{},
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
// stream's client or upstream would send it.
func (f *FakeEnvoy) AddHeader(kind sdk.HeaderType, key string, value []byte) {
	f.Headers[kind] = append(f.Headers[kind], Header{strings.ToLower(key), append([]byte(nil), value...)})
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
