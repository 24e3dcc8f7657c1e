// result.h: what a fallible SDK call returns: a value or an Error. C++20 has no
// std::expected; this is the small part of it the SDK needs. The Rust SDK's
// counterpart is Result<T, BoxError>.

#ifndef ENVOY_DM_CPP_SRC_RESULT_H_
#define ENVOY_DM_CPP_SRC_RESULT_H_

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace envoy_dm::sdk {

// Why something was refused. The message becomes the log line Envoy shows, so it
// names the exact problem.
struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  // A value, or anything a value can be made from (e.g. a std::unique_ptr to a
  // derived class for a Result of a std::unique_ptr to its base).
  template <typename U = T>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Error> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>)
      Result(U&& value)  // NOLINT(google-explicit-constructor): `return value;` must work.
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  Result(Error error)  // NOLINT(google-explicit-constructor): `return Error{...};` must work.
      : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace envoy_dm::sdk

#endif  // ENVOY_DM_CPP_SRC_RESULT_H_
