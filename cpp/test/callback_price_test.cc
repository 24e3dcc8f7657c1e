// Unit tests of callback_price.cc; the cases of rust/filters/src/http/callback_price.rs.

#include "callback_price.h"

#include <gtest/gtest.h>

#include <string>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

using sdk::BodyType;
using sdk::HeaderType;
using testing::FakeEnvoyFilter;

constexpr std::string_view kOps[] = {
    "header_get",    "header_set",   "header_add",        "header_remove",    "attribute_string",
    "attribute_int", "metadata_set", "metadata_get",      "filter_state_set", "filter_state_get",
    "body_read",     "body_append",  "counter_increment", "log_disabled",
};

std::string Json(std::string_view op, uint32_t calls) {
  return sdk::StrCat(R"({"op": ")", op, R"(", "calls": )", std::to_string(calls), "}");
}

FakeEnvoyFilter Fake() {
  FakeEnvoyFilter envoy =
      FakeEnvoyFilter::WithRequestHeaders({{":path", "/"}, {kPriceReadHeader, "original"}});
  envoy.string_attributes[sdk::AttributeId::kSourceAddress] = "127.0.0.1:5000";
  envoy.int_attributes[sdk::AttributeId::kSourcePort] = 5000;
  envoy.bodies[BodyType::kReceivedResponseBody] = {"hello"};
  return envoy;
}

// One whole request through the filter; the hits it reported.
uint32_t RunRequest(std::string_view op, uint32_t calls, FakeEnvoyFilter& envoy) {
  testing::FakeEnvoyConfig config_envoy;
  auto config = CallbackPriceConfig::New(config_envoy, Json(op, calls));
  EXPECT_TRUE(config.ok()) << config.error().message;
  auto filter = (*config)->NewFilter(envoy);
  EXPECT_EQ(filter->OnRequestHeaders(envoy, true), sdk::RequestHeadersStatus::kContinue);
  EXPECT_EQ(filter->OnResponseHeaders(envoy, false), sdk::ResponseHeadersStatus::kContinue);
  EXPECT_EQ(filter->OnResponseBody(envoy, true), sdk::ResponseBodyStatus::kContinue);
  if (auto header = envoy.GetHeader(HeaderType::kResponseHeader, kPriceHitsHeader)) {
    return static_cast<uint32_t>(std::stoul(std::string(*header)));
  }
  const std::string body = envoy.Body(BodyType::kReceivedResponseBody);
  const size_t at = body.rfind("hits=");
  EXPECT_NE(at, std::string::npos) << body;
  return static_cast<uint32_t>(std::stoul(body.substr(at + 5)));
}

TEST(CallbackPriceTest, EveryOpMakesItsCallNTimes) {
  for (const std::string_view op : kOps) {
    for (const uint32_t calls : {1U, 7U}) {
      SCOPED_TRACE(sdk::StrCat(op, " x", std::to_string(calls)));
      FakeEnvoyFilter envoy = Fake();
      const uint32_t hits = RunRequest(op, calls, envoy);
      const auto logs = testing::TakeLogs();
      // What the fake saw, op by op: the calls really happened.
      if (op == "header_add") {
        EXPECT_EQ(envoy.Values(HeaderType::kRequestHeader, kPriceWriteHeader).size(), calls);
      } else if (op == "header_set") {
        EXPECT_EQ(envoy.Values(HeaderType::kRequestHeader, kPriceWriteHeader),
                  std::vector<std::string>{"1"});
      } else if (op == "header_remove") {
        EXPECT_TRUE(envoy.Values(HeaderType::kRequestHeader, kPriceReadHeader).empty());
      } else if (op == "metadata_set") {
        EXPECT_EQ(envoy.metadata_calls, calls);
      } else if (op == "metadata_get") {
        EXPECT_EQ(envoy.metadata_calls, calls + 1);  // the one set first
      } else if (op == "filter_state_set") {
        EXPECT_EQ(envoy.filter_state.size(), calls);
      } else if (op == "filter_state_get") {
        EXPECT_EQ(envoy.filter_state_calls, calls + 1);
      } else if (op == "counter_increment") {
        EXPECT_EQ(envoy.counters.size(), calls);
      } else if (op == "body_append") {
        EXPECT_EQ(envoy.Body(BodyType::kReceivedResponseBody).substr(0, 5 + calls),
                  "hello" + std::string(calls, 'x'));
      } else if (op == "log_disabled") {
        // The fake enables every level: each call logs once.
        EXPECT_EQ(logs.size(), calls);
        continue;
      }
      EXPECT_EQ(hits, calls);
    }
  }
}

TEST(CallbackPriceTest, RefusesAnUnknownOpAndFewerThanOneCall) {
  testing::FakeEnvoyConfig config_envoy;
  auto refused = [&](std::string_view json) {
    auto config = CallbackPriceConfig::New(config_envoy, json);
    EXPECT_FALSE(config.ok()) << json;
    return config.ok() ? std::string() : config.error().message;
  };
  EXPECT_NE(refused(R"({"op": "nope", "calls": 5})").find("unknown variant `nope`"),
            std::string::npos);
  EXPECT_EQ(refused(R"({"op": "header_get", "calls": 0})"), "calls must be at least 1");
  EXPECT_EQ(refused(R"({"op": "header_get"})"), "missing field `calls`");
  EXPECT_NE(refused(R"({"op": "header_get", "calls": 1, "x": 1})").find("unknown field"),
            std::string::npos);
}

TEST(CallbackPriceTest, DefinesItsCounterOnceAtConfigTime) {
  testing::FakeEnvoyConfig config_envoy;
  ASSERT_TRUE(CallbackPriceConfig::New(config_envoy, Json("counter_increment", 3)).ok());
  ASSERT_EQ(config_envoy.defined.size(), 1U);
  EXPECT_EQ(config_envoy.defined[0].name, kPriceCounter);
}

}  // namespace
}  // namespace envoy_dm::filters
