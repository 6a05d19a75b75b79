// How an administration command of kioskctl or kiosk-central speaks and ends: its result
// as JSON lines on `out`, messages on `err`, each failure as "<tool>: <context>: <message>".
// The shared administration pieces (guest import, code issue and revocation, staff) report
// through it, so that both tools say the same things in the same words but for their name.
#pragma once

#include <ostream>
#include <string>
#include <utility>

#include "kiosk/core/result.h"

namespace kiosk::admin {

// Thrown to end a command with this status (after its message was printed); each tool's
// main() catches it and returns the status.
struct CommandExit {
  int status;
};

// Holds references to the two streams (they outlive it); copyable, any thread that may
// write to them.
class Console {
 public:
  Console(std::string tool, std::ostream& out, std::ostream& err)
      : tool_(std::move(tool)), out_(&out), err_(&err) {}

  const std::string& tool() const { return tool_; }
  std::ostream& out() const { return *out_; }
  std::ostream& err() const { return *err_; }

  // Prints the failure and ends the command with status 2 (3 for a damaged database).
  [[noreturn]] void fail(const std::string& context, const Error& error) const;
  // Prints "<tool>: <message>" and ends the command with `status`.
  [[noreturn]] void refuse(const std::string& message, int status) const;

  template <typename T>
  T valueOr(Result<T> result, const std::string& context) const {
    if (!result) {
      fail(context, result.error());
    }
    return std::move(result).value();
  }

  void check(const Status& status, const std::string& context) const {
    if (!status) {
      fail(context, status.error());
    }
  }

 private:
  std::string tool_;
  std::ostream* out_;
  std::ostream* err_;
};

}  // namespace kiosk::admin
