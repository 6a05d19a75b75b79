// JSON lines the terminal prints (stdout, the journal). Text from outside - a scanned
// code, a typed search, a script - may not be UTF-8; its invalid bytes become U+FFFD
// instead of throwing out of the UI loop.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kiosk::app {

inline std::string jsonLine(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kiosk::app
