package main

import (
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

const headerMutationConfig = `{
	"request_headers": [["X-Set", "module"], ["x-replace", "replaced"]],
	"remove_request_headers": ["x-remove"],
	"response_headers": [["x-resp", "yes"]],
	"remove_response_headers": ["server"]
}`

// headerConfig is what both header_mutation configs offer a test.
type headerConfig interface {
	NewFilter(sdk.EnvoyHTTPFilter) headerFilter
}

type plainConfig struct{ *HeaderMutationConfig }

func (c plainConfig) NewFilter(e sdk.EnvoyHTTPFilter) headerFilter {
	return c.HeaderMutationConfig.NewFilter(e)
}

type batchedConfig struct{ *HeaderMutationBatchedConfig }

func (c batchedConfig) NewFilter(e sdk.EnvoyHTTPFilter) headerFilter {
	return c.HeaderMutationBatchedConfig.NewFilter(e)
}

// eachHeaderMutation runs test on header_mutation and on
// header_mutation_batched, each made from config and freed when it ends:
// the two must do the same.
func eachHeaderMutation(t *testing.T, config string, test func(t *testing.T, config headerConfig)) {
	t.Helper()
	t.Run("plain", func(t *testing.T) { test(t, plainConfig{newHeaderMutation(t, config)}) })
	t.Run("batched", func(t *testing.T) {
		c, err := NewHeaderMutationBatchedConfig([]byte(config))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Destroy)
		test(t, batchedConfig{c})
	})
}

