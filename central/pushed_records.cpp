#include "central/pushed_records.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "central/central_store.h"
#include "kiosk/core/ids.h"
#include "offline-cache/record_rows.h"

namespace kiosk::central {

using cache::DatabaseError;
using cache::dump;
using cache::guarded;
using cache::guardedStatus;
using cache::Json;
using cache::parseJson;
using cache::Statement;
using cache::toJson;

namespace {

// The id a malformed item is answered under: whatever id-like field it has.
std::string itemId(const Json& item, const api::PushRoute& route) {
  try {
    if (!item.is_object()) {
      return {};
    }
    if (route.record == api::RecordKind::kUndo) {
      return item.value("checkin_id", std::string());
    }
    if (route.record == api::RecordKind::kWalkIn) {
      auto it = item.find("checkin");
      return it != item.end() && it->is_object() ? it->value("id", std::string()) : std::string();
    }
    return item.value("id", std::string());
  } catch (const std::exception&) {
    return {};
  }
}

// What a re-sent id is compared with: the record as central accepted it (terminal name
// from the enrollment), without the undo fields (undos arrive as records of their own).
std::string sentCheckinDoc(CheckinRecord r) {
  r.undoneAt.reset();
  r.undoneBy.clear();
  r.undoReason.clear();
  return dump(toJson(r));
}

// The same words whichever record holds the id: the answer must not tell a device
// anything about another event's records.
constexpr std::string_view kConflictDetail =
    "conflict: this id already names another record; kept at central for staff review";

constexpr GuestId kFirstWalkInGuestId = 0x80000000u;
constexpr std::size_t kMaxWalkInGuestBytes = 8192;

// Undos of check-ins central has not seen wait for them, but only this many per device.
constexpr std::int64_t kMaxPendingUndosPerDevice = 1000;

void checkNeeds(const SpecialNeeds& n) {
  checks::requireText("diet", n.diet, checks::kMaxNeedsBytes);
  checks::requireText("allergies", n.allergies, checks::kMaxNeedsBytes);
  checks::requireText("accessibility", n.accessibility, checks::kMaxNeedsBytes);
}

// Shape and size of a check-in; the terminal name is taken from the enrollment.
void checkCheckin(CheckinRecord& r, const Device& device) {
  checks::requireRecordId("id", r.id);
  if (r.guestId == 0) {
    throw std::invalid_argument("guest_id missing");
  }
  checks::requireText("staff_id", r.staffId, checks::kMaxNameBytes);
  checks::requireText("override_reason", r.overrideReason, checks::kMaxReasonBytes);
  checks::requireText("undone_by", r.undoneBy, checks::kMaxNameBytes);
  checks::requireText("undo_reason", r.undoReason, checks::kMaxReasonBytes);
  checkNeeds(r.confirmedNeeds);
  const bool staffMethod = r.method == CheckinMethod::kStaffManual ||
                           r.method == CheckinMethod::kStaffOverride ||
                           r.method == CheckinMethod::kWalkIn;
  if (staffMethod && r.staffId.empty()) {
    throw std::invalid_argument(std::string("a ") + toString(r.method) +
                                " check-in needs staff_id");
  }
  r.terminal = device.terminal;
}

// A walk-in's guest: in the terminals' id range (central numbers its own guests below it),
// the check-in's guest, admitted (a terminal cannot create a blocked or cancelled guest),
// without a host (arrival notices would go to whoever the terminal names), not a VIP
// (isWalkInCategory) and small.
void checkWalkInGuest(const Guest& g, const CheckinRecord& r) {
  if (g.id < kFirstWalkInGuestId) {
    throw std::invalid_argument("walk-in guest ids are in the terminals' range");
  }
  if (g.id != r.guestId) {
    throw std::invalid_argument("the walk-in's guest and check-in name different guests");
  }
  if (r.method != CheckinMethod::kWalkIn) {
    throw std::invalid_argument("a walk-in's check-in has method walk_in");
  }
  if (g.status != GuestStatus::kActive) {
    throw std::invalid_argument("a walk-in guest is active");
  }
  if (!g.host.empty() || !g.hostContact.empty()) {
    throw std::invalid_argument("a walk-in guest has no host; set one at central");
  }
  if (!isWalkInCategory(g.category)) {
    throw std::invalid_argument(
        "a walk-in guest's category is government, business, press, staff or other; VIP "
        "guests are made at central, where their host is set");
  }
  if (!normalizeBookingCode(g.bookingCode)) {
    throw std::invalid_argument("booking_code is not a booking code");
  }
  checks::requireText("name", g.name, checks::kMaxNameBytes * 2);
  for (const auto* text : {&g.company, &g.title, &g.language, &g.phone, &g.email}) {
    checks::requireText("guest field", *text, checks::kMaxNameBytes * 2);
  }
  checkNeeds(g.needs);
  if (dump(toJson(g)).size() > kMaxWalkInGuestBytes) {
    throw std::invalid_argument("walk-in guest larger than " +
                                std::to_string(kMaxWalkInGuestBytes) + " bytes");
  }
}

}  // namespace

// One pushed item being answered: the request's context and the item's answer.
struct PushedRecords::Item {
  const Device& device;
  const api::PushRoute& route;
  const checks::TimeWindow& window;
  TimePoint now;
  PushSummary& summary;
  api::ItemResult result;

