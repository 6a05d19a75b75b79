#include "central/admin_commands.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "central/central_store.h"
#include "central/os_update.h"
#include "central/terminal_settings.h"
#include "kiosk/admin/code_issue.h"
#include "kiosk/admin/code_revoke.h"
#include "kiosk/admin/command_options.h"
#include "kiosk/admin/event_admin.h"
#include "kiosk/admin/guest_import.h"
#include "kiosk/admin/staff_admin.h"
#include "offline-cache/postgres_database.h"

namespace kiosk::central {

namespace {

using nlohmann::json;

// "  os 41  update failed 42: did not come up healthy; back on 41" (nothing before the
// terminal's first heartbeat that reports its OS).
std::string osUpdateText(const json& health) {
  const auto os = health.value("os_version", std::string());
  std::string out = os.empty() ? std::string() : "  os " + os;
  const auto update = health.value("update", json::object());
  if (!update.is_object() || update.value("state", std::string("idle")) == "idle") {
    return out;
  }
  out += "  update " + update.value("state", std::string());
  if (const auto v = update.value("version", std::string()); !v.empty()) {
    out += " " + v;
  }
  if (const auto d = update.value("detail", std::string()); !d.empty()) {
    out += ": " + d;
  }
  return out;
}

admin::Console console() {
  return admin::Console("kiosk-central", std::cout, std::cerr);
}

[[noreturn]] void failWith(const std::string& context, const Error& error) {
  console().fail(context, error);
}

template <typename T>
T valueOrExit(Result<T> result, const std::string& context) {
  if (!result) {
    failWith(context, result.error());
  }
  return std::move(result).value();
}

void checkOrExit(const Status& status, const std::string& context) {
  if (!status) {
    failWith(context, status.error());
  }
}

std::unique_ptr<CentralStore> openOrExit(const std::string& path) {
  return valueOrExit(CentralStore::open(path), "opening " + path);
}

std::string iso(std::optional<TimePoint> t) {
  return t ? formatIso8601(*t) : std::string();
}

json timeOrNull(std::optional<TimePoint> t) {
  return t ? json(formatIso8601(*t, true)) : json(nullptr);
}

// --- event ---

struct EventOptions {
  std::string db;
  admin::EventDraft draft;
  std::string webhook;
};

std::optional<std::string> checkWebhook(const std::string& url) {
  if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    return "--webhook must be an http:// or https:// URL";
  }
  return std::nullopt;
}

void createEvent(const EventOptions& o) {
  const auto now = SystemClock().now();
  const auto created = admin::newEvent(console(), o.draft, now);
  if (auto problem = checkWebhook(o.webhook)) {
    failWith("event create", makeError(ErrorKind::kInvalidInput, *problem));
  }
  auto store = openOrExit(o.db);
  checkOrExit(store->createEvent(created.event, created.key, o.webhook, now), "saving the event");
  auto out = admin::newEventJson(created);
  out["webhook"] = o.webhook;
  std::cout << out.dump() << "\n";
}

// --- guests ---

void importGuests(const admin::GuestImportOptions& o) {
  const auto file = admin::readGuestList(console(), o.csv, o.skipBad);
  auto store = openOrExit(o.db);
  const auto event = valueOrExit(store->resolveEvent(o.event), "choosing the event");
  admin::importGuestList(console(), file, event, [&](const std::vector<Guest>& guests) {
    return valueOrExit(store->upsertGuests(event.id, guests, SystemClock().now()), "saving guests")
        .size();
  });
}

// --- codes ---

struct IssueOptions {
  std::string db;
  std::optional<EventId> event;
  app::CodeSheetRequest sheet;
};

void issueCodes(const IssueOptions& o) {
  auto store = openOrExit(o.db);
  const auto event = valueOrExit(store->resolveEvent(o.event), "choosing the event");
  const auto issued =
      admin::issueCodes(console(), event, o.sheet,
                        admin::codeIssueStore(*store, event.id, "the event has no signing key"));
  admin::printIssuedCodes(console(), issued, o.sheet.out);
}

struct RevokeOptions {
  std::string db;
  std::optional<EventId> event;
  admin::RevokeRequest request;
};

void revokeCode(const RevokeOptions& o) {
  auto store = openOrExit(o.db);
  const auto event = valueOrExit(store->resolveEvent(o.event), "choosing the event");
  const auto done = admin::revokeCode(console(), o.request, SystemClock().now(),
                                      admin::codeRevokeStore(*store, event.id));
  admin::printRevocation(console(), event.id, done);
}

// Text that came from a terminal, for the plain-text listings: control characters (line
// breaks, terminal escapes) shown as \xNN so that they cannot forge lines or colours, and
// long values cut.
std::string shown(std::string_view text, std::size_t maxBytes = 64) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto escape = [](std::string& out, unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  };
  std::string out;
  const auto cut = text.substr(0, maxBytes);
  for (std::size_t i = 0; i < cut.size(); ++i) {
    const auto c = static_cast<unsigned char>(cut[i]);
    const auto next = i + 1 < cut.size() ? static_cast<unsigned char>(cut[i + 1]) : 0;
    if (c < 0x20 || c == 0x7f || c == '\\') {
      escape(out, c);
    } else if (c == 0xc2 && next >= 0x80 && next < 0xa0) {
      // C1 controls (U+0080..U+009F; U+009B is a CSI on some terminals), UTF-8 encoded.
      escape(out, c);
      escape(out, next);
      ++i;
    } else {
      out += cut[i];
    }
  }
  if (text.size() > maxBytes) {
    out += "...";
  }
  return out;
}

