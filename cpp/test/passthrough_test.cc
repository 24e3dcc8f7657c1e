// Unit tests of passthrough.cc; the cases of rust/filters/src/passthrough.rs.

#include "passthrough.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

using sdk::HeaderType;
using testing::FakeEnvoyConfig;
using testing::FakeEnvoyFilter;

TEST(PassthroughTest, ContinuesAndChangesNothing) {
  FakeEnvoyConfig envoy_config;
  auto config = PassthroughConfig::New(envoy_config, "");
  ASSERT_TRUE(config.ok()) << config.error().message;
  FakeEnvoyFilter envoy = FakeEnvoyFilter::WithRequestHeaders({{":path", "/"}, {"x-a", "1"}});
  const auto before = envoy.GetHeaders(HeaderType::kRequestHeader).size();
  auto filter = (*config)->NewFilter(envoy);
  EXPECT_EQ(filter->OnRequestHeaders(envoy, true), sdk::RequestHeadersStatus::kContinue);
  EXPECT_EQ(filter->OnResponseHeaders(envoy, false), sdk::ResponseHeadersStatus::kContinue);
  EXPECT_EQ(envoy.GetHeaders(HeaderType::kRequestHeader).size(), before);
  EXPECT_FALSE(envoy.sent_response.has_value());
}

TEST(PassthroughTest, AcceptsAnEmptyObjectAndRefusesSettings) {
  FakeEnvoyConfig envoy_config;
  EXPECT_TRUE(PassthroughConfig::New(envoy_config, " {} ").ok());
  EXPECT_TRUE(PassthroughConfig::New(envoy_config, " \n").ok());
  const auto refused = PassthroughConfig::New(envoy_config, R"({"x":1})");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "unknown field `x`, there are no fields");
}

}  // namespace
}  // namespace envoy_dm::filters
