// kioskctl event create|show|rotate-key
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "kiosk/admin/command_options.h"
#include "kiosk/admin/event_admin.h"
#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"

namespace kiosk::app {

namespace {

struct CreateOptions {
  std::string db;
  admin::EventDraft draft;
};

void auditAdmin(cache::LocalStore& store, AuditAction action, EventId eventId, std::string reason) {
  checkOrExit(store.appendAudit(adminAudit(action, eventId, std::move(reason))),
              "writing the audit trail");
}

void create(const CreateOptions& o) {
  const auto created = admin::newEvent(ctlConsole(), o.draft, SystemClock().now());
  auto store = openStoreOrExit(o.db);
  // The event, its key and the audit row: all or nothing (a failure throws, rolling back).
  store->database().transaction([&] {
    checkOrExit(store->saveEvent(created.event), "saving the event");
    checkOrExit(store->saveSigningKey(created.key), "saving the signing key");
    auditAdmin(*store, AuditAction::kEventCreated, created.event.id, created.event.name);
  });
  std::cout << admin::newEventJson(created).dump() << "\n";
}

struct RetireOptions {
  std::string db;
  std::optional<EventId> event;
  KeyId keyId = 0;
  std::string reason;
};

void retireKey(const RetireOptions& o) {
  auto store = openStoreOrExit(o.db);
  const auto e = resolveEventOrExit(*store, o.event);
  admin::requireRetirableKey(ctlConsole(), valueOrExit(store->signingKeys(e.id), "reading keys"),
                             o.keyId);
  auto a = adminAudit(AuditAction::kKeyRetired, e.id, o.reason);
  a.refId = std::to_string(o.keyId);
  store->database().transaction([&] {
    checkOrExit(store->retireSigningKey(e.id, o.keyId, a.at), "retiring the key");
    checkOrExit(store->appendAudit(a), "writing the audit trail");
  });
  std::cout << nlohmann::json{{"event_id", e.id}, {"retired_key", o.keyId}}.dump() << "\n";
}

}  // namespace

void addEventCommands(CLI::App& app) {
  auto* event = app.add_subcommand("event", "Create and inspect the event");
  event->require_subcommand(1);

  auto options = std::make_shared<CreateOptions>();
  auto* create_cmd = event->add_subcommand("create", "Create an event and its signing key");
  create_cmd->add_option("--db", options->db, "Event database file (created when absent)")
      ->required();
  admin::addEventDraftOptions(*create_cmd, options->draft);
  create_cmd->callback([options] { create(*options); });

  auto db = std::make_shared<std::string>();
  auto eventId = std::make_shared<std::optional<EventId>>();
  auto* show = event->add_subcommand("show", "Print the event as JSON");
  show->add_option("--db", *db, "Event database file")->required()->check(CLI::ExistingFile);
  show->add_option("--event", *eventId, "Event id (default: the only event)");
  show->callback([db, eventId] {
    auto store = openStoreOrExit(*db);
    const auto e = resolveEventOrExit(*store, *eventId);
    const auto guests = valueOrExit(store->guestCount(e.id), "counting guests");
    const auto keys = valueOrExit(store->signingKeys(e.id), "reading keys");
    std::cout << admin::eventJson(e, guests, keys).dump(2) << "\n";
  });

  auto* rotate = event->add_subcommand(
      "rotate-key", "Add a new signing key; codes signed by older keys stay valid");
  auto rdb = std::make_shared<std::string>();
  auto rid = std::make_shared<std::optional<EventId>>();
  rotate->add_option("--db", *rdb, "Event database file")->required()->check(CLI::ExistingFile);
  rotate->add_option("--event", *rid, "Event id (default: the only event)");
  rotate->callback([rdb, rid] {
    auto store = openStoreOrExit(*rdb);
    const auto e = resolveEventOrExit(*store, *rid);
    KeyId next = 1;
    for (const auto& k : valueOrExit(store->signingKeys(e.id), "reading keys")) {
      next = static_cast<KeyId>(std::max<int>(next, k.id + 1));
    }
    const auto key = generateSigningKey(e.id, next, SystemClock().now());
    checkOrExit(store->saveSigningKey(key), "saving the signing key");
    std::cout << nlohmann::json{{"event_id", e.id}, {"key_id", key.id}}.dump() << "\n";
  });

  auto* retire = event->add_subcommand(
      "retire-key", "Retire a signing key: codes it signed are refused from now on");
  auto retiring = std::make_shared<RetireOptions>();
  retire->add_option("--db", retiring->db, "Event database file")
      ->required()
      ->check(CLI::ExistingFile);
  retire->add_option("--event", retiring->event, "Event id (default: the only event)");
  retire->add_option("--key-id", retiring->keyId, "The key (see `event show`)")->required();
  retire->add_option("--reason", retiring->reason, "Why (kept in the audit trail)")->required();
  retire->callback([retiring] { retireKey(*retiring); });
}

}  // namespace kiosk::app
