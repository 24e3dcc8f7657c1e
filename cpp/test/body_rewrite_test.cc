// Unit tests of body_rewrite against the fake handle; the C++ side of the tests
// in rust/filters/src/http/body_rewrite.rs.

#include "body_rewrite.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "testing.h"

namespace envoy_dm::filters {
namespace {

using testing::CounterUpdate;
using testing::DefinedMetric;
using testing::FakeEnvoyConfig;
using testing::FakeEnvoyFilter;

constexpr sdk::HeaderType kRequestHeader = sdk::HeaderType::kRequestHeader;
constexpr sdk::HeaderType kResponseHeader = sdk::HeaderType::kResponseHeader;
constexpr sdk::BodyType kReceivedRequest = sdk::BodyType::kReceivedRequestBody;
constexpr sdk::BodyType kReceivedResponse = sdk::BodyType::kReceivedResponseBody;
constexpr sdk::BodyType kBufferedResponse = sdk::BodyType::kBufferedResponseBody;

constexpr std::string_view kHowdy = R"({"response": [["Hello", "Howdy"]]})";

std::unique_ptr<BodyRewriteConfig> Config(std::string_view json) {
  FakeEnvoyConfig envoy;
  auto made = BodyRewriteConfig::Make(envoy, json);
  EXPECT_TRUE(made.ok()) << json << ": " << (made.ok() ? "" : made.error().message);
  if (!made) return nullptr;
  EXPECT_EQ(envoy.defined,
            (std::vector<DefinedMetric>{{"body_rewrite_overflow_total", {"direction"}}}));
  return std::move(made).value();
}

std::string Refusal(std::string_view json) {
  FakeEnvoyConfig envoy;
  auto made = BodyRewriteConfig::Make(envoy, json);
  EXPECT_FALSE(made.ok()) << "accepted " << json;
  return made.ok() ? "" : made.error().message;
}

// Streams `chunks` through the response side and returns what left.
std::string Stream(const BodyRewriteConfig& config, const std::vector<std::string_view>& chunks,
                   bool trailers) {
  FakeEnvoyFilter envoy;
  envoy.SetHeader(kResponseHeader, ":status", "200");
  envoy.SetHeader(kResponseHeader, "content-length", "99");
  auto filter = config.NewFilter(envoy);
  filter->OnResponseHeaders(envoy, false);
  EXPECT_TRUE(envoy.Values(kResponseHeader, "content-length").empty());
  std::string out;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const bool end = !trailers && i + 1 == chunks.size();
    envoy.bodies[kReceivedResponse] = {std::string(chunks[i])};
    EXPECT_EQ(filter->OnResponseBody(envoy, end), sdk::ResponseBodyStatus::kContinue);
    out += envoy.Body(kReceivedResponse);
  }
  if (trailers) {
    filter->OnResponseTrailers(envoy);
    out += envoy.Body(kBufferedResponse);
  }
  return out;
}

TEST(BodyRewrite, AMatchSplitAtEveryByteIsReplaced) {
  const auto config = Config(kHowdy);
  const std::string_view body = "Hello from echo server, Hello";
  for (size_t cut = 0; cut <= body.size(); ++cut) {
    for (const bool trailers : {false, true}) {
      EXPECT_EQ(Stream(*config, {body.substr(0, cut), body.substr(cut)}, trailers),
                "Howdy from echo server, Howdy")
          << "cut at " << cut << ", trailers " << trailers;
    }
  }
}

TEST(BodyRewrite, OneByteChunksAndAnEmptyLastFrame) {
  const auto config = Config(kHowdy);
  const std::string_view body = "xHelHello Hello!";
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < body.size(); ++i) chunks.push_back(body.substr(i, 1));
  chunks.emplace_back();
  EXPECT_EQ(Stream(*config, chunks, false), "xHelHowdy Howdy!");
}

TEST(BodyRewrite, FirstListedRuleWinsAndOutputIsNotRescanned) {
  const auto config = Config(R"({"response": [["ab", "1"], ["abc", "2"], ["1", "ab"]]})");
  EXPECT_EQ(config->response().RewriteAll("abcab1"), "1c1ab");
  // A later, longer rule is not waited for once an earlier one matched...
  const auto config2 = Config(R"({"response": [["abc", "2"], ["ab", "1"]]})");
  // ...but an earlier, longer one is: "ab" alone is undecided.
  std::string out;
  EXPECT_EQ(config2->response().Rewrite("xab", false, out), 2u);
  EXPECT_EQ(out, "x");
  EXPECT_EQ(Stream(*config2, {"xab", "c ab"}, false), "x2 1");
}

// The reference, written apart from the filter's scanner: at each position the
// first listed rule that matches, else the byte.
std::string Naive(const std::vector<std::pair<std::string, std::string>>& rules,
                  std::string_view input) {
  std::string out;
  size_t i = 0;
  while (i < input.size()) {
    bool matched = false;
    for (const auto& [from, to] : rules) {
      if (input.substr(i).starts_with(from)) {
        out += to;
        i += from.size();
        matched = true;
        break;
      }
    }
    if (!matched) out += input[i++];
  }
  return out;
}

