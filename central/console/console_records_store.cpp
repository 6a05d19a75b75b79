#include "central/console/console_records_store.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "offline-cache/json_codec.h"

namespace kiosk::central::console {

using cache::guarded;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return {};
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string guestName(const std::string& doc) {
  try {
    return cache::parseJson(doc).value("name", std::string());
  } catch (const std::exception&) {
    return {};  // an unreadable guest document: the id alone
  }
}

}  // namespace

bool matches(const RecordRow& row, const RecordQuery& q) {
  if ((q.from && row.at < *q.from) || (q.to && row.at >= *q.to)) {
    return false;
  }
  if (!q.action.empty() && row.action != q.action) {
    return false;
  }
  if (!q.actor.empty()) {
    const auto who = lower(q.actor);
    if (lower(row.actor) != who && lower(row.place) != who) {
      return false;
    }
  }
  if (!q.text.empty()) {
    const auto needle = lower(q.text);
    bool found = false;
    for (const auto* f : {&row.actor, &row.place, &row.action, &row.target, &row.detail}) {
      if (lower(*f).find(needle) != std::string::npos) {
        found = true;
        break;
      }
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

Result<std::vector<RecordRow>> searchRecords(CentralStore& store, EventId eventId,
                                             const RecordQuery& query) {
  return guarded("searching the records", [&] {
    auto& db = store.database();
    const std::int64_t from =
        query.from ? toUnixMillis(*query.from) : std::numeric_limits<std::int64_t>::min();
    const std::int64_t to =
        query.to ? toUnixMillis(*query.to) : std::numeric_limits<std::int64_t>::max();
    std::vector<RecordRow> out;
    auto keep = [&](RecordRow row) {
      if (matches(row, query)) {
        out.push_back(std::move(row));
      }
    };

    auto c = db.prepare(
        "SELECT at, account, action, target, detail FROM console_audit "
        "WHERE event_id = ?1 AND at >= ?2 AND at < ?3");
    c.bind(1, static_cast<std::int64_t>(eventId)).bind(2, from).bind(3, to);
    while (c.step()) {
      keep(RecordRow{fromUnixMillis(c.columnInt(0)), "console", c.columnText(1), "console",
                     c.columnText(2), c.columnText(3), c.columnText(4)});
    }

    auto t = db.prepare(
        "SELECT at, terminal, doc FROM audit WHERE event_id = ?1 AND at >= ?2 AND at < ?3");
    t.bind(1, static_cast<std::int64_t>(eventId)).bind(2, from).bind(3, to);
    while (t.step()) {
      RecordRow row{fromUnixMillis(t.columnInt(0)), "terminal", {}, t.columnText(1), {}, {}, {}};
      try {
        const auto doc = cache::parseJson(t.columnText(2));
        row.actor = field(doc, "actor");
        row.action = field(doc, "action");
        row.target = field(doc, "guest_id");
        const auto ref = field(doc, "ref_id");
        if (!ref.empty()) {
          row.target += (row.target.empty() ? "" : " ") + ref;
        }
        row.detail = field(doc, "reason");
        const auto outcome = field(doc, "outcome");
        if (!outcome.empty()) {
          row.detail += (row.detail.empty() ? "" : " · ") + outcome;
        }
      } catch (const std::exception&) {
        row.action = "unreadable";  // shown, not hidden: a record is never silently lost
      }
      keep(std::move(row));
    }

    // Admissions in central's order, and their undos at the undo's receipt.
    auto a = db.prepare(
        "SELECT COALESCE(c.order_at, c.scanned_at), c.undone_at, c.terminal, c.guest_id, "
        "c.method, c.flagged, g.doc, c.id FROM checkins c "
        "LEFT JOIN guests g ON g.event_id = c.event_id AND g.guest_id = c.guest_id "
        "WHERE c.event_id = ?1 AND ((COALESCE(c.order_at, c.scanned_at) >= ?2 AND "
        "COALESCE(c.order_at, c.scanned_at) < ?3) OR (c.undone_at >= ?2 AND c.undone_at < ?3))");
    a.bind(1, static_cast<std::int64_t>(eventId)).bind(2, from).bind(3, to);
    while (a.step()) {
      const auto name = a.isNull(6) ? std::string() : guestName(a.columnText(6));
      const auto target =
          (name.empty() ? std::string() : name + " ") + "#" + std::to_string(a.columnInt(3));
      std::string detail = a.columnText(4);
      if (a.columnInt(5) != 0) {
        detail += " · flagged";
      }
      keep(RecordRow{fromUnixMillis(a.columnInt(0)), "admission", a.columnText(2), a.columnText(2),
                     "checkin", target, detail + " · " + a.columnText(7)});
      if (auto undone = a.columnOptionalInt(1)) {
        keep(RecordRow{fromUnixMillis(*undone), "admission", a.columnText(2), a.columnText(2),
                       "undo", target, a.columnText(7)});
      }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const RecordRow& x, const RecordRow& y) { return x.at > y.at; });
    return out;
  });
}

Result<int> flaggedAdmissions(CentralStore& store, EventId eventId, TimePoint from, TimePoint to) {
  return guarded("counting flagged admissions", [&] {
    auto s = store.database().prepare(
        "SELECT COUNT(*) FROM checkins WHERE event_id = ?1 AND flagged <> 0 AND "
        "COALESCE(order_at, scanned_at) >= ?2 AND COALESCE(order_at, scanned_at) < ?3");
    s.bind(1, static_cast<std::int64_t>(eventId))
        .bind(2, toUnixMillis(from))
        .bind(3, toUnixMillis(to));
    return s.step() ? static_cast<int>(s.columnInt(0)) : 0;
  });
}

}  // namespace kiosk::central::console
