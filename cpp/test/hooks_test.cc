// Unit tests of the SDK's hook bodies (config.cc, registry.cc) and barrier:
// program_init, refusing configurations with the contract's log lines, and
// failing closed (docs/CONTRACT.md).

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "body.h"
#include "fault_injection.h"
#include "header_mutation.h"
#include "testing.h"

namespace envoy_dm::sdk {
namespace {

using testing::FailAllocations;
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

// A configuration whose NewFilter runs out of memory.
class OutOfMemoryConfig final : public HttpFilterConfig {
 public:
  std::unique_ptr<HttpFilter> NewFilter(EnvoyHttpFilter&) const override { throw std::bad_alloc(); }
};

// Owns what FilterNew returned, and gives it back through FilterDestroy.
struct FilterDeleter {
  void operator()(HttpFilter* filter) const { hooks::FilterDestroy(filter); }
};
using FilterPtr = std::unique_ptr<HttpFilter, FilterDeleter>;

FilterPtr NewFilter(const ConfigBox& config, EnvoyHttpFilter& envoy) {
  return FilterPtr(hooks::FilterNew(config, envoy));
}

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EXPECT_STREQ(ProgramInit(kModule), ENVOY_DYNAMIC_MODULES_ABI_VERSION);
    TakeLogs();
  }
  void TearDown() override { unsetenv(filters::kEnableFaultInjectionEnv); }

  static std::unique_ptr<ConfigBox> NewConfig(std::string_view name, std::string_view config) {
    testing::FakeEnvoyConfig envoy;
    return hooks::ConfigNew(envoy, name, config);
  }
};

// The one line `logs` holds is at `level` and starts with `prefix`. The
// repository's four filters come first, in table order; filters added after
// them (make new-filter, docs/TUTORIAL.md) follow, so the lines end open.
void ExpectOneLineStartingWith(const Logs& logs, sdk::LogLevel level, std::string_view prefix) {
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].first, level);
  EXPECT_TRUE(logs[0].second.starts_with(prefix)) << logs[0].second;
}

TEST_F(HooksTest, ProgramInitSaysWhoWasLoaded) {
  EXPECT_STREQ(ProgramInit(kModule), "v0.2.0");
  ExpectOneLineStartingWith(TakeLogs(), sdk::LogLevel::kInfo,
                            "cpp_module: loaded, language=cpp, filters=[passthrough, "
                            "header_mutation, fault_injection, body_rewrite");
}

TEST_F(HooksTest, ConfigNewRefusesAnUnknownFilterName) {
  EXPECT_EQ(NewConfig("nope", ""), nullptr);
  ExpectOneLineStartingWith(TakeLogs(), sdk::LogLevel::kError,
                            "cpp_module: filter 'nope': unknown filter name; this module has: "
                            "passthrough, header_mutation, fault_injection, body_rewrite");
}

TEST_F(HooksTest, ConfigNewRefusesABadFilterConfig) {
  EXPECT_EQ(NewConfig("header_mutation", "{"), nullptr);
  EXPECT_EQ(TakeLogs(),
            (Logs{{sdk::LogLevel::kError,
                   "cpp_module: filter 'header_mutation': invalid filter_config: parse error at "
                   "line 1, column 2: syntax error while parsing object key - unexpected end of "
                   "input; expected string literal"}}));
  EXPECT_EQ(NewConfig("header_mutation", R"({"request_headers": [["x", ""]]})"), nullptr);
  EXPECT_EQ(TakeLogs(),
            (Logs{{sdk::LogLevel::kError,
                   "cpp_module: filter 'header_mutation': invalid filter_config: "
                   "request_headers[0]: header value is empty; Envoy removes a header set to \"\", "
                   "list it under remove_* instead"}}));
}

