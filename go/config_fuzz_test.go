// Fuzz target for the filters' config constructors and the SDK's JSON parser
// behind them; the Go side of rust/fuzz/fuzz_targets/config_parsers.rs.
// `go test ./...` runs its seeds (f.Add and testdata/fuzz/FuzzFilterConfig/);
// `make fuzz` (mk/fuzz.mk) runs `go test -fuzz` on it.

package main

import (
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

// The configs of envoy.yaml and docs/CONTRACT.md, and a few refused ones.
var fuzzConfigSeeds = []string{
	``,
	`{}`,
	`{"request_headers": [["x-request-set", "set-by-module"], ["x-request-replace", "replaced-by-module"]], "remove_request_headers": ["x-request-remove"], "response_headers": [["x-response-set", "set-by-module"], ["x-response-replace", "replaced-by-module"]], "remove_response_headers": ["x-response-remove"]}`,
	`{"response_headers": [["x-route-rules", "override"]]}`,
	`{"request_headers": [["x-upstream-filter", "rust_module"]]}`,
	`{"allow_pseudo_headers": true, "request_headers": [[":path", "/rewritten"]], "remove_response_headers": [":status"]}`,
	`{"phase": "request_headers"}`,
	`{"phase": "config"}`,
	`{"response": [["Hello", "Howdy"]], "request": [["secret", "[redacted]"]], "max_buffer_bytes": 8388608}`,
	`{"request": [["a", "b"]], "response": [["Hello", "Howdy"]], "max_buffer_bytes": 64, "on_overflow": "fail"}`,
	`{"response": [["", "x"], ["a"]]}`,
	`{"request_headers": [["bad name", "v"]]}`,
	`{"response_headers": [["x", "a\r\nb"]]}`,
	`{"request_headers": [], "request_headers": []}`,
	`[1, 2]`,
}

// FuzzFilterConfig feeds the same bytes to every constructor with a
// filter_config: passthrough, header_mutation (filter and per-route),
// body_rewrite and fault_injection. Each may refuse the bytes; none may panic,
// except fault_injection's deliberate panic for {"phase": "config"}.
func FuzzFilterConfig(f *testing.F) {
	for _, seed := range fuzzConfigSeeds {
		f.Add([]byte(seed))
	}
	// So the parser behind fault_injection's gate is reached.
	f.Setenv(enableFaultInjectionEnv, "1")
	f.Fuzz(func(t *testing.T, config []byte) {
		_, err := NewPassthroughConfig(config)
		if (err == nil) != (sdk.IsBlank(config) || sdk.ParseJSON(config, &struct{}{}) == nil) {
			t.Fatalf("passthrough: error %v", err)
		}

		rules, parseErr := parseRules(config)
		if parseErr == nil {
			checkRules(t, rules)
		}
		made, err := NewHeaderMutationConfig(config)
		if (err == nil) != (parseErr == nil) || err != nil && err.Error() != parseErr.Error() {
			t.Fatalf("parseRules and NewHeaderMutationConfig disagree: %v, %v", parseErr, err)
		}
		if err == nil {
			checkRules(t, made.shared.rules)
			made.Destroy()
		}
		batched, err := NewHeaderMutationBatchedConfig(config)
		if (err == nil) != (parseErr == nil) || err != nil && err.Error() != parseErr.Error() {
			t.Fatalf("parseRules and NewHeaderMutationBatchedConfig disagree: %v, %v", parseErr, err)
		}
		if err == nil {
			batched.Destroy()
		}
		if route, err := NewHeaderMutationRoute(config); (err == nil) != (parseErr == nil) || err == nil && route == nil {
			t.Fatalf("parseRules and NewHeaderMutationRoute disagree: %v, %v", parseErr, err)
		}

		if made, err := NewBodyRewriteConfig(&sdktest.FakeConfig{}, config); err == nil {
			checkBodyRules(t, made)
		}

		newFaultInjection(t, config)
	})
}

// newFaultInjection runs fault_injection's constructor, which panics on
// purpose for phase "config" and must not panic otherwise.
func newFaultInjection(t *testing.T, config []byte) {
	defer func() {
		if r := recover(); r != nil && r != "fault injected in config" {
			panic(r)
		}
	}()
	if made, err := NewFaultInjectionConfig(config); (made == nil) == (err == nil) {
		t.Fatalf("fault_injection: config %v and error %v", made, err)
	}
}

// checkBodyRules checks what an accepted body_rewrite config promises.
func checkBodyRules(t *testing.T, c *BodyRewriteConfig) {
	t.Helper()
	if c.request.empty() && c.response.empty() || c.maxBufferBytes == 0 || c.maxBufferBytes > bodyRewriteMaxBufferLimit {
		t.Fatalf("accepted %+v", c)
	}
	for _, rules := range []*BodyRules{c.request, c.response} {
		if len(rules.rules) > bodyRewriteMaxRules {
			t.Fatalf("accepted %d rules", len(rules.rules))
		}
		for _, r := range rules.rules {
			if len(r.from) == 0 || len(r.from) > bodyRewriteMaxFromBytes || len(r.to) > bodyRewriteMaxToBytes || !rules.first[r.from[0]] {
				t.Fatalf("accepted the rule %q -> %q", r.from, r.to)
			}
		}
	}
}
