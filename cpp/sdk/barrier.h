// barrier.h: the exception barrier. An exception unwinding into Envoy's frames
// would end the process, so every hook body runs inside Guard: an exception
// stops here, is logged once through Envoy, and the caller fails closed.
// Mirrors rust/sdk/src/barrier.rs.

#ifndef ENVOY_DM_CPP_SDK_BARRIER_H_
#define ENVOY_DM_CPP_SDK_BARRIER_H_

#include <exception>
#include <string>
#include <utility>

#include "log.h"

namespace envoy_dm::sdk {

// The message of an exception: what() for a std::exception, the text of a thrown
// string, else "unknown exception".
std::string DescribeException(const std::exception_ptr& exception) noexcept;

// Runs `body()`. When it throws, logs "{context()}: panicked: {message}" at error
// level and returns false: the caller must fail closed. `context` is called only
// then, so building it costs nothing on the normal path.
template <typename Context, typename Body>
[[nodiscard]] bool Guard(const Context& context, Body&& body) noexcept {
  try {
    std::forward<Body>(body)();
    return true;
  } catch (...) {
    try {
      Log(sdk::LogLevel::kError,
          context() + ": panicked: " + DescribeException(std::current_exception()));
    } catch (...) {
      // Out of memory while describing the failure: the caller still fails closed.
    }
    return false;
  }
}

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SDK_BARRIER_H_
