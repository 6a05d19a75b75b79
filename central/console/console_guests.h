// The console's guests pages (issue 15, item 3): search, a guest's page with the trail, and
// the desk's changes to a guest. Routes in console_guests.cpp, HTML in
// console_guests_view.cpp. The views are pure functions of their arguments; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "central/console/console_views.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/guest_edit.h"

namespace kiosk::central::console {

inline constexpr std::size_t kGuestsPerPage = 25;

struct GuestSearchView {
  std::string query;
  std::vector<Guest> hits;  // this page's
  std::size_t total = 0;    // every hit
  std::size_t page = 0;     // from 0
  std::string noticeKey;
  bool noticeIsError = false;
};
std::string guestsMain(const Frame& frame, const GuestSearchView& view);

// One line of a guest's trail, oldest first.
struct TrailItem {
  TimePoint at{};
  std::string what;  // catalog key: "trail.admitted", "trail.undone", "trail.edited", ...
  std::string who;   // terminal, staff or console account
  std::string detail;
};

struct GuestPageView {
  Guest guest;
  // Needs the guest changed when checking in (the newest such check-in): what the guest
  // was shown, and what they confirmed.
  std::optional<CheckinRecord> needsChange;
  std::vector<TrailItem> trail;
  std::string noticeKey;
  bool noticeIsError = false;
  std::string noticeDetail;  // the mail server's words when sending failed
  std::string issuedCode;    // a code just issued (shown once, with its QR)
  bool mailOffered = false;  // mail is configured and the active guest has an e-mail address
};
std::string guestMain(const Frame& frame, const GuestPageView& view);

// The fields the desk may edit, in the order the page lists them: the terminal's staff
// fields (kStaffEditFields) and the lodging's floor and door-card pickup, the first leg's
// flight or train.
std::vector<std::string> editableFields(const Guest& guest);
// The field's current text (times as ISO 8601 UTC); nullopt for one the guest does not have.
std::optional<std::string> editableValue(const Guest& guest, std::string_view field);

}  // namespace kiosk::central::console
