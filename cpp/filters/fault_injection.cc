// fault_injection.cc: see fault_injection.h.

#include "fault_injection.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace envoy_dm::filters {
namespace {

struct PhaseName {
  Phase phase;
  std::string_view config;  // as written in the JSON config
  std::string_view name;    // as the panic messages of the Rust module print it
};

constexpr std::array<PhaseName, 6> kPhases = {{
    {Phase::kConfig, "config", "Config"},
    {Phase::kRequestHeaders, "request_headers", "RequestHeaders"},
    {Phase::kRequestBody, "request_body", "RequestBody"},
    {Phase::kResponseHeaders, "response_headers", "ResponseHeaders"},
    {Phase::kResponseBody, "response_body", "ResponseBody"},
    {Phase::kStreamComplete, "stream_complete", "StreamComplete"},
}};

constexpr std::string_view kFields[] = {"phase"};

bool Enabled() {
  const char* value = std::getenv(kEnableFaultInjectionEnv);
  return value != nullptr && std::string_view(value) == "1";
}

sdk::Result<Phase> ParsePhase(std::string_view config) {
  const sdk::Result<sdk::Json> raw = sdk::ParseJsonObject(config, kFields);
  if (!raw) return raw.error();
  const sdk::Result<std::string> phase = sdk::ReadRequiredString(*raw, "phase");
  if (!phase) return phase.error();
  const auto it = std::ranges::find(kPhases, *phase, &PhaseName::config);
  if (it == kPhases.end()) {
    std::string expected;
    for (const PhaseName& known : kPhases) {
      expected.append(sdk::StrCat(expected.empty() ? "" : ", ", "`", known.config, "`"));
    }
    return sdk::Error{
        sdk::StrCat("phase: unknown variant `", *phase, "`, expected one of ", expected)};
  }
  return it->phase;
}

}  // namespace

sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> FaultInjectionConfig::New(
    sdk::EnvoyHttpFilterConfig& /*envoy*/, std::string_view config) {
  if (!Enabled()) {
    return sdk::Error{sdk::StrCat("test-only filter; set ", kEnableFaultInjectionEnv,
                                  "=1 in Envoy's environment")};
  }
  const sdk::Result<Phase> phase = ParsePhase(config);
  if (!phase) return phase.error();
  if (*phase == Phase::kConfig) throw std::runtime_error("fault injected in config");
  return std::make_unique<FaultInjectionConfig>(*phase);
}

std::unique_ptr<sdk::HttpFilter> FaultInjectionConfig::NewFilter(
    sdk::EnvoyHttpFilter& /*envoy*/) const {
  return std::make_unique<FaultInjection>(phase_);
}

void FaultInjection::MaybeThrow(Phase here) const {
  if (!armed_ || phase_ != here) return;
  const auto it = std::ranges::find(kPhases, here, &PhaseName::phase);
  throw std::runtime_error(sdk::StrCat("fault injected in ", it->name));
}

sdk::RequestHeadersStatus FaultInjection::OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                                           bool /*end_of_stream*/) {
  armed_ = envoy.GetHeader(sdk::HeaderType::kRequestHeader, kFaultTriggerHeader).has_value();
  MaybeThrow(Phase::kRequestHeaders);
  return sdk::RequestHeadersStatus::kContinue;
}

sdk::RequestBodyStatus FaultInjection::OnRequestBody(sdk::EnvoyHttpFilter& /*envoy*/,
                                                     bool /*end_of_stream*/) {
  MaybeThrow(Phase::kRequestBody);
  return sdk::RequestBodyStatus::kContinue;
}

sdk::ResponseHeadersStatus FaultInjection::OnResponseHeaders(sdk::EnvoyHttpFilter& /*envoy*/,
                                                             bool /*end_of_stream*/) {
  MaybeThrow(Phase::kResponseHeaders);
  return sdk::ResponseHeadersStatus::kContinue;
}

sdk::ResponseBodyStatus FaultInjection::OnResponseBody(sdk::EnvoyHttpFilter& /*envoy*/,
                                                       bool /*end_of_stream*/) {
  MaybeThrow(Phase::kResponseBody);
  return sdk::ResponseBodyStatus::kContinue;
}

void FaultInjection::OnStreamComplete(sdk::EnvoyHttpFilter& /*envoy*/) {
  MaybeThrow(Phase::kStreamComplete);
}

}  // namespace envoy_dm::filters
