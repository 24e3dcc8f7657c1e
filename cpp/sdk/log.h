// log.h: logging through Envoy, so module lines land in Envoy's log with its
// format, level filter and [dynamic_modules] tag. The real functions (log.cc)
// are linked into the module only; unit tests link testing.cc instead,
// which keeps the lines in memory. Mirrors rust/sdk/src/log.rs.

#ifndef ENVOY_DM_CPP_SDK_LOG_H_
#define ENVOY_DM_CPP_SDK_LOG_H_

#include <source_location>
#include <string>
#include <string_view>

#include "abi.h"
#include "enums.h"

namespace envoy_dm::sdk {

// Finds the logging callbacks this Envoy exports. Envoy 1.40 has
// envoy_dynamic_module_callback_log_v2 (the line with its source location);
// 1.38 and 1.39 only envoy_dynamic_module_callback_log, and refuse to load a
// module that imports a symbol they lack. So log_v2 is looked up here, once, at
// program_init, never linked against. Until then, and where it is absent, Log
// uses log.
void ResolveLogCallbacks() noexcept;

// The ABI version program_init reports, after ResolveLogCallbacks: the running
// Envoy's, so each supported Envoy logs "matched" (see docs/COMPAT.md).
const char* AbiVersion() noexcept;

// Whether Envoy would write a line at `level`: check before formatting.
bool LogEnabled(LogLevel level) noexcept;

// Writes one line, tagged with the caller's source location.
void Log(LogLevel level, std::string_view message,
         std::source_location at = std::source_location::current()) noexcept;

// Concatenates anything convertible to std::string_view, with one allocation
// (GCC 12 has no std::format): how the SDK and the filters build their lines.
template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ... + 0));
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_LOG_H_
