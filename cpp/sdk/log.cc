// log.cc: Log and LogEnabled backed by Envoy's callbacks. Linked into the module
// only: unit tests capture the lines instead (testing.cc).

#include "log.h"

#include <dlfcn.h>

#include <atomic>

#include "handle.h"

namespace envoy_dm::sdk {
namespace {

// decltype names log_v2's type without referring to the symbol, so the module
// has no undefined reference to it (test_symbols and `nm -D` check that).
using LogV2 = decltype(&envoy_dynamic_module_callback_log_v2);

// Written once by program_init on Envoy's main thread, before any worker runs.
std::atomic<LogV2> log_v2{nullptr};

}  // namespace

void ResolveLogCallbacks() noexcept {
  // RTLD_DEFAULT searches the global scope, where Envoy's binary exports its
  // callbacks. POSIX guarantees a function pointer survives the cast from void*.
  void* found = dlsym(RTLD_DEFAULT, "envoy_dynamic_module_callback_log_v2");
  log_v2.store(reinterpret_cast<LogV2>(found), std::memory_order_release);
}

const char* AbiVersion() noexcept {
  // log_v2 came with ABI v0.2.0 (Envoy 1.40): an Envoy without it speaks v0.1.0.
  return log_v2.load(std::memory_order_acquire) != nullptr
             ? ENVOY_DYNAMIC_MODULES_ABI_VERSION
             : ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION;
}

bool LogEnabled(LogLevel level) noexcept {
  return envoy_dynamic_module_callback_log_enabled(ToAbi(level));
}

void Log(LogLevel level, std::string_view message, std::source_location at) noexcept {
  if (const LogV2 v2 = log_v2.load(std::memory_order_acquire)) {
    v2(ToAbi(level), ModuleBuffer(message), ModuleBuffer(at.file_name()), at.line());
  } else {
    envoy_dynamic_module_callback_log(ToAbi(level), ModuleBuffer(message));
  }
}

}  // namespace envoy_dm::sdk
