package main

import (
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

func Test{{Camel}}StampsTheResponse(t *testing.T) {
	config, err := New{{Camel}}Config([]byte(`{"stamp": "{{name}}"}`))
	if err != nil {
		t.Fatal(err)
	}
	envoy := sdktest.WithRequestHeaders(":path", "/")
	filter := config.NewFilter(envoy)
	filter.OnResponseHeaders(envoy, false)
	if got := envoy.Values(sdk.ResponseHeader, "{{header}}"); len(got) != 1 || got[0] != "{{name}}" {
		t.Errorf("{{header}} = %q", got)
	}
}

func Test{{Camel}}RefusesBadConfigs(t *testing.T) {
	for config, why := range map[string]string{
		`{"stamp": ""}`:         `"stamp" is empty`,
		`{"stamp": "s", "x": 1}`: `unknown field "x"`,
	} {
		if _, err := New{{Camel}}Config([]byte(config)); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: got %v, want %s", config, err, why)
		}
	}
}