TEST_F(HooksTest, ConfigNewLogsAThrowingConstructor) {
  setenv(filters::kEnableFaultInjectionEnv, "1", 1);
  EXPECT_EQ(NewConfig("fault_injection", R"({"phase": "config"})"), nullptr);
  EXPECT_EQ(TakeLogs(), (Logs{{sdk::LogLevel::kError,
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
            (Logs{{sdk::LogLevel::kError,
                   "cpp_module: per-route config 'passthrough': no filter of this module takes a "
                   "per-route config by that name"},
                  {sdk::LogLevel::kError,
                   "cpp_module: per-route config 'header_mutation': invalid filter_config: unknown "
                   "field `typo`, expected one of `request_headers`, `remove_request_headers`, "
                   "`response_headers`, `remove_response_headers`, `allow_pseudo_headers`"}}));
}

TEST_F(HooksTest, ConfigNewBuildsAConfigAndItsFilters) {
  const auto config = NewConfig("passthrough", "");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->filter_name, "passthrough");
  FakeEnvoyFilter envoy;
  auto filter = NewFilter(*config, envoy);
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, true), RequestHeadersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, false), ResponseHeadersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseBody(*filter, envoy, true), ResponseBodyStatus::kContinue);
  hooks::StreamComplete(*filter, envoy);
  filter.reset();
  hooks::ConfigDestroy(NewConfig("header_mutation", "{}"));
  EXPECT_TRUE(TakeLogs().empty());
}

TEST_F(HooksTest, AThrowInRequestHeadersFailsTheStreamClosed) {
  setenv(filters::kEnableFaultInjectionEnv, "1", 1);
  const auto config = NewConfig("fault_injection", R"({"phase": "request_headers"})");
  ASSERT_NE(config, nullptr);
  FakeEnvoyFilter envoy;
  envoy.AddHeader(sdk::HeaderType::kRequestHeader, filters::kFaultTriggerHeader, "1");
  auto filter = NewFilter(*config, envoy);
  EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, true), RequestHeadersStatus::kStopIteration);
  EXPECT_EQ(envoy.sent_response, kFailClosedReply);
  EXPECT_EQ(TakeLogs(), (Logs{{sdk::LogLevel::kError,
                               "cpp_module: filter 'fault_injection' in on_request_headers: "
                               "panicked: fault injected in RequestHeaders"}}));
  // The next stream of the same configuration is served normally until it throws.
  FakeEnvoyFilter next;
  auto next_filter = NewFilter(*config, next);
  EXPECT_EQ(hooks::ResponseHeaders(*next_filter, next, false), ResponseHeadersStatus::kContinue);
  EXPECT_FALSE(next.sent_response.has_value());
  EXPECT_TRUE(TakeLogs().empty());
}

TEST_F(HooksTest, AFailedFilterIsBypassedForTheRestOfTheStream) {
  const ConfigBox box{"throwing", std::make_unique<ThrowingConfig>()};
  const int& calls = static_cast<const ThrowingConfig&>(*box.config).calls;
  FakeEnvoyFilter envoy;
  auto filter = NewFilter(box, envoy);

  EXPECT_EQ(hooks::RequestBody(*filter, envoy, false), RequestBodyStatus::kStopIterationNoBuffer);
  EXPECT_EQ(envoy.sent_response, kFailClosedReply);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(hooks::RequestBody(*filter, envoy, true), RequestBodyStatus::kContinue);
  EXPECT_EQ(hooks::RequestTrailers(*filter, envoy), RequestTrailersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, false), ResponseHeadersStatus::kContinue);
  EXPECT_EQ(hooks::ResponseBody(*filter, envoy, true), ResponseBodyStatus::kContinue);
  EXPECT_EQ(hooks::ResponseTrailers(*filter, envoy), ResponseTrailersStatus::kContinue);
  hooks::StreamComplete(*filter, envoy);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(TakeLogs(),
            (Logs{{sdk::LogLevel::kError,
                   "cpp_module: filter 'throwing' in on_request_body: panicked: boom"}}));
}

