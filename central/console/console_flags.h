// The console's flags to resolve (issue 15 item 2): what central flagged among the records the
// terminals pushed - a second admission of a guest, a check-in whose scan time was not
// plausible (ordered by central's receive time), a re-sent record id with another document -
// each with both records side by side, and a supervisor's decision on it with a note.
//
// A decision is the desk's record of what it found: it changes no check-in and nothing the
// terminals see (central's flags are recomputed from the records, never from a decision).
// Pure data and SQL here (FlagStore: standard SQL on a connection it is given, as
// ConsoleStore); the pages are in console_flags.cpp and console_flags_view.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "central/console/console_views.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"

namespace kiosk::central::console {

enum class FlagKind { kSecondAdmission, kSkewed, kConflict };
const char* toString(FlagKind kind);  // "second", "skewed", "conflict"
std::optional<FlagKind> parseFlagKind(std::string_view text);

// The decisions a supervisor may take on a flag of `kind` (the catalog's words are
// "flags.decision.<decision>").
std::vector<std::string_view> decisionsFor(FlagKind kind);

// One record as central holds it.
struct FlagRecord {
  std::string id;
  std::string guestName;  // "" when the guest is unknown at central
  GuestId guestId = 0;
  std::string terminal;  // the name the record carries
  std::string device;    // the enrolled name of the device that sent it
  std::string staffId;
  std::optional<TimePoint> scannedAt;
  std::optional<TimePoint> receivedAt;
  bool skewed = false;
  bool undone = false;
  std::string doc;  // the record's JSON
};

struct FlagResolution {
  std::string decision;
  std::string note;
  std::string account;
  TimePoint at{};
};

struct FlagItem {
  FlagKind kind = FlagKind::kSecondAdmission;
  std::string flagId;    // the flagged check-in's id, or the conflict's number
  std::string recordId;  // the id the records carry
  std::string recordKind = "checkin";
  std::string reason;                 // a conflict's reason, as central gave it
  TimePoint raisedAt{};               // central's receive time of the flagged record: newest first
  std::optional<FlagRecord> flagged;  // the record flagged (for a conflict: the refused one)
  std::optional<FlagRecord> other;    // the admission that counts / the record that was stored
  std::optional<FlagResolution> resolution;
};

// Supervisors resolve flags; reception and IT do not see them.
bool mayResolveFlags(Role role);

class FlagStore {
 public:
  explicit FlagStore(cache::Database& db) : db_(db) {}

  // Every flag of the event, open and resolved, newest first; a resolution whose flag central
  // no longer raises (its check-in undone since) is listed with what the decision names.
  Result<std::vector<FlagItem>> flags(EventId eventId);
  Result<std::size_t> openCount(EventId eventId);
  // One flag of the event with both records; nullopt when the event has no such flag.
  Result<std::optional<FlagItem>> flag(EventId eventId, FlagKind kind, std::string_view flagId);
  // Writes the decision and its console audit row in one transaction; false (and neither
  // row) when the flag was resolved already: the first decision stands.
  Result<bool> resolve(EventId eventId, const FlagItem& item, const FlagResolution& resolution,
                       const AuditRow& audit);

 private:
  std::string checkinsWith(std::string_view column) const;
  std::optional<FlagRecord> checkin(EventId eventId, std::string_view id);
  std::optional<FlagRecord> stored(EventId eventId, std::string_view kind, std::string_view id);
  void fill(FlagRecord& r, EventId eventId, const std::string& deviceId);
  std::vector<FlagItem> raised(EventId eventId, std::optional<FlagKind> onlyKind,
                               std::optional<std::string_view> onlyId);
  void attachResolutions(EventId eventId, std::vector<FlagItem>& items, bool keepOrphans);

  cache::Database& db_;
};

struct FlagsView {
  std::vector<FlagItem> items;
  std::string noticeKey;
};
std::string flagsMain(const Frame& frame, const FlagsView& view);
// One flag: both records side by side, the fields that differ marked in words, and the
// resolution form (or the decision taken).
std::string flagMain(const Frame& frame, const FlagItem& item, std::string_view errorKey,
                     std::string_view note);

}  // namespace kiosk::central::console
