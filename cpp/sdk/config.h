// config.h: how a configuration is made, in one place for the filter configs
// and the per-route configs: the refusal contract (docs/CONTRACT.md), the
// Result a constructor returns, and strict JSON parsing of filter_config.
// Mirrors rust/sdk/src/config.rs, where the Rust SDK makes and refuses configs.
//
// Envoy hands a google.protobuf.Struct over as JSON text and a StringValue as
// its raw bytes; both arrive here. Configs are strict, as with serde's
// deny_unknown_fields on the Rust side: unknown and duplicate fields are
// refused, and every error names the offending entry.

#ifndef ENVOY_DM_CPP_SDK_CONFIG_H_
#define ENVOY_DM_CPP_SDK_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace envoy_dm::sdk {

class EnvoyHttpFilterConfig;  // handle.h
class PerRouteConfig;         // handle.h
struct ConfigBox;             // registry.h

// ------------------------------------------------------------ the contract

// The largest filter_config a filter is handed. Configs are a few hundred bytes;
// anything near this is a mistake or an attack on the parser.
inline constexpr size_t kMaxConfigBytes = size_t{1} << 20;

namespace hooks {

// http_filter_config_new and http_filter_per_route_config_new. Both go through
// one helper (config.cc): the name must be registered (registry.h), the bytes
// at most kMaxConfigBytes and accepted by the constructor. Otherwise Envoy gets
// nullptr, which refuses the configuration, after one error line
// "{module}: {filter|per-route config} '{name}': {why}"; a constructor that
// throws is logged once by the barrier instead.
std::unique_ptr<ConfigBox> ConfigNew(EnvoyHttpFilterConfig& envoy, std::string_view name,
                                     std::string_view config) noexcept;
std::unique_ptr<PerRouteConfig> PerRouteConfigNew(std::string_view name,
                                                  std::string_view config) noexcept;
// http_filter_config_destroy and http_filter_per_route_config_destroy.
void ConfigDestroy(std::unique_ptr<ConfigBox> config) noexcept;
void PerRouteConfigDestroy(std::unique_ptr<PerRouteConfig> config) noexcept;

}  // namespace hooks

// What a constructor returns: a value, or an Error saying why it was refused.
// C++20 has no std::expected; Result is the small part of it the SDK needs. The
// Rust SDK's counterpart is Result<T, BoxError>.
//
// Why something was refused. The message becomes the log line Envoy shows, so it
// names the exact problem.
struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  // A value, or anything a value can be made from (e.g. a std::unique_ptr to a
  // derived class for a Result of a std::unique_ptr to its base).
  template <typename U = T>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Error> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>)
      // The requires clause keeps Result itself out:
      // NOLINTNEXTLINE(bugprone-forwarding-reference-overload)
      Result(U&& value)  // NOLINT(google-explicit-constructor): `return value;` must work.
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  Result(Error error)  // NOLINT(google-explicit-constructor): `return Error{...};` must work.
      : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

// ---------------------------------------------------------- strict JSON

using Json = nlohmann::json;

// `text` in double quotes with `"`, `\` and control characters escaped, like
// Rust's `{:?}`, so the three languages print the same reasons:
// Quote("a\r\nb") is "\"a\\r\\nb\"".
std::string Quote(std::string_view text);

// True when `config` is empty or only ASCII whitespace: how an absent
// filter_config arrives.
bool IsBlank(std::string_view config);

// Parses `config` as one JSON object whose keys are all among `fields`. Refuses
// an absent config ("filter_config is empty; expected a JSON object"), JSON
// syntax errors (the parser's message with its position) and unknown or
// repeated fields.
Result<Json> ParseJsonObject(std::string_view config, std::span<const std::string_view> fields);

// The name of entry `i` of list `field` in error messages: "request_headers[1]".
std::string Entry(std::string_view field, size_t i);

// Readers of one field of a parsed object. A missing field gives the default (or,
// for a required one, "missing field `name`"); a field of the wrong shape gives an
// error that names it, e.g. "request_headers[1]: invalid length 1, ...".
Result<bool> ReadBool(const Json& object, std::string_view field, bool missing);
// A non-negative integer that fits 64 bits, as Rust's u64 reads it.
Result<uint64_t> ReadU64(const Json& object, std::string_view field, uint64_t missing);
Result<std::string> ReadString(const Json& object, std::string_view field,
                               std::string_view missing);
Result<std::string> ReadRequiredString(const Json& object, std::string_view field);
Result<std::vector<std::string>> ReadStrings(const Json& object, std::string_view field);
// A list of two-string arrays; `names` says what the two are in messages
// ("name, value": "expected an array of two strings [name, value]").
Result<std::vector<std::pair<std::string, std::string>>> ReadStringPairs(
    const Json& object, std::string_view field, std::string_view names = "name, value");

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_CONFIG_H_
