// `staff add` and `staff list` as kioskctl and kiosk-central both run them: a staff member
// added or updated (what an update does not name is kept), and a member as a JSON line
// without secrets. Each tool checks and hashes what it was given in its own words, then
// saves through its own store.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "kiosk/core/staff.h"

namespace kiosk::admin {

struct StaffChange {
  std::string id;
  std::string name;
  std::string role;
  bool active = true;
  std::string pinHash;                  // hashPin of a new PIN; empty keeps the stored one
  std::optional<std::string> language;  // a parseStaffLanguage tag; nullopt keeps the stored one
  bool newBadge = false;                // issue a new badge (replacing an earlier one)
};

struct StaffUpdate {
  StaffMember member;
  std::string badgeCode;  // the new badge's text, to be shown once; empty when none was issued
};

// The member after the change, from `existing` (nullopt for a new member). Pure but for the
// badge's randomness; any thread.
StaffUpdate applyStaffChange(std::optional<StaffMember> existing, const StaffChange& change);

// staff_id, name, role, active, language, pin, badge (whether each is set): what
// `staff list` prints of a member.
nlohmann::json staffJson(const StaffMember& member);

}  // namespace kiosk::admin
