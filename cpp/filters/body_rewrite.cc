// body_rewrite.cc: see body_rewrite.h.

#include "body_rewrite.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace envoy_dm::filters {
namespace {

using sdk::Error;
using sdk::Result;
using sdk::StrCat;

constexpr std::string_view kFields[] = {"request", "response", "max_buffer_bytes", "on_overflow"};

// The rule-pair wording in refusals: "expected an array of two strings [from, to]".
constexpr std::string_view kPairNames = "from, to";

Result<Overflow> ParseOverflow(const sdk::Json& raw) {
  const Result<std::string> name = sdk::ReadString(raw, "on_overflow", "pass");
  if (!name) return name.error();
  if (*name == "pass") return Overflow::kPass;
  if (*name == "fail") return Overflow::kFail;
  return Error{StrCat("on_overflow: unknown variant `", *name, "`, expected `pass` or `fail`")};
}

// True when a content-encoding other than identity is set.
bool Encoded(const sdk::EnvoyHttpFilter& envoy, sdk::HeaderType headers) {
  const std::optional<std::string_view> value = envoy.GetHeader(headers, "content-encoding");
  if (!value) return false;
  constexpr std::string_view kSpace = " \t\n\f\r";
  std::string_view v = *value;
  v.remove_prefix(std::min(v.find_first_not_of(kSpace), v.size()));
  v.remove_suffix(v.size() - std::min(v.find_last_not_of(kSpace) + 1, v.size()));
  constexpr std::string_view kIdentity = "identity";
  return !std::ranges::equal(v, kIdentity, [](char c, char lower) {
    return (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == lower;
  });
}

}  // namespace

// The two directions and what each works on. The fail reply: a request gets
// 413; a response, whose headers are on their way, is reset (Envoy turns the
// reply into a reset).
struct BodyRewrite::Side {
  std::string_view name;
  sdk::BodyType received;
  sdk::BodyType buffered;
  sdk::HeaderType headers;
  uint32_t status;
  std::string_view details;
};

namespace {

constexpr BodyRewrite::Side kRequest{.name = "request",
                                     .received = sdk::BodyType::kReceivedRequestBody,
                                     .buffered = sdk::BodyType::kBufferedRequestBody,
                                     .headers = sdk::HeaderType::kRequestHeader,
                                     .status = 413,
                                     .details = "body_rewrite_request_too_large"};
constexpr BodyRewrite::Side kResponse{.name = "response",
                                      .received = sdk::BodyType::kReceivedResponseBody,
                                      .buffered = sdk::BodyType::kBufferedResponseBody,
                                      .headers = sdk::HeaderType::kResponseHeader,
                                      .status = 502,
                                      .details = "body_rewrite_response_too_large"};

}  // namespace

// ------------------------------------------------------------------ rules

Result<BodyRules> BodyRules::Parse(std::string_view field, Pairs raw) {
  if (raw.size() > kBodyRewriteMaxRules) {
    return Error{StrCat(field, ": ", std::to_string(raw.size()), " rules is over the limit of ",
                        std::to_string(kBodyRewriteMaxRules))};
  }
  BodyRules rules;
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto& [from, to] = raw[i];
    const std::string at = sdk::Entry(field, i);
    if (from.empty()) return Error{StrCat(at, ": from must not be empty")};
    if (from.size() > kBodyRewriteMaxFromBytes) {
      return Error{
          StrCat(at, ": from is over ", std::to_string(kBodyRewriteMaxFromBytes), " bytes")};
    }
    if (to.size() > kBodyRewriteMaxToBytes) {
      return Error{StrCat(at, ": to is over ", std::to_string(kBodyRewriteMaxToBytes), " bytes")};
    }
    rules.first_[static_cast<unsigned char>(from.front())] = true;
  }
  rules.rules_ = std::move(raw);
  return rules;
}

size_t BodyRules::Rewrite(std::string_view input, bool end, std::string& out) const {
  size_t i = 0;
  while (i < input.size()) {
    if (!Starts(input[i])) {
      // A run no rule can start in goes out in one append.
      const auto run = std::find_if(input.begin() + static_cast<std::ptrdiff_t>(i), input.end(),
                                    [this](char c) { return Starts(c); });
      const auto stop = static_cast<size_t>(run - input.begin());
      out.append(input.substr(i, stop - i));
      i = stop;
      continue;
    }
    const std::string_view rest = input.substr(i);
    bool matched = false;
    for (const auto& [from, to] : rules_) {
      if (rest.starts_with(from)) {
        out.append(to);
        i += from.size();
        matched = true;
        break;
      }
      // Too few bytes to tell, and they could still become `from`: an
      // earlier-listed rule must be decided before a later one.
      if (!end && rest.size() < from.size() && std::string_view(from).starts_with(rest)) {
        return rest.size();
      }
    }
    if (!matched) out.push_back(input[i++]);
  }
  return 0;
}

