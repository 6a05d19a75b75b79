#include "offline-cache/sync_store.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

namespace kiosk::cache {

namespace {

constexpr std::string_view kDeviceId = "sync.device_id";
constexpr std::string_view kToken = "sync.token";
constexpr std::string_view kTokenExpires = "sync.token_expires_at";
constexpr std::string_view kEventId = "sync.event_id";
constexpr std::string_view kTerminal = "sync.terminal";
constexpr std::string_view kCursor = "sync.cursor";
constexpr std::string_view kRevokedAt = "sync.revoked_at";

// Inside a transaction a failed store call must abort the whole transaction.
void check(const Status& s) {
  if (!s) {
    throw DatabaseError(s.error().kind, s.error().message);
  }
}

std::optional<std::string> readSetting(Database& db, std::string_view key) {
  auto s = db.prepare("SELECT value FROM settings WHERE key = ?1");
  s.bind(1, key);
  return s.step() ? std::optional<std::string>(s.columnText(0)) : std::nullopt;
}

void writeSetting(Database& db, std::string_view key, std::string_view value) {
  db.prepare(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = "
        "?2")
      .bind(1, key)
      .bind(2, value)
      .run();
}

void deleteSetting(Database& db, std::string_view key) {
  db.prepare("DELETE FROM settings WHERE key = ?1").bind(1, key).run();
}

std::string seqList(std::span<const std::int64_t> seqs) {
  std::string list;
  for (auto s : seqs) {
    if (!list.empty()) {
      list += ',';
    }
    list += std::to_string(s);
  }
  return list;
}

}  // namespace

PageApplied& PageApplied::operator+=(const PageApplied& o) {
  events += o.events;
  signingKeys += o.signingKeys;
  guests += o.guests;
  revocations += o.revocations;
  staff += o.staff;
  badgeTemplates += o.badgeTemplates;
  checkins += o.checkins;
  return *this;
}

Result<std::optional<DeviceIdentity>> SyncStore::identity() {
  return guarded("reading the device identity", [&] {
    auto token = readSetting(db_, kToken);
    if (!token || token->empty()) {
      return std::optional<DeviceIdentity>{};
    }
    DeviceIdentity id;
    id.token = *token;
    id.deviceId = readSetting(db_, kDeviceId).value_or("");
    id.terminal = readSetting(db_, kTerminal).value_or("");
    id.eventId = static_cast<EventId>(std::stoull(readSetting(db_, kEventId).value_or("0")));
    if (auto expires = readSetting(db_, kTokenExpires)) {
      id.tokenExpiresAt = parseIso8601(*expires);
    }
    return std::optional<DeviceIdentity>{id};
  });
}

Status SyncStore::saveEnrollment(const api::Enrollment& e) {
  return guardedStatus("saving the enrollment", [&] {
    db_.transaction([&] {
      check(store_.saveEvent(e.event));
      writeSetting(db_, kDeviceId, e.deviceId);
      writeSetting(db_, kToken, e.token);
      writeSetting(db_, kTokenExpires, formatIso8601(e.tokenExpiresAt, true));
      writeSetting(db_, kEventId, std::to_string(e.event.id));
      writeSetting(db_, kTerminal, e.terminal);
      deleteSetting(db_, kCursor);
      deleteSetting(db_, kRevokedAt);
    });
  });
}

Result<std::string> SyncStore::cursor() {
  return guarded("reading the sync cursor",
                 [&] { return readSetting(db_, kCursor).value_or(std::string()); });
}

Result<std::optional<TimePoint>> SyncStore::revokedAt() {
  return guarded("reading the device state", [&] {
    auto at = readSetting(db_, kRevokedAt);
    return at ? parseIso8601(*at) : std::optional<TimePoint>{};
  });
}

Result<std::vector<OutboxRow>> SyncStore::outboxWindow(std::size_t limit) {
  return guarded("reading the outbox", [&] {
    std::vector<OutboxRow> rows;
    // Only kinds this build can send: a row of a newer build's kind must not hold up the
    // rest of the outbox.
    static const std::string kSql = [] {
      std::string kinds;
      for (const auto& r : api::pushRoutes()) {
        kinds += (kinds.empty() ? "'" : ",'") + std::string(r.kind) + "'";
      }
      return "SELECT seq, kind, ref_id, event_id, payload, created_at, attempts FROM outbox "
             "WHERE kind IN (" +
             kinds + ") ORDER BY seq LIMIT ?1";
    }();
    auto s = db_.prepare(kSql);
    s.bind(1, static_cast<std::int64_t>(limit));
    while (s.step()) {
      OutboxRow r;
      r.seq = s.columnInt(0);
      r.kind = s.columnText(1);
      r.refId = s.columnText(2);
      r.eventId = static_cast<EventId>(s.columnInt(3));
      r.payload = s.columnText(4);
      r.createdAt = fromUnixMillis(s.columnInt(5));
      r.attempts = static_cast<int>(s.columnInt(6));
      rows.push_back(std::move(r));
    }
    return rows;
  });
}

Status SyncStore::removeFromOutbox(std::span<const std::int64_t> seqs) {
  if (seqs.empty()) {
    return okStatus();
  }
  return guardedStatus("removing sent rows from the outbox", [&] {
    // One statement (not cached: the list differs every time) keeps this one fsync.
    db_.exec("DELETE FROM outbox WHERE seq IN (" + seqList(seqs) + ")");
  });
}

Status SyncStore::moveToDeadLetters(std::span<const OutboxRow> rows, long httpStatus,
                                    std::string_view problem, TimePoint now) {
  return guardedStatus("keeping refused outbox rows", [&] {
    db_.transaction([&] {
      for (const auto& r : rows) {
        db_.prepare(
               "INSERT OR REPLACE INTO outbox_dead (seq, kind, ref_id, event_id, payload, "
               "created_at, http_status, problem, dead_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
               "?9)")
            .bind(1, r.seq)
            .bind(2, r.kind)
            .bind(3, r.refId)
            .bind(4, r.eventId)
            .bind(5, r.payload)
            .bind(6, toUnixMillis(r.createdAt))
            .bind(7, static_cast<std::int64_t>(httpStatus))
            .bind(8, problem)
            .bind(9, toUnixMillis(now))
            .run();
        db_.prepare("DELETE FROM outbox WHERE seq = ?1").bind(1, r.seq).run();
      }
    });
  });
}

Status SyncStore::noteFailedAttempt(std::span<const std::int64_t> seqs, std::string_view error,
                                    TimePoint nextAttempt) {
  if (seqs.empty()) {
    return okStatus();
  }
  return guardedStatus("noting a failed send", [&] {
    auto s = db_.prepare(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE "
        "seq = ?1");
    db_.transaction([&] {
      for (auto seq : seqs) {
        s.bind(1, seq).bind(2, error).bind(3, toUnixMillis(nextAttempt)).run();
      }
    });
  });
}

Result<PageApplied> SyncStore::applyPage(const api::ChangesPage& page, TimePoint now,
                                         std::string_view terminal) {
  return guarded("applying pulled changes", [&] {
    return db_.transaction([&] {
      PageApplied applied;
      for (const auto& e : page.events) {
        check(store_.saveEvent(e));
        ++applied.events;
      }
      for (const auto& k : page.signingKeys) {
        check(store_.saveSigningKey(k));
        ++applied.signingKeys;
      }
      std::map<EventId, std::vector<Guest>> byEvent;
      for (const auto& g : page.guests) {
        byEvent[g.eventId].push_back(g);
      }
      for (auto& [eventId, guests] : byEvent) {
        auto saved = store_.upsertGuests(eventId, std::move(guests), now);
        if (!saved) {
          throw DatabaseError(saved.error().kind, saved.error().message);
        }
        applied.guests += saved->size();
      }
      for (const auto& r : page.revocations) {
        check(store_.revokeToken(r.eventId, r.tokenId, r.reason, r.revokedAt, r.guestId));
        ++applied.revocations;
      }
      for (const auto& m : page.staff) {
        check(store_.saveStaff(m, now));
        ++applied.staff;
      }
      for (const auto& t : page.badgeTemplates) {
        db_.prepare(
               "INSERT INTO badge_templates (name, toml, updated_at) VALUES (?1, ?2, ?3) "
               "ON CONFLICT(name) DO UPDATE SET toml = ?2, updated_at = ?3")
            .bind(1, t.name)
            .bind(2, t.toml)
            .bind(3, toUnixMillis(t.updatedAt))
            .run();
        ++applied.badgeTemplates;
      }
      auto upsertCheckin = db_.prepare(
          "INSERT INTO checkins (id, event_id, guest_id, terminal, scanned_at, method, staff_id, "
          "override_reason, confirmed_needs, needs_changed, photo_taken, undone_at, undone_by, "
          "undo_reason, origin, flagged, recorded_at, previous_needs) VALUES (?1, ?2, ?3, ?4, ?5, "
          "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'central', ?15, ?16, ?17) ON CONFLICT(id) DO "
          "UPDATE SET "
          "flagged = excluded.flagged, "
          "undone_by = CASE WHEN checkins.undone_at IS NULL THEN excluded.undone_by "
          "ELSE checkins.undone_by END, "
          "undo_reason = CASE WHEN checkins.undone_at IS NULL THEN excluded.undo_reason "
          "ELSE checkins.undo_reason END, "
          "undone_at = COALESCE(checkins.undone_at, excluded.undone_at)");
      for (const auto& c : page.checkins) {
        const auto& r = c.record;
        upsertCheckin.bind(1, r.id)
            .bind(2, r.eventId)
            .bind(3, r.guestId)
            .bind(4, r.terminal)
            .bind(5, toUnixMillis(r.scannedAt))
            .bind(6, toString(r.method))
            .bind(7, r.staffId)
            .bind(8, r.overrideReason)
            .bind(9, dump(toJson(r.confirmedNeeds)))
            .bind(10, r.needsChanged)
            .bind(11, r.photoTaken)
            .bind(12, r.undoneAt ? std::optional<std::int64_t>(toUnixMillis(*r.undoneAt))
                                 : std::nullopt)
            .bind(13, r.undoneBy)
            .bind(14, r.undoReason)
            .bind(15, c.flagged)
            .bind(16, toUnixMillis(now))
            .bind(17, r.previousNeeds ? std::optional<std::string>(dump(toJson(*r.previousNeeds)))
                                      : std::nullopt)
            .run();
        ++applied.checkins;
      }
      writeSetting(db_, kCursor, page.cursor);
      if (applied.total() > 0) {
        AuditEvent a;
        a.at = now;
        a.terminal = std::string(terminal);
        a.actor = "central";
        a.action = AuditAction::kSyncApplied;
        a.eventId =
            page.events.empty()
                ? static_cast<EventId>(std::stoull(readSetting(db_, kEventId).value_or("0")))
                : page.events.front().id;
        a.reason = "pulled " + std::to_string(applied.guests) + " guests, " +
                   std::to_string(applied.checkins) + " check-ins, " +
                   std::to_string(applied.revocations) + " revocations, " +
                   std::to_string(applied.staff) + " staff, " +
                   std::to_string(applied.signingKeys) + " keys, " +
                   std::to_string(applied.events) + " events, " +
                   std::to_string(applied.badgeTemplates) + " templates";
        a.refId = page.cursor;
        check(store_.appendAudit(a));
      }
      return applied;
    });
  });
}

Result<WipeReport> SyncStore::wipeRevokedDevice(TimePoint now, std::string_view terminal,
                                                std::string_view reason) {
  return guarded("wiping the revoked device", [&] {
    WipeReport report;
    std::vector<std::string> photoPaths;
    db_.transaction([&] {
      {
        auto p = db_.prepare("SELECT path FROM photos");
        while (p.step()) {
          photoPaths.push_back(p.columnText(0));
        }
      }
      auto count = [&](const char* statement) {
        db_.exec(statement);
        return static_cast<std::size_t>(db_.changes());
      };
      report.guests = count("DELETE FROM guests");
      count("DELETE FROM guest_search");
      count("DELETE FROM photos");
      report.signingKeys = count("DELETE FROM signing_keys");
      count("DELETE FROM revocations");
      report.staff = count("DELETE FROM staff");
      count("DELETE FROM badge_templates");
      count("DELETE FROM print_jobs");
      report.outboxDropped = count("DELETE FROM outbox");
      count("DELETE FROM outbox_dead");
      count("UPDATE checkins SET confirmed_needs = '{}', previous_needs = NULL");
      count("UPDATE feedback SET text = ''");
      count("UPDATE events SET wifi_password = ''");
      const auto eventId =
          static_cast<EventId>(std::stoull(readSetting(db_, kEventId).value_or("0")));
      deleteSetting(db_, kToken);
      deleteSetting(db_, kCursor);
      writeSetting(db_, kRevokedAt, formatIso8601(now, true));
      AuditEvent a;
      a.at = now;
      a.terminal = std::string(terminal);
      a.actor = "central";
      a.action = AuditAction::kDeviceWiped;
      a.eventId = eventId;
      a.reason = std::string(reason) + "; wiped " + std::to_string(report.guests) + " guests, " +
                 std::to_string(photoPaths.size()) + " photos, " +
                 std::to_string(report.outboxDropped) + " unsent records";
      check(store_.appendAudit(a));
    });
    for (const auto& path : photoPaths) {
      std::error_code ec;
      if (std::filesystem::remove(path, ec)) {
        ++report.photos;
      }
    }
    return report;
  });
}

Result<std::vector<PendingPhoto>> SyncStore::pendingPhotos(std::size_t limit) {
  return guarded("reading photos to upload", [&] {
    std::vector<PendingPhoto> photos;
    auto s = db_.prepare(
        "SELECT checkin_id, path FROM photos WHERE uploaded = ?2 ORDER BY taken_at LIMIT ?1");
    s.bind(1, static_cast<std::int64_t>(limit)).bind(2, kPhotoPending);
    while (s.step()) {
      photos.push_back({s.columnText(0), s.columnText(1)});
    }
    return photos;
  });
}

Status SyncStore::markPhoto(std::string_view checkinId, int state) {
  return guardedStatus("marking a photo", [&] {
    db_.prepare("UPDATE photos SET uploaded = ?2 WHERE checkin_id = ?1")
        .bind(1, checkinId)
        .bind(2, state)
        .run();
  });
}

Result<std::size_t> SyncStore::purgeDeadLettersOfPurgedEvents() {
  return guarded("purging refused outbox rows", [&] {
    db_.exec(
        "DELETE FROM outbox_dead WHERE event_id IN (SELECT id FROM events WHERE purged_at IS NOT "
        "NULL)");
    return static_cast<std::size_t>(db_.changes());
  });
}

}  // namespace kiosk::cache
