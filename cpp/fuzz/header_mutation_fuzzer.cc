// header_mutation_fuzzer.cc: header_mutation end to end against the fake Envoy
// of cpp/sdk/testing.h: a config, then a stream with request and response
// headers, checked against what the filter promises (docs/CONTRACT.md).
// Built with -DDM_FUZZ=ON (cpp/CMakeLists.txt).
//
// Input: `<config>` alone, or `<config> NUL <lines>`, the lines separated by LF
// (the format of rust/fuzz/fuzz_targets/header_mutation.rs):
//   >name=value      a request header the stream arrives with
//   <name=value      a response header the upstream answers with
//   @source=ip:port  the source.address attribute (@upstream=: upstream.address)
//   @code=200        the response.code attribute
//   !{json}          a per-route override of the same shape as the config

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks.h"
#include "header_mutation.h"
#include "testing.h"

namespace {

using envoy_dm::filters::HeaderMutationConfig;
using envoy_dm::filters::Mutations;
using envoy_dm::filters::Rules;
using envoy_dm::fuzz::Check;
using envoy_dm::fuzz::CheckRules;
using envoy_dm::sdk::HeaderType;
using envoy_dm::testing::FakeEnvoyFilter;
using HeaderList = FakeEnvoyFilter::HeaderList;

// The stream the input describes.
struct Stream {
  std::vector<std::pair<std::string_view, std::string_view>> request;
  std::vector<std::pair<std::string_view, std::string_view>> response;
  std::optional<std::string_view> source;
  std::optional<std::string_view> upstream;
  std::optional<uint64_t> code;
  std::optional<std::string_view> route;
};

std::pair<std::string_view, std::string_view> SplitOnce(std::string_view text, char separator) {
  const size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

Stream ParseStream(std::string_view lines) {
  Stream stream;
  while (!lines.empty()) {
    auto [line, rest] = SplitOnce(lines, '\n');
    lines = rest;
    if (line.empty()) continue;
    const char kind = line.front();
    line.remove_prefix(1);
    const auto [name, value] = SplitOnce(line, '=');
    switch (kind) {
      case '>':
        stream.request.emplace_back(name, value);
        break;
      case '<':
        stream.response.emplace_back(name, value);
        break;
      case '@':
        if (name == "source") {
          stream.source = value;
        } else if (name == "upstream") {
          stream.upstream = value;
        } else if (name == "code") {
          uint64_t code = 0;
          const auto [end, error] =
              std::from_chars(value.data(), value.data() + value.size(), code);
          if (error == std::errc() && end == value.data() + value.size()) stream.code = code;
        }
        break;
      case '!':
        stream.route = line;
        break;
      default:
        break;
    }
  }
  return stream;
}

HeaderList Headers(const FakeEnvoyFilter& envoy, HeaderType kind) {
  const auto it = envoy.headers.find(kind);
  return it == envoy.headers.end() ? HeaderList{} : it->second;
}

std::vector<std::string> Values(const HeaderList& list, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : list) {
    if (key == name) out.push_back(value);
  }
  return out;
}

bool Contains(const std::vector<std::string_view>& list, std::string_view name) {
  return std::ranges::find(list, name) != list.end();
}

// Checks one direction: `after` is `before` with `m` applied, except for the
// names in `stamped`, whose expected values the caller checks.
void CheckDirection(const HeaderList& before, const HeaderList& after, const Mutations& m,
                    const std::vector<std::string_view>& stamped) {
  // Sets run in order: the last one of a name wins.
  auto last_set = [&](std::string_view name) -> std::optional<std::string_view> {
    const auto it = std::ranges::find(m.set.rbegin(), m.set.rend(), name,
                                      [](const auto& set) { return std::string_view(set.first); });
    if (it == m.set.rend()) return std::nullopt;
    return it->second;
  };
  auto touched = [&](std::string_view name) {
    return Contains(stamped, name) || std::ranges::find(m.remove, name) != m.remove.end() ||
           last_set(name).has_value();
  };
  for (const std::string& name : m.remove) {
    if (Contains(stamped, name) || last_set(name)) continue;
    Check(Values(after, name).empty(), "removed header remains: " + name);
  }
  for (const auto& [name, value] : m.set) {
    if (Contains(stamped, name)) continue;
    Check(Values(after, name) == std::vector<std::string>{std::string(*last_set(name))},
          "set header does not have exactly its configured value: " + name);
  }
  auto untouched = [&](const HeaderList& list) {
    HeaderList out;
    std::ranges::copy_if(list, std::back_inserter(out),
                         [&](const auto& header) { return !touched(header.first); });
    return out;
  };
  Check(untouched(before) == untouched(after), "headers the config does not name changed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [config_text, lines] =
      SplitOnce(std::string_view(reinterpret_cast<const char*>(data), size), '\0');
  auto rules = HeaderMutationConfig::Parse(config_text);
  if (!rules) return 0;
  CheckRules(*rules);
  const HeaderMutationConfig config(std::move(rules).value());
  const Stream stream = ParseStream(lines);

  FakeEnvoyFilter envoy;
  for (const auto& [name, value] : stream.request) {
    envoy.AddHeader(envoy_dm::sdk::HeaderType::kRequestHeader, name, value);
  }
  // The rules the stream must follow: the route's override, if it parses.
  const Rules* effective = &config.rules();
  if (stream.route) {
    if (auto route = HeaderMutationConfig::NewPerRoute(*stream.route)) {
      envoy.per_route = std::move(route).value();
      effective = envoy.per_route.As<Rules>().get();  // kept alive by envoy.per_route
      CheckRules(*effective);
    }
  }
  const auto filter = config.NewFilter(envoy);

  const HeaderList request_before = Headers(envoy, envoy_dm::sdk::HeaderType::kRequestHeader);
  Check(filter->OnRequestHeaders(envoy, false) == envoy_dm::sdk::RequestHeadersStatus::kContinue,
        "OnRequestHeaders does not continue");
  const HeaderList request_after = Headers(envoy, envoy_dm::sdk::HeaderType::kRequestHeader);
  CheckDirection(request_before, request_after, effective->request, {});
  Check(Headers(envoy, envoy_dm::sdk::HeaderType::kResponseHeader).empty(),
        "the request phase changed response headers");

  // The upstream answers.
  for (const auto& [name, value] : stream.response) {
    envoy.AddHeader(envoy_dm::sdk::HeaderType::kResponseHeader, name, value);
  }
  if (stream.source)
    envoy.string_attributes[envoy_dm::sdk::AttributeId::kSourceAddress] = *stream.source;
  if (stream.upstream)
    envoy.string_attributes[envoy_dm::sdk::AttributeId::kUpstreamAddress] = *stream.upstream;
  if (stream.code) envoy.int_attributes[envoy_dm::sdk::AttributeId::kResponseCode] = *stream.code;
  const HeaderList response_before = Headers(envoy, envoy_dm::sdk::HeaderType::kResponseHeader);
  Check(filter->OnResponseHeaders(envoy, false) == envoy_dm::sdk::ResponseHeadersStatus::kContinue,
        "OnResponseHeaders does not continue");
  const HeaderList response_after = Headers(envoy, envoy_dm::sdk::HeaderType::kResponseHeader);

  // Stamped headers: the attribute when Envoy has it, whatever its length (an
  // empty one removes the header).
  std::vector<std::string_view> stamped;
  for (const auto& [header, attribute] :
       {std::pair{envoy_dm::filters::kDownstreamAddressHeader, stream.source},
        std::pair{envoy_dm::filters::kUpstreamAddressHeader, stream.upstream}}) {
    if (!attribute) continue;
    stamped.push_back(header);
    const std::vector<std::string> want =
        attribute->empty() ? std::vector<std::string>{} : std::vector{std::string(*attribute)};
    Check(Values(response_after, header) == want, "wrong stamped address header");
  }
  if (stream.code) {
    stamped.push_back(envoy_dm::filters::kResponseCodeHeader);
    Check(Values(response_after, envoy_dm::filters::kResponseCodeHeader) ==
              std::vector{std::to_string(*stream.code)},
          "wrong x-response-code");
  }
  CheckDirection(response_before, response_after, effective->response, stamped);
  Check(Headers(envoy, envoy_dm::sdk::HeaderType::kRequestHeader) == request_after,
        "the response phase changed request headers");
  Check(!envoy.sent_response, "header_mutation never replies");
  return 0;
}
