package sdk

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// Test filters, registered once for the whole test binary.
func TestMain(m *testing.M) {
	logEnabled = func(logLevel) bool { return true }
	logWrite = captureLog
	RegisterFilter("test_filter", func([]byte) (panickyConfig, error) { return panickyConfig{}, nil })
	RegisterFilter("refusing", func(config []byte) (*everyHookConfig, error) {
		if len(config) > 0 && config[0] == 'p' {
			panic("config " + string(config))
		}
		return nil, nil
	})
	RegisterPerRoute("test_filter", func(config []byte) (string, error) { return string(config), nil })
	m.Run()
}

// Logs: every line the SDK writes during tests, in order.
var (
	logsMu sync.Mutex
	logs   []string
)

func captureLog(level logLevel, message, file string, line int) {
	logsMu.Lock()
	defer logsMu.Unlock()
	logs = append(logs, fmt.Sprintf("[%s] %s", map[logLevel]string{logInfo: "info", logError: "error"}[level], message))
}

// takeLogs takes the lines logged so far, as "[level] message".
func takeLogs() []string {
	logsMu.Lock()
	defer logsMu.Unlock()
	taken := logs
	logs = nil
	return taken
}

// recorder is the part of Envoy the SDK itself uses: it records a local
// reply. Filters' tests use the fuller sdktest.FakeEnvoy.
type recorder struct{ sent []string }

func (*recorder) GetHeader(HeaderType, string) ([]byte, bool)   { return nil, false }
func (*recorder) SetHeader(HeaderType, string, []byte) bool     { return true }
func (*recorder) AddHeader(HeaderType, string, []byte) bool     { return true }
func (*recorder) RemoveHeader(HeaderType, string) bool          { return true }
func (*recorder) ApplyHeaderBatch(HeaderType, *HeaderBatch)     {}
func (*recorder) GetAttributeString(AttributeID) ([]byte, bool) { return nil, false }
func (*recorder) GetAttributeInt(AttributeID) (uint64, bool)    { return 0, false }
func (*recorder) PerRouteConfig() any                           { return nil }
func (*recorder) GetBodyChunks(BodyType) [][]byte               { return nil }
func (*recorder) GetBodySize(BodyType) int                      { return 0 }
func (*recorder) DrainBody(BodyType, int) bool                  { return false }
func (*recorder) AppendBody(BodyType, []byte) bool              { return false }
func (*recorder) IncrementCounter(MetricID, []string, uint64) bool {
	return false
}
func (*recorder) SetDynamicMetadataString(string, string, string)        {}
func (*recorder) GetDynamicMetadataString(string, string) ([]byte, bool) { return nil, false }
func (*recorder) SetFilterStateBytes(string, []byte) bool                { return false }
func (*recorder) GetFilterStateBytes(string) ([]byte, bool)              { return nil, false }
func (r *recorder) SendResponse(status uint32, body []byte, details string) {
	r.sent = append(r.sent, fmt.Sprintf("%d %q %s", status, body, details))
}

var failClosedReply = []string{`500 "dynamic module filter failed\n" dynamic_module_filter_failed`}

// panicky panics in the phases it is told to, and counts the calls it gets.
type panicky struct {
	in    map[string]bool
	calls int
}

func (p *panicky) maybePanic(phase string) {
	p.calls++
	if p.in[phase] {
		panic("boom in " + phase)
	}
}

func (p *panicky) OnRequestHeaders(EnvoyHTTPFilter, bool) RequestHeadersStatus {
	p.maybePanic("request_headers")
	return RequestHeadersContinue
}

func (p *panicky) OnResponseHeaders(EnvoyHTTPFilter, bool) ResponseHeadersStatus {
	p.maybePanic("response_headers")
	return ResponseHeadersContinue
}

func (p *panicky) OnResponseBody(EnvoyHTTPFilter, bool) ResponseBodyStatus {
	p.maybePanic("response_body")
	return ResponseBodyContinue
}

type panickyConfig struct{}

func (panickyConfig) NewFilter(EnvoyHTTPFilter) *panicky { panic("no filter today") }

// everyHook implements every hook, as Continue, and is zero-size.
type everyHook struct{}

func (everyHook) OnRequestHeaders(EnvoyHTTPFilter, bool) RequestHeadersStatus {
	return RequestHeadersContinue
}
func (everyHook) OnRequestBody(EnvoyHTTPFilter, bool) RequestBodyStatus { return RequestBodyContinue }
func (everyHook) OnRequestTrailers(EnvoyHTTPFilter) RequestTrailersStatus {
	return RequestTrailersContinue
}
func (everyHook) OnResponseHeaders(EnvoyHTTPFilter, bool) ResponseHeadersStatus {
	return ResponseHeadersContinue
}
func (everyHook) OnResponseBody(EnvoyHTTPFilter, bool) ResponseBodyStatus {
	return ResponseBodyContinue
}
func (everyHook) OnResponseTrailers(EnvoyHTTPFilter) ResponseTrailersStatus {
	return ResponseTrailersContinue
}
func (everyHook) OnStreamComplete(EnvoyHTTPFilter) {}

