// config.cc: see config.h.

#include "config.h"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

#include "barrier.h"
#include "handle.h"
#include "log.h"
#include "registry.h"

namespace envoy_dm::sdk {
namespace {

// The two kinds of configuration, as the refusal lines name them.
struct Kind {
  std::string_view name;      // "{module}: filter 'x': ..."
  std::string_view creation;  // the barrier's "{module}: filter 'x' config creation: panicked"
};
constexpr Kind kFilter{"filter", " config creation"};
constexpr Kind kPerRoute{"per-route config", " creation"};

// The refusal of a config over kMaxConfigBytes, before any parser sees it.
std::string TooLarge(std::string_view config) {
  return StrCat("invalid filter_config: ", std::to_string(config.size()), " bytes is over the ",
                std::to_string(kMaxConfigBytes), "-byte limit");
}

// The refusal contract, written once for both kinds. `find` looks the name up
// in the module (nullptr: `unknown(module)` says why); `construct` runs the
// entry's constructor; `box` wraps what it made into the object Envoy keeps.
template <typename Box, typename Find, typename Unknown, typename Construct, typename MakeBox>
std::unique_ptr<Box> Create(const Kind& kind, std::string_view name, std::string_view config,
                            Find find, Unknown unknown, Construct construct, MakeBox box) noexcept {
  std::unique_ptr<Box> made;
  const auto refuse = [&](std::string_view why) {
    Log(sdk::LogLevel::kError, StrCat(ModuleName(), ": ", kind.name, " '", name, "': ", why));
  };
  const auto context = [&] {
    return StrCat(ModuleName(), ": ", kind.name, " '", name, "'", kind.creation);
  };
  const bool ran = Guard(context, [&] {
    const Module* module = CurrentModule();
    if (module == nullptr) return refuse("program_init has not run");
    const auto* entry = find(*module);
    if (entry == nullptr) return refuse(unknown(*module));
    if (config.size() > kMaxConfigBytes) return refuse(TooLarge(config));
    auto value = construct(*entry);
    if (!value) return refuse(StrCat("invalid filter_config: ", value.error().message));
    made = box(*entry, std::move(value).value());
  });
  if (!ran) return nullptr;  // Guard logged "... creation: panicked: ..."
  return made;               // nullptr when refused
}

// The parser's message without its "[json.exception.parse_error.101] " tag:
// "parse error at line 1, column 2: syntax error while parsing ...".
std::string_view WithoutTag(std::string_view what) {
  if (what.starts_with("[json.exception.")) {
    if (const size_t end = what.find("] "); end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
  }
  return what;
}

// "`a`, `b`" for the "expected one of" part of an unknown-field error.
std::string Listed(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view name : names) {
    if (!out.empty()) out.append(", ");
    out.append(StrCat("`", name, "`"));
  }
  return out;
}

std::string UnknownField(std::string_view field, std::span<const std::string_view> fields) {
  switch (fields.size()) {
    case 0:
      return StrCat("unknown field `", field, "`, there are no fields");
    case 1:
      return StrCat("unknown field `", field, "`, expected ", Listed(fields));
    default:
      return StrCat("unknown field `", field, "`, expected one of ", Listed(fields));
  }
}

// A JSON value as an "invalid type" error shows it: `string "x"`, `integer `5``.
std::string Describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return StrCat("boolean `", value.dump(), "`");
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return StrCat("integer `", value.dump(), "`");
    case Json::value_t::number_float:
      return StrCat("floating point `", value.dump(), "`");
    case Json::value_t::string:
      return StrCat("string ", Quote(value.get_ref<const std::string&>()));
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return value.type_name();
  }
}

Error InvalidType(std::string_view at, const Json& value, std::string_view expected) {
  return Error{StrCat(at, ": invalid type: ", Describe(value), ", expected ", expected)};
}

// The field's value, or nullptr when absent.
const Json* Find(const Json& object, std::string_view field) {
  const auto it = object.find(field);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

namespace hooks {

std::unique_ptr<ConfigBox> ConfigNew(EnvoyHttpFilterConfig& envoy, std::string_view name,
                                     std::string_view config) noexcept {
  return Create<ConfigBox>(
      kFilter, name, config, [&](const Module& module) { return module.Find(name); },
      [](const Module& module) {
        return StrCat("unknown filter name; this module has: ", module.FilterNames());
      },
      [&](const NamedFilter& filter) { return filter.new_config(envoy, config); },
      [](const NamedFilter& filter, std::unique_ptr<HttpFilterConfig> made) {
        if (made == nullptr) throw std::logic_error("the constructor returned no configuration");
        return std::make_unique<ConfigBox>(filter.name, std::move(made));
      });
}

std::unique_ptr<PerRouteConfig> PerRouteConfigNew(std::string_view name,
                                                  std::string_view config) noexcept {
  return Create<PerRouteConfig>(
      kPerRoute, name, config, [&](const Module& module) { return module.FindPerRoute(name); },
      [](const Module&) {
        return std::string("no filter of this module takes a per-route config by that name");
      },
      [&](const NamedPerRouteConfig& entry) { return entry.new_config(config); },
      [](const NamedPerRouteConfig&, PerRouteConfig made) {
        return std::make_unique<PerRouteConfig>(std::move(made));
      });
}

// Destructors are noexcept in C++: releasing needs no barrier.
void ConfigDestroy(std::unique_ptr<ConfigBox> config) noexcept { config.reset(); }
void PerRouteConfigDestroy(std::unique_ptr<PerRouteConfig> config) noexcept { config.reset(); }

}  // namespace hooks

std::string Quote(std::string_view text) {
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '\0':
        out.append("\\0");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {  // other ASCII controls, as \u{1b}
          out.append("\\u{");
          if (byte >= 0x10) out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
          out.push_back('}');
        } else {
          out.push_back(c);
        }
      }
    }
  }
  out.push_back('"');
  return out;
}

