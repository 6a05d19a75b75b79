// Result<T>: the value of an operation that can fail for infrastructure reasons.
//
// Normal answers of the domain (an unknown or revoked code) are not errors: they are
// values (see checkin.h). Result carries failures of the world around the core: a disk
// that is full, a server that is down, a file that is corrupt. The ErrorKind tells the
// caller what to do next (retry, give up, ask for staff, repair).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kiosk {

enum class ErrorKind {
  kTransient,     // try again later: network down, timeout, 5xx, database busy
  kPermanent,     // retrying will not help: rejected by the server, unsupported
  kUnauthorized,  // credentials missing, expired or revoked
  kCorrupt,       // stored data failed a check (integrity_check, bad signature on disk)
  kInvalidInput,  // the caller's input is wrong (bad CSV row, bad config value)
  kNotFound,      // the named thing does not exist
};

const char* toString(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kPermanent;
  std::string message;
};

inline Error makeError(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  // By value on temporaries, so `for (auto& x : *store.list())` cannot dangle.
  T value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Ok {};

// Result<void> is spelled Status.
using Status = Result<Ok>;
inline Status okStatus() {
  return Ok{};
}

}  // namespace kiosk
