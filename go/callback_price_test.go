package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

// The cases of rust/filters/src/http/callback_price.rs.

func priceFake() *sdktest.FakeEnvoy {
	envoy := sdktest.WithRequestHeaders(":path", "/", priceReadHeader, "original")
	envoy.StringAttributes[sdk.AttributeSourceAddress] = []byte("127.0.0.1:5000")
	envoy.IntAttributes[sdk.AttributeSourcePort] = 5000
	envoy.SetBody(sdk.ReceivedResponseBody, []byte("hello"))
	return envoy
}

// runPrice takes one whole request through the filter; the hits it reported.
func runPrice(t *testing.T, op string, calls int, envoy *sdktest.FakeEnvoy) int {
	t.Helper()
	config, err := NewCallbackPriceConfig(&sdktest.FakeConfig{}, []byte(`{"op": "`+op+`", "calls": `+strconv.Itoa(calls)+`}`))
	if err != nil {
		t.Fatal(err)
	}
	filter := config.NewFilter(envoy)
	if got := filter.OnRequestHeaders(envoy, true); got != sdk.RequestHeadersContinue {
		t.Fatalf("%s: request headers %v", op, got)
	}
	if got := filter.OnResponseHeaders(envoy, false); got != sdk.ResponseHeadersContinue {
		t.Fatalf("%s: response headers %v", op, got)
	}
	if got := filter.OnResponseBody(envoy, true); got != sdk.ResponseBodyContinue {
		t.Fatalf("%s: response body %v", op, got)
	}
	reported, ok := envoy.GetHeader(sdk.ResponseHeader, priceHitsHeader)
	if !ok {
		body := string(envoy.Body(sdk.ReceivedResponseBody))
		at := strings.LastIndex(body, "hits=")
		if at < 0 {
			t.Fatalf("%s: no hits in %q", op, body)
		}
		reported = []byte(strings.TrimSpace(body[at+len("hits="):]))
	}
	hits, err := strconv.Atoi(string(reported))
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestCallbackPriceEveryOpMakesItsCallNTimes(t *testing.T) {
	for _, op := range priceOps {
		for _, calls := range []int{1, 7} {
			logs := sdktest.CaptureLogs(t)
			envoy := priceFake()
			hits := runPrice(t, op, calls, envoy)
			// What the fake saw, op by op: the calls really happened.
			check := func(what string, got, want int) {
				if got != want {
					t.Errorf("%s x%d: %s %d, want %d", op, calls, what, got, want)
				}
			}
			switch op {
			case "header_add":
				check("values", len(envoy.Values(sdk.RequestHeader, priceWriteHeader)), calls)
			case "header_set":
				check("values", len(envoy.Values(sdk.RequestHeader, priceWriteHeader)), 1)
			case "header_remove":
				check("values", len(envoy.Values(sdk.RequestHeader, priceReadHeader)), 0)
			case "metadata_set":
				check("metadata calls", envoy.MetadataCalls, calls)
			case "metadata_get":
				check("metadata calls", envoy.MetadataCalls, calls+1) // the one set first
			case "filter_state_set":
				check("keys", len(envoy.FilterState), calls)
			case "filter_state_get":
				check("filter-state calls", envoy.FilterStateCalls, calls+1)
			case "counter_increment":
				check("increments", len(envoy.Counters), calls)
			case "body_append":
				body := string(envoy.Body(sdk.ReceivedResponseBody))
				if !strings.HasPrefix(body, "hello"+strings.Repeat("x", calls)+"\n") {
					t.Errorf("body_append x%d: body %q", calls, body)
				}
			case "log_disabled":
				// The fake enables every level: each call logs once.
				check("lines", len(logs.Take()), calls)
				continue
			}
			check("hits", hits, calls)
		}
	}
}

func TestCallbackPriceRefusesAnUnknownOpAndFewerThanOneCall(t *testing.T) {
	for config, want := range map[string]string{
		`{"op": "nope", "calls": 5}`:               "unknown variant `nope`",
		`{"op": "header_get", "calls": 0}`:         "calls must be at least 1",
		`{"op": "header_get"}`:                     "missing field `calls`",
		`{"op": "header_get", "calls": 1, "x": 1}`: `unknown field "x"`,
	} {
		_, err := NewCallbackPriceConfig(&sdktest.FakeConfig{}, []byte(config))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", config, err, want)
		}
	}
}

func TestCallbackPriceDefinesItsCounterOnceAtConfigTime(t *testing.T) {
	fake := &sdktest.FakeConfig{}
	if _, err := NewCallbackPriceConfig(fake, []byte(`{"op": "counter_increment", "calls": 3}`)); err != nil {
		t.Fatal(err)
	}
	if len(fake.Defined) != 1 || fake.Defined[0].Name != priceCounter {
		t.Errorf("defined %v", fake.Defined)
	}
}