TEST(BodyRewrite, ChunkingNeverChangesTheOutput) {
  const auto config = Config(R"({"response": [["aab", "X"], ["ab", "YY"], ["b", ""]]})");
  const std::vector<std::pair<std::string, std::string>> rules = {
      {"aab", "X"}, {"ab", "YY"}, {"b", ""}};
  std::mt19937 rng(7);
  const auto below = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  for (int round = 0; round < 2000; ++round) {
    std::string body;
    for (size_t n = below(40); n > 0; --n) body += "abc"[below(3)];
    const std::string want = Naive(rules, body);
    ASSERT_EQ(config->response().RewriteAll(body), want);
    std::vector<size_t> cuts;
    for (size_t n = below(6); n > 0; --n) cuts.push_back(below(body.size() + 1));
    std::ranges::sort(cuts);
    std::vector<std::string_view> chunks;
    size_t at = 0;
    for (const size_t c : cuts) {
      chunks.push_back(std::string_view(body).substr(at, c - at));
      at = c;
    }
    chunks.push_back(std::string_view(body).substr(at));
    const bool trailers = below(2) == 1;
    ASSERT_EQ(Stream(*config, chunks, trailers), want) << body << " in " << chunks.size();
  }
}

TEST(BodyRewrite, EncodedBodilessAndHeadResponsesAreUntouched) {
  const auto config = Config(kHowdy);
  struct Case {
    std::string_view status, encoding;
    bool head;
  };
  for (const Case& c : {Case{"200", "gzip", false}, Case{"200", " GZIP ", false},
                        Case{"204", "", false}, Case{"304", "", false}, Case{"200", "", true}}) {
    FakeEnvoyFilter envoy;
    if (c.head) envoy.SetHeader(kRequestHeader, ":method", "HEAD");
    envoy.SetHeader(kResponseHeader, ":status", c.status);
    envoy.SetHeader(kResponseHeader, "content-length", "5");
    if (!c.encoding.empty()) envoy.SetHeader(kResponseHeader, "content-encoding", c.encoding);
    auto filter = config->NewFilter(envoy);
    filter->OnRequestHeaders(envoy, true);
    filter->OnResponseHeaders(envoy, false);
    envoy.bodies[kReceivedResponse] = {"Hello"};
    filter->OnResponseBody(envoy, true);
    EXPECT_EQ(envoy.Body(kReceivedResponse), "Hello") << c.status << c.encoding << c.head;
    EXPECT_EQ(envoy.Values(kResponseHeader, "content-length"), std::vector<std::string>{"5"});
  }
}

TEST(BodyRewrite, IdentityEncodingIsRewritten) {
  const auto config = Config(kHowdy);
  FakeEnvoyFilter envoy;
  envoy.SetHeader(kResponseHeader, ":status", "200");
  envoy.SetHeader(kResponseHeader, "content-encoding", " Identity");
  auto filter = config->NewFilter(envoy);
  filter->OnResponseHeaders(envoy, false);
  envoy.bodies[kReceivedResponse] = {"Hel", "lo"};  // two slices of one chunk
  filter->OnResponseBody(envoy, true);
  EXPECT_EQ(envoy.Body(kReceivedResponse), "Howdy");
}

TEST(BodyRewrite, PastTheCapTheRestPassesUntouchedAndIsCounted) {
  const auto config = Config(R"({"response": [["Hello", "Howdy"]], "max_buffer_bytes": 8})");
  testing::TakeLogs();
  FakeEnvoyFilter envoy;
  envoy.SetHeader(kResponseHeader, ":status", "200");
  auto filter = config->NewFilter(envoy);
  filter->OnResponseHeaders(envoy, false);
  std::string out;
  for (const std::string_view chunk : {"Hello He", "llo Hello", " Hello"}) {
    envoy.bodies[kReceivedResponse] = {std::string(chunk)};
    EXPECT_EQ(filter->OnResponseBody(envoy, false), sdk::ResponseBodyStatus::kContinue);
    out += envoy.Body(kReceivedResponse);
  }
  EXPECT_EQ(out, "Howdy Hello Hello Hello");
  EXPECT_EQ(envoy.counters, (std::vector<CounterUpdate>{{config->overflows(), {"response"}, 1}}));
  const auto logs = testing::TakeLogs();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].first, sdk::LogLevel::kWarn);
  EXPECT_EQ(logs[0].second,
            "body_rewrite: response body over max_buffer_bytes (8): the rest passes untouched");
  EXPECT_FALSE(envoy.sent_response);
}

