// callback_price.cc: see callback_price.h.

#include "callback_price.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace envoy_dm::filters {
namespace {

using sdk::HeaderType;
using sdk::Result;
using sdk::StrCat;

constexpr std::string_view kFields[] = {"op", "calls"};

constexpr std::array<std::pair<std::string_view, PriceOp>, 14> kOps = {{
    {"header_get", PriceOp::kHeaderGet},
    {"header_set", PriceOp::kHeaderSet},
    {"header_add", PriceOp::kHeaderAdd},
    {"header_remove", PriceOp::kHeaderRemove},
    {"attribute_string", PriceOp::kAttributeString},
    {"attribute_int", PriceOp::kAttributeInt},
    {"metadata_set", PriceOp::kMetadataSet},
    {"metadata_get", PriceOp::kMetadataGet},
    {"filter_state_set", PriceOp::kFilterStateSet},
    {"filter_state_get", PriceOp::kFilterStateGet},
    {"body_read", PriceOp::kBodyRead},
    {"body_append", PriceOp::kBodyAppend},
    {"counter_increment", PriceOp::kCounterIncrement},
    {"log_disabled", PriceOp::kLogDisabled},
}};

// Where every result lands: a volatile store the compiler must make, so no
// call's result is unused.
volatile size_t g_sink = 0;

template <typename T>
bool Keep(const std::optional<T>& value) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    g_sink = value ? value->size() : 0;
  } else {
    g_sink = value ? static_cast<size_t>(*value) : 0;
  }
  return value.has_value();
}

Result<PriceOp> ParseOp(std::string_view name) {
  for (const auto& [op_name, op] : kOps) {
    if (op_name == name) return op;
  }
  std::string expected;
  for (const auto& [op_name, op] : kOps) {
    expected += StrCat(expected.empty() ? "" : ", ", "`", op_name, "`");
  }
  return sdk::Error{StrCat("op: unknown variant `", name, "`, expected one of ", expected)};
}

// A u32 in decimal, into `buf`; the digits' view.
std::string_view Decimal(uint32_t n, std::array<char, 10>& buf) {
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  return {buf.data(), static_cast<size_t>(end - buf.data())};
}

}  // namespace

Result<std::unique_ptr<sdk::HttpFilterConfig>> CallbackPriceConfig::New(
    sdk::EnvoyHttpFilterConfig& envoy, std::string_view config) {
  auto raw = sdk::ParseJsonObject(config, kFields);
  if (!raw) return std::move(raw).error();
  auto op_name = sdk::ReadRequiredString(*raw, "op");
  if (!op_name) return std::move(op_name).error();
  auto op = ParseOp(*op_name);
  if (!op) return std::move(op).error();
  if (!raw->contains("calls")) return sdk::Error{"missing field `calls`"};
  const Result<uint64_t> calls = sdk::ReadU64(*raw, "calls", 0);
  if (!calls) return calls.error();
  if (*calls < 1 || *calls > std::numeric_limits<uint32_t>::max()) {
    return sdk::Error{"calls must be at least 1"};
  }
  auto counter = envoy.DefineCounter(kPriceCounter, {});
  if (!counter) return std::move(counter).error();
  PriceSettings settings{
      .op = *op, .calls = static_cast<uint32_t>(*calls), .counter = *counter, .state_keys = {}};
  if (settings.op == PriceOp::kFilterStateSet) {
    for (uint32_t i = 0; i < settings.calls; ++i) {
      settings.state_keys.push_back(StrCat(kPriceFilterStateKey, ".", std::to_string(i)));
    }
  }
  return std::make_unique<CallbackPriceConfig>(std::move(settings));
}

std::unique_ptr<sdk::HttpFilter> CallbackPriceConfig::NewFilter(
    sdk::EnvoyHttpFilter& /*envoy*/) const {
  return std::make_unique<CallbackPrice>(settings_);
}

bool CallbackPrice::OnBody() const {
  return settings_->op == PriceOp::kBodyRead || settings_->op == PriceOp::kBodyAppend;
}

