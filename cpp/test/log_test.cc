// Unit tests of log.cc, the one SDK file that finds an Envoy callback at run
// time: Log uses envoy_dynamic_module_callback_log_v2 when the process exports
// it (Envoy 1.40) and envoy_dynamic_module_callback_log otherwise (1.38, 1.39).
// The test binary stands in for Envoy and defines the callbacks itself; it is
// built twice (CMakeLists.txt), exporting log_v2 (DM_TEST_EXPORTS_LOG_V2=1) or
// not, since whether dlsym finds it is decided by the process, not the test.

#include "log.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace {

struct Call {
  std::string callback;
  std::string message;
  std::string file;
  bool operator==(const Call&) const = default;
  friend void PrintTo(const Call& call, std::ostream* out) {
    *out << call.callback << "(\"" << call.message << "\", \"" << call.file << "\")";
  }
};

std::vector<Call> calls;

std::string Text(envoy_dynamic_module_type_module_buffer buffer) {
  return {buffer.ptr, buffer.length};
}

}  // namespace

extern "C" {

void envoy_dynamic_module_callback_log(envoy_dynamic_module_type_log_level /*level*/,
                                       envoy_dynamic_module_type_module_buffer message) {
  calls.push_back({"log", Text(message), ""});
}

bool envoy_dynamic_module_callback_log_enabled(envoy_dynamic_module_type_log_level /*level*/) {
  return true;
}

#if DM_TEST_EXPORTS_LOG_V2
__attribute__((visibility("default"))) void envoy_dynamic_module_callback_log_v2(
    envoy_dynamic_module_type_log_level /*level*/, envoy_dynamic_module_type_module_buffer message,
    envoy_dynamic_module_type_module_buffer source_file, uint32_t /*source_line*/) {
  calls.push_back({"log_v2", Text(message), Text(source_file)});
}
#endif

}  // extern "C"

namespace envoy_dm::sdk {
namespace {

TEST(LogTest, UsesTheOldCallbackUntilProgramInitAndWhereLogV2IsMissing) {
  calls.clear();
  Log(sdk::LogLevel::kInfo, "before");
  ResolveLogCallbacks();
  Log(sdk::LogLevel::kInfo, "after");
  const std::string after = DM_TEST_EXPORTS_LOG_V2 ? "log_v2" : "log";
  const std::string file = DM_TEST_EXPORTS_LOG_V2 ? "cpp/test/log_test.cc" : "";
  EXPECT_EQ(calls, (std::vector<Call>{{"log", "before", ""}, {after, "after", file}}));
  // program_init reports the ABI of the Envoy it finds: log_v2 came with v0.2.0
  // (1.40); a stand-in exporting neither it nor is_validation_mode is 1.37.
  EXPECT_STREQ(AbiVersion(), DM_TEST_EXPORTS_LOG_V2 ? ENVOY_DYNAMIC_MODULES_ABI_VERSION
                                                    : ENVOY_DYNAMIC_MODULES_ABI_VERSION_ENVOY_1_37);
}

}  // namespace
}  // namespace envoy_dm::sdk
