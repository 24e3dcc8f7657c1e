// Command {{module}} is lib{{module}}.so: one HTTP filter, hello, that stamps
// x-hello on every response. Register more filters in init (see the
// repository's docs/TUTORIAL.md for a walk through the hooks).
package main

import "github.com/envoy-dynamic-modules-lab/go_module/sdk"

func init() {
	sdk.SetModuleName("{{module}}")
	sdk.RegisterFilter("hello", NewHelloConfig)
}

// main is never called: a c-shared library starts at the SDK's hooks.
func main() {}

type HelloConfig struct {
	Stamp string `json:"stamp"`
}

func NewHelloConfig(config []byte) (*HelloConfig, error) {
	var c HelloConfig
	if err := sdk.ParseJSON(config, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *HelloConfig) NewFilter(sdk.EnvoyHTTPFilter) *Hello { return &Hello{stamp: c.Stamp} }

type Hello struct{ stamp string }

func (h *Hello) OnResponseHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.ResponseHeadersStatus {
	envoy.SetHeader(sdk.ResponseHeader, "x-hello", []byte(h.stamp))
	return sdk.ResponseHeadersContinue
}
