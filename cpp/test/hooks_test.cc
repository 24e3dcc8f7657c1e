// Unit tests of the SDK's hook bodies (hooks.cc) and barrier: program_init,
// refusing configurations with the contract's log lines, and failing closed
// (docs/CONTRACT.md).

#include "hooks.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fault_injection.h"
#include "filters.h"
#include "header_mutation.h"
#include "registry.h"
#include "testing.h"

namespace envoy_dm::sdk {
namespace {

using testing::FakeEnvoyConfig;
using testing::FakeEnvoyFilter;
using testing::SentResponse;
using testing::TakeLogs;
using Logs = std::vector<std::pair<LogLevel, std::string>>;

const SentResponse kFailClosedReply{.status = 500,
                                    .headers = {},
                                    .body = "dynamic module filter failed\n",
                                    .details = "dynamic_module_filter_failed"};

// A filter that throws in every hook and counts how often it was called.
class ThrowingFilter final : public HttpFilter {
 public:
  explicit ThrowingFilter(int& calls) : calls_(calls) {}

  RequestHeadersStatus OnRequestHeaders(EnvoyHttpFilter&, bool) override { Throw(); }
  RequestBodyStatus OnRequestBody(EnvoyHttpFilter&, bool) override { Throw(); }
  RequestTrailersStatus OnRequestTrailers(EnvoyHttpFilter&) override { Throw(); }
  ResponseHeadersStatus OnResponseHeaders(EnvoyHttpFilter&, bool) override { Throw(); }
  ResponseBodyStatus OnResponseBody(EnvoyHttpFilter&, bool) override { Throw(); }
  ResponseTrailersStatus OnResponseTrailers(EnvoyHttpFilter&) override { Throw(); }
  void OnStreamComplete(EnvoyHttpFilter&) override { Throw(); }
  void OnScheduled(EnvoyHttpFilter&, uint64_t) override { Throw(); }

 private:
  [[noreturn]] void Throw() {
    ++calls_;
    throw std::runtime_error("boom");
  }

  int& calls_;
};

class ThrowingConfig final : public HttpFilterConfig {
 public:
  std::unique_ptr<HttpFilter> NewFilter(EnvoyHttpFilter&) const override {
    return std::make_unique<ThrowingFilter>(calls);
  }
  mutable int calls = 0;
};

// A configuration whose NewFilter throws something that is not a std::exception.
class UnbuildableConfig final : public HttpFilterConfig {
 public:
  std::unique_ptr<HttpFilter> NewFilter(EnvoyHttpFilter&) const override { throw 42; }
};

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EXPECT_STREQ(ProgramInit(filters::kModule), ENVOY_DYNAMIC_MODULES_ABI_VERSION);
    TakeLogs();
  }
  void TearDown() override { unsetenv(filters::kEnableFaultInjectionEnv); }

  std::unique_ptr<ConfigBox> NewConfig(std::string_view name, std::string_view config) {
    return hooks::ConfigNew(envoy_config_, name, config);
  }

  FakeEnvoyConfig envoy_config_;
};

TEST_F(HooksTest, ProgramInitSaysWhoWasLoaded) {
  EXPECT_STREQ(ProgramInit(filters::kModule), "v0.2.0");
  EXPECT_EQ(TakeLogs(), (Logs{{LogLevel::kInfo,
                               "cpp_module: loaded, language=cpp, filters=[passthrough, "
                               "header_mutation, fault_injection]"}}));
}

TEST_F(HooksTest, ConfigNewRefusesAnUnknownFilterName) {
  EXPECT_EQ(NewConfig("nope", ""), nullptr);
  EXPECT_EQ(TakeLogs(), (Logs{{LogLevel::kError,
                               "cpp_module: filter 'nope': unknown filter name; this module has: "
                               "passthrough, header_mutation, fault_injection"}}));
}

TEST_F(HooksTest, ConfigNewRefusesABadFilterConfig) {
  EXPECT_EQ(NewConfig("header_mutation", "{"), nullptr);
  EXPECT_EQ(TakeLogs(),
            (Logs{{LogLevel::kError,
                   "cpp_module: filter 'header_mutation': invalid filter_config: parse error at "
                   "line 1, column 2: syntax error while parsing object key - unexpected end of "
                   "input; expected string literal"}}));
  EXPECT_EQ(NewConfig("header_mutation", R"({"request_headers": [["x", ""]]})"), nullptr);
  EXPECT_EQ(TakeLogs(),
            (Logs{{LogLevel::kError,
                   "cpp_module: filter 'header_mutation': invalid filter_config: "
                   "request_headers[0]: header value is empty; Envoy removes a header set to \"\", "
                   "list it under remove_* instead"}}));
}

