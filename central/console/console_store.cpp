#include "central/console/console_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kiosk/core/ids.h"
#include "kiosk/core/secret_hash.h"
#include "offline-cache/json_codec.h"
#include "offline-cache/record_rows.h"

namespace kiosk::central::console {

using cache::guarded;
using cache::guardedStatus;
using cache::Statement;

const char* toString(Role role) {
  switch (role) {
    case Role::kReception:
      return "reception";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kIt:
      return "it";
  }
  return "reception";
}

std::optional<Role> parseRole(std::string_view text) {
  for (auto role : {Role::kReception, Role::kSupervisor, Role::kIt}) {
    if (text == toString(role)) {
      return role;
    }
  }
  return std::nullopt;
}

const char* toString(Handling handling) {
  switch (handling) {
    case Handling::kOpen:
      return "open";
    case Handling::kAnswered:
      return "answered";
    case Handling::kClosed:
      return "closed";
  }
  return "open";
}

bool isValidAccountName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  });
}

namespace {

constexpr std::string_view kAccountColumns =
    "name, role, event_id, language, created_at, disabled_at, password_hash";

Account readAccount(const Statement& s, int first = 0) {
  Account a;
  a.name = s.columnText(first);
  a.role = parseRole(s.columnText(first + 1)).value_or(Role::kReception);
  a.eventId = static_cast<EventId>(s.columnInt(first + 2));
  a.language = s.columnText(first + 3);
  a.createdAt = fromUnixMillis(s.columnInt(first + 4));
  if (auto d = s.columnOptionalInt(first + 5)) {
    a.disabledAt = fromUnixMillis(*d);
  }
  a.passwordHash = s.columnText(first + 6);
  return a;
}

// A guest's admission: the earliest live check-in in central's order (order_at, or the
// scan time for rows from before that column).
constexpr std::string_view kArrivalSelect =
    "SELECT g.doc, a.arrived_at, a.received_at, "
    "  (SELECT c.terminal FROM checkins c WHERE c.event_id = g.event_id AND c.guest_id = "
    "   g.guest_id AND c.undone_at IS NULL ORDER BY COALESCE(c.order_at, c.scanned_at) LIMIT 1) "
    "FROM guests g LEFT JOIN ("
    "  SELECT guest_id, MIN(COALESCE(order_at, scanned_at)) AS arrived_at, "
    "         MAX(received_at) AS received_at "
    "  FROM checkins WHERE event_id = ?1 AND undone_at IS NULL GROUP BY guest_id"
    ") a ON a.guest_id = g.guest_id "
    "WHERE g.event_id = ?1";

ArrivalRow readArrival(const Statement& s) {
  ArrivalRow r;
  r.guest = cache::guestFromJson(cache::parseJson(s.columnText(0)));
  if (auto at = s.columnOptionalInt(1)) {
    r.arrivedAt = fromUnixMillis(*at);
    r.changedAt = fromUnixMillis(s.columnOptionalInt(2).value_or(*at));
    r.terminal = s.isNull(3) ? std::string() : s.columnText(3);
  }
  return r;
}

// Feedback with its guest and its handling; the first nine columns are what
// cache::feedbackFromRow reads.
constexpr std::string_view kFeedbackSelect =
    "SELECT f.id, f.event_id, f.guest_id, f.terminal, f.at, f.kind, f.rating, f.category, "
    "f.text, f.received_at, g.doc, h.state, h.assigned_to, h.answered_at, h.answered_by, "
    "h.closed_at, h.closed_by, h.note "
    "FROM feedback f "
    "LEFT JOIN guests g ON g.event_id = f.event_id AND g.guest_id = f.guest_id "
    "LEFT JOIN console_feedback h ON h.feedback_id = f.id "
    "WHERE f.event_id = ?1";

FeedbackItem readFeedbackItem(const Statement& s) {
  FeedbackItem item;
  item.feedback = cache::feedbackFromRow(s);
  item.receivedAt = fromUnixMillis(s.columnInt(9));
  if (!s.isNull(10)) {
    try {
      const auto guest = cache::guestFromJson(cache::parseJson(s.columnText(10)));
      item.guestName = guest.name;
      item.room = guest.lodging.room;
    } catch (const std::exception&) {
      // an unreadable guest document shows as an unknown guest
    }
  }
  if (!s.isNull(11)) {
    const auto state = s.columnText(11);
    item.state = state == "closed"     ? Handling::kClosed
                 : state == "answered" ? Handling::kAnswered
                                       : Handling::kOpen;
    item.assignedTo = s.columnText(12);
    if (auto a = s.columnOptionalInt(13)) {
      item.answeredAt = fromUnixMillis(*a);
    }
    item.answeredBy = s.columnText(14);
    if (auto c = s.columnOptionalInt(15)) {
      item.closedAt = fromUnixMillis(*c);
    }
    item.closedBy = s.columnText(16);
    item.note = s.columnText(17);
  }
  return item;
}

}  // namespace