std::string BodyRules::RewriteAll(std::string_view input) const {
  std::string out;
  out.reserve(input.size());
  Rewrite(input, true, out);
  return out;
}

bool BodyRules::CannotMatch(std::string_view bytes) const {
  return std::ranges::none_of(bytes, [this](char c) { return Starts(c); });
}

// ----------------------------------------------------------------- config

Result<std::unique_ptr<sdk::HttpFilterConfig>> BodyRewriteConfig::New(
    sdk::EnvoyHttpFilterConfig& envoy, std::string_view config) {
  auto made = Make(envoy, config);
  if (!made) return std::move(made).error();
  return std::move(made).value();
}

Result<std::unique_ptr<BodyRewriteConfig>> BodyRewriteConfig::Make(
    sdk::EnvoyHttpFilterConfig& envoy, std::string_view config) {
  const Result<sdk::Json> raw = sdk::ParseJsonObject(config, kFields);
  if (!raw) return raw.error();
  auto request_pairs = sdk::ReadStringPairs(*raw, "request", kPairNames);
  if (!request_pairs) return std::move(request_pairs).error();
  auto response_pairs = sdk::ReadStringPairs(*raw, "response", kPairNames);
  if (!response_pairs) return std::move(response_pairs).error();
  const Result<uint64_t> max = sdk::ReadU64(*raw, "max_buffer_bytes", kBodyRewriteDefaultBuffer);
  if (!max) return max.error();
  const Result<Overflow> on_overflow = ParseOverflow(*raw);
  if (!on_overflow) return on_overflow.error();

  auto request = BodyRules::Parse("request", std::move(*request_pairs));
  if (!request) return std::move(request).error();
  auto response = BodyRules::Parse("response", std::move(*response_pairs));
  if (!response) return std::move(response).error();
  if (request->empty() && response->empty()) {
    return Error{"no rules: give request or response replacements"};
  }
  if (*max == 0 || *max > kBodyRewriteMaxBufferLimit) {
    return Error{
        StrCat("max_buffer_bytes must be 1 to ", std::to_string(kBodyRewriteMaxBufferLimit))};
  }
  constexpr std::string_view kLabels[] = {"direction"};
  const Result<sdk::MetricId> overflows =
      envoy.DefineCounter("body_rewrite_overflow_total", kLabels);
  if (!overflows) return overflows.error();
  return std::make_unique<BodyRewriteConfig>(std::move(*request), std::move(*response), *max,
                                             *on_overflow, *overflows);
}

std::unique_ptr<sdk::HttpFilter> BodyRewriteConfig::NewFilter(
    sdk::EnvoyHttpFilter& /*envoy*/) const {
  return std::make_unique<BodyRewrite>(*this);
}

bool BodyRewriteConfig::ShouldLogOverflow() const {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return last_overflow_log_.exchange(now, std::memory_order_relaxed) != now;
}

// ----------------------------------------------------------------- stream

std::pair<const BodyRules&, BodyRewrite::Direction&> BodyRewrite::Of(const Side& side) {
  if (&side == &kRequest) return {config_->request(), request_};
  return {config_->response(), response_};
}

void BodyRewrite::Start(sdk::EnvoyHttpFilter& envoy, const Side& side, bool end_of_stream) {
  const bool touchable = !end_of_stream && !Encoded(envoy, side.headers);
  auto [rules, dir] = Of(side);
  if (touchable && !rules.empty()) {
    dir.state = State::kRewriting;
    envoy.RemoveHeader(side.headers, "content-length");
  }
}