json checkinJson(const CentralCheckin& c) {
  return {{"id", c.record.id},
          {"event_id", c.record.eventId},
          {"guest_id", c.record.guestId},
          {"terminal", c.record.terminal},
          {"device_id", c.deviceId},
          {"scanned_at", formatIso8601(c.record.scannedAt, true)},
          {"received_at", formatIso8601(c.receivedAt, true)},
          {"method", toString(c.record.method)},
          {"staff_id", c.record.staffId},
          {"override_reason", c.record.overrideReason},
          {"undone_at", timeOrNull(c.record.undoneAt)},
          {"undo_reason", c.record.undoReason},
          {"flagged", c.flagged},
          {"skewed", c.skewed},
          {"unknown_guest", c.unknownGuest},
          {"needs_changed", c.record.needsChanged},
          {"confirmed_needs", cache::toJson(c.record.confirmedNeeds)},
          {"previous_needs",
           c.record.previousNeeds ? cache::toJson(*c.record.previousNeeds) : json(nullptr)}};
}

// "allergies: peanuts -> allergies: fish" for a check-in whose guest changed their needs.
std::string needsChange(const CheckinRecord& r) {
  if (!r.needsChanged) {
    return {};
  }
  const SpecialNeeds before = r.previousNeeds.value_or(SpecialNeeds{});
  return "  NEEDS CHANGED " + shown(describeNeedsChange(before, r.confirmedNeeds), 200) + " -> " +
         shown(describeNeedsChange(r.confirmedNeeds, before), 200);
}

}  // namespace

CLI::Option* dbOption(CLI::App* cmd, std::string& db, bool mustExist) {
  auto* o =
      cmd->add_option("--db", db, "Central database: a file, or postgresql://... for PostgreSQL")
          ->required();
  if (mustExist) {
    o->check(CLI::Validator(
        [](const std::string& value) {
          return cache::isPostgresUrl(value) ? std::string() : CLI::ExistingFile(value);
        },
        "FILE|URL"));
  }
  return o;
}

