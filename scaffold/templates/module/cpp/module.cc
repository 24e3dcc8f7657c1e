// lib{{module}}.so's filters, and the hello filter. Add filters to kFilters
// (see the repository's docs/TUTORIAL.md for a walk through the hooks).

#include "hello.h"

namespace sdk = envoy_dm::sdk;

namespace {

class Hello final : public sdk::HttpFilter {
 public:
  explicit Hello(const HelloConfig& config) : config_(config) {}
  sdk::ResponseHeadersStatus OnResponseHeaders(sdk::EnvoyHttpFilter& envoy, bool) override {
    envoy.SetHeader(sdk::HeaderType::kResponseHeader, "x-hello", config_.stamp);
    return sdk::ResponseHeadersStatus::kContinue;
  }

 private:
  const HelloConfig& config_;
};

}  // namespace

sdk::Result<std::unique_ptr<sdk::HttpFilterConfig>> HelloConfig::New(sdk::EnvoyHttpFilterConfig&,
                                                                     std::string_view config) {
  constexpr std::string_view kFields[] = {"stamp"};
  sdk::Result<sdk::Json> raw = sdk::ParseJsonObject(config, kFields);
  if (!raw) return std::move(raw).error();
  sdk::Result<std::string> stamp = sdk::ReadRequiredString(*raw, "stamp");
  if (!stamp) return std::move(stamp).error();
  auto made = std::make_unique<HelloConfig>();
  made->stamp = std::move(*stamp);
  return made;
}

std::unique_ptr<sdk::HttpFilter> HelloConfig::NewFilter(sdk::EnvoyHttpFilter&) const {
  return std::make_unique<Hello>(*this);
}

namespace {
constexpr sdk::NamedFilter kFilters[] = {{"hello", &HelloConfig::New}};
}  // namespace

constexpr sdk::Module sdk::kModule{.name = "{{module}}", .language = "cpp", .filters = kFilters};