  void reject(std::string why) {
    result.status = api::ItemStatus::kRejected;
    result.detail = std::move(why);
    ++summary.rejected;
  }
  bool sameEvent(EventId eventId) {
    if (eventId != device.eventId) {
      reject("record of event " + std::to_string(eventId) + "; this device serves event " +
             std::to_string(device.eventId));
      return false;
    }
    return true;
  }
};

bool PushedRecords::checkinFlagged(EventId eventId, std::string_view id) {
  auto s = db_.prepare("SELECT flagged FROM checkins WHERE event_id = ?1 AND id = ?2");
  s.bind(1, eventId).bind(2, id);
  return s.step() && s.columnInt(0) != 0;
}

bool PushedRecords::isEventStaff(EventId eventId, std::string_view staffId) {
  auto s = db_.prepare("SELECT 1 FROM staff WHERE staff_id = ?1 AND event_id IN (0, ?2)");
  s.bind(1, staffId).bind(2, eventId);
  return s.step();
}

void PushedRecords::recordConflict(const Device& device, std::string_view kind,
                                   std::string_view recordId, std::string_view reason,
                                   const std::string& doc, TimePoint now) {
  // Once per record and device: a terminal that re-sends its refusal adds nothing.
  db_.prepare(
         "INSERT INTO conflicts (kind, record_id, event_id, device_id, terminal, reason, doc, "
         "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING")
      .bind(1, kind)
      .bind(2, recordId)
      .bind(3, device.eventId)
      .bind(4, device.id)
      .bind(5, device.terminal)
      .bind(6, reason)
      .bind(7, doc)
      .bind(8, toUnixMillis(now))
      .run();
}

void PushedRecords::recomputeFlags(EventId eventId, GuestId guestId) {
  // The admission is the first check-in not undone by (order_at, id); every other one not
  // undone is flagged. Only rows whose flag is wrong are read and rewritten (at most the
  // old and the new admission), so a guest with many check-ins costs a push little.
  std::string admission;
  {
    auto s = db_.prepare(
        "SELECT id FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND undone_at IS NULL "
        "ORDER BY order_at, id LIMIT 1");
    s.bind(1, eventId).bind(2, guestId);
    if (!s.step()) {
      return;
    }
    admission = s.columnText(0);
  }
  struct Row {
    std::string id;
    std::string doc;
    bool flag;
  };
  std::vector<Row> wrong;
  {
    // The guest's rows, not the event's: keyed by (event_id, id), the planner would walk
    // every check-in of the event for the `id = ?3` term (200 times slower at 20,000).
    auto s = db_.prepare(
        db_.dialect() == cache::Dialect::kSqlite
            ? "SELECT id, doc FROM checkins INDEXED BY checkins_by_guest WHERE event_id = ?1 AND "
              "guest_id = ?2 AND undone_at IS NULL AND ((id = ?3 AND flagged = 1) OR (id != ?3 "
              "AND flagged = 0))"
            : "SELECT id, doc FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND undone_at "
              "IS NULL AND ((id = ?3 AND flagged = 1) OR (id != ?3 AND flagged = 0))");
    s.bind(1, eventId).bind(2, guestId).bind(3, admission);
    while (s.step()) {
      auto id = s.columnText(0);
      const bool flag = id != admission;
      wrong.push_back({std::move(id), s.columnText(1), flag});
    }
  }
  for (const auto& row : wrong) {
    db_.prepare("UPDATE checkins SET flagged = ?3 WHERE event_id = ?1 AND id = ?2")
        .bind(1, eventId)
        .bind(2, row.id)
        .bind(3, row.flag)
        .run();
    feed_.put(eventId, "checkins", checkinFeedKey(eventId, row.id),
              feedCheckinDoc(row.doc, row.flag));
  }
}

api::ItemResult PushedRecords::insertCheckin(const Device& device, const CheckinRecord& record,
                                             const checks::TimeWindow& window, TimePoint now,
                                             PushSummary& summary) {
  api::ItemResult result;
  result.id = record.id;
  const auto sent = sentCheckinDoc(record);
  {
    // Only this event's check-ins are looked at: another event's records neither block
    // this one nor answer for it.
    auto s = db_.prepare("SELECT sent_doc, flagged FROM checkins WHERE event_id = ?1 AND id = ?2");
    s.bind(1, device.eventId).bind(2, record.id);
    if (s.step()) {
      // Rows from before sent_doc was kept compare by id only.
      const bool repeat = s.isNull(0) || s.columnText(0) == sent;
      if (repeat) {
        result.flagged = s.columnInt(1) != 0;  // same answer, nothing changes
        return result;
      }
      s.reset();
      recordConflict(device, "checkin", record.id, "id already names another check-in", sent, now);
      result.status = api::ItemStatus::kRejected;
      result.detail = std::string(kConflictDetail);
      ++summary.rejected;
      return result;
    }
  }
  bool knownGuest = false;
  {
    auto s = db_.prepare("SELECT 1 FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, record.eventId).bind(2, record.guestId);
    knownGuest = s.step();
  }
  // A time the terminal's clock cannot have told truly never decides the admission:
  // such a record is ordered by the time central received it.
  const bool skewed = !window.contains(record.scannedAt);
  const auto orderAt = skewed ? now : record.scannedAt;
  // An undo made by the terminal before this push is part of the record itself.
  const auto doc = dump(toJson(record));
  db_.prepare(
         "INSERT INTO checkins (id, event_id, guest_id, terminal, device_id, scanned_at, method, "
         "doc, undone_at, unknown_guest, received_at, order_at, skewed, sent_doc) VALUES (?1, ?2, "
         "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
      .bind(1, record.id)
      .bind(2, record.eventId)
      .bind(3, record.guestId)
      .bind(4, record.terminal)
      .bind(5, device.id)
      .bind(6, toUnixMillis(record.scannedAt))
      .bind(7, toString(record.method))
      .bind(8, doc)
      .bind(9, record.undoneAt ? std::optional<std::int64_t>(toUnixMillis(*record.undoneAt))
                               : std::nullopt)
      .bind(10, !knownGuest)
      .bind(11, toUnixMillis(now))
      .bind(12, toUnixMillis(orderAt))
      .bind(13, skewed)
      .bind(14, sent)
      .run();
  feed_.put(record.eventId, "checkins", checkinFeedKey(record.eventId, record.id),
            feedCheckinDoc(doc, false));
  {
    auto s = db_.prepare(
        "SELECT doc FROM undos WHERE checkin_id = ?1 AND event_id = ?2 AND applied = 0");
    s.bind(1, record.id).bind(2, record.eventId);
    if (s.step()) {
      const auto undo = api::undoFromJson(parseJson(s.columnText(0)));
      s.reset();
      applyUndo(undo, record.eventId);
    }
  }
  recomputeFlags(record.eventId, record.guestId);
  result.flagged = checkinFlagged(record.eventId, record.id);
  if (!knownGuest) {
    result.detail = "guest unknown at central; recorded";
  }
  if (skewed) {
    result.detail =
        "scanned_at is not plausible (terminal clock?); ordered by central's receive "
        "time";
  }
  ++summary.accepted;
  if (result.flagged) {
    ++summary.flagged;
  }
  return result;
}

void PushedRecords::applyUndo(const api::UndoRecord& undo, EventId eventId) {
  // Found by id within the event: an undo never reaches another event's check-in.
  auto s = db_.prepare("SELECT doc, undone_at FROM checkins WHERE id = ?1 AND event_id = ?2");
  s.bind(1, undo.checkinId).bind(2, eventId);
  if (!s.step()) {
    return;  // kept in `undos`, applied when the check-in arrives
  }
  const bool alreadyUndone = !s.isNull(1);
  auto record = cache::checkinFromJson(parseJson(s.columnText(0)));
  s.reset();
  if (undo.guestId != 0 && undo.guestId != record.guestId) {
    return;  // names another guest: never applied (the push answered it as a conflict)
  }
  db_.prepare("UPDATE undos SET applied = 1 WHERE event_id = ?1 AND checkin_id = ?2")
      .bind(1, eventId)
      .bind(2, undo.checkinId)
      .run();
  if (alreadyUndone) {
    return;
  }
  record.undoneAt = undo.undoneAt;
  record.undoneBy = undo.undoneBy;
  record.undoReason = undo.reason;
  const auto doc = dump(toJson(record));
  db_.prepare("UPDATE checkins SET doc = ?3, undone_at = ?4 WHERE event_id = ?1 AND id = ?2")
      .bind(1, eventId)
      .bind(2, record.id)
      .bind(3, doc)
      .bind(4, toUnixMillis(undo.undoneAt))
      .run();
  feed_.put(eventId, "checkins", checkinFeedKey(eventId, record.id),
            feedCheckinDoc(doc, checkinFlagged(eventId, record.id)));
  recomputeFlags(record.eventId, record.guestId);
}

// A staff edit from a terminal. Checked like every pushed record: the device's event, the
// guest in that event, staff of that event, a reason, bounded text, known fields. The
// terminal name comes from the enrollment. Applied to central's guest record when it is
// received: with a roster import that changes the same field, the one central receives
// last wins (an import after the edit overwrites it; an edit after the import stays).
void PushedRecords::ingestGuestEdit(Item& item, const Json& json) {
  const auto& device = item.device;
  const auto now = item.now;
  auto edit = api::guestEditFromJson(json);
  checks::requireRecordId("id", edit.id);
  checks::requireText("staff_id", edit.staffId, checks::kMaxNameBytes);
  checks::requireText("reason", edit.reason, checks::kMaxReasonBytes);
  if (edit.changes.empty() || edit.changes.size() > kMaxGuestEditChanges) {
    throw std::invalid_argument("changes must hold 1 to " + std::to_string(kMaxGuestEditChanges) +
                                " fields");
  }
  for (const auto& c : edit.changes) {
    checks::requireText("field", c.field, checks::kMaxNameBytes);
    checks::requireText("value", c.value, kMaxGuestFieldBytes);
  }
  edit.terminal = device.terminal;
  if (!item.window.contains(edit.at)) {
    edit.at = now;
  }
  item.result.id = edit.id;
  auto reject = [&](std::string why) { item.reject(std::move(why)); };
  if (edit.eventId != device.eventId) {
    return reject("record of event " + std::to_string(edit.eventId) +
                  "; this device serves event " + std::to_string(device.eventId));
  }
  if (edit.staffId.empty() || edit.reason.empty()) {
    reject("a guest edit needs staff_id and a reason");
    return;
  }
  if (!isEventStaff(device.eventId, edit.staffId)) {
    reject("staff_id is not a staff member of this event");
    return;
  }
  const auto doc = dump(api::toJson(edit));
  {
    auto s = db_.prepare("SELECT doc FROM guest_edits WHERE event_id = ?1 AND id = ?2");
    s.bind(1, device.eventId).bind(2, edit.id);
    if (s.step()) {
      if (s.columnText(0) == doc) {
        ++item.summary.accepted;
        return;  // a repeat: applied once already
      }
      s.reset();
      recordConflict(device, "guest_edit", edit.id, "id already names another record", doc, now);
      reject(std::string(kConflictDetail));
      return;
    }
  }
  std::optional<Guest> guest;
  {
    // Within the device's event only: another event's guest is as unknown as none.
    auto s = db_.prepare("SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, device.eventId).bind(2, edit.guestId);
    if (s.step()) {
      guest = cache::guestFromJson(parseJson(s.columnText(0)));
    }
  }
  if (!guest) {
    reject("no such guest in this event");
    return;
  }
  for (const auto& c : edit.changes) {
    if (auto why = applyFieldChange(*guest, c)) {
      reject(c.field + ": " + *why);
      return;
    }
  }
  roster_.upsertGuest(device.eventId, *guest, now);
  db_.prepare(
         "INSERT INTO guest_edits (id, event_id, guest_id, device_id, terminal, staff_id, doc, "
         "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, edit.id)
      .bind(2, device.eventId)
      .bind(3, edit.guestId)
      .bind(4, device.id)
      .bind(5, device.terminal)
      .bind(6, edit.staffId)
      .bind(7, doc)
      .bind(8, toUnixMillis(now))
      .run();
  AuditEvent a;
  a.at = edit.at;
  a.terminal = device.terminal;
  a.actor = "staff:" + edit.staffId;
  a.action = AuditAction::kGuestEdited;
  a.eventId = device.eventId;
  a.guestId = edit.guestId;
  for (const auto& c : edit.changes) {
    a.outcome += (a.outcome.empty() ? "" : ", ") + c.field;
  }
  a.reason = edit.reason;
  a.refId = edit.id;
  db_.prepare(
         "INSERT INTO audit (id, event_id, terminal, device_id, at, action, doc, received_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, edit.id)
      .bind(2, device.eventId)
      .bind(3, device.terminal)
      .bind(4, device.id)
      .bind(5, toUnixMillis(a.at))
      .bind(6, toString(a.action))
      .bind(7, dump(toJson(a)))
      .bind(8, toUnixMillis(now))
      .run();
  ++item.summary.accepted;
}

// Staff ids must name a staff member of this device's event.
bool PushedRecords::eventStaff(Item& item, std::string_view field, const std::string& staffId) {
  if (!staffId.empty() && !isEventStaff(item.device.eventId, staffId)) {
    item.reject(std::string(field) + " is not a staff member of this event");
    return false;
  }
  return true;
}

// A conflict for records kept once per id: the id is taken by a record of another event, or
// by other content. Tables keyed by (event_id, id) only look at this event's records.
bool PushedRecords::takenBy(Item& item, std::string_view table, std::string_view key,
                            const std::string& id, const std::string& doc, bool perEvent) {
  auto s =
      db_.prepare(std::string("SELECT event_id, doc FROM ") + std::string(table) + " WHERE " +
                  std::string(key) + " = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR event_id = ?2)");
  s.bind(1, id).bind(2, perEvent ? std::optional<std::int64_t>(item.device.eventId) : std::nullopt);
  if (!s.step()) {
    return false;
  }
  if (static_cast<EventId>(s.columnInt(0)) == item.device.eventId && s.columnText(1) == doc) {
    return false;  // a repeat
  }
  s.reset();
  recordConflict(item.device, item.route.kind, id, "id already names another record", doc,
                 item.now);
  item.reject(std::string(kConflictDetail));
  return true;
}

Result<PushSummary> PushedRecords::push(const Device& device, const api::PushRoute& route,
                                        const Json& items, TimePoint now) {
  // Inside a caller's transaction (central's writer batches requests in one), a collision
  // with another instance's transaction - a serialization failure, or a unique violation
  // when both inserted the same record - is thrown on for that transaction to run again
  // as a whole: answered as an error here, the record would be refused (400) or put off
  // (503) although the rerun stores it or finds it stored.
  auto store = [&] {
    if (!items.is_array()) {
      throw std::invalid_argument(std::string(route.field) + " must be an array");
    }
    return db_.transaction([&] {
      TimePoint eventStartsAt = now;
      {
        auto s = db_.prepare("SELECT doc FROM events WHERE id = ?1");
        s.bind(1, device.eventId);
        if (s.step()) {
          eventStartsAt = cache::eventFromJson(parseJson(s.columnText(0))).startsAt;
        }
      }
      const auto window = checks::plausibleTimes(eventStartsAt, now);
      PushSummary summary;
      for (const auto& json : items) {
        Item item{device, route, window, now, summary, {}};
        item.result.id = itemId(json, route);
        // Only parsing is guarded per item; a database failure aborts the whole batch.
        try {
          switch (route.record) {
            case api::RecordKind::kCheckin:
              ingestCheckin(item, json);
              break;
            case api::RecordKind::kWalkIn:
              ingestWalkIn(item, json);
              break;
            case api::RecordKind::kUndo:
              ingestUndo(item, json);
              break;
            case api::RecordKind::kGuestEdit:
              ingestGuestEdit(item, json);
              break;
            case api::RecordKind::kRejection:
              ingestRejection(item, json);
              break;
            case api::RecordKind::kFeedback:
              ingestFeedback(item, json);
              break;
            case api::RecordKind::kAudit:
              ingestAudit(item, json);
              break;
            case api::RecordKind::kArrivalNotice:
              ingestArrivalNotice(item, json);
              break;
          }
        } catch (const DatabaseError&) {
          throw;
        } catch (const std::exception& e) {
          item.reject(std::string("malformed ") + std::string(route.kind) + ": " +
                      std::string(e.what()).substr(0, 120));
        }
        summary.results.push_back(std::move(item.result));
      }
      return summary;
    });
  };
  if (!db_.inTransaction()) {
    return guarded("storing pushed records", store);
  }
  try {
    return Result<PushSummary>(store());
  } catch (const DatabaseError& e) {
    if (e.isSerializationFailure() || e.isUniqueViolation()) {
      throw;
    }
    return makeError(e.kind(), std::string("storing pushed records: ") + e.what());
  } catch (const std::exception& e) {
    return makeError(ErrorKind::kPermanent, std::string("storing pushed records: ") + e.what());
  }
}

void PushedRecords::ingestCheckin(Item& item, const Json& json) {
  auto r = cache::checkinFromJson(json);
  checkCheckin(r, item.device);
  if (item.sameEvent(r.eventId) && eventStaff(item, "staff_id", r.staffId) &&
      eventStaff(item, "undone_by", r.undoneBy)) {
    item.result = insertCheckin(item.device, r, item.window, item.now, item.summary);
  }
}

void PushedRecords::ingestWalkIn(Item& item, const Json& json) {
  auto guest = cache::guestFromJson(json.at("guest"));
  auto r = cache::checkinFromJson(json.at("checkin"));
  checkCheckin(r, item.device);
  checkWalkInGuest(guest, r);
  if (!item.sameEvent(r.eventId) || !item.sameEvent(guest.eventId) ||
      !eventStaff(item, "staff_id", r.staffId)) {
    return;
  }
  bool created = false;
  bool exists = false;
  {
    auto s = db_.prepare("SELECT 1 FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, guest.eventId).bind(2, guest.id);
    exists = s.step();
  }
  if (!exists) {
    bool codeTaken = false;
    {
      auto c = db_.prepare("SELECT 1 FROM guests WHERE event_id = ?1 AND booking_code = ?2");
      c.bind(1, guest.eventId).bind(2, guest.bookingCode);
      codeTaken = c.step();
    }
    if (codeTaken) {
      // Two terminals drew the same random walk-in code: keep both guests.
      guest.bookingCode += "-" + randomCode(4);
    }
    roster_.upsertGuest(guest.eventId, guest, item.now);
    created = true;
  }
  db_.prepare(
         "INSERT INTO walk_ins (checkin_id, event_id, guest_id, device_id, guest_created, "
         "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING")
      .bind(1, r.id)
      .bind(2, r.eventId)
      .bind(3, guest.id)
      .bind(4, item.device.id)
      .bind(5, created)
      .bind(6, toUnixMillis(item.now))
      .run();
  item.result = insertCheckin(item.device, r, item.window, item.now, item.summary);
}

void PushedRecords::ingestUndo(Item& item, const Json& json) {
  auto u = api::undoFromJson(json);
  checks::requireRecordId("checkin_id", u.checkinId);
  checks::requireText("undone_by", u.undoneBy, checks::kMaxNameBytes);
  checks::requireText("reason", u.reason, checks::kMaxReasonBytes);
  u.terminal = item.device.terminal;
  if (!item.sameEvent(u.eventId)) {
    return;
  }
  if (u.undoneBy.empty() || u.reason.empty()) {
    item.reject("an undo needs undone_by and a reason");
    return;
  }
  if (!eventStaff(item, "undone_by", u.undoneBy)) {
    return;
  }
  if (!item.window.contains(u.undoneAt)) {
    item.reject("undone_at is not plausible (terminal clock?)");
    return;
  }
  const auto doc = dump(api::toJson(u));
  bool known = false;
  bool otherGuest = false;
  {
    // Looked up within the event: another event's check-in is as unknown here as one that
    // does not exist.
    auto s = db_.prepare("SELECT guest_id FROM checkins WHERE id = ?1 AND event_id = ?2");
    s.bind(1, u.checkinId).bind(2, item.device.eventId);
    if (s.step()) {
      known = true;
      otherGuest = u.guestId != 0 && static_cast<GuestId>(s.columnInt(0)) != u.guestId;
    }
  }
  std::int64_t pending = 0;
  if (!known) {
    auto s = db_.prepare("SELECT COUNT(*) FROM undos WHERE device_id = ?1 AND applied = 0");
    s.bind(1, item.device.id);
    pending = s.step() ? s.columnInt(0) : 0;
  }
  if (otherGuest) {
    recordConflict(item.device, item.route.kind, u.checkinId,
                   "undo names another guest than the check-in", doc, item.now);
    item.reject(std::string(kConflictDetail));
    return;
  }
  if (takenBy(item, "undos", "checkin_id", u.checkinId, doc, true)) {
    return;
  }
  if (!known && pending >= kMaxPendingUndosPerDevice) {
    item.reject("too many undos of check-ins central has not received");
    return;
  }
  db_.prepare(
         "INSERT INTO undos (checkin_id, event_id, doc, device_id, received_at) VALUES (?1, ?2, "
         "?3, ?4, ?5) ON CONFLICT DO NOTHING")
      .bind(1, u.checkinId)
      .bind(2, u.eventId)
      .bind(3, doc)
      .bind(4, item.device.id)
      .bind(5, toUnixMillis(item.now))
      .run();
  applyUndo(u, item.device.eventId);
  ++item.summary.accepted;
}

void PushedRecords::ingestRejection(Item& item, const Json& json) {
  auto r = cache::rejectionFromJson(json);
  checks::requireRecordId("id", r.id);
  checks::requireText("detail", r.detail, checks::kMaxReasonBytes);
  checks::requireText("scan_hash", r.scanHash, checks::kMaxNameBytes);
  r.terminal = item.device.terminal;
  const auto doc = dump(toJson(r));
  if (!item.sameEvent(r.eventId) || takenBy(item, "rejections", "id", r.id, doc)) {
    return;
  }
  db_.prepare(
         "INSERT INTO rejections (id, event_id, guest_id, terminal, device_id, scanned_at, "
         "outcome, doc, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO "
         "NOTHING")
      .bind(1, r.id)
      .bind(2, r.eventId)
      .bind(3, r.guestId ? std::optional<std::int64_t>(*r.guestId) : std::nullopt)
      .bind(4, r.terminal)
      .bind(5, item.device.id)
      .bind(6, toUnixMillis(r.scannedAt))
      .bind(7, toString(r.outcome))
      .bind(8, doc)
      .bind(9, toUnixMillis(item.now))
      .run();
  ++item.summary.accepted;
}

void PushedRecords::ingestFeedback(Item& item, const Json& json) {
  auto f = api::feedbackFromJson(json);
  checks::requireRecordId("id", f.id);
  checks::requireText("category", f.category, checks::kMaxNameBytes);
  checks::requireText("text", f.text, checks::kMaxFeedbackBytes, true);
  if (f.rating && (*f.rating < 1 || *f.rating > 5)) {
    throw std::invalid_argument("rating must be 1 to 5");
  }
  f.terminal = item.device.terminal;
  {
    auto s = db_.prepare("SELECT event_id, device_id FROM feedback WHERE id = ?1");
    s.bind(1, f.id);
    if (s.step() && (static_cast<EventId>(s.columnInt(0)) != item.device.eventId ||
                     s.columnText(1) != item.device.id)) {
      s.reset();
      recordConflict(item.device, item.route.kind, f.id, "id already names another record",
                     dump(api::toJson(f)), item.now);
      item.reject(std::string(kConflictDetail));
      return;
    }
  }
  if (!item.sameEvent(f.eventId)) {
    return;
  }
  db_.prepare(
         "INSERT INTO feedback (id, event_id, guest_id, terminal, device_id, at, kind, rating, "
         "category, text, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON "
         "CONFLICT DO NOTHING")
      .bind(1, f.id)
      .bind(2, f.eventId)
      .bind(3, f.guestId ? std::optional<std::int64_t>(*f.guestId) : std::nullopt)
      .bind(4, f.terminal)
      .bind(5, item.device.id)
      .bind(6, toUnixMillis(f.at))
      .bind(7, toString(f.kind))
      .bind(8, f.rating)
      .bind(9, f.category)
      .bind(10, f.text)
      .bind(11, toUnixMillis(item.now))
      .run();
  ++item.summary.accepted;
}

void PushedRecords::ingestAudit(Item& item, const Json& json) {
  auto [id, a] = api::auditFromJson(json);
  checks::requireRecordId("id", id);
  checks::requireText("actor", a.actor, checks::kMaxNameBytes);
  checks::requireText("reason", a.reason, checks::kMaxReasonBytes);
  a.terminal = item.device.terminal;
  if (!item.window.contains(a.at)) {
    a.at = item.now;
  }
  const auto doc = dump(toJson(a));
  if (!item.sameEvent(a.eventId) || takenBy(item, "audit", "id", id, doc)) {
    return;
  }
  db_.prepare(
         "INSERT INTO audit (id, event_id, terminal, device_id, at, action, doc, received_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING")
      .bind(1, id)
      .bind(2, a.eventId)
      .bind(3, a.terminal)
      .bind(4, item.device.id)
      .bind(5, toUnixMillis(a.at))
      .bind(6, toString(a.action))
      .bind(7, doc)
      .bind(8, toUnixMillis(item.now))
      .run();
  ++item.summary.accepted;
}

void PushedRecords::ingestArrivalNotice(Item& item, const Json& json) {
  auto n = api::arrivalNoticeFromJson(json);
  checks::requireRecordId("id", n.id);
  checks::requireRecordId("checkin_id", n.checkinId);
  n.terminal = item.device.terminal;
  if (!item.window.contains(n.arrivedAt)) {
    n.arrivedAt = item.now;
  }
  if (!item.sameEvent(n.eventId)) {
    return;
  }
  // Notices go out to the event's webhook: only for a check-in of this event's guest, and
  // to the host central knows, never to one the terminal names.
  std::optional<Guest> guest;
  bool checkedIn = false;
  {
    auto s = db_.prepare("SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, item.device.eventId).bind(2, n.guestId);
    if (s.step()) {
      guest = cache::guestFromJson(parseJson(s.columnText(0)));
    }
  }
  {
    auto s =
        db_.prepare("SELECT 1 FROM checkins WHERE id = ?1 AND event_id = ?2 AND guest_id = ?3");
    s.bind(1, n.checkinId).bind(2, item.device.eventId).bind(3, n.guestId);
    checkedIn = s.step();
  }
  if (!guest || !checkedIn) {
    item.reject("arrival notice for a guest or check-in central does not know in this event");
    return;
  }
  if (guest->host.empty() && guest->hostContact.empty()) {
    item.reject("the guest has no host at central");
    return;
  }
  n.host = guest->host;
  n.hostContact = guest->hostContact;
  const auto doc = dump(api::toJson(n));
  if (takenBy(item, "arrival_notices", "id", n.id, doc)) {
    return;
  }
  db_.prepare(
         "INSERT INTO arrival_notices (id, event_id, checkin_id, guest_id, doc, device_id, "
         "received_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT DO "
         "NOTHING")
      .bind(1, n.id)
      .bind(2, n.eventId)
      .bind(3, n.checkinId)
      .bind(4, n.guestId)
      .bind(5, doc)
      .bind(6, item.device.id)
      .bind(7, toUnixMillis(item.now))
      .run();
  if (db_.changes() > 0) {
    ++item.summary.notices;
  }
  ++item.summary.accepted;
}

Status PushedRecords::putPhoto(const Device& device, std::string_view checkinId,
                               std::string_view contentType, std::string_view bytes,
                               TimePoint now) {
  return guardedStatus("storing the photo", [&] {
    {
      // A photo belongs to a check-in this terminal made (a re-enrolled terminal keeps its
      // name): never to another event's or another terminal's.
      auto s = db_.prepare(
          "SELECT 1 FROM checkins WHERE id = ?1 AND event_id = ?2 AND (device_id = ?3 OR "
          "terminal = ?4)");
      s.bind(1, checkinId).bind(2, device.eventId).bind(3, device.id).bind(4, device.terminal);
      if (!s.step()) {
        throw DatabaseError(ErrorKind::kNotFound, "no check-in of this terminal has this id");
      }
    }
    db_.prepare(
           "INSERT INTO photos (checkin_id, event_id, device_id, content_type, data, received_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(event_id, checkin_id) DO UPDATE SET "
           "content_type = "
           "?4, data = ?5, received_at = ?6, device_id = ?3")
        .bind(1, checkinId)
        .bind(2, device.eventId)
        .bind(3, device.id)
        .bind(4, contentType)
        .bindBlob(5, std::span<const std::uint8_t>(
                         reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()))
        .bind(6, toUnixMillis(now))
        .run();
  });
}

Result<std::optional<std::string>> PushedRecords::photoContentType(EventId eventId,
                                                                   std::string_view checkinId) {
  return guarded("reading the photo", [&] {
    auto s = db_.prepare("SELECT content_type FROM photos WHERE event_id = ?1 AND checkin_id = ?2");
    s.bind(1, eventId).bind(2, checkinId);
    return s.step() ? std::optional<std::string>(s.columnText(0)) : std::nullopt;
  });
}

namespace {
constexpr const char* kCheckinColumns =
    "doc, device_id, flagged, unknown_guest, received_at, undone_at, skewed";

CentralCheckin readCentralCheckin(const Statement& s) {
  CentralCheckin c;
  c.record = cache::checkinFromJson(parseJson(s.columnText(0)));
  c.deviceId = s.columnText(1);
  c.flagged = s.columnInt(2) != 0;
  c.unknownGuest = s.columnInt(3) != 0;
  c.receivedAt = fromUnixMillis(s.columnInt(4));
  c.skewed = s.columnInt(6) != 0;
  return c;
}
}  // namespace

Result<std::vector<CentralCheckin>> PushedRecords::listCheckins(std::optional<EventId> eventId) {
  return guarded("listing check-ins", [&] {
    std::vector<CentralCheckin> out;
    auto s =
        db_.prepare(std::string("SELECT ") + kCheckinColumns +
                    " FROM checkins WHERE CAST(?1 AS BIGINT) IS NULL OR event_id = ?1 ORDER BY "
                    "scanned_at, id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(readCentralCheckin(s));
    }
    return out;
  });
}

Result<std::vector<CentralCheckin>> PushedRecords::listDuplicates(std::optional<EventId> eventId) {
  return guarded("listing second admissions", [&] {
    std::vector<CentralCheckin> out;
    auto s = db_.prepare(
        std::string("SELECT ") + kCheckinColumns +
        " FROM checkins WHERE flagged = 1 AND (CAST(?1 AS BIGINT) IS NULL OR event_id = ?1) "
        "ORDER BY scanned_at, id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(readCentralCheckin(s));
    }
    s.reset();
    auto first = db_.prepare(
        "SELECT id FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND undone_at IS NULL AND "
        "flagged = 0 ORDER BY order_at, id LIMIT 1");
    for (auto& c : out) {
      first.bind(1, c.record.eventId).bind(2, c.record.guestId);
      if (first.step()) {
        c.admissionId = first.columnText(0);
      }
      first.reset();
    }
    return out;
  });
}

Result<std::vector<ConflictRow>> PushedRecords::listConflicts(std::optional<EventId> eventId) {
  return guarded("listing conflicts", [&] {
    std::vector<ConflictRow> out;
    auto s = db_.prepare(
        "SELECT kind, record_id, event_id, device_id, terminal, reason, doc, received_at FROM "
        "conflicts WHERE CAST(?1 AS BIGINT) IS NULL OR event_id = ?1 ORDER BY seq");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      ConflictRow c;
      c.kind = s.columnText(0);
      c.recordId = s.columnText(1);
      c.eventId = static_cast<EventId>(s.columnInt(2));
      c.deviceId = s.columnText(3);
      c.terminal = s.columnText(4);
      c.reason = s.columnText(5);
      c.doc = s.columnText(6);
      c.receivedAt = fromUnixMillis(s.columnInt(7));
      out.push_back(std::move(c));
    }
    return out;
  });
}

Result<std::vector<AuditEvent>> PushedRecords::listAudit(std::optional<EventId> eventId) {
  return guarded("listing the audit trail", [&] {
    std::vector<AuditEvent> out;
    auto s = db_.prepare(
        "SELECT id, doc FROM audit WHERE CAST(?1 AS BIGINT) IS NULL OR event_id = ?1 ORDER BY at, "
        "received_at, "
        "id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      Json doc = parseJson(s.columnText(1));
      doc["id"] = s.columnText(0);
      out.push_back(api::auditFromJson(doc, true).second);
    }
    return out;
  });
}

Result<std::vector<Feedback>> PushedRecords::listFeedback(std::optional<EventId> eventId) {
  return guarded("listing feedback", [&] {
    std::vector<Feedback> out;
    auto s = db_.prepare(
        "SELECT id, event_id, guest_id, terminal, at, kind, rating, category, text FROM feedback "
        "WHERE CAST(?1 AS BIGINT) IS NULL OR event_id = ?1 ORDER BY at, id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(cache::feedbackFromRow(s));
    }
    return out;
  });
}
Result<std::size_t> PushedRecords::countRows(std::string_view table) {
  return guarded("counting", [&] {
    static constexpr std::array<std::string_view, 10> kTables{
        "checkins", "rejections", "undos",   "walk_ins",        "feedback",
        "photos",   "guests",     "devices", "arrival_notices", "audit"};
    if (std::find(kTables.begin(), kTables.end(), table) == kTables.end()) {
      throw std::invalid_argument("not a countable table");
    }
    auto s = db_.prepare(std::string("SELECT COUNT(*) FROM ") + std::string(table));
    return s.step() ? static_cast<std::size_t>(s.columnInt(0)) : std::size_t{0};
  });
}

}  // namespace kiosk::central