void addEventCommands(CLI::App& app) {
  auto* event = app.add_subcommand("event", "Create and inspect events");
  event->require_subcommand(1);

  auto o = std::make_shared<EventOptions>();
  auto* create = event->add_subcommand("create", "Create an event and its signing key");
  dbOption(create, o->db, false);
  admin::addEventDraftOptions(*create, o->draft);
  create->add_option("--webhook", o->webhook,
                     "URL that receives arrival notices for guests with a host (POST, JSON)");
  create->callback([o] { createEvent(*o); });

  auto db = std::make_shared<std::string>();
  auto id = std::make_shared<std::optional<EventId>>();
  auto* show = event->add_subcommand("show", "Print the event as JSON");
  dbOption(show, *db);
  show->add_option("--event", *id, "Event id (default: the only event)");
  show->callback([db, id] {
    auto store = openOrExit(*db);
    const auto e = valueOrExit(store->resolveEvent(*id), "choosing the event");
    const auto guests = valueOrExit(store->listGuests(e.id), "listing guests").size();
    const auto url = valueOrExit(store->webhookUrl(e.id), "reading the webhook");
    auto j = admin::eventJson(e, guests, valueOrExit(store->signingKeys(e.id), "reading keys"));
    j["webhook"] = url;
    std::cout << j.dump(2) << "\n";
  });

  auto* rotate = event->add_subcommand(
      "rotate-key", "Add a signing key; new codes use it, older codes stay valid");
  dbOption(rotate, *db);
  rotate->add_option("--event", *id, "Event id (default: the only event)");
  rotate->callback([db, id] {
    auto store = openOrExit(*db);
    const auto e = valueOrExit(store->resolveEvent(*id), "choosing the event");
    const auto key = valueOrExit(store->rotateKey(e.id, SystemClock().now()), "adding a key");
    std::cout << json{{"event_id", e.id}, {"key_id", key.id}}.dump() << "\n";
  });

  auto keyId = std::make_shared<KeyId>(0);
  auto* retire = event->add_subcommand(
      "retire-key", "Retire a signing key: codes it signed are refused from now on");
  dbOption(retire, *db);
  retire->add_option("--event", *id, "Event id (default: the only event)");
  retire->add_option("--key-id", *keyId, "The key (see `event show`)")->required();
  retire->callback([db, id, keyId] {
    auto store = openOrExit(*db);
    const auto e = valueOrExit(store->resolveEvent(*id), "choosing the event");
    admin::requireRetirableKey(console(), valueOrExit(store->signingKeys(e.id), "reading keys"),
                               *keyId);
    checkOrExit(store->retireKey(e.id, *keyId, SystemClock().now()), "retiring the key");
    std::cout << json{{"event_id", e.id}, {"retired_key", *keyId}}.dump() << "\n";
  });

  auto url = std::make_shared<std::string>();
  auto* webhook = event->add_subcommand("set-webhook", "Set (or clear) the arrival-notice URL");
  dbOption(webhook, *db);
  webhook->add_option("--event", *id, "Event id (default: the only event)");
  webhook->add_option("--url", *url, "http(s) URL; empty clears it")->required();
  webhook->callback([db, id, url] {
    if (auto problem = checkWebhook(*url)) {
      failWith("event set-webhook", makeError(ErrorKind::kInvalidInput, *problem));
    }
    auto store = openOrExit(*db);
    const auto e = valueOrExit(store->resolveEvent(*id), "choosing the event");
    checkOrExit(store->setWebhook(e.id, *url), "setting the webhook");
    std::cout << json{{"event_id", e.id}, {"webhook", *url}}.dump() << "\n";
  });
}

void addGuestCommands(CLI::App& app) {
  auto* guests = app.add_subcommand("guests", "Import and list guests");
  guests->require_subcommand(1);
  auto o = std::make_shared<admin::GuestImportOptions>();
  auto* importCmd = guests->add_subcommand(
      "import",
      "Import a guest list (the same CSV as kioskctl guests import: UTF-8 or GB18030, Chinese "
      "headers accepted). A file with bad rows is refused whole unless --skip-bad.");
  dbOption(importCmd, o->db);
  admin::addGuestImportOptions(*importCmd, *o);
  importCmd->callback([o] { importGuests(*o); });

  auto db = std::make_shared<std::string>();
  auto event = std::make_shared<std::optional<EventId>>();
  auto* list = guests->add_subcommand("list", "Print every guest as a JSON line");
  dbOption(list, *db);
  list->add_option("--event", *event, "Event id (default: the only event)");
  list->callback([db, event] {
    auto store = openOrExit(*db);
    const auto e = valueOrExit(store->resolveEvent(*event), "choosing the event");
    for (const auto& g : valueOrExit(store->listGuests(e.id), "listing guests")) {
      std::cout << cache::dump(cache::toJson(g)) << "\n";
    }
  });
}

