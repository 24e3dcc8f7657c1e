// callback_price.h: `callback_price`, a bench-only filter that prices one ABI
// callback. Config {"op": "<operation>", "calls": N}: on each request it makes
// the named call N times, keeps every result (a volatile sink, so the compiler
// cannot drop a call) and otherwise lets the request through. bench/price_list.py
// runs it at N and 2N calls; the difference is the price of N calls. Same ops,
// config and behaviour as rust/filters/src/http/callback_price.rs, which says
// what each op calls and where.

#ifndef ENVOY_DM_CPP_FILTERS_CALLBACK_PRICE_H_
#define ENVOY_DM_CPP_FILTERS_CALLBACK_PRICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sdk.h"

namespace envoy_dm::filters {

inline constexpr std::string_view kPriceReadHeader = "x-request-replace";
inline constexpr std::string_view kPriceWriteHeader = "x-callback-price";
inline constexpr std::string_view kPriceHitsHeader = "x-callback-price-hits";
inline constexpr std::string_view kPriceBodyHits = "\ncallback_price hits=";
inline constexpr std::string_view kPriceMetadataNs = "callback_price";
inline constexpr std::string_view kPriceMetadataKey = "key";
inline constexpr std::string_view kPriceFilterStateKey = "callback_price.key";
inline constexpr std::string_view kPriceCounter = "callback_price_calls";

// The priced operations, named in the config as in the other languages.
enum class PriceOp : uint8_t {
  kHeaderGet,
  kHeaderSet,
  kHeaderAdd,
  kHeaderRemove,
  kAttributeString,
  kAttributeInt,
  kMetadataSet,
  kMetadataGet,
  kFilterStateSet,
  kFilterStateGet,
  kBodyRead,
  kBodyAppend,
  kCounterIncrement,
  kLogDisabled,
};

struct PriceSettings {
  PriceOp op = PriceOp::kHeaderGet;
  uint32_t calls = 1;
  sdk::MetricId counter{};
  // filter_state_set's keys (a filter-state key is read-only once set), made
  // at config time so the stream path only calls.
  std::vector<std::string> state_keys;
};

class CallbackPriceConfig final : public sdk::HttpFilterConfig {
 public:
  static sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> New(sdk::EnvoyHttpFilterConfig& envoy,
                                                                 std::string_view config);

  explicit CallbackPriceConfig(PriceSettings settings) : settings_(std::move(settings)) {}
  std::unique_ptr<sdk::HttpFilter> NewFilter(sdk::EnvoyHttpFilter& envoy) const override;

 private:
  PriceSettings settings_;
};

class CallbackPrice final : public sdk::HttpFilter {
 public:
  explicit CallbackPrice(const PriceSettings& settings) : settings_(&settings) {}

  sdk::RequestHeadersStatus OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                             bool end_of_stream) override;
  sdk::ResponseHeadersStatus OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                               bool end_of_stream) override;
  sdk::ResponseBodyStatus OnResponseBody(sdk::EnvoyHttpFilter& envoy, bool end_of_stream) override;

 private:
  bool OnBody() const;
  uint32_t RunOnHeaders(sdk::EnvoyHttpFilter& envoy) const;
  uint32_t RunOnBody(sdk::EnvoyHttpFilter& envoy) const;

  const PriceSettings* settings_;
  uint32_t hits_ = 0;
};

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_FILTERS_CALLBACK_PRICE_H_