TEST_F(HooksTest, EachPhaseFailsWithItsOwnStatus) {
  const ConfigBox box{"throwing", std::make_unique<ThrowingConfig>()};
  const auto run = [&](auto phase) {
    FakeEnvoyFilter envoy;
    auto filter = NewFilter(box, envoy);
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
  const Logs logs = TakeLogs();
  ASSERT_EQ(logs.size(), 6u);
  EXPECT_EQ(logs[3].second, "cpp_module: filter 'throwing' in on_response_body: panicked: boom");
  EXPECT_EQ(logs[5].second, "cpp_module: filter 'throwing' in on_stream_complete: panicked: boom");
}

TEST_F(HooksTest, AFilterThatCannotBeBuiltFailsClosedAtItsFirstHook) {
  const ConfigBox box{"unbuildable", std::make_unique<UnbuildableConfig>()};
  FakeEnvoyFilter envoy;
  auto filter = NewFilter(box, envoy);
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(TakeLogs(), (Logs{{sdk::LogLevel::kError,
                               "cpp_module: filter 'unbuildable' in http_filter_new: panicked: "
                               "unknown exception"}}));
  EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, true), RequestHeadersStatus::kStopIteration);
  EXPECT_EQ(envoy.sent_response, kFailClosedReply);
  EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, true), ResponseHeadersStatus::kContinue);
  EXPECT_TRUE(TakeLogs().empty());  // logged once, at http_filter_new
}

// Envoy does not check the pointer http_filter_new returns: out of memory, the
// stream gets the module's own fail-closed filter, made without allocating,
// and filter_destroy leaves it alone (AddressSanitizer would report freeing it).
TEST_F(HooksTest, OutOfMemoryInHttpFilterNewStillGivesEnvoyAFilter) {
  const auto config = NewConfig("passthrough", "");
  ASSERT_NE(config, nullptr);
  const ConfigBox out_of_memory{"out_of_memory", std::make_unique<OutOfMemoryConfig>()};
  // Passthrough with no memory at all (not even for the log line), and a filter
  // whose constructor throws std::bad_alloc itself.
  for (const auto& [box, no_memory_at_all] :
       {std::pair<const ConfigBox*, bool>{config.get(), true}, {&out_of_memory, false}}) {
    FakeEnvoyFilter envoy;
    FilterPtr filter;
    if (no_memory_at_all) {
      const FailAllocations no_memory;
      filter = NewFilter(*box, envoy);
    } else {
      filter = NewFilter(*box, envoy);
    }
    ASSERT_NE(filter, nullptr) << box->filter_name;
    EXPECT_TRUE(hooks::IsFailClosedFilter(filter.get())) << box->filter_name;
    EXPECT_EQ(hooks::RequestHeaders(*filter, envoy, false), RequestHeadersStatus::kStopIteration);
    EXPECT_EQ(envoy.sent_response, kFailClosedReply);
    // The local reply passes back through the filter's response phases.
    EXPECT_EQ(hooks::ResponseHeaders(*filter, envoy, false), ResponseHeadersStatus::kContinue);
    EXPECT_EQ(hooks::ResponseBody(*filter, envoy, true), ResponseBodyStatus::kContinue);
    hooks::StreamComplete(*filter, envoy);
  }
  // Only the second could still describe its failure in a line.
  EXPECT_EQ(TakeLogs(), (Logs{{sdk::LogLevel::kError,
                               "cpp_module: filter 'out_of_memory' in http_filter_new: panicked: "
                               "std::bad_alloc"}}));
}

TEST(BarrierTest, GuardReportsWhatWasThrown) {
  const auto context = [] { return std::string("ctx"); };
  EXPECT_TRUE(Guard(context, [] {}));
  EXPECT_TRUE(TakeLogs().empty());
  EXPECT_FALSE(Guard(context, [] { throw std::logic_error("std"); }));
  EXPECT_FALSE(Guard(context, [] { throw std::string("string"); }));
  EXPECT_FALSE(Guard(context, [] { throw "literal"; }));
  EXPECT_FALSE(Guard(context, [] { throw 1; }));
  EXPECT_EQ(TakeLogs(), (Logs{{sdk::LogLevel::kError, "ctx: panicked: std"},
                              {sdk::LogLevel::kError, "ctx: panicked: string"},
                              {sdk::LogLevel::kError, "ctx: panicked: literal"},
                              {sdk::LogLevel::kError, "ctx: panicked: unknown exception"}}));
}

}  // namespace
}  // namespace envoy_dm::sdk
