#include <gtest/gtest.h>

#include "hello.h"
#include "testing.h"

TEST(HelloTest, StampsTheResponse) {
  envoy_dm::testing::FakeEnvoyConfig config_envoy;
  auto config = HelloConfig::New(config_envoy, R"({"stamp": "s"})");
  ASSERT_TRUE(config.ok()) << config.error().message;
  envoy_dm::testing::FakeEnvoyFilter envoy;
  (*config)->NewFilter(envoy)->OnResponseHeaders(envoy, false);
  EXPECT_EQ(envoy.GetHeader(envoy_dm::sdk::HeaderType::kResponseHeader, "x-hello"), "s");
}
