// kioskctl codes issue|revoke
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/admin/code_issue.h"
#include "kiosk/admin/code_revoke.h"
#include "kiosk/admin/command_options.h"
#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"

namespace kiosk::app {

namespace {

struct IssueOptions {
  std::string db;
  std::optional<EventId> event;
  CodeSheetRequest sheet;
};

void issue(const IssueOptions& o) {
  const auto console = ctlConsole();
  auto store = openStoreOrExit(o.db);
  const auto event = resolveEventOrExit(*store, o.event);
  const auto issued = admin::issueCodes(
      console, event, o.sheet,
      admin::codeIssueStore(
          *store, event.id,
          "this database holds no secret signing key for the event (codes are issued where the "
          "event was created)"));
  checkOrExit(
      store->appendAudit(adminAudit(AuditAction::kCodesIssued, event.id,
                                    std::to_string(issued.sheet.issued) + " codes with key " +
                                        std::to_string(issued.key.id))),
      "writing the audit trail");
  admin::printIssuedCodes(console, issued, o.sheet.out);
}

struct RevokeOptions {
  std::string db;
  std::optional<EventId> event;
  admin::RevokeRequest request;
};

void revoke(const RevokeOptions& o) {
  const auto console = ctlConsole();
  auto store = openStoreOrExit(o.db);
  const auto event = resolveEventOrExit(*store, o.event);
  auto a = adminAudit(AuditAction::kTokenRevoked, event.id, o.request.reason);
  admin::Revocation done;
  // The revocation and its audit row: all or nothing (a failure throws, rolling back).
  store->database().transaction([&] {
    done = admin::revokeCode(console, o.request, a.at, admin::codeRevokeStore(*store, event.id));
    a.guestId = done.guestId;
    a.refId = done.tokenId;
    checkOrExit(store->appendAudit(a), "writing the audit trail");
  });
  admin::printRevocation(console, event.id, done);
}

}  // namespace

void addCodeCommands(CLI::App& app) {
  auto* codes = app.add_subcommand("codes", "Issue and revoke guest codes");
  codes->require_subcommand(1);

  auto o = std::make_shared<IssueOptions>();
  auto* issueCmd = codes->add_subcommand("issue",
                                         "Write one QR PNG per guest, codes.csv (booking_code, "
                                         "payload) and invitations.pdf into --out");
  issueCmd->add_option("--db", o->db, "Event database file")->required()->check(CLI::ExistingFile);
  admin::addCodeSheetOptions(*issueCmd, o->event, o->sheet);
  issueCmd->callback([o] { issue(*o); });

  auto r = std::make_shared<RevokeOptions>();
  auto* revokeCmd = codes->add_subcommand("revoke",
                                          "Revoke one code (--code or --token-id) or every code of "
                                          "a guest (--booking-code cancels the invitation)");
  revokeCmd->add_option("--db", r->db, "Event database file")->required()->check(CLI::ExistingFile);
  admin::addRevokeTargetOptions(*revokeCmd, r->event, r->request);
  revokeCmd->add_option("--reason", r->request.reason, "Why (kept in the audit trail)")->required();
  revokeCmd->callback([r] {
    admin::requireRevokeTarget(ctlConsole(), r->request);
    revoke(*r);
  });
}

}  // namespace kiosk::app
