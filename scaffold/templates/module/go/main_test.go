package main

import (
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

func TestHelloStampsTheResponse(t *testing.T) {
	config, err := NewHelloConfig([]byte(`{"stamp": "s"}`))
	if err != nil {
		t.Fatal(err)
	}
	envoy := sdktest.New()
	config.NewFilter(envoy).OnResponseHeaders(envoy, false)
	if got := envoy.Values(sdk.ResponseHeader, "x-hello"); len(got) != 1 || got[0] != "s" {
		t.Errorf("x-hello = %q", got)
	}
}
