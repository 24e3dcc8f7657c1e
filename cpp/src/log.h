// log.h: logging through Envoy, so module lines land in Envoy's log with its
// format, level filter and [dynamic_modules] tag. The real functions (log.cc)
// are linked into the module only; unit tests link test/testing.cc instead,
// which keeps the lines in memory. Mirrors rust/sdk/src/log.rs.

#ifndef ENVOY_DM_CPP_SRC_LOG_H_
#define ENVOY_DM_CPP_SRC_LOG_H_

#include <source_location>
#include <string_view>

#include "filter.h"

namespace envoy_dm::sdk {

// Whether Envoy would write a line at `level`: check before formatting.
bool LogEnabled(LogLevel level) noexcept;

// Writes one line, tagged with the caller's source location.
void Log(LogLevel level, std::string_view message,
         std::source_location at = std::source_location::current()) noexcept;

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SRC_LOG_H_
