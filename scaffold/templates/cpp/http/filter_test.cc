// Unit tests of {{name}}.cc against the fake Envoy of sdk/testing.h.

#include "{{name}}.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

testing::FakeEnvoyConfig config_envoy;

TEST({{Camel}}Test, StampsTheResponse) {
  auto config = {{Camel}}Config::New(config_envoy, R"({"stamp": "{{name}}"})");
  ASSERT_TRUE(config.ok()) << config.error().message;
  testing::FakeEnvoyFilter envoy = testing::FakeEnvoyFilter::WithRequestHeaders({{":path", "/"}});
  auto filter = (*config)->NewFilter(envoy);
  EXPECT_EQ(filter->OnResponseHeaders(envoy, false), sdk::ResponseHeadersStatus::kContinue);
  EXPECT_EQ(envoy.GetHeader(sdk::HeaderType::kResponseHeader, "{{header}}"), "{{name}}");
}

TEST({{Camel}}Test, RefusesBadConfigs) {
  EXPECT_EQ({{Camel}}Config::New(config_envoy, R"({"stamp": ""})").error().message,
            "\"stamp\" is empty");
  EXPECT_FALSE({{Camel}}Config::New(config_envoy, R"({"stamp": "s", "x": 1})").ok());
}

}  // namespace
}  // namespace envoy_dm::filters
