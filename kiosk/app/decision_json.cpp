#include "kiosk/app/decision_json.h"

#include <nlohmann/json.hpp>

namespace kiosk::app {

std::string decisionJson(const ScanDecision& d) {
  nlohmann::json j;
  j["outcome"] = toString(d.outcome);
  if (d.staffReason != StaffReason::kNone) {
    j["staff_reason"] = toString(d.staffReason);
  }
  if (d.guest) {
    j["booking_code"] = d.guest->bookingCode;
    j["guest_id"] = d.guest->id;
  }
  if (!d.detail.empty()) {
    j["detail"] = d.detail;
  }
  j["scanned_at"] = formatIso8601(d.scannedAt, true);
  if (d.checkin) {
    j["checkin_id"] = d.checkin->id;
    j["method"] = toString(d.checkin->method);
    j["terminal"] = d.checkin->terminal;
  }
  if (d.previous) {
    j["checked_in_at"] = formatIso8601(d.previous->scannedAt, true);
    j["checked_in_terminal"] = d.previous->terminal;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kiosk::app
