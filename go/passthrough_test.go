package main

import (
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

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

// The hooks a filter implements are the ones that enter Go (sdk/filter.go):
// each filter implements those it needs, and no other.
func TestFiltersImplementOnlyTheHooksTheyNeed(t *testing.T) {
	hooks := func(filter any) []string {
		var names []string
		for name, implements := range map[string]bool{
			"request_headers":   is[sdk.RequestHeadersFilter](filter),
			"request_body":      is[sdk.RequestBodyFilter](filter),
			"request_trailers":  is[sdk.RequestTrailersFilter](filter),
			"response_headers":  is[sdk.ResponseHeadersFilter](filter),
			"response_body":     is[sdk.ResponseBodyFilter](filter),
			"response_trailers": is[sdk.ResponseTrailersFilter](filter),
			"stream_complete":   is[sdk.StreamCompleteFilter](filter),
		} {
			if implements {
				names = append(names, name)
			}
		}
		return names
	}
	for _, tc := range []struct {
		name   string
		filter any
		want   int
	}{
		{"passthrough", Passthrough{}, 0},
		{"header_mutation", &HeaderMutation{}, 2},
		{"header_mutation_batched", &HeaderMutationBatched{}, 2},
		{"fault_injection", &FaultInjection{}, 5},
		{"body_rewrite", &BodyRewrite{}, 6},
		{"callback_price", &CallbackPrice{}, 3},
	} {
		if got := hooks(tc.filter); len(got) != tc.want {
			t.Errorf("%s implements %q, want %d hooks", tc.name, got, tc.want)
		}
	}
	if got := hooks(&HeaderMutation{}); !(is[sdk.RequestHeadersFilter](&HeaderMutation{}) && is[sdk.ResponseHeadersFilter](&HeaderMutation{})) {
		t.Errorf("header_mutation implements %q", got)
	}
}

func is[I any](filter any) bool {
	_, ok := filter.(I)
	return ok
}