type everyHookConfig struct{}

func (*everyHookConfig) NewFilter(EnvoyHTTPFilter) everyHook { return everyHook{} }

// headersOnly implements the two header hooks, on its pointer.
type headersOnly struct{ panicky }

type anyFilterConfig struct{ filter any }

func (c anyFilterConfig) NewFilter(EnvoyHTTPFilter) any { return c.filter }

// addConfig puts a configuration in the slot table, as config_new does.
func addConfig(t *testing.T, box configBox) unsafe.Pointer {
	s, value := configs.add()
	*value = box
	setHooks(s, box.hooks)
	t.Cleanup(func() { configs.release(unsafe.Pointer(s)) })
	return unsafe.Pointer(s)
}

func TestHooksAreFoundByTypeAssertion(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got       hookSet
		perStream bool
		want      hookSet
	}{
		{"no hooks", must(hooksOfType[struct{}]()), false, 0},
		{"every hook", must(hooksOfType[everyHook]()), false, allHooks},
		{"the headers of panicky", must(hooksOfType[*panicky]()), false, 0b1001 | 0b10000},
		{"a value type lacks its pointer's methods", must(hooksOfType[headersOnly]()), false, 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: hooks %07b, want %07b", tc.name, tc.got, tc.want)
		}
	}
	if hooks, perStream := hooksOfType[any](); hooks != allHooks || !perStream {
		t.Errorf("an interface type: %07b %v, want every hook, per stream", hooks, perStream)
	}
	// An interface-typed filter is asserted when its stream starts.
	config := addConfig(t, configBox{name: "any", newFilter: anyFilterConfig{&panicky{}}.NewFilter,
		hooks: allHooks, perStream: true})
	p := filterNew(config, nil)
	defer streams.release(p)
	if got := hookSet((*slot)(p).hooks); got != 0b11001 {
		t.Errorf("the stream's hooks: %07b", got)
	}
}

func must(h hookSet, _ bool) hookSet { return h }

func TestBarrierRecoversAPanicAndFailsClosed(t *testing.T) {
	takeLogs()
	filter := &panicky{in: map[string]bool{"request_headers": true}}
	s := &streamBox{name: "test_filter", filter: filter}
	envoy := &recorder{}

	if got := s.onRequestHeaders(envoy, true); got != RequestHeadersStopIteration {
		t.Errorf("status = %v, want StopIteration", got)
	}
	if !reflect.DeepEqual(envoy.sent, failClosedReply) {
		t.Errorf("local reply = %q", envoy.sent)
	}
	want := []string{"[error] go_module: filter 'test_filter' in on_request_headers: panicked: boom in request_headers"}
	if got := takeLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("logs = %q, want %q", got, want)
	}

	// The rest of the stream bypasses the filter: Continue, and no more calls.
	if got := s.onResponseHeaders(envoy, false); got != ResponseHeadersContinue {
		t.Errorf("after the failure, status = %v", got)
	}
	s.onStreamComplete(envoy)
	if filter.calls != 1 {
		t.Errorf("the filter was called %d times, want 1", filter.calls)
	}

	// The next stream is served normally.
	next := &streamBox{name: "test_filter", filter: &panicky{}}
	nextEnvoy := &recorder{}
	if got := next.onRequestHeaders(nextEnvoy, true); got != RequestHeadersContinue || nextEnvoy.sent != nil {
		t.Errorf("next stream: %v, %q", got, nextEnvoy.sent)
	}
	if got := takeLogs(); len(got) != 0 {
		t.Errorf("next stream logged %q", got)
	}
}

func TestBarrierTooLateToReplyContinuesUnfiltered(t *testing.T) {
	takeLogs()
	filter := &panicky{in: map[string]bool{"response_body": true}}
	s := &streamBox{name: "test_filter", filter: filter}
	envoy := &recorder{}
	if got := s.onResponseBody(envoy, false); got != ResponseBodyContinue {
		t.Errorf("status = %v, want Continue", got)
	}
	if envoy.sent != nil {
		t.Errorf("sent a reply after response headers: %q", envoy.sent)
	}
	s.onResponseBody(envoy, true)
	if filter.calls != 1 {
		t.Errorf("the filter was called %d times, want 1", filter.calls)
	}
	if got := takeLogs(); len(got) != 1 || !strings.HasSuffix(got[0], "in on_response_body: panicked: boom in response_body") {
		t.Errorf("logs = %q", got)
	}
}

