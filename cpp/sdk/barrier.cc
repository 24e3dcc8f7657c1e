// barrier.cc: see barrier.h.

#include "barrier.h"

#include <string_view>

namespace envoy_dm::sdk {

std::string DescribeException(const std::exception_ptr& exception) noexcept {
  try {
    try {
      std::rethrow_exception(exception);
    } catch (const std::exception& e) {
      return e.what();
    } catch (const std::string& s) {
      return s;
    } catch (const char* s) {
      return s == nullptr ? "unknown exception" : s;
    } catch (...) {
      return "unknown exception";
    }
  } catch (...) {
    return {};  // copying the message threw (out of memory)
  }
}

}  // namespace envoy_dm::sdk
