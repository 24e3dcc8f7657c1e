// log.cc: Log and LogEnabled backed by Envoy's callbacks. Linked into the module
// only: unit tests capture the lines instead (test/testing.cc).

#include "log.h"

#include "abi.h"
#include "handle.h"

namespace envoy_dm::sdk {
namespace {

envoy_dynamic_module_type_log_level ToAbi(LogLevel level) {
  return static_cast<envoy_dynamic_module_type_log_level>(level);
}

}  // namespace

bool LogEnabled(LogLevel level) noexcept {
  return envoy_dynamic_module_callback_log_enabled(ToAbi(level));
}

void Log(LogLevel level, std::string_view message, std::source_location at) noexcept {
  envoy_dynamic_module_callback_log_v2(ToAbi(level), ModuleBuffer(message),
                                       ModuleBuffer(at.file_name()), at.line());
}

}  // namespace envoy_dm::sdk
