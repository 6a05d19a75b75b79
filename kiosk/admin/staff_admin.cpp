#include "kiosk/admin/staff_admin.h"

#include "kiosk/core/encoding.h"

namespace kiosk::admin {

StaffUpdate applyStaffChange(std::optional<StaffMember> existing, const StaffChange& change) {
  StaffUpdate update;
  StaffMember& m = update.member;
  if (existing) {
    m = std::move(*existing);
  }
  m.id = change.id;
  m.name = change.name;
  m.role = change.role;
  m.active = change.active;
  if (change.language) {
    m.language = *change.language;
  }
  if (!change.pinHash.empty()) {
    m.pinHash = change.pinHash;
  }
  if (change.newBadge) {
    update.badgeCode = newStaffBadgeCode();
    m.badgeHash = sha256Hex(update.badgeCode);
  }
  return update;
}

nlohmann::json staffJson(const StaffMember& member) {
  return {{"staff_id", member.id},
          {"name", member.name},
          {"role", member.role},
          {"active", member.active},
          {"language", member.language},
          {"pin", !member.pinHash.empty()},
          {"badge", !member.badgeHash.empty()}};
}

}  // namespace kiosk::admin
