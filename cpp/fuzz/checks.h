// checks.h: what the fuzzers of cpp/fuzz assert. A failed check prints what
// went wrong and aborts, which libFuzzer reports as a crash with its input.

#ifndef ENVOY_DM_CPP_FUZZ_CHECKS_H_
#define ENVOY_DM_CPP_FUZZ_CHECKS_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "header_mutation.h"

namespace envoy_dm::fuzz {

inline void Check(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

// RFC 9110 token characters.
inline bool IsTokenByte(char c) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSymbols.find(c) != std::string_view::npos;
}

// What a successful parse promises about every name and value.
inline void CheckRules(const filters::Rules& rules) {
  for (const filters::Mutations* m : {&rules.request, &rules.response}) {
    auto check_name = [](std::string_view name) {
      Check(name == sdk::AsciiLower(name), "names are lowercased: " + std::string(name));
      std::string_view token = name;
      if (token.starts_with(':')) token.remove_prefix(1);
      Check(!token.empty() && std::ranges::all_of(token, IsTokenByte),
            "accepted a header name that is not a token: " + sdk::Quote(name));
    };
    for (const std::string& name : m->remove) check_name(name);
    for (const auto& [name, value] : m->set) {
      check_name(name);
      Check(!value.empty(), "accepted an empty value");
      Check(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos,
            "accepted a value with CR, LF or NUL: " + sdk::Quote(value));
    }
  }
}

}  // namespace envoy_dm::fuzz

#endif  // ENVOY_DM_CPP_FUZZ_CHECKS_H_