TEST_F(HooksTest, ConfigNewLogsAThrowingConstructor) {
  setenv(filters::kEnableFaultInjectionEnv, "1", 1);
  EXPECT_EQ(NewConfig("fault_injection", R"({"phase": "config"})"), nullptr);
  EXPECT_EQ(TakeLogs(), (Logs{{LogLevel::kError,
                               "cpp_module: filter 'fault_injection' config creation: panicked: "
                               "fault injected in config"}}));
}

TEST_F(HooksTest, PerRouteConfigNewBuildsOrRefuses) {
  auto route = hooks::PerRouteConfigNew("header_mutation", R"({"response_headers": [["x", "y"]]})");
  ASSERT_NE(route, nullptr);
  ASSERT_NE(route->As<filters::Rules>(), nullptr);
  EXPECT_EQ(route->As<filters::Rules>()->response.set.size(), 1u);
  hooks::PerRouteConfigDestroy(std::move(route));
  EXPECT_TRUE(TakeLogs().empty());

  EXPECT_EQ(hooks::PerRouteConfigNew("passthrough", "{}"), nullptr);
  EXPECT_EQ(hooks::PerRouteConfigNew("header_mutation", R"({"typo": 1})"), nullptr);
  EXPECT_EQ(TakeLogs(),
            (Logs{{LogLevel::kError,
                   "cpp_module: per-route config 'passthrough': no filter of this module takes a "
                   "per-route config by that name"},
                  {LogLevel::kError,
                   "cpp_module: per-route config 'header_mutation': invalid filter_config: unknown "
                   "field `typo`, expected one of `request_headers`, `remove_request_headers`, "
                   "`response_headers`, `remove_response_headers`, `allow_pseudo_headers`"}}));
}

TEST_F(HooksTest, ConfigNewBuildsAConfigAndItsFilters) {
  const auto config = NewConfig("passthrough", "");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->filter_name, "passthrough");
  FakeEnvoyFilter envoy;
  auto filter = hooks::FilterNew(*config, envoy);
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, true), RequestHeadersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, false), ResponseHeadersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseBody(*filter, envoy, true), ResponseBodyStatus::kContinue);
  hooks::StreamComplete(*filter, envoy);
  hooks::FilterDestroy(std::move(filter));
  hooks::ConfigDestroy(NewConfig("header_mutation", "{}"));
  EXPECT_TRUE(TakeLogs().empty());
}

TEST_F(HooksTest, AThrowInRequestHeadersFailsTheStreamClosed) {
  setenv(filters::kEnableFaultInjectionEnv, "1", 1);
  const auto config = NewConfig("fault_injection", R"({"phase": "request_headers"})");
  ASSERT_NE(config, nullptr);
  FakeEnvoyFilter envoy;
  envoy.AddHeader(sdk::HeaderType::kRequestHeader, filters::kFaultTriggerHeader, "1");
  auto filter = hooks::FilterNew(*config, envoy);
  EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, true), RequestHeadersStatus::kStopIteration);
  EXPECT_EQ(envoy.sent_response, kFailClosedReply);
  EXPECT_EQ(TakeLogs(), (Logs{{LogLevel::kError,
                               "cpp_module: filter 'fault_injection' in on_request_headers: "
                               "panicked: fault injected in RequestHeaders"}}));
  // The next stream of the same configuration is served normally until it throws.
  FakeEnvoyFilter next;
  auto next_filter = hooks::FilterNew(*config, next);
  EXPECT_EQ(hooks::ResponseHeaders(*next_filter, next, false), ResponseHeadersStatus::kContinue);
  EXPECT_FALSE(next.sent_response.has_value());
  EXPECT_TRUE(TakeLogs().empty());
}

TEST_F(HooksTest, AFailedFilterIsBypassedForTheRestOfTheStream) {
  const ConfigBox box{"throwing", std::make_unique<ThrowingConfig>()};
  const int& calls = static_cast<const ThrowingConfig&>(*box.config).calls;
  FakeEnvoyFilter envoy;
  auto filter = hooks::FilterNew(box, envoy);

  EXPECT_EQ(hooks::RequestBody(*filter, envoy, false), RequestBodyStatus::kStopIterationNoBuffer);
  EXPECT_EQ(envoy.sent_response, kFailClosedReply);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(hooks::RequestBody(*filter, envoy, true), RequestBodyStatus::kContinue);
  EXPECT_EQ(hooks::RequestTrailers(*filter, envoy), RequestTrailersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, false), ResponseHeadersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseBody(*filter, envoy, true), ResponseBodyStatus::kContinue);
  EXPECT_EQ(hooks::ResponseTrailers(*filter, envoy), ResponseTrailersStatus::kContinue);
  hooks::Scheduled(*filter, envoy, 7);
  hooks::StreamComplete(*filter, envoy);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(TakeLogs(),
            (Logs{{LogLevel::kError,
                   "cpp_module: filter 'throwing' in on_request_body: panicked: boom"}}));
}

