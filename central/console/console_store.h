// ConsoleStore: the reception console's data - its accounts, sessions and audit rows, and
// the reads its pages make of central's tables (guests, check-ins, devices) - by SQL of its
// own on a connection it is given (CentralStore::database()). The SQL is plain standard
// SQL (ON CONFLICT, no SQLite functions) so that it runs on PostgreSQL too.
//
// Every read of event data takes the event: a page of one event never sees another's rows.
// Thread rules: those of the Database (the thread that opened it). Failures are Result
// errors classified as in offline-cache.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "central/central_store.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"

namespace kiosk::central::console {

enum class Role { kReception, kSupervisor, kIt };
const char* toString(Role role);
std::optional<Role> parseRole(std::string_view text);

struct Account {
  std::string name;
  Role role = Role::kReception;
  EventId eventId = 0;   // 0 = every event
  std::string language;  // "zh-CN", "en" or "" (the browser's choice)
  TimePoint createdAt{};
  std::optional<TimePoint> disabledAt;
  std::string passwordHash;
};

struct Session {
  Account account;
  std::string csrf;
  TimePoint createdAt{};
  TimePoint lastSeenAt{};
};

struct AuditRow {
  TimePoint at{};
  std::string account;
  EventId eventId = 0;
  std::string action;  // "login", "login_failed", "logout", "revoke_terminal", ...
  std::string target;
  std::string detail;
};

// One expected guest and, once admitted, when and where.
struct ArrivalRow {
  Guest guest;
  std::optional<TimePoint> arrivedAt;  // the admission's time (central's order)
  std::string terminal;
  TimePoint changedAt{};  // central's receive time of the admission
};

// A repair request, complaint or rating a terminal sent, with the desk's handling of it.
enum class Handling { kOpen, kAnswered, kClosed };
const char* toString(Handling handling);  // "open", "answered", "closed"

struct FeedbackItem {
  Feedback feedback;
  TimePoint receivedAt{};  // central's receipt: the response clock starts here
  std::string guestName;   // "" when the guest is not known
  std::string room;
  Handling state = Handling::kOpen;
  std::string assignedTo;  // an account name, "" = nobody
  std::optional<TimePoint> answeredAt;
  std::string answeredBy;
  std::optional<TimePoint> closedAt;
  std::string closedBy;
  std::string note;
};

// Names: 1 to 64 of a-z, 0-9, '.', '-', '_' (they appear in audit rows and URLs).
bool isValidAccountName(std::string_view name);
// Passwords: 10 to 128 bytes.
inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 128;

class ConsoleStore {
 public:
  explicit ConsoleStore(cache::Database& db) : db_(db) {}

  // kInvalidInput for a bad name or password or an unknown event; kPermanent when the
  // name is taken.
  Status addAccount(const Account& account, std::string_view password, TimePoint now);
  Result<std::vector<Account>> listAccounts();
  Result<std::optional<Account>> findAccount(std::string_view name);
  // Ends the account's sessions too. kNotFound for an unknown name.
  Status disableAccount(std::string_view name, TimePoint now);
  Status setLanguage(std::string_view name, std::string_view language);

  Status createSession(std::string_view idHash, const std::string& account, std::string_view csrf,
                       std::string_view address, TimePoint now);
  // The session with its account (nullopt when unknown or the account is disabled).
  Result<std::optional<Session>> findSession(std::string_view idHash);
  Status touchSession(std::string_view idHash, TimePoint now);
  Status deleteSession(std::string_view idHash);

  Status audit(const AuditRow& row);
  Result<std::vector<AuditRow>> listAudit(std::optional<EventId> eventId);

  Result<std::vector<Event>> events();
  // The event's active guests with their admission, if any.
  Result<std::vector<ArrivalRow>> arrivals(EventId eventId);
  // Admissions central received after `since` (for the live board).
  Result<std::vector<ArrivalRow>> arrivalsSince(EventId eventId, TimePoint since);
  Result<std::vector<Device>> devices(EventId eventId);

  // The event's feedback with its handling, oldest first; with `receivedAfter`, only what
  // central received after it (for the live queue).
  Result<std::vector<FeedbackItem>> feedback(EventId eventId,
                                             std::optional<TimePoint> receivedAfter = {});
  // One item of the event; nullopt when the event has no such id.
  Result<std::optional<FeedbackItem>> feedbackItem(EventId eventId, std::string_view id);
  // Writes the handling part of `item` (state, assignment, answer, closing).
  Status saveHandling(EventId eventId, const FeedbackItem& item, TimePoint now);
  // Revokes one live device of the event; false when there is none with that id.
  Result<bool> revokeDevice(EventId eventId, std::string_view deviceId, std::string_view reason,
                            TimePoint now);

 private:
  cache::Database& db_;
};

}  // namespace kiosk::central::console