Status ConsoleStore::addAccount(const Account& account, std::string_view password, TimePoint now) {
  if (!isValidAccountName(account.name)) {
    return makeError(ErrorKind::kInvalidInput,
                     "an account name is 1 to 64 of a-z, 0-9, '.', '-' and '_'");
  }
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength) {
    return makeError(ErrorKind::kInvalidInput, "a password is 10 to 128 characters");
  }
  auto hash = hashSecret(password);
  if (!hash) {
    return hash.error();
  }
  auto known = findAccount(account.name);
  if (!known) {
    return known.error();
  }
  if (*known) {
    return makeError(ErrorKind::kPermanent, "there is already an account " + account.name);
  }
  return guardedStatus("adding the console account", [&] {
    if (account.eventId != 0) {
      auto s = db_.prepare("SELECT 1 FROM events WHERE id = ?1");
      s.bind(1, static_cast<std::int64_t>(account.eventId));
      if (!s.step()) {
        throw std::invalid_argument("no event " + std::to_string(account.eventId));
      }
    }
    db_.prepare(
           "INSERT INTO console_accounts (name, role, event_id, password_hash, language, "
           "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, account.name)
        .bind(2, toString(account.role))
        .bind(3, static_cast<std::int64_t>(account.eventId))
        .bind(4, *hash)
        .bind(5, account.language)
        .bind(6, toUnixMillis(now))
        .run();
  });
}

Result<std::vector<Account>> ConsoleStore::listAccounts() {
  return guarded("listing console accounts", [&] {
    std::vector<Account> out;
    auto s = db_.prepare("SELECT " + std::string(kAccountColumns) +
                         " FROM console_accounts ORDER BY name");
    while (s.step()) {
      out.push_back(readAccount(s));
    }
    return out;
  });
}

Result<std::optional<Account>> ConsoleStore::findAccount(std::string_view name) {
  return guarded("reading a console account", [&]() -> std::optional<Account> {
    auto s = db_.prepare("SELECT " + std::string(kAccountColumns) +
                         " FROM console_accounts WHERE name = ?1");
    s.bind(1, name);
    if (!s.step()) {
      return std::nullopt;
    }
    return readAccount(s);
  });
}

Status ConsoleStore::disableAccount(std::string_view name, TimePoint now) {
  auto changed = guarded("disabling the console account", [&] {
    return db_.transaction([&] {
      db_.prepare(
             "UPDATE console_accounts SET disabled_at = ?2 WHERE name = ?1 AND disabled_at IS "
             "NULL")
          .bind(1, name)
          .bind(2, toUnixMillis(now))
          .run();
      const auto n = db_.changes();
      db_.prepare("DELETE FROM console_sessions WHERE account = ?1").bind(1, name).run();
      return n;
    });
  });
  if (!changed) {
    return changed.error();
  }
  if (*changed == 0) {
    auto known = findAccount(name);
    if (known && !*known) {
      return makeError(ErrorKind::kNotFound, "no console account " + std::string(name));
    }
  }
  return okStatus();
}

Status ConsoleStore::setLanguage(std::string_view name, std::string_view language) {
  return guardedStatus("setting the console language", [&] {
    db_.prepare("UPDATE console_accounts SET language = ?2 WHERE name = ?1")
        .bind(1, name)
        .bind(2, language)
        .run();
  });
}