void addCodeCommands(CLI::App& app) {
  auto* codes = app.add_subcommand("codes", "Issue and revoke guest codes");
  codes->require_subcommand(1);
  auto o = std::make_shared<IssueOptions>();
  auto* issue = codes->add_subcommand("issue",
                                      "Write one QR PNG per guest, codes.csv (booking_code, "
                                      "payload) and invitations.pdf into --out");
  dbOption(issue, o->db);
  admin::addCodeSheetOptions(*issue, o->event, o->sheet);
  issue->callback([o] { issueCodes(*o); });

  auto r = std::make_shared<RevokeOptions>();
  auto* revoke = codes->add_subcommand(
      "revoke",
      "Revoke one code (--code or --token-id) or every code of a guest (--booking-code cancels "
      "the invitation); terminals learn it at their next pull");
  dbOption(revoke, r->db);
  admin::addRevokeTargetOptions(*revoke, r->event, r->request);
  revoke->add_option("--reason", r->request.reason, "Why")->required();
  revoke->callback([r] {
    admin::requireRevokeTarget(console(), r->request);
    revokeCode(*r);
  });
}

void addDeviceCommands(CLI::App& app) {
  struct EnrollOptions {
    std::string db;
    std::string terminal;
    std::optional<EventId> event;
    int validHours = 24;
  };
  auto e = std::make_shared<EnrollOptions>();
  auto* enroll = app.add_subcommand(
      "enroll-code", "Print a one-time enrollment code for a terminal (kiosk enroll --code)");
  dbOption(enroll, e->db);
  enroll->add_option("--terminal", e->terminal, "Terminal name (shown in every record)")
      ->required();
  enroll->add_option("--event", e->event, "Event id (default: the only event)");
  enroll->add_option("--valid-hours", e->validHours, "How long the code works (default 24)")
      ->check(CLI::Range(1, 24 * 30));
  enroll->callback([e] {
    if (e->terminal.empty() || e->terminal.size() > 64) {
      failWith("enroll-code",
               makeError(ErrorKind::kInvalidInput, "--terminal must be 1 to 64 characters"));
    }
    auto store = openOrExit(e->db);
    const auto event = valueOrExit(store->resolveEvent(e->event), "choosing the event");
    const auto code = valueOrExit(
        store->devices().createEnrollmentCode(
            e->terminal, event.id, std::chrono::hours(e->validHours), SystemClock().now()),
        "creating the code");
    std::cout << json{{"code", code.code},
                      {"terminal", code.terminal},
                      {"event_id", code.eventId},
                      {"expires_at", formatIso8601(code.expiresAt)}}
                     .dump()
              << "\n";
  });

  auto db = std::make_shared<std::string>();
  auto asJson = std::make_shared<bool>(false);
  auto* devicesCmd = app.add_subcommand(
      "devices", "List enrolled terminals with their last heartbeat (or revoke one)");
  dbOption(devicesCmd, *db);
  devicesCmd->add_flag("--json", *asJson, "One JSON object per line");
  auto who = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto* revoke = devicesCmd->add_subcommand(
      "revoke",
      "Revoke a terminal: its token stops working and at its next contact it wipes guest data");
  revoke->add_option("--terminal", *who, "Terminal name or device id")->required();
  revoke->add_option("--reason", *reason, "Why (kept with the device)")->required();
  revoke->callback([db, who, reason] {
    auto store = openOrExit(*db);
    const auto n =
        valueOrExit(store->devices().revoke(*who, *reason, SystemClock().now()), "revoking");
    if (n == 0) {
      failWith("devices revoke",
               makeError(ErrorKind::kNotFound, "no live device named or numbered " + *who));
    }
    std::cout << json{{"revoked", n}, {"terminal", *who}}.dump() << "\n";
  });
  devicesCmd->callback([db, asJson, revoke] {
    if (revoke->parsed()) {
      return;
    }
    auto store = openOrExit(*db);
    for (const auto& d : valueOrExit(store->devices().list(), "listing devices")) {
      json health = json::object();
      try {
        health = json::parse(d.health);
      } catch (const std::exception&) {
      }
      if (*asJson) {
        std::cout << json{{"device_id", d.id},
                          {"terminal", d.terminal},
                          {"event_id", d.eventId},
                          {"enrolled_at", formatIso8601(d.enrolledAt)},
                          {"token_expires_at", formatIso8601(d.tokenExpiresAt)},
                          {"revoked_at", timeOrNull(d.revokedAt)},
                          {"revoke_reason", d.revokeReason},
                          {"last_seen_at", timeOrNull(d.lastSeenAt)},
                          {"last_address", d.lastAddress},
                          {"version", d.version},
                          {"health", health}}
                         .dump()
                  << "\n";
      } else {
        std::cout << std::left << std::setw(20) << shown(d.terminal) << " " << d.id << "  "
                  << (d.revokedAt ? "REVOKED " + iso(d.revokedAt) : "live") << "  last seen "
                  << (d.lastSeenAt ? iso(d.lastSeenAt) : std::string("never")) << "  queue "
                  << health.value("queue_depth", json(0)).dump() << "  settings v"
                  << health.value("settings_version", json(0)).dump()
                  << (health.value("settings_failed_version", 0) > 0
                          ? " (gave up v" + health["settings_failed_version"].dump() + ")"
                          : std::string())
                  << osUpdateText(health) << "\n";
      }
    }
  });

  auto event = std::make_shared<std::optional<EventId>>();
  auto* checkins = app.add_subcommand(
      "checkins", "Every check-in central holds: terminal, scan time, flags, undo");
  dbOption(checkins, *db);
  checkins->add_option("--event", *event, "Only this event");
  checkins->add_flag("--json", *asJson, "One JSON object per line");
  checkins->callback([db, event, asJson] {
    auto store = openOrExit(*db);
    for (const auto& c : valueOrExit(store->records().listCheckins(*event), "listing check-ins")) {
      if (*asJson) {
        std::cout << checkinJson(c).dump() << "\n";
      } else {
        std::cout << formatIso8601(c.record.scannedAt) << "  guest " << c.record.guestId << "  "
                  << shown(c.record.terminal) << "  " << toString(c.record.method)
                  << (c.flagged ? "  SECOND ADMISSION" : "")
                  << (c.skewed ? "  CLOCK NOT PLAUSIBLE (received " + iso(c.receivedAt) + ")"
                               : std::string())
                  << (c.record.undoneAt ? "  undone" : "") << needsChange(c.record) << "\n";
      }
    }
  });

  auto* duplicates = app.add_subcommand(
      "duplicates", "Flagged second admissions, each with the check-in that counts");
  dbOption(duplicates, *db);
  duplicates->add_option("--event", *event, "Only this event");
  duplicates->add_flag("--json", *asJson, "One JSON object per line");
  duplicates->callback([db, event, asJson] {
    auto store = openOrExit(*db);
    for (const auto& c :
         valueOrExit(store->records().listDuplicates(*event), "listing duplicates")) {
      auto j = checkinJson(c);
      j["admission_id"] = c.admissionId;
      if (*asJson) {
        std::cout << j.dump() << "\n";
      } else {
        std::cout << "guest " << c.record.guestId << ": " << c.record.id << " at "
                  << shown(c.record.terminal) << " " << formatIso8601(c.record.scannedAt)
                  << " repeats admission " << c.admissionId << "\n";
      }
    }
  });

  auto* conflicts = app.add_subcommand(
      "conflicts", "Records refused because their id already names another record");
  dbOption(conflicts, *db);
  conflicts->add_option("--event", *event, "Only this event");
  conflicts->add_flag("--json", *asJson, "One JSON object per line");
  conflicts->callback([db, event, asJson] {
    auto store = openOrExit(*db);
    for (const auto& c : valueOrExit(store->records().listConflicts(*event), "listing conflicts")) {
      if (*asJson) {
        json record;
        try {
          record = json::parse(c.doc);
        } catch (const std::exception&) {
          record = c.doc;
        }
        std::cout << json{{"kind", c.kind},
                          {"id", c.recordId},
                          {"event_id", c.eventId},
                          {"device_id", c.deviceId},
                          {"terminal", c.terminal},
                          {"reason", c.reason},
                          {"received_at", formatIso8601(c.receivedAt, true)},
                          {"record", record}}
                         .dump()
                  << "\n";
      } else {
        std::cout << iso(c.receivedAt) << "  " << c.kind << " " << shown(c.recordId) << " from "
                  << shown(c.terminal) << ": " << c.reason << "\n";
      }
    }
  });

  auto* audit = app.add_subcommand(
      "audit", "Security alerts the terminals sent (a staff PIN locked out at a terminal)");
  dbOption(audit, *db);
  audit->add_option("--event", *event, "Only this event");
  audit->add_flag("--json", *asJson, "One JSON object per line");
  audit->callback([db, event, asJson] {
    auto store = openOrExit(*db);
    for (const auto& a :
         valueOrExit(store->records().listAudit(*event), "listing the audit trail")) {
      if (*asJson) {
        std::cout << cache::toJson(a).dump() << "\n";
      } else {
        std::cout << iso(a.at) << "  " << toString(a.action) << " at " << shown(a.terminal) << ": "
                  << a.reason << "\n";
      }
    }
  });

  auto* feedback = app.add_subcommand(
      "feedback", "Ratings, repair requests and complaints (with the guest's own words)");
  dbOption(feedback, *db);
  feedback->add_option("--event", *event, "Only this event");
  feedback->add_flag("--json", *asJson, "One JSON object per line");
  feedback->callback([db, event, asJson] {
    auto store = openOrExit(*db);
    for (const auto& f : valueOrExit(store->records().listFeedback(*event), "listing feedback")) {
      if (*asJson) {
        std::cout << json{{"id", f.id},
                          {"event_id", f.eventId},
                          {"guest_id", f.guestId ? json(*f.guestId) : json(nullptr)},
                          {"terminal", f.terminal},
                          {"at", formatIso8601(f.at, true)},
                          {"kind", toString(f.kind)},
                          {"rating", f.rating ? json(*f.rating) : json(nullptr)},
                          {"category", f.category},
                          {"text", f.text}}
                         .dump()
                  << "\n";
      } else {
        // The guest's words are shown whole, control characters escaped.
        std::cout << iso(f.at) << "  " << toString(f.kind)
                  << (f.rating ? " " + std::to_string(*f.rating) : " " + shown(f.category))
                  << "  guest " << (f.guestId ? std::to_string(*f.guestId) : std::string("-"))
                  << " at " << shown(f.terminal)
                  << (f.text.empty() ? std::string() : ": " + shown(f.text, f.text.size())) << "\n";
      }
    }
  });

  auto* notices =
      app.add_subcommand("notices", "Arrival notices for hosts and their webhook delivery log");
  dbOption(notices, *db);
  notices->callback([db] {
    auto store = openOrExit(*db);
    for (const auto& n : valueOrExit(store->notices().list(), "listing notices")) {
      std::cout << json{{"id", n.notice.id},
                        {"checkin_id", n.notice.checkinId},
                        {"guest_id", n.notice.guestId},
                        {"host", n.notice.host},
                        {"webhook", n.webhookUrl},
                        {"delivered_at", timeOrNull(n.deliveredAt)},
                        {"attempts", n.attempts},
                        {"last_error", n.lastError}}
                       .dump()
                << "\n";
    }
    for (const auto& d : valueOrExit(store->notices().deliveries(1000), "listing deliveries")) {
      std::cout << json{{"delivery_of", d.noticeId},
                        {"url", d.url},
                        {"attempted_at", formatIso8601(d.attemptedAt, true)},
                        {"http_status", d.httpStatus},
                        {"error", d.error},
                        {"duration_ms", d.durationMs}}
                       .dump()
                << "\n";
    }
  });
}

