// fault_injection.h: `fault_injection`, a test-only filter that throws in one
// chosen phase, to prove the SDK's barrier: the stream fails closed, one line is
// logged, and Envoy keeps serving. Mirrors rust/filters/src/http/fault_injection.rs.
//
// Config: {"phase": "config" | "request_headers" | "request_body" |
// "response_headers" | "response_body" | "stream_complete"}. A stream throws only
// when its request carries x-inject-fault (any value), so the next request on
// the same listener shows that Envoy still serves. The filter refuses
// every config unless Envoy runs with DM_ENABLE_FAULT_INJECTION=1, so a shipped
// configuration can never enable it by accident.

#ifndef ENVOY_DM_CPP_FILTERS_FAULT_INJECTION_H_
#define ENVOY_DM_CPP_FILTERS_FAULT_INJECTION_H_

#include <memory>
#include <string_view>

#include "sdk.h"

namespace envoy_dm::filters {

inline constexpr char kEnableFaultInjectionEnv[] = "DM_ENABLE_FAULT_INJECTION";
inline constexpr char kFaultTriggerHeader[] = "x-inject-fault";

enum class Phase {
  kConfig,
  kRequestHeaders,
  kRequestBody,
  kResponseHeaders,
  kResponseBody,
  kStreamComplete,
};

class FaultInjectionConfig final : public sdk::HttpFilterConfig {
 public:
  // Throws std::runtime_error for {"phase": "config"}.
  static sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> New(sdk::EnvoyHttpFilterConfig& envoy,
                                                                 std::string_view config);

  explicit FaultInjectionConfig(Phase phase) : phase_(phase) {}

  std::unique_ptr<sdk::HttpFilter> NewFilter(sdk::EnvoyHttpFilter& envoy) const override;

 private:
  Phase phase_;
};

class FaultInjection final : public sdk::HttpFilter {
 public:
  explicit FaultInjection(Phase phase) : phase_(phase) {}

  sdk::RequestHeadersStatus OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                             bool end_of_stream) override;
  sdk::RequestBodyStatus OnRequestBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  sdk::ResponseHeadersStatus OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                               bool end_of_stream) override;
  sdk::ResponseBodyStatus OnResponseBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;
  void OnStreamComplete(sdk::EnvoyHttpFilter& envoy) override;

 private:
  // Throws std::runtime_error("fault injected in RequestHeaders") when `here` is the phase.
  void MaybeThrow(Phase here) const;

  Phase phase_;
  bool armed_ = false;  // whether this stream's request asked for the fault
};

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_FILTERS_FAULT_INJECTION_H_
