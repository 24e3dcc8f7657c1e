// body_rewrite_fuzzer: body_rewrite's invariant on a fake stream. Whatever the
// chunking, and whether the body ends on a chunk or with trailers, the output
// equals a naive replace over the whole input (at each position the first
// listed rule that matches, else the byte). The C++ side of
// rust/fuzz/fuzz_targets/body_rewrite.rs and Go's FuzzBodyRewriteChunking, with
// their input format: byte 0 picks how many rules (1-4), byte 1 the chunking
// (low 6 bits: the chunk size - 1; bit 6: end with trailers); the rest is split
// on 0xff into rule patterns, replacements and the body.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "body_rewrite.h"
#include "checks.h"
#include "testing.h"

namespace {

using envoy_dm::filters::BodyRewriteConfig;
using envoy_dm::fuzz::Check;
using envoy_dm::testing::FakeEnvoyConfig;
using envoy_dm::testing::FakeEnvoyFilter;
using Rules = std::vector<std::pair<std::string, std::string>>;

// The reference, written apart from the filter's scanner.
std::string Naive(const Rules& rules, std::string_view input) {
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

// Printable ASCII without JSON's quote and backslash, so a rule goes into the
// JSON config verbatim.
std::string Ascii(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(static_cast<unsigned char>(c) & 0x7f);
    if (b >= 0x20 && b != '"' && b != '\\') out.push_back(static_cast<char>(b));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t count = 1 + data[0] % 4;
  const uint8_t chunking = data[1];
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    const size_t cut = rest.find('\xff', at);
    parts.push_back(
        rest.substr(at, cut == std::string_view::npos ? std::string_view::npos : cut - at));
    if (cut == std::string_view::npos) break;
    at = cut + 1;
  }
  Rules rules;
  std::string json = R"({"response": [)";
  size_t next = 0;
  for (size_t i = 0; i < count; ++i) {
    if (parts.size() - next < 2) return 0;
    std::string from = Ascii(parts[next]);
    std::string to = Ascii(parts[next + 1]);
    next += 2;
    if (from.empty() || from.size() > 16) return 0;
    json += envoy_dm::sdk::StrCat(i == 0 ? "" : ",", R"([")", from, R"(", ")", to, R"("])");
    rules.emplace_back(std::move(from), std::move(to));
  }
  json += "]}";
  std::string body;
  for (; next < parts.size(); ++next) body.append(parts[next]);

  FakeEnvoyConfig config_envoy;
  auto config = BodyRewriteConfig::Make(config_envoy, json);
  if (!config) Check(false, "refused " + json + ": " + config.error().message);

  FakeEnvoyFilter envoy;
  envoy.SetHeader(envoy_dm::sdk::HeaderType::kResponseHeader, ":status", "200");
  auto filter = (*config)->NewFilter(envoy);
  filter->OnResponseHeaders(envoy, false);
  const size_t step = 1 + (chunking & 0x3f);
  const bool trailers = (chunking & 0x40) != 0;
  std::vector<std::string_view> chunks;
  if (body.empty()) chunks.emplace_back();
  for (size_t at = 0; at < body.size(); at += step) {
    chunks.push_back(std::string_view(body).substr(at, step));
  }
  constexpr auto kReceived = envoy_dm::sdk::BodyType::kReceivedResponseBody;
  std::string out;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const bool end = !trailers && i + 1 == chunks.size();
    envoy.bodies[kReceived] = {std::string(chunks[i])};
    filter->OnResponseBody(envoy, end);
    out += envoy.Body(kReceived);
  }
  if (trailers) {
    filter->OnResponseTrailers(envoy);
    out += envoy.Body(envoy_dm::sdk::BodyType::kBufferedResponseBody);
  }
  if (out != Naive(rules, body)) {
    Check(false, json + " on " + envoy_dm::sdk::Quote(body) + " in " + std::to_string(step) +
                     "-byte chunks: got " + envoy_dm::sdk::Quote(out));
  }
  return 0;
}