bool BodyRewrite::Body(sdk::EnvoyHttpFilter& envoy, const Side& side, bool end) {
  auto [rules, dir] = Of(side);
  if (dir.state != State::kRewriting) return true;
  // One call for the slices; their total is the body size.
  const std::vector<std::string_view> chunks = envoy.GetBodyChunks(side.received);
  size_t size = 0;
  for (const std::string_view chunk : chunks) size += chunk.size();
  dir.seen += size;
  if (dir.seen > config_->max_buffer_bytes()) return Overflowed(envoy, side, dir, chunks, size);
  if (dir.carry.empty() &&
      std::ranges::all_of(chunks, [&](std::string_view c) { return rules.CannotMatch(c); })) {
    return true;  // the common case: nothing to do, nothing copied
  }
  dir.input.assign(dir.carry);
  for (const std::string_view chunk : chunks) dir.input.append(chunk);
  dir.output.clear();
  const size_t held = rules.Rewrite(dir.input, end, dir.output);
  dir.carry.assign(std::string_view(dir.input).substr(dir.input.size() - held));
  envoy.DrainBody(side.received, size);
  envoy.AppendBody(side.received, dir.output);
  return true;
}

void BodyRewrite::Trailers(sdk::EnvoyHttpFilter& envoy, const Side& side) {
  auto [rules, dir] = Of(side);
  if (dir.state == State::kRewriting && !dir.carry.empty()) {
    envoy.AppendBody(side.buffered, rules.RewriteAll(dir.carry));
    dir.carry.clear();
  }
}

bool BodyRewrite::Overflowed(sdk::EnvoyHttpFilter& envoy, const Side& side, Direction& dir,
                             const std::vector<std::string_view>& chunks, size_t size) {
  const BodyRewriteConfig& c = *config_;
  const std::string_view labels[] = {side.name};
  envoy.IncrementCounter(c.overflows(), labels, 1);
  const bool fail = c.on_overflow() == Overflow::kFail;
  if (c.ShouldLogOverflow() && sdk::LogEnabled(sdk::LogLevel::kWarn)) {
    sdk::Log(sdk::LogLevel::kWarn,
             StrCat("body_rewrite: ", side.name, " body over max_buffer_bytes (",
                    std::to_string(c.max_buffer_bytes()),
                    "): ", fail ? "failing the stream" : "the rest passes untouched"));
  }
  if (fail) {
    dir = Direction{};  // untouched from here on
    envoy.SendResponse(side.status, {},
                       StrCat("body_rewrite: ", side.name, " body over max_buffer_bytes\n"),
                       side.details);
    return false;
  }
  if (!dir.carry.empty()) {
    // The held-back bytes go first, untouched, as the rest will.
    std::string bytes = std::move(dir.carry);
    for (const std::string_view chunk : chunks) bytes.append(chunk);
    envoy.DrainBody(side.received, size);
    envoy.AppendBody(side.received, bytes);
  }
  Direction passing;  // frees the carry and the scratch
  passing.state = State::kOverflowed;
  passing.seen = dir.seen;
  dir = std::move(passing);
  return true;
}

sdk::RequestHeadersStatus BodyRewrite::OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                                        bool end_of_stream) {
  head_ = envoy.GetHeader(sdk::HeaderType::kRequestHeader, ":method") == "HEAD";
  Start(envoy, kRequest, end_of_stream);
  return sdk::RequestHeadersStatus::kContinue;
}

sdk::RequestBodyStatus BodyRewrite::OnRequestBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) {
  return Body(envoy, kRequest, end_of_stream) ? sdk::RequestBodyStatus::kContinue
                                              : sdk::RequestBodyStatus::kStopIterationNoBuffer;
}

sdk::RequestTrailersStatus BodyRewrite::OnRequestTrailers(sdk::EnvoyHttpFilter& envoy) {
  Trailers(envoy, kRequest);
  return sdk::RequestTrailersStatus::kContinue;
}

sdk::ResponseHeadersStatus BodyRewrite::OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                                          bool end_of_stream) {
  const std::optional<std::string_view> status =
      envoy.GetHeader(sdk::HeaderType::kResponseHeader, ":status");
  const bool bodiless = head_ || status == "204" || status == "304";
  Start(envoy, kResponse, end_of_stream || bodiless);
  return sdk::ResponseHeadersStatus::kContinue;
}

sdk::ResponseBodyStatus BodyRewrite::OnResponseBody(sdk::EnvoyHttpFilter& envoy,
                                                    bool end_of_stream) {
  return Body(envoy, kResponse, end_of_stream) ? sdk::ResponseBodyStatus::kContinue
                                               : sdk::ResponseBodyStatus::kStopIterationNoBuffer;
}

sdk::ResponseTrailersStatus BodyRewrite::OnResponseTrailers(sdk::EnvoyHttpFilter& envoy) {
  Trailers(envoy, kResponse);
  return sdk::ResponseTrailersStatus::kContinue;
}

}  // namespace envoy_dm::filters
