// {{name}}: (say what it does). Written by `make new-filter`: it stamps
// {{header}}: <stamp> on every response; the other hooks are commented out
// below, each with the ABI hook it answers (docs/ABI.md). Go enters only the
// hooks a filter implements (sdk/filter.go).
//
// Config (JSON): {"stamp": "{{name}}"}.

package main

import (
	"errors"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

// {{Camel}}Config is made once per filter config on Envoy's main thread
// (envoy_dynamic_module_on_http_filter_config_new); an error refuses it.
type {{Camel}}Config struct {
	Stamp string `json:"stamp"`
}

func New{{Camel}}Config(config []byte) (*{{Camel}}Config, error) {
	var c {{Camel}}Config
	if err := sdk.ParseJSON(config, &c); err != nil {
		return nil, err
	}
	if c.Stamp == "" {
		return nil, errors.New(`"stamp" is empty`)
	}
	return &c, nil
}

// NewFilter makes the filter of one stream (envoy_dynamic_module_on_http_filter_new).
func (c *{{Camel}}Config) NewFilter(sdk.EnvoyHTTPFilter) *{{Camel}} {
	return &{{Camel}}{config: c}
}

type {{Camel}} struct {
	config *{{Camel}}Config
}

// envoy_dynamic_module_on_http_filter_request_headers
// func (f *{{Camel}}) OnRequestHeaders(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.RequestHeadersStatus {
// 	return sdk.RequestHeadersContinue
// }

// envoy_dynamic_module_on_http_filter_request_body
// func (f *{{Camel}}) OnRequestBody(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.RequestBodyStatus {
// 	return sdk.RequestBodyContinue
// }

// envoy_dynamic_module_on_http_filter_request_trailers
// func (f *{{Camel}}) OnRequestTrailers(envoy sdk.EnvoyHTTPFilter) sdk.RequestTrailersStatus {
// 	return sdk.RequestTrailersContinue
// }

// OnResponseHeaders answers envoy_dynamic_module_on_http_filter_response_headers.
func (f *{{Camel}}) OnResponseHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.ResponseHeadersStatus {
	envoy.SetHeader(sdk.ResponseHeader, "{{header}}", []byte(f.config.Stamp))
	return sdk.ResponseHeadersContinue
}

// envoy_dynamic_module_on_http_filter_response_body
// func (f *{{Camel}}) OnResponseBody(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.ResponseBodyStatus {
// 	return sdk.ResponseBodyContinue
// }

// envoy_dynamic_module_on_http_filter_response_trailers
// func (f *{{Camel}}) OnResponseTrailers(envoy sdk.EnvoyHTTPFilter) sdk.ResponseTrailersStatus {
// 	return sdk.ResponseTrailersContinue
// }

// envoy_dynamic_module_on_http_filter_stream_complete: the last hook.
// func (f *{{Camel}}) OnStreamComplete(envoy sdk.EnvoyHTTPFilter) {}
