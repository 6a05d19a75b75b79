// kioskctl staff add|list: the reception staff who may unlock a terminal, with a PIN
// (Argon2id hash) and/or a staff badge (a QR code whose text is stored as a SHA-256 hash),
// and the language staff mode opens in for them.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "documents/qr_code.h"
#include "kiosk/admin/staff_admin.h"
#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"
#include "kiosk/core/staff.h"

namespace kiosk::app {

namespace {

struct AddOptions {
  std::string db;
  std::string id;
  std::string name;
  std::string role = "reception";
  std::string pin;
  std::string badgeOut;
  std::string language;
  bool languageGiven = false;  // without --language an update keeps the stored one
  bool inactive = false;
};

void addStaff(const AddOptions& o) {
  if (o.pin.empty() && o.badgeOut.empty()) {
    failWith("staff add", makeError(ErrorKind::kInvalidInput,
                                    "give --pin, --badge-out or both: a staff member needs a way "
                                    "to unlock the terminal"));
  }
  if (!o.pin.empty() && !isValidPin(o.pin)) {
    failWith("staff add", makeError(ErrorKind::kInvalidInput, "a PIN is 4 to 12 digits"));
  }
  const std::string language =
      o.languageGiven ? valueOrExit(parseStaffLanguage(o.language), "staff add --language")
                      : std::string();
  auto store = openStoreOrExit(o.db);
  const auto existing = valueOrExit(store->findStaff(o.id), "reading staff");
  const std::string pinHash =
      o.pin.empty() ? std::string() : valueOrExit(hashPin(o.pin), "hashing the PIN");
  const auto [m, badgeCode] = admin::applyStaffChange(
      existing, {o.id, o.name, o.role, !o.inactive, pinHash,
                 o.languageGiven ? std::optional(language) : std::nullopt, !o.badgeOut.empty()});
  if (!badgeCode.empty()) {
    const auto qr = valueOrExit(devices::encodeQr(badgeCode, devices::QrErrorCorrection::kMedium),
                                "encoding the staff badge");
    checkOrExit(devices::writeQrPng(qr, o.badgeOut, 10), "writing " + o.badgeOut);
  }
  checkOrExit(store->saveStaff(m, SystemClock().now()), "saving the staff member");
  nlohmann::json out{{"staff_id", m.id},          {"role", m.role},
                     {"active", m.active},        {"language", m.language},
                     {"pin", !m.pinHash.empty()}, {"badge", !m.badgeHash.empty()}};
  if (!o.badgeOut.empty()) {
    out["badge_png"] = o.badgeOut;
  }
  std::cout << out.dump() << "\n";
}

}  // namespace

void addStaffCommands(CLI::App& app) {
  auto* staff = app.add_subcommand("staff", "Reception staff who may unlock the terminals");
  staff->require_subcommand(1);

  auto o = std::make_shared<AddOptions>();
  auto* add = staff->add_subcommand(
      "add", "Add or update a staff member with a PIN and/or a staff badge (QR code PNG)");
  add->add_option("--db", o->db, "Event database file")->required()->check(CLI::ExistingFile);
  add->add_option("--id", o->id, "Short stable id (s07, reception-1)")->required();
  add->add_option("--name", o->name, "Name shown at the terminal")->required();
  add->add_option("--role", o->role, "reception, supervisor or it")
      ->check(CLI::IsMember({"reception", "supervisor", "it"}));
  add->add_option("--pin", o->pin, "4 to 12 digits (stored as an Argon2id hash)");
  add->add_option("--badge-out", o->badgeOut,
                  "Issue a new staff badge and write its QR code to this PNG file (replaces an "
                  "earlier badge)");
  auto* language = add->add_option(
      "--language", o->language,
      "Language staff mode opens in for them: a BCP 47 tag (zh-CN, en, ja, ko, ru; en-GB "
      "takes en); \"\" = the terminal's default; kept on an update without it");
  add->add_flag("--inactive", o->inactive, "Keep the record but refuse unlocking");
  add->callback([o, language] {
    o->languageGiven = language->count() > 0;
    addStaff(*o);
  });

  auto db = std::make_shared<std::string>();
  auto* list =
      staff->add_subcommand("list", "Print every staff member as a JSON line (no secrets)");
  list->add_option("--db", *db, "Event database file")->required()->check(CLI::ExistingFile);
  list->callback([db] {
    auto store = openStoreOrExit(*db);
    for (const auto& m : valueOrExit(store->listStaff(), "listing staff")) {
      std::cout << admin::staffJson(m).dump() << "\n";
    }
  });
}

}  // namespace kiosk::app
