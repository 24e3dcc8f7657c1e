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

// The callbacks looked up here, each with the first Envoy release exporting it
// (as rust/sdk/src/since.rs; integration/test_compat.py checks both against
// every listed Envoy's exports).
constexpr const char* kSince[][2] = {
    {"envoy_dynamic_module_callback_log_v2", "1.40.0"},
    {"envoy_dynamic_module_callback_is_validation_mode", "1.38.0"},
};

// Written once by program_init on Envoy's main thread, before any worker runs.
std::atomic<LogV2> log_v2{nullptr};
std::atomic<bool> has_1_38{false};

}  // namespace

void ResolveLogCallbacks() noexcept {
  // RTLD_DEFAULT searches the global scope, where Envoy's binary exports its
  // callbacks. POSIX guarantees a function pointer survives the cast from void*.
  void* found = dlsym(RTLD_DEFAULT, kSince[0][0]);
  log_v2.store(reinterpret_cast<LogV2>(found), std::memory_order_release);
  has_1_38.store(dlsym(RTLD_DEFAULT, kSince[1][0]) != nullptr, std::memory_order_release);
}

const char* AbiVersion() noexcept {
  // Told from the newest callback Envoy exports: v0.2.0 with log_v2 (1.40),
  // v0.1.0 with is_validation_mode (1.38, 1.39), else 1.37's SHA-256, which
  // its loader compares byte for byte.
  if (log_v2.load(std::memory_order_acquire) != nullptr) return ENVOY_DYNAMIC_MODULES_ABI_VERSION;
  if (has_1_38.load(std::memory_order_acquire)) return ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION;
  return ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37;
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