void addStaffCommands(CLI::App& app) {
  struct StaffOptions {
    std::string db;
    std::string id;
    std::string name;
    std::string role = "reception";
    std::string pin;
    std::string language;
    bool badge = false;
    bool inactive = false;
    EventId event = 0;
  };
  auto o = std::make_shared<StaffOptions>();
  auto* staff =
      app.add_subcommand("staff", "Reception staff, synced to the terminals of their event");
  staff->require_subcommand(1);
  auto* add = staff->add_subcommand("add", "Add or update a staff member");
  dbOption(add, o->db);
  add->add_option("--id", o->id, "Short stable id (s07, reception-1)")->required();
  add->add_option("--name", o->name, "Name")->required();
  add->add_option("--role", o->role, "reception, supervisor or it")
      ->check(CLI::IsMember({"reception", "supervisor", "it"}));
  add->add_option("--pin", o->pin, "4 to 12 digits (stored as an Argon2id hash)");
  add->add_flag("--badge", o->badge, "Issue a staff badge code (printed once)");
  auto* language = add->add_option(
      "--language", o->language,
      "Language the terminal's staff mode opens in for them: a BCP 47 tag (zh-CN, "
      "en, ja, ko, ru; en-GB takes en); default: the terminal's; an update without it "
      "keeps the member's");
  add->add_flag("--inactive", o->inactive, "Disable the member");
  auto* event = add->add_option(
      "--event", o->event,
      "The event the member works at: only its terminals get the member and the PIN "
      "hash (default 0: every event; an update keeps the member's)");
  add->callback([o, language, event] {
    std::optional<std::string> tag;
    if (language->count() > 0) {
      tag = valueOrExit(parseStaffLanguage(o->language), "--language");
    }
    const std::string pinHash =
        o->pin.empty() ? std::string() : valueOrExit(hashPin(o->pin), "--pin");
    auto store = openOrExit(o->db);
    // An update keeps what it does not name, the event the member works at included.
    std::optional<StaffMember> existing;
    EventId eventId = o->event;
    for (auto& [member, at] : valueOrExit(store->listStaffWithEvents(), "reading staff")) {
      if (member.id == o->id) {
        existing = std::move(member);
        eventId = event->count() > 0 ? o->event : at;
      }
    }
    const auto [m, badge] = admin::applyStaffChange(
        std::move(existing), {o->id, o->name, o->role, !o->inactive, pinHash, tag, o->badge});
    checkOrExit(store->saveStaff(m, SystemClock().now(), eventId), "saving the staff member");
    json out{{"staff_id", m.id},
             {"role", m.role},
             {"language", m.language},
             {"pin", !m.pinHash.empty()}};
    if (!badge.empty()) {
      out["badge_code"] = badge;
    }
    std::cout << out.dump() << "\n";
  });
  auto db = std::make_shared<std::string>();
  auto* list = staff->add_subcommand("list", "Print staff as JSON lines (no hashes)");
  dbOption(list, *db);
  list->callback([db] {
    auto store = openOrExit(*db);
    for (const auto& [m, eventId] : valueOrExit(store->listStaffWithEvents(), "listing staff")) {
      auto j = admin::staffJson(m);
      j["event_id"] = eventId;
      std::cout << j.dump() << "\n";
    }
  });

  struct TemplateOptions {
    std::string db;
    std::string name;
    std::string file;
  };
  auto t = std::make_shared<TemplateOptions>();
  auto* tmpl = app.add_subcommand("template", "Badge templates, synced to every terminal");
  tmpl->require_subcommand(1);
  auto* set = tmpl->add_subcommand("set", "Add or replace a badge template (TOML)");
  dbOption(set, t->db);
  set->add_option("--name", t->name, "Template name")->required();
  set->add_option("--file", t->file, "TOML file")->required()->check(CLI::ExistingFile);
  set->callback([t] {
    std::ifstream in(t->file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    api::BadgeTemplate bt{t->name, text.str(), SystemClock().now()};
    auto store = openOrExit(t->db);
    checkOrExit(store->saveBadgeTemplate(bt), "saving the template");
    std::cout << json{{"template", t->name}, {"bytes", bt.toml.size()}}.dump() << "\n";
  });
}

void addSettingsCommands(CLI::App& app) {
  struct SettingsOptions {
    std::string db;
    std::optional<EventId> event;
    std::string file;
    std::string by;
  };
  auto o = std::make_shared<SettingsOptions>();
  auto* settings = app.add_subcommand(
      "settings",
      "Settings for every terminal of an event (printer, languages, idle timeout, volume, "
      "retention): each set is a new version, taken by terminals at their next heartbeat");
  settings->require_subcommand(1);
  auto* set = settings->add_subcommand(
      "set", "Store a TOML file of kiosk.toml keys central may set as the event's next version");
  dbOption(set, o->db);
  set->add_option("--event", o->event, "Event id (default: the only event)");
  set->add_option("--file", o->file, "TOML file")->required()->check(CLI::ExistingFile);
  set->add_option("--by", o->by, "Who changes them (kept with the version)");
  set->callback([o] {
    std::ifstream in(o->file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto store = openOrExit(o->db);
    const auto event = valueOrExit(store->resolveEvent(o->event), "choosing the event");
    const auto version = valueOrExit(TerminalSettingsStore(store->database())
                                         .set(event.id, text.str(), o->by, SystemClock().now()),
                                     "settings set");
    std::cout << json{{"event_id", event.id}, {"version", version}}.dump() << "\n";
  });
  auto* show =
      settings->add_subcommand("show", "Every version of the event's settings, newest first");
  dbOption(show, o->db);
  show->add_option("--event", o->event, "Event id (default: the only event)");
  show->callback([o] {
    auto store = openOrExit(o->db);
    const auto event = valueOrExit(store->resolveEvent(o->event), "choosing the event");
    for (const auto& v :
         valueOrExit(TerminalSettingsStore(store->database()).history(event.id), "settings show")) {
      std::cout << json{{"version", v.version},
                        {"created_at", formatIso8601(v.createdAt)},
                        {"created_by", v.createdBy},
                        {"settings", v.toml}}
                       .dump()
                << "\n";
    }
  });
}

void addUpdateCommands(CLI::App& app) {
  struct UpdateOptions {
    std::string db;
    std::optional<EventId> event;
    api::OsUpdate update;
    std::string by;
  };
  auto o = std::make_shared<UpdateOptions>();
  auto* update = app.add_subcommand(
      "update",
      "OS updates for every terminal of an event: a signed bundle (kiosk.raucb) at an https URL; "
      "terminals running another OS version download it at their next heartbeat, install it "
      "between guests and reboot into it at a quiet time");
  update->require_subcommand(1);
  auto* set = update->add_subcommand("set", "Offer a bundle to the event's terminals");
  dbOption(set, o->db);
  set->add_option("--event", o->event, "Event id (default: the only event)");
  set->add_option("--url", o->update.url, "Where terminals download it (https://...)")->required();
  set->add_option("--version", o->update.version, "The bundle's version (its manifest's)")
      ->required();
  set->add_option("--sha256", o->update.sha256, "The bundle's SHA-256 (sha256sum kiosk.raucb)")
      ->required();
  set->add_option("--size", o->update.size, "The bundle's size in bytes")->required();
  set->add_option("--by", o->by, "Who offers it (kept with the offer and in the audit)");
  set->callback([o] {
    auto store = openOrExit(o->db);
    const auto event = valueOrExit(store->resolveEvent(o->event), "choosing the event");
    const auto number = valueOrExit(
        OsUpdateStore(store->database()).set(event.id, o->update, o->by, SystemClock().now()),
        "update set");
    std::cout
        << json{{"event_id", event.id}, {"offer", number}, {"version", o->update.version}}.dump()
        << "\n";
  });
  auto* show = update->add_subcommand("show", "Every OS update offered to the event, newest first");
  dbOption(show, o->db);
  show->add_option("--event", o->event, "Event id (default: the only event)");
  show->callback([o] {
    auto store = openOrExit(o->db);
    const auto event = valueOrExit(store->resolveEvent(o->event), "choosing the event");
    for (const auto& v :
         valueOrExit(OsUpdateStore(store->database()).history(event.id), "update show")) {
      std::cout << json{{"offer", v.number},        {"version", v.update.version},
                        {"url", v.update.url},      {"sha256", v.update.sha256},
                        {"size", v.update.size},    {"created_at", formatIso8601(v.createdAt)},
                        {"created_by", v.createdBy}}
                       .dump()
                << "\n";
    }
  });
}

}  // namespace kiosk::central
