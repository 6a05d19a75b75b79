#include "kiosk/admin/console.h"

namespace kiosk::admin {

void Console::fail(const std::string& context, const Error& error) const {
  refuse(context + ": " + error.message, error.kind == ErrorKind::kCorrupt ? 3 : 2);
}

void Console::refuse(const std::string& message, int status) const {
  *err_ << tool_ << ": " << message << "\n";
  throw CommandExit{status};
}

}  // namespace kiosk::admin