func TestAHookTheFilterLacksContinues(t *testing.T) {
	s := &streamBox{name: "test_filter", filter: &panicky{}}
	if got := s.onRequestBody(&recorder{}, true); got != RequestBodyContinue {
		t.Errorf("status = %v", got)
	}
}

func TestBarrierAFilterThatFailsToBuildFailsClosedAtItsFirstHook(t *testing.T) {
	takeLogs()
	box, ok := newConfig(filterKind, registry.filters, nil, "test_filter", nil)
	if !ok {
		t.Fatal(takeLogs())
	}
	box.name = "test_filter"
	p := filterNew(addConfig(t, box), nil)
	defer streams.release(p)
	want := []string{"[error] go_module: filter 'test_filter' in http_filter_new: panicked: no filter today"}
	if got := takeLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("logs = %q, want %q", got, want)
	}
	if got := hookSet((*slot)(p).hooks); got != allHooks {
		t.Errorf("hooks %07b: the first hook must enter Go to fail closed", got)
	}
	envoy := &recorder{}
	if got := streams.get(p).onRequestHeaders(envoy, true); got != RequestHeadersStopIteration {
		t.Errorf("status = %v", got)
	}
	if !reflect.DeepEqual(envoy.sent, failClosedReply) {
		t.Errorf("local reply = %q", envoy.sent)
	}
	if got := takeLogs(); len(got) != 0 {
		t.Errorf("logged twice: %q", got)
	}
}

// Envoy does not check filter_new's result: a NULL would crash it at the
// stream's first hook. A stream the module cannot make fails closed instead.
func TestAFullStreamTableFailsTheStreamClosed(t *testing.T) {
	takeLogs()
	config := addConfig(t, configBox{name: "every_hook", newFilter: everyHook{}.newAny, hooks: allHooks})
	streams.limit = streams.made + 1
	var held []unsafe.Pointer
	defer func() {
		for _, p := range held {
			streams.release(p)
		}
		streams.limit = 0
	}()
	for {
		s, _ := streams.add()
		if s == nil {
			break
		}
		held = append(held, unsafe.Pointer(s))
	}

	p := filterNew(config, nil)
	if p == nil || p != unsafe.Pointer(failedStream) {
		t.Fatalf("filter_new on a full table returned %p, want the failed stream's slot", p)
	}
	want := []string{"[error] go_module: filter 'every_hook' in http_filter_new: too many streams in flight; failing the stream closed"}
	if got := takeLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("logs = %q, want %q", got, want)
	}
	// hooks.c enters Go at request headers only, where the stream fails closed.
	if got := hookSet(failedStream.hooks); got != 0b1 {
		t.Errorf("the failed stream's hooks: %07b", got)
	}
	envoy := &recorder{}
	if got := failedStreamRequestHeaders(envoy); got != RequestHeadersStopIteration {
		t.Errorf("status = %v", got)
	}
	if !reflect.DeepEqual(envoy.sent, failClosedReply) {
		t.Errorf("local reply = %q", envoy.sent)
	}
}

func (f everyHook) newAny(EnvoyHTTPFilter) any { return f }

// The whole SDK path of one stream whose filter implements every hook, as the
// hooks in hooks.go run it through their bodies (body.go): slot, filter,
// every phase, release. None of it may allocate.
func TestAStreamAllocatesNothing(t *testing.T) {
	config := addConfig(t, configBox{name: "every_hook", newFilter: everyHook{}.newAny, hooks: allHooks})
	envoy := &recorder{}
	allocs := testing.AllocsPerRun(1000, func() {
		p := filterNew(config, nil)
		s := streams.get(p)
		s.onRequestHeaders(envoy, false)
		s.onRequestBody(envoy, true)
		s.onRequestTrailers(envoy)
		s.onResponseHeaders(envoy, false)
		s.onResponseBody(envoy, true)
		s.onResponseTrailers(envoy)
		s.onStreamComplete(envoy)
		streams.release(p)
	})
	if allocs != 0 {
		t.Errorf("a stream allocates %v times", allocs)
	}
}

