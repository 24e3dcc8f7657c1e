package main

import (
	"strings"
	"testing"
	"unsafe"
)

func TestPassthroughContinuesAndChangesNothing(t *testing.T) {
	config, err := NewPassthroughConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	envoy := withRequestHeaders(":path", "/", "x-a", "1")
	before := len(envoy.GetHeaders(RequestHeader))
	filter := config.NewFilter(envoy)
	if got := filter.OnRequestHeaders(envoy, true); got != RequestHeadersContinue {
		t.Errorf("OnRequestHeaders = %v", got)
	}
	if got := filter.OnResponseHeaders(envoy, false); got != ResponseHeadersContinue {
		t.Errorf("OnResponseHeaders = %v", got)
	}
	if got := len(envoy.GetHeaders(RequestHeader)); got != before {
		t.Errorf("request has %d headers, want %d", got, before)
	}
	if envoy.sentResponse != nil {
		t.Errorf("sent a local reply: %+v", envoy.sentResponse)
	}
}

func TestPassthroughAcceptsAnEmptyObjectAndRefusesSettings(t *testing.T) {
	for _, config := range []string{"", "  \n", "{}", " { } "} {
		if _, err := NewPassthroughConfig([]byte(config)); err != nil {
			t.Errorf("config %q: %v", config, err)
		}
	}
	_, err := NewPassthroughConfig([]byte(`{"x":1}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "x"`) {
		t.Errorf("got %v, want unknown field \"x\"", err)
	}
}

// The whole SDK path of one passthrough stream, as the hooks in abi.go run
// it: slot, filter, every phase, release. None of it may allocate.
func TestPassthroughStreamAllocatesNothing(t *testing.T) {
	config, _ := NewPassthroughConfig(nil)
	box := &configBox{name: "passthrough", config: config}
	allocs := testing.AllocsPerRun(1000, func() {
		s, stream := streams.add()
		stream.envoy = envoyFilter{slot: s}
		stream.newFilter(box, &stream.envoy)
		stream.onRequestHeaders(&stream.envoy, false)
		stream.onRequestBody(&stream.envoy, true)
		stream.onResponseHeaders(&stream.envoy, false)
		stream.onResponseBody(&stream.envoy, true)
		stream.onStreamComplete(&stream.envoy)
		streams.release(unsafe.Pointer(s))
	})
	if allocs != 0 {
		t.Errorf("a passthrough stream allocates %v times", allocs)
	}
}

func TestFiltersNameTheHooksThatEnterGo(t *testing.T) {
	t.Setenv(enableFaultInjectionEnv, "1")
	mutation, err := NewHeaderMutationConfig([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	fault, err := NewFaultInjectionConfig([]byte(`{"phase": "request_body"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		got  HookSet
		want HookSet
	}{
		{"passthrough", hooksOf(PassthroughConfig{}), 0},
		{"header_mutation", hooksOf(mutation), HookRequestHeaders | HookResponseHeaders},
		{"fault_injection (no Hooks method)", hooksOf(fault), AllHooks},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: hooks %08b, want %08b", tc.name, tc.got, tc.want)
		}
	}
}
