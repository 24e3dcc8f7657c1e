// A fake Envoy for unit tests: header maps, attributes and a recorded local
// reply in plain Go values, with the same observable rules as Envoy 1.40
// (lowercase keys, empty value removes, add keeps existing values). Mirrors
// rust/sdk/src/testing.rs.
//
// A test binary has no Envoy: calling a real envoy_dynamic_module_callback_*
// would jump to address 0 (see abi.go). So TestMain routes logging to memory
// before any test runs, and filters get the fake handle.

package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestMain(m *testing.M) {
	logEnabled = func(LogLevel) bool { return true }
	logWrite = captureLog
	os.Exit(m.Run())
}

// sentResponse is a local reply recorded by fakeEnvoyFilter.SendResponse.
type sentResponse struct {
	status  uint32
	headers []Header
	body    string
	details string
}

type fakeHeader struct {
	key   string
	value []byte
}

// fakeEnvoyFilter is one stream's worth of Envoy state.
type fakeEnvoyFilter struct {
	headers          map[HeaderType][]fakeHeader
	stringAttributes map[AttributeID][]byte
	intAttributes    map[AttributeID]uint64
	sentResponse     *sentResponse
	perRoute         any
}

func newFakeEnvoyFilter() *fakeEnvoyFilter {
	return &fakeEnvoyFilter{
		headers:          map[HeaderType][]fakeHeader{},
		stringAttributes: map[AttributeID][]byte{},
		intAttributes:    map[AttributeID]uint64{},
	}
}

// withRequestHeaders is a stream whose request carries headers, as name, value
// pairs.
func withRequestHeaders(pairs ...string) *fakeEnvoyFilter {
	fake := newFakeEnvoyFilter()
	for i := 0; i+1 < len(pairs); i += 2 {
		fake.AddHeader(RequestHeader, pairs[i], []byte(pairs[i+1]))
	}
	return fake
}

// values returns every value of key in one map, as text.
func (f *fakeEnvoyFilter) values(kind HeaderType, key string) []string {
	key = strings.ToLower(key)
	var values []string
	for _, h := range f.headers[kind] {
		if h.key == key {
			values = append(values, string(h.value))
		}
	}
	return values
}

func (f *fakeEnvoyFilter) GetHeader(kind HeaderType, key string) ([]byte, bool) {
	key = strings.ToLower(key)
	for _, h := range f.headers[kind] {
		if h.key == key {
			return h.value, true
		}
	}
	return nil, false
}

func (f *fakeEnvoyFilter) GetHeaders(kind HeaderType) []Header {
	var headers []Header
	for _, h := range f.headers[kind] {
		headers = append(headers, Header{Key: []byte(h.key), Value: h.value})
	}
	return headers
}

func (f *fakeEnvoyFilter) SetHeader(kind HeaderType, key string, value []byte) bool {
	key = strings.ToLower(key)
	kept := f.headers[kind][:0]
	for _, h := range f.headers[kind] {
		if h.key != key {
			kept = append(kept, h)
		}
	}
	if len(value) > 0 {
		kept = append(kept, fakeHeader{key, append([]byte(nil), value...)})
	}
	f.headers[kind] = kept
	return true
}

func (f *fakeEnvoyFilter) AddHeader(kind HeaderType, key string, value []byte) bool {
	if len(value) == 0 {
		return false
	}
	f.headers[kind] = append(f.headers[kind], fakeHeader{strings.ToLower(key), append([]byte(nil), value...)})
	return true
}

func (f *fakeEnvoyFilter) RemoveHeader(kind HeaderType, key string) bool {
	return f.SetHeader(kind, key, nil)
}

func (f *fakeEnvoyFilter) GetAttributeString(id AttributeID) ([]byte, bool) {
	value, ok := f.stringAttributes[id]
	return value, ok
}

func (f *fakeEnvoyFilter) GetAttributeInt(id AttributeID) (uint64, bool) {
	value, ok := f.intAttributes[id]
	return value, ok
}

func (f *fakeEnvoyFilter) SendResponse(status uint32, headers []Header, body []byte, details string) {
	f.sentResponse = &sentResponse{status: status, headers: headers, body: string(body), details: details}
}

func (f *fakeEnvoyFilter) PerRouteConfig() any {
	return f.perRoute
}

// Logs: every line the module writes during tests, in order.
var (
	logsMu sync.Mutex
	logs   []string
)

var levelNames = map[LogLevel]string{
	LogTrace: "trace", LogDebug: "debug", LogInfo: "info", LogWarn: "warning",
	LogError: "error", LogCritical: "critical", LogOff: "off",
}

func captureLog(level LogLevel, message, file string, line int) {
	logsMu.Lock()
	defer logsMu.Unlock()
	logs = append(logs, fmt.Sprintf("[%s] %s", levelNames[level], message))
}

// takeLogs takes the lines logged so far, as "[level] message".
func takeLogs() []string {
	logsMu.Lock()
	defer logsMu.Unlock()
	taken := logs
	logs = nil
	return taken
}