TEST_F(HooksTest, EachPhaseFailsWithItsOwnStatus) {
  const ConfigBox box{"throwing", std::make_unique<ThrowingConfig>()};
  const auto run = [&](auto phase) {
    FakeEnvoyFilter envoy;
    auto filter = hooks::FilterNew(box, envoy);
    const auto status = phase(*filter, envoy);
    return std::make_pair(status, envoy.sent_response.has_value());
  };
  EXPECT_EQ(
      run([](HttpFilter& f, EnvoyHttpFilter& e) { return hooks::RequestHeaders(f, e, false); }),
      std::make_pair(RequestHeadersStatus::kStopIteration, true));
  EXPECT_EQ(run([](HttpFilter& f, EnvoyHttpFilter& e) { return hooks::RequestTrailers(f, e); }),
            std::make_pair(RequestTrailersStatus::kStopIteration, true));
  EXPECT_EQ(
      run([](HttpFilter& f, EnvoyHttpFilter& e) { return hooks::ResponseHeaders(f, e, false); }),
      std::make_pair(ResponseHeadersStatus::kStopIteration, true));
  // Too late for a local reply: the stream continues unfiltered.
  EXPECT_EQ(run([](HttpFilter& f, EnvoyHttpFilter& e) { return hooks::ResponseBody(f, e, false); }),
            std::make_pair(ResponseBodyStatus::kContinue, false));
  EXPECT_EQ(run([](HttpFilter& f, EnvoyHttpFilter& e) { return hooks::ResponseTrailers(f, e); }),
            std::make_pair(ResponseTrailersStatus::kContinue, false));
  EXPECT_EQ(run([](HttpFilter& f, EnvoyHttpFilter& e) {
              hooks::StreamComplete(f, e);
              return 0;
            }),
            std::make_pair(0, false));
  EXPECT_EQ(run([](HttpFilter& f, EnvoyHttpFilter& e) {
              hooks::Scheduled(f, e, 1);
              return 0;
            }),
            std::make_pair(0, true));
  const Logs logs = TakeLogs();
  ASSERT_EQ(logs.size(), 7u);
  EXPECT_EQ(logs[3].second, "cpp_module: filter 'throwing' in on_response_body: panicked: boom");
  EXPECT_EQ(logs[5].second, "cpp_module: filter 'throwing' in on_stream_complete: panicked: boom");
  EXPECT_EQ(logs[6].second, "cpp_module: filter 'throwing' in on_scheduled: panicked: boom");
}

TEST_F(HooksTest, AFilterThatCannotBeBuiltFailsClosedAtItsFirstHook) {
  const ConfigBox box{"unbuildable", std::make_unique<UnbuildableConfig>()};
  FakeEnvoyFilter envoy;
  auto filter = hooks::FilterNew(box, envoy);
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(TakeLogs(), (Logs{{LogLevel::kError,
                               "cpp_module: filter 'unbuildable' in http_filter_new: panicked: "
                               "unknown exception"}}));
  EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, true), RequestHeadersStatus::kStopIteration);
  EXPECT_EQ(envoy.sent_response, kFailClosedReply);
  EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, true), ResponseHeadersStatus::kContinue);
  EXPECT_TRUE(TakeLogs().empty());  // logged once, at http_filter_new
}

TEST(BarrierTest, GuardReportsWhatWasThrown) {
  const auto context = [] { return std::string("ctx"); };
  EXPECT_TRUE(Guard(context, [] {}));
  EXPECT_TRUE(TakeLogs().empty());
  EXPECT_FALSE(Guard(context, [] { throw std::logic_error("std"); }));
  EXPECT_FALSE(Guard(context, [] { throw std::string("string"); }));
  EXPECT_FALSE(Guard(context, [] { throw "literal"; }));
  EXPECT_FALSE(Guard(context, [] { throw 1; }));
  EXPECT_EQ(TakeLogs(), (Logs{{LogLevel::kError, "ctx: panicked: std"},
                              {LogLevel::kError, "ctx: panicked: string"},
                              {LogLevel::kError, "ctx: panicked: literal"},
                              {LogLevel::kError, "ctx: panicked: unknown exception"}}));
}

}  // namespace
}  // namespace envoy_dm::sdk
