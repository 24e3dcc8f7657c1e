// text.h: the few string helpers the SDK and the filters share (C++20 has no
// std::format in GCC 12, and error messages quote values the way Rust's {:?}
// does, so the three languages print the same text).

#ifndef ENVOY_DM_CPP_SRC_TEXT_H_
#define ENVOY_DM_CPP_SRC_TEXT_H_

#include <string>
#include <string_view>

namespace envoy_dm::sdk {

// Concatenates anything convertible to std::string_view, with one allocation.
template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ... + 0));
  (out.append(std::string_view(parts)), ...);
  return out;
}

// `text` in double quotes with `"`, `\` and control characters escaped, like
// Rust's `{:?}`: Quote("a\r\nb") is "\"a\\r\\nb\"".
std::string Quote(std::string_view text);

// `text` with ASCII letters lowercased (header names are case-insensitive).
std::string AsciiLower(std::string_view text);

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SRC_TEXT_H_
