package main

import (
	"reflect"
	"strings"
	"testing"
)

// panicky panics in the phases it is told to, and counts the calls it gets.
type panicky struct {
	BaseFilter
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

func failClosedReply() *sentResponse {
	return &sentResponse{status: 500, body: "dynamic module filter failed\n", details: "dynamic_module_filter_failed"}
}

func TestBarrierRecoversAPanicAndFailsClosed(t *testing.T) {
	takeLogs()
	filter := &panicky{in: map[string]bool{"request_headers": true}}
	s := &streamBox{name: "test_filter", filter: filter}
	envoy := newFakeEnvoyFilter()

	if got := s.onRequestHeaders(envoy, true); got != RequestHeadersStopIteration {
		t.Errorf("status = %v, want StopIteration", got)
	}
	if !reflect.DeepEqual(envoy.sentResponse, failClosedReply()) {
		t.Errorf("local reply = %+v", envoy.sentResponse)
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
	nextEnvoy := newFakeEnvoyFilter()
	if got := next.onRequestHeaders(nextEnvoy, true); got != RequestHeadersContinue || nextEnvoy.sentResponse != nil {
		t.Errorf("next stream: %v, %+v", got, nextEnvoy.sentResponse)
	}
	if got := takeLogs(); len(got) != 0 {
		t.Errorf("next stream logged %q", got)
	}
}

func TestBarrierTooLateToReplyContinuesUnfiltered(t *testing.T) {
	takeLogs()
	filter := &panicky{in: map[string]bool{"response_body": true}}
	s := &streamBox{name: "test_filter", filter: filter}
	envoy := newFakeEnvoyFilter()
	if got := s.onResponseBody(envoy, false); got != ResponseBodyContinue {
		t.Errorf("status = %v, want Continue", got)
	}
	if envoy.sentResponse != nil {
		t.Errorf("sent a reply after response headers: %+v", envoy.sentResponse)
	}
	s.onResponseBody(envoy, true)
	if filter.calls != 1 {
		t.Errorf("the filter was called %d times, want 1", filter.calls)
	}
	if got := takeLogs(); len(got) != 1 || !strings.HasSuffix(got[0], "in on_response_body: panicked: boom in response_body") {
		t.Errorf("logs = %q", got)
	}
}

type panickyConfig struct{}

func (panickyConfig) NewFilter(EnvoyHTTPFilter) Filter { panic("no filter today") }

func TestBarrierAFilterThatFailsToBuildFailsClosedAtItsFirstHook(t *testing.T) {
	takeLogs()
	s := &streamBox{}
	envoy := newFakeEnvoyFilter()
	s.newFilter(&configBox{name: "test_filter", config: panickyConfig{}}, envoy)
	want := []string{"[error] go_module: filter 'test_filter' in http_filter_new: panicked: no filter today"}
	if got := takeLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("logs = %q, want %q", got, want)
	}
	if got := s.onRequestHeaders(envoy, true); got != RequestHeadersStopIteration {
		t.Errorf("status = %v", got)
	}
	if !reflect.DeepEqual(envoy.sentResponse, failClosedReply()) {
		t.Errorf("local reply = %+v", envoy.sentResponse)
	}
	if got := takeLogs(); len(got) != 0 {
		t.Errorf("logged twice: %q", got)
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

func TestRegistryRefusesWithTheContractsLines(t *testing.T) {
	t.Setenv(enableFaultInjectionEnv, "1")
	takeLogs()
	cases := []struct{ name, config, line string }{
		{"no_such_filter", "", "[error] go_module: filter 'no_such_filter': unknown filter name; this module has: passthrough, header_mutation, fault_injection"},
		{"header_mutation", "", "[error] go_module: filter 'header_mutation': invalid filter_config: filter_config is empty; expected a JSON object"},
		{"fault_injection", `{"phase": "config"}`, "[error] go_module: filter 'fault_injection' config creation: panicked: fault injected in config"},
	}
	for _, c := range cases {
		if _, ok := module.newFilterConfig(c.name, []byte(c.config)); ok {
			t.Errorf("%s %q: accepted", c.name, c.config)
		}
		if got := takeLogs(); len(got) != 1 || got[0] != c.line {
			t.Errorf("%s %q: logs = %q, want %q", c.name, c.config, got, c.line)
		}
	}
	box, ok := module.newFilterConfig("passthrough", nil)
	if !ok || box.name != "passthrough" {
		t.Errorf("passthrough: %+v, %v", box, ok)
	}
}

func TestRegistryLoadLine(t *testing.T) {
	takeLogs()
	module.programInit()
	want := []string{"[info] go_module: loaded, language=go, filters=[passthrough, header_mutation, fault_injection]"}
	if got := takeLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("logs = %q, want %q", got, want)
	}
}
