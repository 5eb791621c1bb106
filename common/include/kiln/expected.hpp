// Errors are values inside kiln: anything that can fail returns Expected<T>.
// Exceptions are caught only at main, thread and handler boundaries.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kiln {

// A failure with a stable code (see docs/failure-codes.md), a message naming
// what and where, and an optional remedy for the technician.
struct Error {
  std::string code;
  std::string message;
  std::string remedy;
};

inline Error make_error(std::string code, std::string message, std::string remedy = {}) {
  return Error{std::move(code), std::move(message), std::move(remedy)};
}

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  [[nodiscard]] const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Expected<void>: success or an Error.
struct Ok {};
using Status = Expected<Ok>;
inline Status ok() { return Ok{}; }

}  // namespace kiln
