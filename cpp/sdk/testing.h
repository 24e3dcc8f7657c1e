// testing.h: a fake Envoy for unit tests: header maps, attributes and a recorded
// local reply in plain C++ containers, with the same observable rules as Envoy
// 1.40 (lowercase keys, empty value removes, add keeps existing values); and the
// log lines, captured in memory (testing.cc defines the functions of log.h in
// place of log.cc). Mirrors rust/sdk/src/http/testing.rs.

#ifndef ENVOY_DM_CPP_SDK_TESTING_H_
#define ENVOY_DM_CPP_SDK_TESTING_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sdk.h"

namespace envoy_dm::testing {

// A local reply recorded by FakeEnvoyFilter::SendResponse.
struct SentResponse {
  uint32_t status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string details;
  bool operator==(const SentResponse&) const = default;
};

// One counter increment recorded by FakeEnvoyFilter::IncrementCounter.
struct CounterUpdate {
  sdk::MetricId id;
  std::vector<std::string> labels;
  uint64_t value = 0;
  bool operator==(const CounterUpdate&) const = default;
};

// One metric defined through FakeEnvoyConfig.
struct DefinedMetric {
  std::string name;
  std::vector<std::string> labels;
  bool operator==(const DefinedMetric&) const = default;
};

// A configuration's Envoy: records the metrics defined; ids are their indices.
class FakeEnvoyConfig final : public sdk::EnvoyHttpFilterConfig {
 public:
  sdk::Result<sdk::MetricId> DefineCounter(std::string_view name,
                                           std::span<const std::string_view> labels) override;

  std::vector<DefinedMetric> defined;
};

// One stream's worth of Envoy state.
class FakeEnvoyFilter final : public sdk::EnvoyHttpFilter {
 public:
  using HeaderList = std::vector<std::pair<std::string, std::string>>;
  // A body as Envoy holds it: slices, in order.
  using Slices = std::vector<std::string>;

  // A stream whose request carries `headers`.
  static FakeEnvoyFilter WithRequestHeaders(
      std::initializer_list<std::pair<std::string_view, std::string_view>> headers);

  // Every value of `key` in one map.
  std::vector<std::string> Values(sdk::HeaderType kind, std::string_view key) const;

  std::optional<std::string_view> GetHeader(sdk::HeaderType kind,
                                            std::string_view key) const override;
  std::vector<sdk::Header> GetHeaders(sdk::HeaderType kind) const override;
  bool SetHeader(sdk::HeaderType kind, std::string_view key, std::string_view value) override;
  bool AddHeader(sdk::HeaderType kind, std::string_view key, std::string_view value) override;
  std::optional<std::string_view> GetAttributeString(sdk::AttributeId id) const override;
  std::optional<uint64_t> GetAttributeInt(sdk::AttributeId id) const override;
  void SendResponse(uint32_t status, std::span<const sdk::Header> reply_headers,
                    std::string_view body, std::string_view details) override;
  sdk::PerRouteConfig GetPerRouteConfig() const override;
  std::vector<std::string_view> GetBodyChunks(sdk::BodyType kind) const override;
  size_t GetBodySize(sdk::BodyType kind) const override;
  // Like Envoy: drains from the front, across slices. An absent body is one no
  // hook has been handed (no entry in `bodies`).
  bool DrainBody(sdk::BodyType kind, size_t bytes) override;
  // Appends as a slice of its own; as with Envoy's Buffered bodies, an absent
  // body is created.
  bool AppendBody(sdk::BodyType kind, std::string_view data) override;
  bool IncrementCounter(sdk::MetricId id, std::span<const std::string_view> labels,
                        uint64_t value) override;
  void SetDynamicMetadataString(std::string_view ns, std::string_view key,
                                std::string_view value) override;
  std::optional<std::string_view> GetDynamicMetadataString(std::string_view ns,
                                                           std::string_view key) const override;
  // Like Envoy: a key is read-only once set, so setting it again is refused.
  bool SetFilterStateBytes(std::string_view key, std::string_view value) override;
  std::optional<std::string_view> GetFilterStateBytes(std::string_view key) const override;

  // The whole of a body, its slices joined ("" when absent).
  std::string Body(sdk::BodyType kind) const;

  std::map<sdk::HeaderType, HeaderList> headers;
  std::map<sdk::AttributeId, std::string> string_attributes;
  std::map<sdk::AttributeId, uint64_t> int_attributes;
  std::optional<SentResponse> sent_response;
  sdk::PerRouteConfig per_route;
  std::map<sdk::BodyType, Slices> bodies;
  std::vector<CounterUpdate> counters;
  // Dynamic metadata by (namespace, key); filter state by key.
  std::map<std::pair<std::string, std::string>, std::string, std::less<>> dynamic_metadata;
  std::map<std::string, std::string, std::less<>> filter_state;
  // How many Set/GetDynamicMetadataString and Set/GetFilterStateBytes calls
  // were made (a value set again leaves no other trace).
  mutable size_t metadata_calls = 0;
  mutable size_t filter_state_calls = 0;
};

// While one of these lives, every operator new on this thread throws
// std::bad_alloc: how the unit tests reach the SDK's out-of-memory paths
// (fail_allocations.cc replaces the test binary's global operator new).
class FailAllocations {
 public:
  FailAllocations();
  ~FailAllocations();
  FailAllocations(const FailAllocations&) = delete;
  FailAllocations& operator=(const FailAllocations&) = delete;
};

// Takes the lines logged on this thread so far.
std::vector<std::pair<sdk::LogLevel, std::string>> TakeLogs();

}  // namespace envoy_dm::testing

#endif  // ENVOY_DM_CPP_SDK_TESTING_H_