Status ConsoleStore::createSession(std::string_view idHash, const std::string& account,
                                   std::string_view csrf, std::string_view address, TimePoint now) {
  return guardedStatus("starting a console session", [&] {
    db_.prepare(
           "INSERT INTO console_sessions (id_hash, account, csrf, address, created_at, "
           "last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
        .bind(1, idHash)
        .bind(2, account)
        .bind(3, csrf)
        .bind(4, address)
        .bind(5, toUnixMillis(now))
        .run();
  });
}

Result<std::optional<Session>> ConsoleStore::findSession(std::string_view idHash) {
  return guarded("reading a console session", [&]() -> std::optional<Session> {
    auto s = db_.prepare(
        "SELECT s.csrf, s.created_at, s.last_seen_at, a.name, a.role, a.event_id, a.language, "
        "a.created_at, a.disabled_at, a.password_hash FROM console_sessions s "
        "JOIN console_accounts a ON a.name = s.account "
        "WHERE s.id_hash = ?1 AND a.disabled_at IS NULL");
    s.bind(1, idHash);
    if (!s.step()) {
      return std::nullopt;
    }
    Session out;
    out.csrf = s.columnText(0);
    out.createdAt = fromUnixMillis(s.columnInt(1));
    out.lastSeenAt = fromUnixMillis(s.columnInt(2));
    out.account = readAccount(s, 3);
    return out;
  });
}

Status ConsoleStore::touchSession(std::string_view idHash, TimePoint now) {
  return guardedStatus("updating a console session", [&] {
    db_.prepare("UPDATE console_sessions SET last_seen_at = ?2 WHERE id_hash = ?1")
        .bind(1, idHash)
        .bind(2, toUnixMillis(now))
        .run();
  });
}

Status ConsoleStore::deleteSession(std::string_view idHash) {
  return guardedStatus("ending a console session", [&] {
    db_.prepare("DELETE FROM console_sessions WHERE id_hash = ?1").bind(1, idHash).run();
  });
}

Status ConsoleStore::audit(const AuditRow& row) {
  return guardedStatus("writing the console audit", [&] {
    db_.prepare(
           "INSERT INTO console_audit (id, at, account, event_id, action, target, detail) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, newRecordId(row.at))
        .bind(2, toUnixMillis(row.at))
        .bind(3, row.account)
        .bind(4, static_cast<std::int64_t>(row.eventId))
        .bind(5, row.action)
        .bind(6, row.target)
        .bind(7, row.detail)
        .run();
  });
}

Result<std::vector<AuditRow>> ConsoleStore::listAudit(std::optional<EventId> eventId) {
  return guarded("reading the console audit", [&] {
    std::vector<AuditRow> out;
    auto s = db_.prepare(
        "SELECT at, account, event_id, action, target, detail FROM console_audit "
        "WHERE CAST(?1 AS BIGINT) IS NULL OR event_id = ?1 ORDER BY at, id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(AuditRow{fromUnixMillis(s.columnInt(0)), s.columnText(1),
                             static_cast<EventId>(s.columnInt(2)), s.columnText(3), s.columnText(4),
                             s.columnText(5)});
    }
    return out;
  });
}

Result<std::vector<Event>> ConsoleStore::events() {
  return guarded("listing events", [&] {
    std::vector<Event> out;
    auto s = db_.prepare("SELECT doc FROM events ORDER BY id");
    while (s.step()) {
      out.push_back(cache::eventFromJson(cache::parseJson(s.columnText(0))));
    }
    return out;
  });
}

Result<std::vector<ArrivalRow>> ConsoleStore::arrivals(EventId eventId) {
  return guarded("reading arrivals", [&] {
    std::vector<ArrivalRow> out;
    auto s = db_.prepare(std::string(kArrivalSelect) + " ORDER BY g.guest_id");
    s.bind(1, static_cast<std::int64_t>(eventId));
    while (s.step()) {
      auto row = readArrival(s);
      if (row.guest.status == GuestStatus::kActive) {
        out.push_back(std::move(row));
      }
    }
    return out;
  });
}

