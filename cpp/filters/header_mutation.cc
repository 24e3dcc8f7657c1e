// header_mutation.cc: see header_mutation.h.

#include "header_mutation.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace envoy_dm::filters {
namespace {

using sdk::AttributeId;
using sdk::Error;
using sdk::HeaderType;
using sdk::Result;
using sdk::StrCat;

constexpr std::string_view kFields[] = {"request_headers", "remove_request_headers",
                                        "response_headers", "remove_response_headers",
                                        "allow_pseudo_headers"};

Result<std::vector<std::pair<std::string, std::string>>> SetList(const sdk::Json& raw,
                                                                 std::string_view field,
                                                                 bool pseudo) {
  auto pairs = sdk::ReadStringPairs(raw, field);
  if (!pairs) return std::move(pairs).error();
  for (size_t i = 0; i < pairs->size(); ++i) {
    auto& [name, value] = (*pairs)[i];
    auto checked = CheckName(sdk::Entry(field, i), name, pseudo);
    if (!checked) return std::move(checked).error();
    name = std::move(*checked);
    if (auto ok = CheckValue(sdk::Entry(field, i), value); !ok) return std::move(ok).error();
  }
  return pairs;
}

Result<std::vector<std::string>> NameList(const sdk::Json& raw, std::string_view field,
                                          bool pseudo) {
  auto names = sdk::ReadStrings(raw, field);
  if (!names) return std::move(names).error();
  for (size_t i = 0; i < names->size(); ++i) {
    auto checked = CheckName(sdk::Entry(field, i), (*names)[i], pseudo);
    if (!checked) return std::move(checked).error();
    (*names)[i] = std::move(*checked);
  }
  return names;
}

// RFC 9110 token characters.
bool IsTokenByte(char c) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSymbols.find(c) != std::string_view::npos;
}

// Sets response header `header` to the attribute's value, whatever its length.
// The value is a view of Envoy's memory, valid for this hook, and set_header
// copies it into the header map. The filter copies it first anyway, as the Rust
// and Go filters do: the view of an attribute that is itself read from a header
// map (request.path, say) would dangle once set_header changes that map, and
// the copy keeps this helper right for any attribute. The common case (an
// `ip:port`) fits a 128-byte stack buffer; a longer value is copied to the heap.
void SetFromAttribute(sdk::EnvoyHttpFilter& envoy, std::string_view header, AttributeId id) {
  const std::optional<std::string_view> value = envoy.GetAttributeString(id);
  if (!value) return;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init): filled before it is read.
  if (std::array<char, 128> buffer; value->size() <= buffer.size()) {
    std::ranges::copy(*value, buffer.begin());
    envoy.SetHeader(sdk::HeaderType::kResponseHeader, header, {buffer.data(), value->size()});
    return;
  }
  const std::string copy(*value);
  envoy.SetHeader(sdk::HeaderType::kResponseHeader, header, copy);
}

void StampAttributes(sdk::EnvoyHttpFilter& envoy) {
  SetFromAttribute(envoy, kDownstreamAddressHeader, sdk::AttributeId::kSourceAddress);
  SetFromAttribute(envoy, kUpstreamAddressHeader, sdk::AttributeId::kUpstreamAddress);
  if (const std::optional<uint64_t> code = envoy.GetAttributeInt(sdk::AttributeId::kResponseCode)) {
    // u64::MAX has 20 digits; to_chars fills what is read.
    std::array<char, 20> digits;  // NOLINT(cppcoreguidelines-pro-type-member-init)
    const char* end = std::to_chars(digits.data(), digits.data() + digits.size(), *code).ptr;
    envoy.SetHeader(sdk::HeaderType::kResponseHeader, kResponseCodeHeader,
                    {digits.data(), static_cast<size_t>(end - digits.data())});
  }
}

}  // namespace

void Mutations::Apply(sdk::EnvoyHttpFilter& envoy, HeaderType kind) const {
  for (const std::string& name : remove) envoy.RemoveHeader(kind, name);
  for (const auto& [name, value] : set) envoy.SetHeader(kind, name, value);
}

