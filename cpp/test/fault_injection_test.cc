// Unit tests of fault_injection.cc.

#include "fault_injection.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

using testing::FakeEnvoyFilter;

// The configuration handle the constructors get; these filters define no metrics.
testing::FakeEnvoyConfig config_envoy;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv(kEnableFaultInjectionEnv, "1", 1); }
  void TearDown() override { unsetenv(kEnableFaultInjectionEnv); }
};

TEST_F(FaultInjectionTest, RefusesEveryConfigUnlessEnabled) {
  for (const char* value : {static_cast<const char*>(nullptr), "0", "true", "1 "}) {
    if (value == nullptr) {
      unsetenv(kEnableFaultInjectionEnv);
    } else {
      setenv(kEnableFaultInjectionEnv, value, 1);
    }
    const auto config = FaultInjectionConfig::New(config_envoy, R"({"phase": "request_headers"})");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().message,
              "test-only filter; set DM_ENABLE_FAULT_INJECTION=1 in Envoy's environment");
  }
}

TEST_F(FaultInjectionTest, RefusesBadConfigsWithTheReason) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "filter_config is empty; expected a JSON object"},
      {"{}", "missing field `phase`"},
      {R"({"phase": 1})", "phase: invalid type: integer `1`, expected a string"},
      {R"({"phase": "later"})",
       "phase: unknown variant `later`, expected one of `config`, `request_headers`, "
       "`request_body`, `response_headers`, `response_body`, `stream_complete`"},
      {R"({"phase": "config", "x": 1})", "unknown field `x`, expected `phase`"},
  };
  for (const auto& [json, expected] : cases) {
    const auto config = FaultInjectionConfig::New(config_envoy, json);
    ASSERT_FALSE(config.ok()) << "config " << json << " was accepted";
    EXPECT_EQ(config.error().message, expected) << "config " << json;
  }
}

TEST_F(FaultInjectionTest, ThrowsWhileTheConfigIsCreated) {
  try {
    static_cast<void>(FaultInjectionConfig::New(config_envoy, R"({"phase": "config"})"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "fault injected in config");
  }
}

// Which hook of a FaultInjection filter threw, if any, with its message.
std::string CallHook(sdk::HttpFilter& filter, FakeEnvoyFilter& envoy, std::string_view hook) {
  try {
    if (hook == "request_headers") filter.OnRequestHeaders(envoy, false);
    if (hook == "request_body") filter.OnRequestBody(envoy, true);
    if (hook == "request_trailers") filter.OnRequestTrailers(envoy);
    if (hook == "response_headers") filter.OnResponseHeaders(envoy, false);
    if (hook == "response_body") filter.OnResponseBody(envoy, true);
    if (hook == "response_trailers") filter.OnResponseTrailers(envoy);
    if (hook == "stream_complete") filter.OnStreamComplete(envoy);
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

TEST_F(FaultInjectionTest, ThrowsInTheChosenPhaseOnly) {
  const std::pair<std::string_view, std::string_view> phases[] = {
      {"request_headers", "RequestHeaders"},   {"request_body", "RequestBody"},
      {"response_headers", "ResponseHeaders"}, {"response_body", "ResponseBody"},
      {"stream_complete", "StreamComplete"},
  };
  const std::string_view hooks[] = {"request_headers",  "request_body",  "request_trailers",
                                    "response_headers", "response_body", "response_trailers",
                                    "stream_complete"};
  for (const auto& [phase, name] : phases) {
    const auto config =
        FaultInjectionConfig::New(config_envoy, sdk::StrCat(R"({"phase": ")", phase, R"("})"));
    ASSERT_TRUE(config.ok()) << config.error().message;
    FakeEnvoyFilter quiet;  // no trigger header: nothing throws
    const auto unarmed = (*config)->NewFilter(quiet);
    for (const std::string_view hook : hooks) {
      EXPECT_EQ(CallHook(*unarmed, quiet, hook), "") << "unarmed, hook " << hook;
    }
    FakeEnvoyFilter envoy;
    envoy.AddHeader(sdk::HeaderType::kRequestHeader, kFaultTriggerHeader, "1");
    const auto filter = (*config)->NewFilter(envoy);
    for (const std::string_view hook : hooks) {
      const std::string expected = hook == phase ? sdk::StrCat("fault injected in ", name) : "";
      EXPECT_EQ(CallHook(*filter, envoy, hook), expected) << "phase " << phase << ", hook " << hook;
    }
  }
}

}  // namespace
}  // namespace envoy_dm::filters
