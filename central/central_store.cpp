#include "central/central_store.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "central/central_schema.h"
#include "central/record_checks.h"
#include "kiosk/admin/event_choice.h"
#include "offline-cache/json_codec.h"
#include "offline-cache/postgres_database.h"
#include "offline-cache/record_rows.h"

namespace kiosk::central {

using cache::Database;
using cache::DatabaseError;
using cache::dump;
using cache::guarded;
using cache::guardedStatus;
using cache::parseJson;
using cache::toJson;

CentralStore::CentralStore(std::unique_ptr<Database> db)
    : db_(std::move(db)),
      feed_(*db_),
      devices_(*db_),
      records_(*db_, feed_, *this),
      notices_(*db_) {}
CentralStore::~CentralStore() = default;

Result<std::unique_ptr<CentralStore>> CentralStore::open(const std::string& path,
                                                         const cache::OpenOptions& options) {
  auto postgres = options;
  postgres.writeLock = kCentralWriteLock;
  auto db = cache::isPostgresUrl(path) ? cache::openPostgres(path, postgres)
                                       : Database::open(path, options);
  if (!db) {
    return db.error();
  }
  if (!options.readOnly) {
    if (auto migrated = migrateCentral(**db); !migrated) {
      return migrated.error();
    }
  }
  try {
    // Pulls scan the feed sequentially; mmap spares a copy per page read.
    if ((*db)->dialect() == cache::Dialect::kSqlite) {
      (*db)->exec("PRAGMA cache_size = -32768");
      (*db)->exec("PRAGMA mmap_size = 1073741824");
    }
  } catch (const DatabaseError& e) {
    return makeError(e.kind(), std::string("configuring ") + path + ": " + e.what());
  }
  return std::unique_ptr<CentralStore>(new CentralStore(std::move(*db)));
}

Status CentralStore::createEvent(const Event& event, const SigningKey& key,
                                 const std::string& webhookUrl, TimePoint now) {
  return guardedStatus("creating the event", [&] {
    if (!key.secretKey) {
      throw std::invalid_argument("the event's first key needs its secret half");
    }
    db_->transaction([&] {
      const auto doc = dump(toJson(event));
      db_->prepare("INSERT INTO events (id, doc, webhook_url, created_at) VALUES (?1, ?2, ?3, ?4)")
          .bind(1, event.id)
          .bind(2, doc)
          .bind(3, webhookUrl)
          .bind(4, toUnixMillis(now))
          .run();
      feed_.put(event.id, "events", std::to_string(event.id), doc);
      db_->prepare(
             "INSERT INTO signing_keys (event_id, key_id, public_key, secret_key, created_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(1, event.id)
          .bind(2, static_cast<int>(key.id))
          .bindBlob(3, key.publicKey)
          .bindBlob(4, *key.secretKey)
          .bind(5, toUnixMillis(key.createdAt))
          .run();
      feed_.put(event.id, "signing_keys", std::to_string(event.id) + ":" + std::to_string(key.id),
                dump(toJson(key, false)));
    });
  });
}

Result<std::vector<Event>> CentralStore::listEvents() {
  return guarded("listing events", [&] {
    std::vector<Event> events;
    auto s = db_->prepare("SELECT doc FROM events ORDER BY id");
    while (s.step()) {
      events.push_back(cache::eventFromJson(parseJson(s.columnText(0))));
    }
    return events;
  });
}

Result<Event> CentralStore::resolveEvent(std::optional<EventId> id) {
  auto events = listEvents();
  if (!events) {
    return events.error();
  }
  return admin::chooseEvent(*events, id, db_->path(), "kiosk-central event create");
}

Status CentralStore::setWebhook(EventId eventId, const std::string& url) {
  return guardedStatus("setting the webhook", [&] {
    db_->prepare("UPDATE events SET webhook_url = ?2 WHERE id = ?1")
        .bind(1, eventId)
        .bind(2, url)
        .run();
    if (db_->changes() != 1) {
      throw DatabaseError(ErrorKind::kNotFound, "no event " + std::to_string(eventId));
    }
  });
}

Result<std::string> CentralStore::webhookUrl(EventId eventId) {
  return guarded("reading the webhook", [&] {
    auto s = db_->prepare("SELECT webhook_url FROM events WHERE id = ?1");
    s.bind(1, eventId);
    return s.step() ? s.columnText(0) : std::string();
  });
}

Result<std::vector<SigningKey>> CentralStore::signingKeys(EventId eventId) {
  return guarded("reading signing keys", [&] { return cache::readSigningKeys(*db_, eventId); });
}

Result<std::optional<SigningKey>> CentralStore::issuingKey(EventId eventId) {
  auto keys = signingKeys(eventId);
  if (!keys) {
    return keys.error();
  }
  return issuingKeyOf(*keys);
}

Status CentralStore::retireKey(EventId eventId, KeyId keyId, TimePoint now) {
  return guardedStatus("retiring the key", [&] {
    db_->transaction([&] {
      db_->prepare(
             "UPDATE signing_keys SET retired_at = ?3 WHERE event_id = ?1 AND key_id = ?2 AND "
             "retired_at IS NULL")
          .bind(1, eventId)
          .bind(2, static_cast<int>(keyId))
          .bind(3, toUnixMillis(now))
          .run();
      if (db_->changes() == 0) {
        return;
      }
      // Terminals learn it from the feed, as they learnt the key.
      auto keys = signingKeys(eventId);
      if (!keys) {
        throw DatabaseError(keys.error().kind, keys.error().message);
      }
      for (const auto& k : *keys) {
        if (k.id == keyId) {
          feed_.put(eventId, "signing_keys", std::to_string(eventId) + ":" + std::to_string(k.id),
                    dump(toJson(k, false)));
        }
      }
    });
  });
}

Result<SigningKey> CentralStore::rotateKey(EventId eventId, TimePoint now) {
  return guarded("adding a signing key", [&] {
    return db_->transaction([&] {
      auto s =
          db_->prepare("SELECT COALESCE(MAX(key_id), 0) + 1 FROM signing_keys WHERE event_id = ?1");
      s.bind(1, eventId);
      const auto next = s.step() ? s.columnInt(0) : 1;
      s.reset();
      if (next > 0xffff) {
        throw std::invalid_argument("no key ids left");
      }
      auto key = generateSigningKey(eventId, static_cast<KeyId>(next), now);
      db_->prepare(
             "INSERT INTO signing_keys (event_id, key_id, public_key, secret_key, created_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(1, eventId)
          .bind(2, static_cast<int>(key.id))
          .bindBlob(3, key.publicKey)
          .bindBlob(4, *key.secretKey)
          .bind(5, toUnixMillis(key.createdAt))
          .run();
      feed_.put(eventId, "signing_keys", std::to_string(eventId) + ":" + std::to_string(key.id),
                dump(toJson(key, false)));
      return key;
    });
  });
}

void CentralStore::upsertGuest(EventId eventId, const Guest& g, TimePoint now) {
  const auto doc = dump(toJson(g));
  // Unchanged guests are not re-fed: re-importing a list must not make every terminal
  // download it again.
  db_->prepare(
         "INSERT INTO guests (event_id, guest_id, booking_code, doc, updated_at) VALUES (?1, ?2, "
         "?3, ?4, ?5) ON CONFLICT(event_id, guest_id) DO UPDATE SET booking_code = ?3, doc = ?4, "
         "updated_at = ?5 WHERE guests.doc != ?4")
      .bind(1, eventId)
      .bind(2, g.id)
      .bind(3, g.bookingCode)
      .bind(4, doc)
      .bind(5, toUnixMillis(now))
      .run();
  if (db_->changes() > 0) {
    feed_.put(eventId, "guests", std::to_string(eventId) + ":" + std::to_string(g.id), doc);
  }
}

Result<std::vector<Guest>> CentralStore::upsertGuests(EventId eventId, std::vector<Guest> guests,
                                                      TimePoint now) {
  return guarded("saving guests", [&] {
    return db_->transaction([&] {
      std::int64_t nextId = 1;
      {
        // Walk-in ids (top bit set) are the terminals'; central counts below them.
        auto s = db_->prepare(
            "SELECT COALESCE(MAX(guest_id), 0) + 1 FROM guests WHERE event_id = ?1 AND guest_id < "
            "2147483648");
        s.bind(1, eventId);
        if (s.step()) {
          nextId = s.columnInt(0);
        }
      }
      for (auto& g : guests) {
        g.eventId = eventId;
        if (g.id == 0) {
          auto s =
              db_->prepare("SELECT guest_id FROM guests WHERE event_id = ?1 AND booking_code = ?2");
          s.bind(1, eventId).bind(2, g.bookingCode);
          g.id = s.step() ? static_cast<GuestId>(s.columnInt(0)) : static_cast<GuestId>(nextId++);
        }
        upsertGuest(eventId, g, now);
      }
      return guests;
    });
  });
}

Result<std::vector<Guest>> CentralStore::listGuests(EventId eventId) {
  return guarded("listing guests", [&] {
    std::vector<Guest> guests;
    auto s = db_->prepare("SELECT doc FROM guests WHERE event_id = ?1 ORDER BY guest_id");
    s.bind(1, eventId);
    while (s.step()) {
      guests.push_back(cache::guestFromJson(parseJson(s.columnText(0))));
    }
    return guests;
  });
}

Result<std::optional<Guest>> CentralStore::findGuestByBookingCode(EventId eventId,
                                                                  std::string_view code) {
  return guarded("reading guest", [&] {
    auto s = db_->prepare("SELECT doc FROM guests WHERE event_id = ?1 AND booking_code = ?2");
    s.bind(1, eventId).bind(2, code);
    return s.step() ? std::optional<Guest>(cache::guestFromJson(parseJson(s.columnText(0))))
                    : std::nullopt;
  });
}

Status CentralStore::revokeToken(EventId eventId, std::string_view tokenId, std::string_view reason,
                                 TimePoint now, std::optional<GuestId> guestId) {
  return guardedStatus("revoking the code", [&] {
    db_->transaction([&] {
      auto insert = db_->prepare(
          "INSERT INTO revocations (event_id, token_id, reason, revoked_at, guest_id) VALUES (?1, "
          "?2, ?3, ?4, ?5) ON CONFLICT(event_id, token_id) DO NOTHING");
      insert.bind(1, eventId).bind(2, tokenId).bind(3, reason).bind(4, toUnixMillis(now));
      if (guestId) {
        insert.bind(5, *guestId);
      } else {
        insert.bindNull(5);
      }
      insert.run();
      if (db_->changes() > 0) {
        api::Revocation r{eventId, std::string(tokenId), std::string(reason), now, guestId};
        feed_.put(eventId, "revocations", std::to_string(eventId) + ":" + std::string(tokenId),
                  dump(api::toJson(r)));
      }
    });
  });
}

Result<bool> CentralStore::isTokenRevoked(EventId eventId, std::string_view tokenId) {
  return guarded("reading the revocation list", [&] {
    auto s = db_->prepare("SELECT 1 FROM revocations WHERE event_id = ?1 AND token_id = ?2");
    s.bind(1, eventId).bind(2, tokenId);
    return s.step();
  });
}

Status CentralStore::saveStaff(const StaffMember& m, TimePoint now, EventId eventId) {
  return guardedStatus("saving the staff member", [&] {
    try {
      checks::requireText("staff id", m.id, checks::kMaxNameBytes);
      checks::requireText("staff name", m.name, checks::kMaxNameBytes * 2);
      if (m.id.empty()) {
        throw std::invalid_argument("a staff member needs an id");
      }
      if (auto language = parseStaffLanguage(m.language); !language) {
        throw std::invalid_argument(language.error().message);
      }
    } catch (const std::invalid_argument& e) {
      throw DatabaseError(ErrorKind::kInvalidInput, e.what());
    }
    db_->transaction([&] {
      if (eventId != 0) {
        auto s = db_->prepare("SELECT 1 FROM events WHERE id = ?1");
        s.bind(1, eventId);
        if (!s.step()) {
          throw DatabaseError(ErrorKind::kNotFound, "no event " + std::to_string(eventId));
        }
      }
      const auto doc = dump(api::toJson(m));
      db_->prepare(
             "INSERT INTO staff (staff_id, doc, updated_at, event_id) VALUES (?1, ?2, ?3, ?4) ON "
             "CONFLICT(staff_id) DO UPDATE SET doc = ?2, updated_at = ?3, event_id = ?4")
          .bind(1, m.id)
          .bind(2, doc)
          .bind(3, toUnixMillis(now))
          .bind(4, eventId)
          .run();
      // Only the terminals of the member's event pull the member (and the PIN hash).
      feed_.put(eventId, "staff", m.id, doc);
    });
  });
}

Result<std::vector<StaffMember>> CentralStore::listStaff() {
  auto rows = listStaffWithEvents();
  if (!rows) {
    return rows.error();
  }
  std::vector<StaffMember> staff;
  for (auto& [member, eventId] : *rows) {
    staff.push_back(std::move(member));
  }
  return staff;
}

Result<std::vector<std::pair<StaffMember, EventId>>> CentralStore::listStaffWithEvents() {
  return guarded("listing staff", [&] {
    std::vector<std::pair<StaffMember, EventId>> staff;
    auto s = db_->prepare("SELECT doc, event_id FROM staff ORDER BY staff_id");
    while (s.step()) {
      staff.emplace_back(api::staffFromJson(parseJson(s.columnText(0))),
                         static_cast<EventId>(s.columnInt(1)));
    }
    return staff;
  });
}

Status CentralStore::saveBadgeTemplate(const api::BadgeTemplate& t) {
  return guardedStatus("saving the badge template", [&] {
    db_->transaction([&] {
      db_->prepare(
             "INSERT INTO badge_templates (name, toml, updated_at) VALUES (?1, ?2, ?3) ON "
             "CONFLICT(name) DO UPDATE SET toml = ?2, updated_at = ?3")
          .bind(1, t.name)
          .bind(2, t.toml)
          .bind(3, toUnixMillis(t.updatedAt))
          .run();
      feed_.put(0, "badge_templates", t.name, dump(api::toJson(t)));
    });
  });
}

}  // namespace kiosk::central