func TestBarrierGuardRecoversEveryKindOfPanic(t *testing.T) {
	takeLogs()
	var nilMap map[string]int
	for _, body := range []func(){
		func() { panic("text") },
		func() { nilMap["x"] = 1 }, // a runtime error
		func() { panic(nil) },      // a *runtime.PanicNilError since Go 1.21
	} {
		if guard(func() string { return "ctx" }, body) {
			t.Error("guard reported success for a panic")
		}
	}
	if !guard(func() string { return "ctx" }, func() {}) {
		t.Error("guard reported a failure without a panic")
	}
	logged := takeLogs()
	if len(logged) != 3 || logged[0] != "[error] ctx: panicked: text" || !strings.Contains(logged[1], "assignment to entry in nil map") {
		t.Errorf("logs = %q", logged)
	}
}

func TestConfigRefusalsShareOneContract(t *testing.T) {
	takeLogs()
	filters := func(name, config string) bool {
		return filterConfigNew(nil, name, []byte(config)) != nil
	}
	routes := func(name, config string) bool {
		return perRouteConfigNew(name, []byte(config)) != nil
	}
	big := strings.Repeat(" ", maxConfigBytes+1)
	for _, c := range []struct {
		make         func(name, config string) bool
		name, config string
		line         string
	}{
		{filters, "no_such_filter", "", "[error] go_module: filter 'no_such_filter': unknown filter name; this module has: test_filter, refusing"},
		{filters, "refusing", "", "[error] go_module: filter 'refusing': invalid filter_config: the constructor returned no config"},
		{filters, "refusing", "panic", "[error] go_module: filter 'refusing' config creation: panicked: config panic"},
		{filters, "refusing", big, "[error] go_module: filter 'refusing': invalid filter_config: 1048577 bytes is over the 1048576-byte limit"},
		{routes, "no_such_filter", "", "[error] go_module: per-route config 'no_such_filter': no filter of this module takes a per-route config by that name"},
		{routes, "test_filter", big, "[error] go_module: per-route config 'test_filter': invalid filter_config: 1048577 bytes is over the 1048576-byte limit"},
	} {
		if c.make(c.name, c.config) {
			t.Errorf("%s %.20q: accepted", c.name, c.config)
		}
		if got := takeLogs(); len(got) != 1 || got[0] != c.line {
			t.Errorf("%s %.20q: logs = %q, want %q", c.name, c.config, got, c.line)
		}
	}
	p := perRouteConfigNew("test_filter", []byte("rules"))
	if p == nil || perRoutes.get(p).config != "rules" {
		t.Fatalf("per-route config: %p", p)
	}
	perRoutes.release(p)
}

func TestRegistryLoadLine(t *testing.T) {
	takeLogs()
	programInit()
	want := []string{"[info] go_module: loaded, language=go, filters=[test_filter, refusing]"}
	if got := takeLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("logs = %q, want %q", got, want)
	}
}

// batchedConfig shares one filter and, when it has batches, offers them as
// its default header batches.
type batchedConfig struct {
	request, response *HeaderBatch
}

func (c *batchedConfig) NewFilter(EnvoyHTTPFilter) *headersOnly { return c.SharedFilter() }
func (c *batchedConfig) SharedFilter() *headersOnly             { return &headersOnly{} }

type defaultBatchedConfig struct{ batchedConfig }

func (c *defaultBatchedConfig) DefaultHeaderBatches() (*HeaderBatch, *HeaderBatch) {
	return c.request, c.response
}

func TestDefaultHeaderBatchesReachTheHooksCHalf(t *testing.T) {
	request := NewHeaderBatch([]HeaderOp{{Kind: HeaderOpSet, Name: "x-a", Value: []byte("1")}})
	t.Cleanup(request.Free)
	RegisterFilter("default_batched", func([]byte) (*defaultBatchedConfig, error) {
		return &defaultBatchedConfig{batchedConfig{request: request}}, nil
	})
	RegisterFilter("shared_unbatched", func([]byte) (*batchedConfig, error) {
		return &batchedConfig{request: request}, nil
	})
	for _, tc := range []struct {
		name              string
		request, response *HeaderBatch
	}{
		// The response hook has no batch: it enters Go as before.
		{"default_batched", request, nil},
		// Batches the config does not offer as its defaults stay in Go.
		{"shared_unbatched", nil, nil},
	} {
		config := filterConfigNew(nil, tc.name, nil)
		if config == nil {
			t.Fatalf("%s: refused", tc.name)
		}
		cache := (*slot)(config).cache
		if cache == nil {
			t.Fatalf("%s: a shared filter's config has no stream cache", tc.name)
		}
		if cache.request_headers != tc.request.inC() || cache.response_headers != tc.response.inC() {
			t.Errorf("%s: the hooks' C half sees request %p, response %p; want %p, %p", tc.name,
				cache.request_headers, cache.response_headers, tc.request.inC(), tc.response.inC())
		}
		filterConfigDestroy(config)
	}
}