std::string Entry(std::string_view field, size_t i) {
  return StrCat(field, "[", std::to_string(i), "]");
}

bool IsBlank(std::string_view config) {
  // The bytes Rust's u8::is_ascii_whitespace accepts.
  return std::ranges::all_of(
      config, [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; });
}

Result<Json> ParseJsonObject(std::string_view config, std::span<const std::string_view> fields) {
  if (IsBlank(config)) return Error{"filter_config is empty; expected a JSON object"};
  // The first unknown or repeated top-level key, in document order.
  std::optional<std::string> problem;
  std::vector<std::string> seen;
  const Json::parser_callback_t check_keys = [&](int depth, Json::parse_event_t event,
                                                 Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 && !problem) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (std::ranges::find(fields, key) == fields.end()) {
        problem = UnknownField(key, fields);
      } else if (std::ranges::find(seen, key) != seen.end()) {
        problem = StrCat("duplicate field `", key, "`");
      } else {
        seen.push_back(key);
      }
    }
    return true;
  };
  Json parsed;
  try {
    parsed = Json::parse(config, check_keys);
  } catch (const Json::exception& e) {
    return Error{std::string(WithoutTag(e.what()))};
  }
  if (!parsed.is_object()) return InvalidType("filter_config", parsed, "a JSON object");
  if (problem) return Error{std::move(*problem)};
  return parsed;
}

Result<bool> ReadBool(const Json& object, std::string_view field, bool missing) {
  const Json* value = Find(object, field);
  if (value == nullptr) return missing;
  if (!value->is_boolean()) return InvalidType(field, *value, "a boolean");
  return value->get<bool>();
}

Result<uint64_t> ReadU64(const Json& object, std::string_view field, uint64_t missing) {
  const Json* value = Find(object, field);
  if (value == nullptr) return missing;
  if (value->is_number_unsigned()) return value->get<uint64_t>();
  if (value->is_number_integer()) {  // nlohmann keeps only negative integers signed
    return Error{StrCat(field, ": invalid value: ", Describe(*value), ", expected u64")};
  }
  return InvalidType(field, *value, "u64");
}

Result<std::string> ReadString(const Json& object, std::string_view field,
                               std::string_view missing) {
  const Json* value = Find(object, field);
  if (value == nullptr) return std::string(missing);
  if (!value->is_string()) return InvalidType(field, *value, "a string");
  return value->get<std::string>();
}

Result<std::string> ReadRequiredString(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return Error{StrCat("missing field `", field, "`")};
  if (!value->is_string()) return InvalidType(field, *value, "a string");
  return value->get<std::string>();
}

Result<std::vector<std::string>> ReadStrings(const Json& object, std::string_view field) {
  std::vector<std::string> out;
  const Json* list = Find(object, field);
  if (list == nullptr) return out;
  if (!list->is_array()) return InvalidType(field, *list, "an array of strings");
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (!item.is_string()) return InvalidType(Entry(field, i), item, "a string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ReadStringPairs(const Json& object,
                                                                         std::string_view field,
                                                                         std::string_view names) {
  const std::string pair_type = StrCat("an array of two strings [", names, "]");
  std::vector<std::pair<std::string, std::string>> out;
  const Json* list = Find(object, field);
  if (list == nullptr) return out;
  if (!list->is_array()) {
    return InvalidType(field, *list, StrCat("an array of [", names, "] pairs"));
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& pair = (*list)[i];
    const std::string at = Entry(field, i);
    if (!pair.is_array()) return InvalidType(at, pair, pair_type);
    if (pair.size() != 2) {
      return Error{
          StrCat(at, ": invalid length ", std::to_string(pair.size()), ", expected ", pair_type)};
    }
    for (size_t j = 0; j < 2; ++j) {
      if (!pair[j].is_string()) return InvalidType(Entry(at, j), pair[j], "a string");
    }
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

}  // namespace envoy_dm::sdk
