// json_config.h: parsing of filter_config bytes shared by the filters. Envoy
// hands a google.protobuf.Struct over as JSON text and a StringValue as its raw
// bytes; both arrive here. Configs are strict, as with serde's
// deny_unknown_fields on the Rust side: unknown and duplicate fields are
// refused, and every error names the offending entry. Mirrors
// rust/filters/src/config.rs.

#ifndef ENVOY_DM_CPP_SRC_JSON_CONFIG_H_
#define ENVOY_DM_CPP_SRC_JSON_CONFIG_H_

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.h"

namespace envoy_dm::filters {

using Json = nlohmann::json;

// True when `config` is empty or only ASCII whitespace: how an absent
// filter_config arrives.
bool IsBlank(std::string_view config);

// Parses `config` as one JSON object whose keys are all among `fields`. Refuses
// an absent config ("filter_config is empty; expected a JSON object"), JSON
// syntax errors (the parser's message with its position) and unknown or
// repeated fields.
sdk::Result<Json> ParseJsonObject(std::string_view config,
                                  std::span<const std::string_view> fields);

// The name of entry `i` of list `field` in error messages: "request_headers[1]".
std::string Entry(std::string_view field, size_t i);

// Readers of one field of a parsed object. A missing field gives the default (or,
// for a required one, "missing field `name`"); a field of the wrong shape gives an
// error that names it, e.g. "request_headers[1]: invalid length 1, ...".
sdk::Result<bool> ReadBool(const Json& object, std::string_view field, bool missing);
sdk::Result<std::string> ReadRequiredString(const Json& object, std::string_view field);
sdk::Result<std::vector<std::string>> ReadStrings(const Json& object, std::string_view field);
sdk::Result<std::vector<std::pair<std::string, std::string>>> ReadStringPairs(
    const Json& object, std::string_view field);

}  // namespace envoy_dm::filters

#endif  // ENVOY_DM_CPP_SRC_JSON_CONFIG_H_