TEST(BodyRewrite, PastTheCapARequestFailsWith413) {
  const auto config =
      Config(R"({"request": [["a", "b"]], "max_buffer_bytes": 4, "on_overflow": "fail"})");
  FakeEnvoyFilter envoy;
  auto filter = config->NewFilter(envoy);
  filter->OnRequestHeaders(envoy, false);
  envoy.bodies[kReceivedRequest] = {"aaa"};
  EXPECT_EQ(filter->OnRequestBody(envoy, false), sdk::RequestBodyStatus::kContinue);
  envoy.bodies[kReceivedRequest] = {"aa"};
  EXPECT_EQ(filter->OnRequestBody(envoy, false), sdk::RequestBodyStatus::kStopIterationNoBuffer);
  ASSERT_TRUE(envoy.sent_response);
  EXPECT_EQ(envoy.sent_response->status, 413u);
  EXPECT_EQ(envoy.sent_response->body, "body_rewrite: request body over max_buffer_bytes\n");
  EXPECT_EQ(envoy.sent_response->details, "body_rewrite_request_too_large");
  EXPECT_EQ(envoy.counters.size(), 1u);
}

TEST(BodyRewrite, PastTheCapAResponseFailsWith502) {
  const auto config =
      Config(R"({"response": [["a", "b"]], "max_buffer_bytes": 4, "on_overflow": "fail"})");
  FakeEnvoyFilter envoy;
  envoy.SetHeader(kResponseHeader, ":status", "200");
  auto filter = config->NewFilter(envoy);
  filter->OnResponseHeaders(envoy, false);
  envoy.bodies[kReceivedResponse] = {"aaaaa"};
  EXPECT_EQ(filter->OnResponseBody(envoy, false), sdk::ResponseBodyStatus::kStopIterationNoBuffer);
  ASSERT_TRUE(envoy.sent_response);
  EXPECT_EQ(envoy.sent_response->status, 502u);
  EXPECT_EQ(envoy.sent_response->details, "body_rewrite_response_too_large");
  // Untouched from then on.
  envoy.bodies[kReceivedResponse] = {"aaaaa"};
  EXPECT_EQ(filter->OnResponseBody(envoy, true), sdk::ResponseBodyStatus::kContinue);
  EXPECT_EQ(envoy.Body(kReceivedResponse), "aaaaa");
}

TEST(BodyRewrite, RequestBodiesAreRewrittenToo) {
  const auto config = Config(R"({"request": [["secret", "******"]]})");
  FakeEnvoyFilter envoy;
  envoy.SetHeader(kRequestHeader, "content-length", "9");
  auto filter = config->NewFilter(envoy);
  filter->OnRequestHeaders(envoy, false);
  EXPECT_TRUE(envoy.Values(kRequestHeader, "content-length").empty());
  envoy.bodies[kReceivedRequest] = {"a sec"};
  filter->OnRequestBody(envoy, false);
  EXPECT_EQ(envoy.Body(kReceivedRequest), "a ");
  envoy.bodies[kReceivedRequest] = {"ret!"};
  filter->OnRequestBody(envoy, true);
  EXPECT_EQ(envoy.Body(kReceivedRequest), "******!");
}

TEST(BodyRewrite, RefusesBadConfigsNamingTheEntry) {
  EXPECT_EQ(Refusal(R"({"response": [["", "x"]]})"), "response[0]: from must not be empty");
  EXPECT_EQ(Refusal(R"({"request": [["a", "b"], ["c"]]})"),
            "request[1]: invalid length 1, expected an array of two strings [from, to]");
  EXPECT_EQ(Refusal("{}"), "no rules: give request or response replacements");
  EXPECT_EQ(Refusal(R"({"response": [["a", "b"]], "max_buffer_bytes": 0})"),
            "max_buffer_bytes must be 1 to 67108864");
  EXPECT_EQ(Refusal(R"({"response": [["a", "b"]], "max_buffer_bytes": 67108865})"),
            "max_buffer_bytes must be 1 to 67108864");
  EXPECT_EQ(Refusal(R"({"response": [["a", "b"]], "max_buffer_bytes": -1})"),
            "max_buffer_bytes: invalid value: integer `-1`, expected u64");
  EXPECT_EQ(Refusal(R"({"response": [["a", "b"]], "on_overflow": "drop"})"),
            "on_overflow: unknown variant `drop`, expected `pass` or `fail`");
  EXPECT_TRUE(Refusal(R"({"response": [["a", "b"]], "extra": 1})").starts_with("unknown field"));
  const std::string long_from(kBodyRewriteMaxFromBytes + 1, 'x');
  EXPECT_EQ(Refusal(sdk::StrCat(R"({"response": [[")", long_from, R"(", "b"]]})")),
            "response[0]: from is over 256 bytes");
  const std::string long_to(kBodyRewriteMaxToBytes + 1, 'x');
  EXPECT_EQ(Refusal(sdk::StrCat(R"({"response": [["a", ")", long_to, R"("]]})")),
            "response[0]: to is over 4096 bytes");
  std::string many;
  for (size_t i = 0; i <= kBodyRewriteMaxRules; ++i)
    many += i == 0 ? R"(["a","b"])" : R"(,["a","b"])";
  EXPECT_EQ(Refusal(sdk::StrCat(R"({"request": [)", many, "]}")),
            "request: 33 rules is over the limit of 32");
}

}  // namespace
}  // namespace envoy_dm::filters
