// Unit tests of header_mutation.cc; the cases of rust/filters/src/http/header_mutation.rs.

#include "header_mutation.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

using testing::FakeEnvoyFilter;

// The configuration handle the constructors get; these filters define no metrics.
testing::FakeEnvoyConfig config_envoy;
using Values = std::vector<std::string>;

constexpr std::string_view kConfig = R"({
    "request_headers": [["X-Set", "module"], ["x-replace", "replaced"]],
    "remove_request_headers": ["x-remove"],
    "response_headers": [["x-resp", "yes"]],
    "remove_response_headers": ["server"]
})";

std::unique_ptr<sdk::HttpFilterConfig> ConfigFor(std::string_view json) {
  auto config = HeaderMutationConfig::New(config_envoy, json);
  EXPECT_TRUE(config.ok()) << config.error().message;
  return std::move(config).value();
}

TEST(HeaderMutationTest, RequestSideSetsReplacesAndRemoves) {
  const auto config = ConfigFor(kConfig);
  FakeEnvoyFilter envoy = FakeEnvoyFilter::WithRequestHeaders(
      {{"x-replace", "old"}, {"x-replace", "older"}, {"x-remove", "bye"}, {"x-keep", "1"}});
  auto filter = config->NewFilter(envoy);
  EXPECT_EQ(filter->OnRequestHeaders(envoy, true), sdk::RequestHeadersStatus::kContinue);
  constexpr auto kReq = sdk::HeaderType::kRequestHeader;
  EXPECT_EQ(envoy.Values(kReq, "x-set"), Values{"module"});
  EXPECT_EQ(envoy.Values(kReq, "x-replace"), Values{"replaced"});
  EXPECT_TRUE(envoy.Values(kReq, "x-remove").empty());
  EXPECT_EQ(envoy.Values(kReq, "x-keep"), Values{"1"});
}

TEST(HeaderMutationTest, ResponseSideMutatesAndStampsAttributes) {
  const auto config = ConfigFor(kConfig);
  FakeEnvoyFilter envoy;
  envoy.SetHeader(sdk::HeaderType::kResponseHeader, "server", "envoy");
  envoy.string_attributes[sdk::AttributeId::kSourceAddress] = "127.0.0.1:5555";
  envoy.string_attributes[sdk::AttributeId::kUpstreamAddress] = "127.0.0.1:1234";
  envoy.int_attributes[sdk::AttributeId::kResponseCode] = 204;
  auto filter = config->NewFilter(envoy);
  EXPECT_EQ(filter->OnResponseHeaders(envoy, false), sdk::ResponseHeadersStatus::kContinue);
  constexpr auto kResp = sdk::HeaderType::kResponseHeader;
  EXPECT_EQ(envoy.Values(kResp, "x-resp"), Values{"yes"});
  EXPECT_TRUE(envoy.Values(kResp, "server").empty());
  EXPECT_EQ(envoy.Values(kResp, kDownstreamAddressHeader), Values{"127.0.0.1:5555"});
  EXPECT_EQ(envoy.Values(kResp, kUpstreamAddressHeader), Values{"127.0.0.1:1234"});
  EXPECT_EQ(envoy.Values(kResp, kResponseCodeHeader), Values{"204"});
}

TEST(HeaderMutationTest, AbsentAttributesLeaveTheirHeadersUnset) {
  const auto config = ConfigFor("{}");
  FakeEnvoyFilter envoy;
  auto filter = config->NewFilter(envoy);
  filter->OnResponseHeaders(envoy, true);
  EXPECT_TRUE(envoy.Values(sdk::HeaderType::kResponseHeader, kDownstreamAddressHeader).empty());
  EXPECT_TRUE(envoy.Values(sdk::HeaderType::kResponseHeader, kUpstreamAddressHeader).empty());
  EXPECT_TRUE(envoy.Values(sdk::HeaderType::kResponseHeader, kResponseCodeHeader).empty());
}

TEST(HeaderMutationTest, ARouteOverrideReplacesTheRules) {
  const auto config = ConfigFor(kConfig);
  auto route =
      HeaderMutationConfig::NewPerRoute(R"({"request_headers": [["x-route", "override"]]})");
  ASSERT_TRUE(route.ok()) << route.error().message;
  FakeEnvoyFilter envoy;
  envoy.per_route = std::move(route).value();
  auto filter = config->NewFilter(envoy);
  filter->OnRequestHeaders(envoy, true);
  EXPECT_EQ(envoy.Values(sdk::HeaderType::kRequestHeader, "x-route"), Values{"override"});
  EXPECT_TRUE(envoy.Values(sdk::HeaderType::kRequestHeader, "x-set").empty());
  // The response side follows the route too: its rules have no response headers.
  filter->OnResponseHeaders(envoy, true);
  EXPECT_TRUE(envoy.Values(sdk::HeaderType::kResponseHeader, "x-resp").empty());
}