uint32_t CallbackPrice::RunOnHeaders(sdk::EnvoyHttpFilter& envoy) const {
  const PriceSettings& s = *settings_;
  constexpr HeaderType kReq = HeaderType::kRequestHeader;
  uint32_t hits = 0;
  switch (s.op) {
    case PriceOp::kHeaderGet:
      for (uint32_t i = 0; i < s.calls; ++i) hits += Keep(envoy.GetHeader(kReq, kPriceReadHeader));
      break;
    case PriceOp::kHeaderSet:
      for (uint32_t i = 0; i < s.calls; ++i) hits += envoy.SetHeader(kReq, kPriceWriteHeader, "1");
      break;
    case PriceOp::kHeaderAdd:
      for (uint32_t i = 0; i < s.calls; ++i) hits += envoy.AddHeader(kReq, kPriceWriteHeader, "1");
      break;
    case PriceOp::kHeaderRemove:
      for (uint32_t i = 0; i < s.calls; ++i) hits += envoy.RemoveHeader(kReq, kPriceReadHeader);
      break;
    case PriceOp::kAttributeString:
      for (uint32_t i = 0; i < s.calls; ++i) {
        hits += Keep(envoy.GetAttributeString(sdk::AttributeId::kSourceAddress));
      }
      break;
    case PriceOp::kAttributeInt:
      for (uint32_t i = 0; i < s.calls; ++i) {
        hits += Keep(envoy.GetAttributeInt(sdk::AttributeId::kSourcePort));
      }
      break;
    case PriceOp::kMetadataSet:
      for (uint32_t i = 0; i < s.calls; ++i) {
        envoy.SetDynamicMetadataString(kPriceMetadataNs, kPriceMetadataKey, "1");
        ++hits;
      }
      break;
    case PriceOp::kMetadataGet:
      envoy.SetDynamicMetadataString(kPriceMetadataNs, kPriceMetadataKey, "1");
      for (uint32_t i = 0; i < s.calls; ++i) {
        hits += Keep(envoy.GetDynamicMetadataString(kPriceMetadataNs, kPriceMetadataKey));
      }
      break;
    case PriceOp::kFilterStateSet:
      for (const std::string& key : s.state_keys) hits += envoy.SetFilterStateBytes(key, "1");
      break;
    case PriceOp::kFilterStateGet:
      envoy.SetFilterStateBytes(kPriceFilterStateKey, "1");
      for (uint32_t i = 0; i < s.calls; ++i) {
        hits += Keep(envoy.GetFilterStateBytes(kPriceFilterStateKey));
      }
      break;
    case PriceOp::kCounterIncrement:
      for (uint32_t i = 0; i < s.calls; ++i) hits += envoy.IncrementCounter(s.counter, {}, 1);
      break;
    case PriceOp::kLogDisabled:
      for (uint32_t i = 0; i < s.calls; ++i) {
        // What a guarded log line costs when its level is off; counted when Envoy says so.
        if (sdk::LogEnabled(sdk::LogLevel::kTrace)) {
          sdk::Log(sdk::LogLevel::kTrace, StrCat("callback_price ", std::to_string(i)));
        } else {
          ++hits;
        }
      }
      break;
    case PriceOp::kBodyRead:
    case PriceOp::kBodyAppend:
      break;
  }
  return hits;
}

uint32_t CallbackPrice::RunOnBody(sdk::EnvoyHttpFilter& envoy) const {
  constexpr sdk::BodyType kBody = sdk::BodyType::kReceivedResponseBody;
  uint32_t hits = 0;
  for (uint32_t i = 0; i < settings_->calls; ++i) {
    if (settings_->op == PriceOp::kBodyRead) {
      const std::vector<std::string_view> chunks = envoy.GetBodyChunks(kBody);
      g_sink = chunks.size();
      hits += chunks.empty() ? 0 : 1;
    } else {
      hits += envoy.AppendBody(kBody, "x");
    }
  }
  return hits;
}

sdk::RequestHeadersStatus CallbackPrice::OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                                          bool /*end_of_stream*/) {
  if (!OnBody()) hits_ = RunOnHeaders(envoy);
  return sdk::RequestHeadersStatus::kContinue;
}

sdk::ResponseHeadersStatus CallbackPrice::OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                                            bool /*end_of_stream*/) {
  if (OnBody()) {
    // The body grows (the appends, the hits line): its length is not known yet.
    envoy.RemoveHeader(HeaderType::kResponseHeader, "content-length");
  } else {
    std::array<char, 10> buf{};
    envoy.SetHeader(HeaderType::kResponseHeader, kPriceHitsHeader, Decimal(hits_, buf));
  }
  return sdk::ResponseHeadersStatus::kContinue;
}

sdk::ResponseBodyStatus CallbackPrice::OnResponseBody(sdk::EnvoyHttpFilter& envoy,
                                                      bool end_of_stream) {
  if (OnBody()) {
    hits_ += RunOnBody(envoy);
    if (end_of_stream) {
      std::array<char, 10> buf{};
      envoy.AppendBody(sdk::BodyType::kReceivedResponseBody, kPriceBodyHits);
      envoy.AppendBody(sdk::BodyType::kReceivedResponseBody, Decimal(hits_, buf));
      envoy.AppendBody(sdk::BodyType::kReceivedResponseBody, "\n");
    }
  }
  return sdk::ResponseBodyStatus::kContinue;
}

}  // namespace envoy_dm::filters
