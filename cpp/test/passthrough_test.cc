// Unit tests of passthrough.cc; the cases of rust/filters/src/http/passthrough.rs.

#include "passthrough.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

using testing::FakeEnvoyFilter;

// The configuration handle the constructors get; these filters define no metrics.
testing::FakeEnvoyConfig config_envoy;

TEST(PassthroughTest, ContinuesAndChangesNothing) {
  auto config = PassthroughConfig::New(config_envoy, "");
  ASSERT_TRUE(config.ok()) << config.error().message;
  FakeEnvoyFilter envoy = FakeEnvoyFilter::WithRequestHeaders({{":path", "/"}, {"x-a", "1"}});
  const auto before = envoy.GetHeaders(sdk::HeaderType::kRequestHeader).size();
  auto filter = (*config)->NewFilter(envoy);
  EXPECT_EQ(filter->OnRequestHeaders(envoy, true), sdk::RequestHeadersStatus::kContinue);
  EXPECT_EQ(filter->OnResponseHeaders(envoy, false), sdk::ResponseHeadersStatus::kContinue);
  EXPECT_EQ(envoy.GetHeaders(sdk::HeaderType::kRequestHeader).size(), before);
  EXPECT_FALSE(envoy.sent_response.has_value());
}

TEST(PassthroughTest, AcceptsAnEmptyObjectAndRefusesSettings) {
  EXPECT_TRUE(PassthroughConfig::New(config_envoy, " {} ").ok());
  EXPECT_TRUE(PassthroughConfig::New(config_envoy, " \n").ok());
  const auto refused = PassthroughConfig::New(config_envoy, R"({"x":1})");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "unknown field `x`, there are no fields");
}

}  // namespace
}  // namespace envoy_dm::filters
