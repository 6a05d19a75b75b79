// kioskctl guests import|list|search
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "kiosk/admin/command_options.h"
#include "kiosk/admin/guest_import.h"
#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"
#include "offline-cache/json_codec.h"

namespace kiosk::app {

namespace {

void importGuests(const admin::GuestImportOptions& o) {
  const auto console = ctlConsole();
  const auto file = admin::readGuestList(console, o.csv, o.skipBad);
  auto store = openStoreOrExit(o.db);
  const auto event = resolveEventOrExit(*store, o.event);
  admin::importGuestList(console, file, event, [&](std::vector<Guest> guests) {
    // The guests and the audit row: all or nothing (a failure throws, rolling back).
    std::size_t saved = 0;
    store->database().transaction([&] {
      saved = valueOrExit(store->upsertGuests(event.id, std::move(guests), SystemClock().now()),
                          "saving guests")
                  .size();
      checkOrExit(store->appendAudit(adminAudit(AuditAction::kGuestsImported, event.id,
                                                std::to_string(saved) + " guests from " + o.csv)),
                  "writing the audit trail");
    });
    return saved;
  });
}

}  // namespace

void addGuestCommands(CLI::App& app) {
  auto* guests = app.add_subcommand("guests", "Import, list and search guests");
  guests->require_subcommand(1);

  auto options = std::make_shared<admin::GuestImportOptions>();
  auto* importCmd = guests->add_subcommand(
      "import",
      "Import a guest list (CSV: UTF-8 or GB18030; columns booking_code, name, company, title, "
      "category, language, phone, email, diet, allergies, accessibility, hotel, room, floor, "
      "checkin_date, checkout_date, vehicle, driver, driver_phone, pickup_time, pickup_place, "
      "flight, meeting, meeting_room, seat, host; Chinese headers accepted). A file with bad rows "
      "is refused whole unless --skip-bad.");
  importCmd->add_option("--db", options->db, "Event database file")
      ->required()
      ->check(CLI::ExistingFile);
  admin::addGuestImportOptions(*importCmd, *options);
  importCmd->callback([options] { importGuests(*options); });

  auto db = std::make_shared<std::string>();
  auto event = std::make_shared<std::optional<EventId>>();
  auto* list = guests->add_subcommand("list", "Print every guest as a JSON line");
  list->add_option("--db", *db, "Event database file")->required()->check(CLI::ExistingFile);
  list->add_option("--event", *event, "Event id (default: the only event)");
  list->callback([db, event] {
    auto store = openStoreOrExit(*db);
    const auto e = resolveEventOrExit(*store, *event);
    for (const auto& g : valueOrExit(store->listGuests(e.id), "listing guests")) {
      std::cout << cache::dump(cache::toJson(g)) << "\n";
    }
  });

  auto query = std::make_shared<std::string>();
  auto* search = guests->add_subcommand(
      "search", "Search by name, pinyin, initials, phone tail or booking code");
  search->add_option("--db", *db, "Event database file")->required()->check(CLI::ExistingFile);
  search->add_option("--event", *event, "Event id (default: the only event)");
  search->add_option("QUERY", *query, "What to look for")->required();
  search->callback([db, event, query] {
    auto store = openStoreOrExit(*db);
    const auto e = resolveEventOrExit(*store, *event);
    for (const auto& g : valueOrExit(store->searchGuests(e.id, *query, 20), "searching")) {
      std::cout << nlohmann::json{{"guest_id", g.id},
                                  {"booking_code", g.bookingCode},
                                  {"name", g.name}}
                       .dump()
                << "\n";
    }
  });
}

}  // namespace kiosk::app