// newHeaderMutation makes a config, freed when the test ends.
func newHeaderMutation(t *testing.T, config string) *HeaderMutationConfig {
	t.Helper()
	c, err := NewHeaderMutationConfig([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Destroy)
	return c
}

func assertValues(t *testing.T, envoy *sdktest.FakeEnvoy, kind sdk.HeaderType, key string, want ...string) {
	t.Helper()
	if got := envoy.Values(kind, key); !reflect.DeepEqual(got, want) && (len(got) != 0 || len(want) != 0) {
		t.Errorf("%s = %q, want %q", key, got, want)
	}
}

func TestHeaderMutationRequestSideSetsReplacesAndRemoves(t *testing.T) {
	eachHeaderMutation(t, headerMutationConfig, func(t *testing.T, config headerConfig) {
		envoy := sdktest.WithRequestHeaders("x-replace", "old", "x-replace", "older", "x-remove", "bye", "x-keep", "1")
		filter := config.NewFilter(envoy)
		if got := filter.OnRequestHeaders(envoy, true); got != sdk.RequestHeadersContinue {
			t.Errorf("OnRequestHeaders = %v", got)
		}
		assertValues(t, envoy, sdk.RequestHeader, "x-set", "module")
		assertValues(t, envoy, sdk.RequestHeader, "x-replace", "replaced")
		assertValues(t, envoy, sdk.RequestHeader, "x-remove")
		assertValues(t, envoy, sdk.RequestHeader, "x-keep", "1")
	})
}

func TestHeaderMutationResponseSideMutatesAndStampsAttributes(t *testing.T) {
	eachHeaderMutation(t, headerMutationConfig, func(t *testing.T, config headerConfig) {
		envoy := sdktest.New()
		envoy.SetHeader(sdk.ResponseHeader, "server", []byte("envoy"))
		envoy.StringAttributes[sdk.AttributeSourceAddress] = []byte("127.0.0.1:5555")
		envoy.StringAttributes[sdk.AttributeUpstreamAddress] = []byte("127.0.0.1:1234")
		envoy.IntAttributes[sdk.AttributeResponseCode] = 204
		filter := config.NewFilter(envoy)
		if got := filter.OnResponseHeaders(envoy, false); got != sdk.ResponseHeadersContinue {
			t.Errorf("OnResponseHeaders = %v", got)
		}
		assertValues(t, envoy, sdk.ResponseHeader, "x-resp", "yes")
		assertValues(t, envoy, sdk.ResponseHeader, "server")
		assertValues(t, envoy, sdk.ResponseHeader, DownstreamAddressHeader, "127.0.0.1:5555")
		assertValues(t, envoy, sdk.ResponseHeader, UpstreamAddressHeader, "127.0.0.1:1234")
		assertValues(t, envoy, sdk.ResponseHeader, ResponseCodeHeader, "204")
	})
}

func TestHeaderMutationAbsentAttributesLeaveTheirHeadersUnset(t *testing.T) {
	eachHeaderMutation(t, "{}", func(t *testing.T, config headerConfig) {
		envoy := sdktest.New()
		config.NewFilter(envoy).OnResponseHeaders(envoy, true)
		assertValues(t, envoy, sdk.ResponseHeader, DownstreamAddressHeader)
		assertValues(t, envoy, sdk.ResponseHeader, UpstreamAddressHeader)
		assertValues(t, envoy, sdk.ResponseHeader, ResponseCodeHeader)
	})
}

func TestHeaderMutationRefusesBadConfigsWithTheReason(t *testing.T) {
	cases := []struct{ config, want string }{
		{"", "filter_config is empty; expected a JSON object"},
		{" \n\t", "filter_config is empty"},
		{"{", "unexpected end of JSON input at line 1 column 1"},
		{`{"request_headers": [["a", "b"]`, "unexpected end of JSON input"},
		{`{"request_headers": "x"}`, "request_headers: invalid type: string, expected an array"},
		{`{"request_headers": [["a", 1]]}`, "invalid type: number, expected a string"},
		{`{"allow_pseudo_headers": "yes"}`, "allow_pseudo_headers: invalid type: string, expected a boolean"},
		{`{"request_headers": [["a"]]}`, "request_headers[0]: invalid length 1, expected an array of two strings"},
		{`{"request_headers": [["a", "b", "c"]]}`, "request_headers[0]: invalid length 3"},
		{`{"typo": []}`, `unknown field "typo", expected one of request_headers, remove_request_headers`},
		{`{"Request_Headers": []}`, `unknown field "Request_Headers"`},
		{`{"request_headers": [], "request_headers": []}`, `duplicate field "request_headers" at line 1 column 41`},
		{`{} {}`, "trailing characters at line 1 column 4"},
		{`{}x`, "trailing characters at line 1 column 3"},
		{`[]`, "invalid type: expected a JSON object at line 1 column 1"},
		{`null`, "invalid type: expected a JSON object"},
		{`{"request_headers": null}`, "request_headers: invalid type: null, expected an array of arrays at line 1 column 24"},
		{`{"allow_pseudo_headers": null}`, "allow_pseudo_headers: invalid type: null, expected a boolean"},
		{"{\n  \"request_headers\": x}", "invalid character 'x' looking for beginning of value at line 2 column 22"},
		{`{"request_headers": [["bad name", "v"]]}`, `request_headers[0]: header name "bad name" is not a valid HTTP token`},
		{`{"request_headers": [["", "v"]]}`, `request_headers[0]: header name "" is not a valid HTTP token`},
		{`{"request_headers": [["x-ok", "v"], ["caf\u00e9", "v"]]}`, `request_headers[1]: header name "café" is not a valid HTTP token`},
		{`{"response_headers": [["x", "a\r\nb"]]}`, `response_headers[0]: header value "a\r\nb" contains CR, LF or NUL`},
		{`{"response_headers": [["x", "a\u0000b"]]}`, "contains CR, LF or NUL"},
		{`{"response_headers": [["x", ""]]}`, `response_headers[0]: header value is empty; Envoy removes a header set to "", list it under remove_* instead`},
		{`{"remove_request_headers": [":path"]}`, `remove_request_headers[0]: ":path" is a pseudo-header; set "allow_pseudo_headers": true to change it`},
		{`{"allow_pseudo_headers": true, "remove_response_headers": [":"]}`, `remove_response_headers[0]: header name ":" is not a valid HTTP token`},
	}
	for _, c := range cases {
		_, err := parseRules([]byte(c.config))
		if err == nil {
			t.Errorf("config %q: accepted, want %q", c.config, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("config %q:\n got %q\nwant %q", c.config, err, c.want)
		}
	}
}

func TestHeaderMutationPseudoHeadersNeedAnExplicitOptIn(t *testing.T) {
	rules, err := parseRules([]byte(`{"allow_pseudo_headers": true, "request_headers": [[":path", "/rewritten"]]}`))
	if err != nil {
		t.Fatal(err)
	}
	set := rules.Request.Set
	if len(set) != 1 || set[0].Name != ":path" || string(set[0].Value) != "/rewritten" {
		t.Errorf("request set = %+v", set)
	}
}

func TestHeaderMutationLowercasesNames(t *testing.T) {
	rules, err := parseRules([]byte(`{"request_headers": [["X-Set", "V"]], "remove_response_headers": ["Server"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if rules.Request.Set[0].Name != "x-set" || string(rules.Request.Set[0].Value) != "V" || rules.Response.Remove[0] != "server" {
		t.Errorf("rules = %+v", rules)
	}
}

func TestHeaderMutationARouteOverrideReplacesTheRules(t *testing.T) {
	eachHeaderMutation(t, headerMutationConfig, func(t *testing.T, config headerConfig) {
		route, err := NewHeaderMutationRoute([]byte(`{"request_headers": [["x-route", "override"]]}`))
		if err != nil {
			t.Fatal(err)
		}
		envoy := sdktest.New()
		envoy.PerRoute = route
		config.NewFilter(envoy).OnRequestHeaders(envoy, true)
		assertValues(t, envoy, sdk.RequestHeader, "x-route", "override")
		assertValues(t, envoy, sdk.RequestHeader, "x-set")
	})
}

// A route update may release a route's override while a stream that uses it
// is between its request and its response (Envoy 1.40 keeps the stream's
// route, not the module's object). What the SDK does then, on
// per_route_config_destroy, is to call Destroy if the override has one: the
// stream's response must still get the route's rules.
func TestHeaderMutationARouteOverrideOutlivesItsReleaseMidStream(t *testing.T) {
	eachHeaderMutation(t, headerMutationConfig, func(t *testing.T, config headerConfig) {
		route, err := NewHeaderMutationRoute([]byte(`{"response_headers": [["x-route", "override"]]}`))
		if err != nil {
			t.Fatal(err)
		}
		envoy := sdktest.New()
		envoy.PerRoute = route
		filter := config.NewFilter(envoy)
		filter.OnRequestHeaders(envoy, false)

		if d, ok := any(route).(interface{ Destroy() }); ok {
			d.Destroy()
		}
		runtime.GC()

		filter.OnResponseHeaders(envoy, false)
		assertValues(t, envoy, sdk.ResponseHeader, "x-route", "override")
		assertValues(t, envoy, sdk.ResponseHeader, "x-resp")
	})
}

// Attributes of any length are stamped, none is dropped, and the header gets
// a copy, not Envoy's memory.
func TestHeaderMutationStampsAttributesOfAnyLength(t *testing.T) {
	eachHeaderMutation(t, "{}", func(t *testing.T, config headerConfig) {
		for _, n := range []int{1, 128, 129, 4096} {
			envoy := sdktest.New()
			long := []byte(strings.Repeat("a", n))
			envoy.StringAttributes[sdk.AttributeUpstreamAddress] = long
			config.NewFilter(envoy).OnResponseHeaders(envoy, true)
			got, _ := envoy.GetHeader(sdk.ResponseHeader, UpstreamAddressHeader)
			if len(got) != n {
				t.Errorf("a %d-byte attribute stamped as %d bytes", n, len(got))
			}
		}
	})
}

func TestHeaderMutationFormatsCodes(t *testing.T) {
	eachHeaderMutation(t, "{}", func(t *testing.T, config headerConfig) {
		for code, want := range map[uint64]string{0: "0", 7: "7", 204: "204", 999: "999", 1000: "1000", math.MaxUint64: "18446744073709551615"} {
			envoy := sdktest.New()
			envoy.IntAttributes[sdk.AttributeResponseCode] = code
			config.NewFilter(envoy).OnResponseHeaders(envoy, true)
			assertValues(t, envoy, sdk.ResponseHeader, ResponseCodeHeader, want)
		}
	})
}

// nullEnvoy answers like Envoy but records nothing, so the filter's own
// allocations can be counted.
type nullEnvoy struct{ sdktest.FakeEnvoy }

func (*nullEnvoy) SetHeader(sdk.HeaderType, string, []byte) bool { return true }
func (*nullEnvoy) RemoveHeader(sdk.HeaderType, string) bool      { return true }

// ApplyHeaderBatch goes one operation at a time through the methods above,
// so the count includes the Go path a route's override takes.
func (e *nullEnvoy) ApplyHeaderBatch(kind sdk.HeaderType, batch *sdk.HeaderBatch) {
	sdk.ApplyHeaderOps(e, kind, batch.Ops())
}
func (*nullEnvoy) GetAttributeString(sdk.AttributeID) ([]byte, bool) {
	return nullAddress, true
}

var nullAddress = []byte("127.0.0.1:1234")

func (*nullEnvoy) GetAttributeInt(sdk.AttributeID) (uint64, bool) { return 200, true }

func TestHeaderMutationRequestPathAllocatesNothing(t *testing.T) {
	if raceEnabled {
		// The race detector's shadow bookkeeping allocates now and then inside
		// the measured function; the plain `go test` run checks the count.
		t.Skip("allocation counts are not meaningful under -race")
	}
	eachHeaderMutation(t, headerMutationConfig, func(t *testing.T, config headerConfig) {
		envoy := &nullEnvoy{}
		allocs := testing.AllocsPerRun(1000, func() {
			filter := config.NewFilter(envoy)
			filter.OnRequestHeaders(envoy, true)
			filter.OnResponseHeaders(envoy, true)
		})
		if allocs != 0 {
			t.Errorf("a header_mutation stream allocates %v times", allocs)
		}
	})
}

func TestUnpairedSurrogatesAreRefusedLikeInRustAndCpp(t *testing.T) {
	for _, config := range []string{
		`{"request_headers": [["x-a", "\ud800"]]}`,
		`{"request_headers": [["x-a", "a\udc00b"]]}`,
		`{"request_headers": [["x-a", "\ud800\u0041"]]}`,
	} {
		if _, err := NewHeaderMutationConfig([]byte(config)); err == nil || !strings.Contains(err.Error(), "unpaired surrogate") {
			t.Errorf("%s: got %v", config, err)
		}
	}
	// A real pair (U+1F600) and an escaped backslash before a u are fine.
	for _, config := range []string{
		`{"request_headers": [["x-a", "\ud83d\ude00"]]}`,
		`{"request_headers": [["x-a", "\\ud800"]]}`,
	} {
		if _, err := NewHeaderMutationConfig([]byte(config)); err != nil {
			t.Errorf("%s: %v", config, err)
		}
	}
}
