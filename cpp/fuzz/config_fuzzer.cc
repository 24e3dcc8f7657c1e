// config_fuzzer.cc: every C++ filter constructor with a filter_config
// (passthrough, header_mutation for the filter and per route, fault_injection)
// fed the same bytes. A constructor may refuse them with an Error; it must not
// crash, leak or throw, except fault_injection's deliberate throw for
// {"phase": "config"}. Built with -DDM_FUZZ=ON (cpp/CMakeLists.txt).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "checks.h"
#include "fault_injection.h"
#include "header_mutation.h"
#include "passthrough.h"
#include "testing.h"

namespace {

using envoy_dm::filters::FaultInjectionConfig;
using envoy_dm::filters::HeaderMutationConfig;
using envoy_dm::filters::PassthroughConfig;
using envoy_dm::fuzz::Check;
using envoy_dm::fuzz::CheckRules;

// The configuration handle the constructors get; these filters define no metrics.
envoy_dm::testing::FakeEnvoyConfig config_envoy;

void NewFaultInjection(std::string_view config) {
  try {
    (void)FaultInjectionConfig::New(config_envoy, config);
  } catch (const std::runtime_error& e) {
    Check(std::string_view(e.what()) == "fault injected in config",
          std::string("fault_injection threw: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // So the parser behind fault_injection's gate is reached.
  setenv(envoy_dm::filters::kEnableFaultInjectionEnv, "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view config(reinterpret_cast<const char*>(data), size);

  (void)PassthroughConfig::New(config_envoy, config);

  const auto parsed = HeaderMutationConfig::Parse(config);
  if (parsed) CheckRules(*parsed);
  const auto made = HeaderMutationConfig::New(config_envoy, config);
  const auto route = HeaderMutationConfig::NewPerRoute(config);
  Check(made.ok() == parsed.ok() && route.ok() == parsed.ok(),
        "Parse, New and NewPerRoute disagree");
  if (parsed) {
    Check(static_cast<const HeaderMutationConfig&>(**made).rules() == *parsed,
          "New made other rules than Parse");
    Check(*route->As<envoy_dm::filters::Rules>() == *parsed,
          "NewPerRoute made other rules than Parse");
  } else {
    Check(made.error().message == parsed.error().message, "New and Parse give other reasons");
  }

  NewFaultInjection(config);
  return 0;
}