Result<std::unique_ptr<sdk::HttpFilterConfig>> HeaderMutationConfig::New(
    sdk::EnvoyHttpFilterConfig& /*envoy*/, std::string_view config) {
  Result<Rules> rules = Parse(config);
  if (!rules) return std::move(rules).error();
  return std::make_unique<HeaderMutationConfig>(std::move(rules).value());
}

Result<Rules> HeaderMutationConfig::Parse(std::string_view config) {
  const Result<sdk::Json> raw = sdk::ParseJsonObject(config, kFields);
  if (!raw) return raw.error();
  const Result<bool> pseudo = sdk::ReadBool(*raw, "allow_pseudo_headers", false);
  if (!pseudo) return pseudo.error();
  auto request_set = SetList(*raw, "request_headers", *pseudo);
  if (!request_set) return std::move(request_set).error();
  auto request_remove = NameList(*raw, "remove_request_headers", *pseudo);
  if (!request_remove) return std::move(request_remove).error();
  auto response_set = SetList(*raw, "response_headers", *pseudo);
  if (!response_set) return std::move(response_set).error();
  auto response_remove = NameList(*raw, "remove_response_headers", *pseudo);
  if (!response_remove) return std::move(response_remove).error();
  return Rules{
      .request = {.set = std::move(*request_set), .remove = std::move(*request_remove)},
      .response = {.set = std::move(*response_set), .remove = std::move(*response_remove)},
  };
}

Result<std::string> CheckName(std::string_view at, std::string_view name, bool allow_pseudo) {
  std::string_view token = name;
  if (token.starts_with(':')) {
    if (!allow_pseudo) {
      return Error{StrCat(at, ": ", sdk::Quote(name),
                          " is a pseudo-header; set \"allow_pseudo_headers\": true to change it")};
    }
    token.remove_prefix(1);
  }
  if (token.empty() || !std::ranges::all_of(token, IsTokenByte)) {
    return Error{StrCat(at, ": header name ", sdk::Quote(name), " is not a valid HTTP token")};
  }
  return sdk::AsciiLower(name);
}

Result<std::string_view> CheckValue(std::string_view at, std::string_view value) {
  if (value.empty()) {
    return Error{StrCat(at,
                        ": header value is empty; Envoy removes a header set to \"\", list it "
                        "under remove_* instead")};
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return Error{StrCat(at, ": header value ", sdk::Quote(value), " contains CR, LF or NUL")};
  }
  return value;
}

Result<sdk::PerRouteConfig> HeaderMutationConfig::NewPerRoute(std::string_view config) {
  Result<Rules> rules = Parse(config);
  if (!rules) return std::move(rules).error();
  return sdk::PerRouteConfig(std::make_shared<const Rules>(std::move(rules).value()));
}

std::unique_ptr<sdk::HttpFilter> HeaderMutationConfig::NewFilter(
    sdk::EnvoyHttpFilter& /*envoy*/) const {
  return std::make_unique<HeaderMutation>(rules_);
}

void HeaderMutation::ResolveRules(const sdk::EnvoyHttpFilter& envoy) {
  if (auto route = envoy.GetPerRouteConfig().As<Rules>()) {
    route_rules_ = std::move(route);
    rules_ = route_rules_.get();
  }
}

sdk::RequestHeadersStatus HeaderMutation::OnRequestHeaders(sdk::EnvoyHttpFilter& envoy,
                                                           bool /*end_of_stream*/) {
  ResolveRules(envoy);
  rules_->request.Apply(envoy, sdk::HeaderType::kRequestHeader);
  return sdk::RequestHeadersStatus::kContinue;
}

sdk::ResponseHeadersStatus HeaderMutation::OnResponseHeaders(sdk::EnvoyHttpFilter& envoy,
                                                             bool /*end_of_stream*/) {
  rules_->response.Apply(envoy, sdk::HeaderType::kResponseHeader);
  StampAttributes(envoy);
  return sdk::ResponseHeadersStatus::kContinue;
}

}  // namespace envoy_dm::filters