TEST(HeaderMutationTest, AnOverrideOfAnotherTypeIsIgnored) {
  const auto config = ConfigFor(kConfig);
  FakeEnvoyFilter envoy;
  envoy.per_route = sdk::PerRouteConfig(std::make_shared<const int>(7));
  config->NewFilter(envoy)->OnRequestHeaders(envoy, true);
  EXPECT_EQ(envoy.Values(sdk::HeaderType::kRequestHeader, "x-set"), Values{"module"});
}

// The stack buffer holds 128 bytes; longer values are stamped from a heap copy.
TEST(HeaderMutationTest, StampsAttributesOfAnyLengthAndTheLargestResponseCode) {
  const auto config = ConfigFor("{}");
  FakeEnvoyFilter envoy;
  envoy.int_attributes[sdk::AttributeId::kResponseCode] = UINT64_MAX;
  envoy.string_attributes[sdk::AttributeId::kSourceAddress] = std::string(200, 'a');
  envoy.string_attributes[sdk::AttributeId::kUpstreamAddress] = std::string(128, 'b');
  config->NewFilter(envoy)->OnResponseHeaders(envoy, true);
  constexpr auto kResp = sdk::HeaderType::kResponseHeader;
  EXPECT_EQ(envoy.Values(kResp, kResponseCodeHeader), Values{"18446744073709551615"});
  EXPECT_EQ(envoy.Values(kResp, kDownstreamAddressHeader), Values{std::string(200, 'a')});
  EXPECT_EQ(envoy.Values(kResp, kUpstreamAddressHeader), Values{std::string(128, 'b')});
}

TEST(HeaderMutationTest, RefusesBadConfigsWithTheReason) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "filter_config is empty; expected a JSON object"},
      {" \t\r\n", "filter_config is empty; expected a JSON object"},
      {"{", "parse error at line 1, column 2: syntax error while parsing object key"},
      {"[]", "filter_config: invalid type: array, expected a JSON object"},
      {R"({"request_headers": "x"})",
       R"(request_headers: invalid type: string "x", expected an array of [name, value] pairs)"},
      {R"({"request_headers": [["a"]]})",
       "request_headers[0]: invalid length 1, expected an array of two strings [name, value]"},
      {R"({"request_headers": [["a", 5]]})",
       "request_headers[0][1]: invalid type: integer `5`, expected a string"},
      {R"({"remove_request_headers": [null]})",
       "remove_request_headers[0]: invalid type: null, expected a string"},
      {R"({"allow_pseudo_headers": "yes"})",
       R"(allow_pseudo_headers: invalid type: string "yes", expected a boolean)"},
      {R"({"typo": []})",
       "unknown field `typo`, expected one of `request_headers`, `remove_request_headers`, "
       "`response_headers`, `remove_response_headers`, `allow_pseudo_headers`"},
      {R"({"request_headers": [], "request_headers": []})", "duplicate field `request_headers`"},
      {R"({"request_headers": [["bad name", "v"]]})",
       R"(request_headers[0]: header name "bad name" is not a valid HTTP token)"},
      {R"({"request_headers": [["", "v"]]})",
       R"(request_headers[0]: header name "" is not a valid HTTP token)"},
      {R"({"response_headers": [["x", "a\r\nb"]]})",
       R"(response_headers[0]: header value "a\r\nb" contains CR, LF or NUL)"},
      {R"({"response_headers": [["x", "a\u0000b"]]})",
       R"(response_headers[0]: header value "a\0b" contains CR, LF or NUL)"},
      {R"({"response_headers": [["x", ""]]})",
       "response_headers[0]: header value is empty; Envoy removes a header set to \"\", list it "
       "under remove_* instead"},
      {R"({"remove_request_headers": ["ok", ":path"]})",
       R"(remove_request_headers[1]: ":path" is a pseudo-header; set "allow_pseudo_headers": true to change it)"},
      {R"({"allow_pseudo_headers": true, "remove_request_headers": [":"]})",
       R"(remove_request_headers[0]: header name ":" is not a valid HTTP token)"},
  };
  for (const auto& [json, expected] : cases) {
    const auto rules = HeaderMutationConfig::Parse(json);
    ASSERT_FALSE(rules.ok()) << "config " << json << " was accepted";
    EXPECT_NE(rules.error().message.find(expected), std::string::npos)
        << "config " << json << ": got " << rules.error().message << ", want " << expected;
  }
}

TEST(HeaderMutationTest, PseudoHeadersNeedAnExplicitOptIn) {
  const auto rules = HeaderMutationConfig::Parse(
      R"({"allow_pseudo_headers": true, "request_headers": [[":path", "/rewritten"]]})");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  const std::vector<std::pair<std::string, std::string>> expected = {{":path", "/rewritten"}};
  EXPECT_EQ(rules->request.set, expected);
}

TEST(HeaderMutationTest, LowercasesNamesAndKeepsValues) {
  const auto rules = HeaderMutationConfig::Parse(
      R"({"response_headers": [["X-Mixed-Case", "Value"]], "remove_response_headers": ["SERVER"]})");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  const Rules expected{.request = {},
                       .response = {.set = {{"x-mixed-case", "Value"}}, .remove = {"server"}}};
  EXPECT_EQ(*rules, expected);
}

}  // namespace
}  // namespace envoy_dm::filters