Result<std::vector<ArrivalRow>> ConsoleStore::arrivalsSince(EventId eventId, TimePoint since) {
  return guarded("reading new arrivals", [&] {
    std::vector<ArrivalRow> out;
    auto s =
        db_.prepare(std::string(kArrivalSelect) + " AND a.received_at > ?2 ORDER BY a.received_at");
    s.bind(1, static_cast<std::int64_t>(eventId));
    s.bind(2, toUnixMillis(since));
    while (s.step()) {
      auto row = readArrival(s);
      if (row.guest.status == GuestStatus::kActive) {
        out.push_back(std::move(row));
      }
    }
    return out;
  });
}

Result<std::vector<Device>> ConsoleStore::devices(EventId eventId) {
  return guarded("listing terminals", [&] {
    std::vector<Device> out;
    auto s = db_.prepare(std::string("SELECT ") + kDeviceColumns +
                         " FROM devices WHERE event_id = ?1 ORDER BY terminal, enrolled_at");
    s.bind(1, static_cast<std::int64_t>(eventId));
    while (s.step()) {
      out.push_back(deviceFromRow(s));
    }
    return out;
  });
}

Result<bool> ConsoleStore::revokeDevice(EventId eventId, std::string_view deviceId,
                                        std::string_view reason, TimePoint now) {
  return guarded("revoking the terminal", [&] {
    db_.prepare(
           "UPDATE devices SET revoked_at = ?3, revoke_reason = ?4 "
           "WHERE id = ?1 AND event_id = ?2 AND revoked_at IS NULL")
        .bind(1, deviceId)
        .bind(2, static_cast<std::int64_t>(eventId))
        .bind(3, toUnixMillis(now))
        .bind(4, reason)
        .run();
    return db_.changes() > 0;
  });
}

Result<std::vector<FeedbackItem>> ConsoleStore::feedback(EventId eventId,
                                                         std::optional<TimePoint> receivedAfter) {
  return guarded("reading feedback", [&] {
    std::vector<FeedbackItem> out;
    auto s = db_.prepare(std::string(kFeedbackSelect) +
                         (receivedAfter ? " AND f.received_at > ?2" : "") +
                         " ORDER BY f.received_at, f.id");
    s.bind(1, static_cast<std::int64_t>(eventId));
    if (receivedAfter) {
      s.bind(2, toUnixMillis(*receivedAfter));
    }
    while (s.step()) {
      out.push_back(readFeedbackItem(s));
    }
    return out;
  });
}

Result<std::optional<FeedbackItem>> ConsoleStore::feedbackItem(EventId eventId,
                                                               std::string_view id) {
  return guarded("reading feedback", [&] {
    auto s = db_.prepare(std::string(kFeedbackSelect) + " AND f.id = ?2");
    s.bind(1, static_cast<std::int64_t>(eventId));
    s.bind(2, id);
    std::optional<FeedbackItem> out;
    if (s.step()) {
      out = readFeedbackItem(s);
    }
    return out;
  });
}

Status ConsoleStore::saveHandling(EventId eventId, const FeedbackItem& item, TimePoint now) {
  auto millis = [](const std::optional<TimePoint>& t) {
    return t ? std::optional<std::int64_t>(toUnixMillis(*t)) : std::nullopt;
  };
  return guardedStatus("saving the feedback's handling", [&] {
    db_.prepare(
           "INSERT INTO console_feedback (feedback_id, event_id, state, assigned_to, "
           "answered_at, answered_by, closed_at, closed_by, note, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
           "ON CONFLICT (feedback_id) DO UPDATE SET state = excluded.state, "
           "assigned_to = excluded.assigned_to, answered_at = excluded.answered_at, "
           "answered_by = excluded.answered_by, closed_at = excluded.closed_at, "
           "closed_by = excluded.closed_by, note = excluded.note, "
           "updated_at = excluded.updated_at")
        .bind(1, item.feedback.id)
        .bind(2, static_cast<std::int64_t>(eventId))
        .bind(3, std::string_view(toString(item.state)))
        .bind(4, item.assignedTo)
        .bind(5, millis(item.answeredAt))
        .bind(6, item.answeredBy)
        .bind(7, millis(item.closedAt))
        .bind(8, item.closedBy)
        .bind(9, item.note)
        .bind(10, toUnixMillis(now))
        .run();
  });
}

}  // namespace kiosk::central::console
