// testing.cc: see testing.h.

#include "testing.h"

#include <algorithm>

namespace envoy_dm {
namespace testing {
namespace {

thread_local std::vector<std::pair<sdk::LogLevel, std::string>> captured_logs;

}  // namespace

FakeEnvoyFilter FakeEnvoyFilter::WithRequestHeaders(
    std::initializer_list<std::pair<std::string_view, std::string_view>> headers) {
  FakeEnvoyFilter fake;
  for (const auto& [key, value] : headers) {
    fake.AddHeader(sdk::HeaderType::kRequestHeader, key, value);
  }
  return fake;
}

std::vector<std::string> FakeEnvoyFilter::Values(sdk::HeaderType kind, std::string_view key) const {
  const std::string lower = sdk::AsciiLower(key);
  std::vector<std::string> values;
  if (const auto map = headers.find(kind); map != headers.end()) {
    for (const auto& [k, v] : map->second) {
      if (k == lower) values.push_back(v);
    }
  }
  return values;
}

std::optional<std::string_view> FakeEnvoyFilter::GetHeader(sdk::HeaderType kind,
                                                           std::string_view key) const {
  const std::string lower = sdk::AsciiLower(key);
  const auto map = headers.find(kind);
  if (map == headers.end()) return std::nullopt;
  const auto it = std::ranges::find(map->second, lower, &HeaderList::value_type::first);
  if (it == map->second.end()) return std::nullopt;
  return it->second;
}

std::vector<sdk::Header> FakeEnvoyFilter::GetHeaders(sdk::HeaderType kind) const {
  std::vector<sdk::Header> out;
  if (const auto map = headers.find(kind); map != headers.end()) {
    for (const auto& [k, v] : map->second) out.emplace_back(k, v);
  }
  return out;
}

bool FakeEnvoyFilter::SetHeader(sdk::HeaderType kind, std::string_view key,
                                std::string_view value) {
  std::string lower = sdk::AsciiLower(key);
  HeaderList& map = headers[kind];
  std::erase_if(map, [&](const auto& header) { return header.first == lower; });
  if (!value.empty()) map.emplace_back(std::move(lower), value);
  return true;
}

bool FakeEnvoyFilter::AddHeader(sdk::HeaderType kind, std::string_view key,
                                std::string_view value) {
  if (value.empty()) return false;
  headers[kind].emplace_back(sdk::AsciiLower(key), value);
  return true;
}

std::optional<std::string_view> FakeEnvoyFilter::GetAttributeString(sdk::AttributeId id) const {
  const auto it = string_attributes.find(id);
  if (it == string_attributes.end()) return std::nullopt;
  return it->second;
}

std::optional<uint64_t> FakeEnvoyFilter::GetAttributeInt(sdk::AttributeId id) const {
  const auto it = int_attributes.find(id);
  if (it == int_attributes.end()) return std::nullopt;
  return it->second;
}

void FakeEnvoyFilter::SendResponse(uint32_t status, std::span<const sdk::Header> reply_headers,
                                   std::string_view body, std::string_view details) {
  SentResponse sent{
      .status = status, .headers = {}, .body = std::string(body), .details = std::string(details)};
  for (const auto& [k, v] : reply_headers) sent.headers.emplace_back(k, v);
  sent_response = std::move(sent);
}

sdk::PerRouteConfig FakeEnvoyFilter::GetPerRouteConfig() const { return per_route; }

std::vector<std::string_view> FakeEnvoyFilter::GetBodyChunks(sdk::BodyType kind) const {
  std::vector<std::string_view> chunks;
  if (const auto body = bodies.find(kind); body != bodies.end()) {
    for (const std::string& slice : body->second) chunks.emplace_back(slice);
  }
  return chunks;
}

size_t FakeEnvoyFilter::GetBodySize(sdk::BodyType kind) const {
  size_t size = 0;
  for (const std::string_view chunk : GetBodyChunks(kind)) size += chunk.size();
  return size;
}

bool FakeEnvoyFilter::DrainBody(sdk::BodyType kind, size_t bytes) {
  const auto body = bodies.find(kind);
  if (body == bodies.end()) return false;
  Slices& slices = body->second;
  while (bytes > 0 && !slices.empty()) {
    if (slices.front().size() <= bytes) {
      bytes -= slices.front().size();
      slices.erase(slices.begin());
    } else {
      slices.front().erase(0, bytes);
      bytes = 0;
    }
  }
  return true;
}

bool FakeEnvoyFilter::AppendBody(sdk::BodyType kind, std::string_view data) {
  bodies[kind].emplace_back(data);
  return true;
}

bool FakeEnvoyFilter::IncrementCounter(sdk::MetricId id, std::span<const std::string_view> labels,
                                       uint64_t value) {
  counters.push_back({.id = id, .labels = {labels.begin(), labels.end()}, .value = value});
  return true;
}

void FakeEnvoyFilter::SetDynamicMetadataString(std::string_view ns, std::string_view key,
                                               std::string_view value) {
  ++metadata_calls;
  dynamic_metadata[{std::string(ns), std::string(key)}] = value;
}

std::optional<std::string_view> FakeEnvoyFilter::GetDynamicMetadataString(
    std::string_view ns, std::string_view key) const {
  ++metadata_calls;
  auto it = dynamic_metadata.find({std::string(ns), std::string(key)});
  if (it == dynamic_metadata.end()) return std::nullopt;
  return it->second;
}

bool FakeEnvoyFilter::SetFilterStateBytes(std::string_view key, std::string_view value) {
  ++filter_state_calls;
  return filter_state.emplace(std::string(key), std::string(value)).second;
}

std::optional<std::string_view> FakeEnvoyFilter::GetFilterStateBytes(std::string_view key) const {
  ++filter_state_calls;
  auto it = filter_state.find(key);
  if (it == filter_state.end()) return std::nullopt;
  return it->second;
}

std::string FakeEnvoyFilter::Body(sdk::BodyType kind) const {
  std::string out;
  for (const std::string_view chunk : GetBodyChunks(kind)) out.append(chunk);
  return out;
}

sdk::Result<sdk::MetricId> FakeEnvoyConfig::DefineCounter(
    std::string_view name, std::span<const std::string_view> labels) {
  defined.push_back({.name = std::string(name), .labels = {labels.begin(), labels.end()}});
  return sdk::MetricId{defined.size() - 1};
}

std::vector<std::pair<sdk::LogLevel, std::string>> TakeLogs() {
  return std::exchange(captured_logs, {});
}

}  // namespace testing

// The SDK's logging functions (log.h) for the tests: lines are kept in memory.
namespace sdk {

void ResolveLogCallbacks() noexcept {}

const char* AbiVersion() noexcept { return ENVOY_DYNAMIC_MODULES_ABI_VERSION; }

bool LogEnabled(LogLevel /*level*/) noexcept { return true; }

void Log(LogLevel level, std::string_view message, std::source_location /*at*/) noexcept {
  try {
    testing::captured_logs.emplace_back(level, std::string(message));
  } catch (...) {
    // Out of memory in a test: the test's own checks will notice the missing line.
  }
}

}  // namespace sdk
}  // namespace envoy_dm
