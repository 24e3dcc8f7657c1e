// {{name}}.h: `{{name}}`, (say what it does). Written by `make new-filter`: it
// stamps `{{header}}: <stamp>` on every response; the other hooks are
// commented out below, each with the ABI hook it answers (docs/ABI.md).
//
// Config (JSON): {"stamp": "{{name}}"}.

#ifndef ENVOY_DM_CPP_FILTERS_{{NAME}}_H_
#define ENVOY_DM_CPP_FILTERS_{{NAME}}_H_

#include <memory>
#include <string>
#include <string_view>

#include "sdk.h"

namespace envoy_dm::filters {

// Made once per filter config on Envoy's main thread
// (envoy_dynamic_module_on_http_filter_config_new); an Error refuses it.
class {{Camel}}Config final : public sdk::HttpFilterConfig {
 public:
  static sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> New(sdk::EnvoyHttpFilterConfig& envoy,
                                                                 std::string_view config);

  // One filter per stream (envoy_dynamic_module_on_http_filter_new).
  std::unique_ptr<sdk::HttpFilter> NewFilter(sdk::EnvoyHttpFilter& envoy) const override;

  std::string stamp;
};

class {{Camel}} final : public sdk::HttpFilter {
 public:
  explicit {{Camel}}(const {{Camel}}Config& config) : config_(config) {}

  // envoy_dynamic_module_on_http_filter_request_headers
  // sdk::RequestHeadersStatus OnRequestHeaders(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  // envoy_dynamic_module_on_http_filter_request_body
  // sdk::RequestBodyStatus OnRequestBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  // envoy_dynamic_module_on_http_filter_request_trailers
  // sdk::RequestTrailersStatus OnRequestTrailers(sdk::EnvoyHttpFilter& envoy) override;
  // envoy_dynamic_module_on_http_filter_response_headers
  sdk::ResponseHeadersStatus OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                               bool end_of_stream) override;
  // envoy_dynamic_module_on_http_filter_response_body
  // sdk::ResponseBodyStatus OnResponseBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  // envoy_dynamic_module_on_http_filter_response_trailers
  // sdk::ResponseTrailersStatus OnResponseTrailers(sdk::EnvoyHttpFilter& envoy) override;
  // envoy_dynamic_module_on_http_filter_stream_complete: the last hook.
  // void OnStreamComplete(sdk::EnvoyHttpFilter& envoy) override;

 private:
  const {{Camel}}Config& config_;
};

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_FILTERS_{{NAME}}_H_
