// kioskctl codes issue|revoke
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "documents/code_sheet.h"
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
  auto store = openStoreOrExit(o.db);
  const auto event = resolveEventOrExit(*store, o.event);
  const auto key = valueOrExit(store->issuingKey(event.id), "reading the signing key");
  if (!key) {
    failWith("codes issue",
             makeError(ErrorKind::kNotFound,
                       "this database holds no secret signing key for the event (codes are "
                       "issued where the event was created)"));
  }
  const auto sheet = valueOrExit(
      writeCodeSheet(
          event, *key, valueOrExit(store->listGuests(event.id), "listing guests"), o.sheet,
          [&](std::string_view tokenId) { return store->isTokenRevoked(event.id, tokenId); }),
      "codes issue");
  checkOrExit(store->appendAudit(adminAudit(
                  AuditAction::kCodesIssued, event.id,
                  std::to_string(sheet.issued) + " codes with key " + std::to_string(key->id))),
              "writing the audit trail");
  std::cout << nlohmann::json{{"issued", sheet.issued},
                              {"key_id", key->id},
                              {"valid_from", formatIso8601(sheet.validFrom)},
                              {"valid_until", formatIso8601(sheet.validUntil)},
                              {"dir", o.sheet.out}}
                   .dump()
            << "\n";
}

struct RevokeOptions {
  std::string db;
  std::optional<EventId> event;
  std::string code;
  std::string tokenId;
  std::string bookingCode;
  std::string reason;
};

void revoke(const RevokeOptions& o) {
  auto store = openStoreOrExit(o.db);
  const auto event = resolveEventOrExit(*store, o.event);
  auto a = adminAudit(AuditAction::kTokenRevoked, event.id, o.reason);
  const auto now = a.at;
  nlohmann::json out{{"event_id", event.id}};
  // The revocation and its audit row: all or nothing (a failure throws, rolling back).
  store->database().transaction([&] {
    if (!o.bookingCode.empty()) {
      auto guest =
          valueOrExit(store->findGuestByBookingCode(event.id, o.bookingCode), "finding the guest");
      if (!guest) {
        failWith("codes revoke",
                 makeError(ErrorKind::kNotFound, "no guest with booking code " + o.bookingCode));
      }
      guest->status = GuestStatus::kCancelled;
      valueOrExit(store->upsertGuests(event.id, {*guest}, now), "cancelling the invitation");
      a.guestId = guest->id;
      out["cancelled_guest"] = guest->bookingCode;
    } else {
      std::string tokenId = o.tokenId;
      if (!o.code.empty()) {
        const auto parsed = parseToken(o.code);
        const auto* token = std::get_if<ParsedToken>(&parsed);
        if (token == nullptr) {
          failWith("codes revoke",
                   makeError(ErrorKind::kInvalidInput, "--code is not a guest code"));
        }
        tokenId = token->tokenId();
        a.guestId = token->claims.guestId;
      }
      checkOrExit(store->revokeToken(event.id, tokenId, o.reason, now, a.guestId), "revoking");
      a.refId = tokenId;
      out["revoked_token"] = tokenId;
    }
    checkOrExit(store->appendAudit(a), "writing the audit trail");
  });
  std::cout << out.dump() << "\n";
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
  issueCmd->add_option("--out", o->sheet.out, "Output folder (created when absent)")->required();
  issueCmd->add_option("--event", o->event, "Event id (default: the only event)");
  issueCmd->add_option("--valid-from", o->sheet.validFrom,
                       "First valid instant (default: 7 days before the event)");
  issueCmd->add_option("--valid-until", o->sheet.validUntil,
                       "Last valid instant (default: 1 day after the event)");
  issueCmd->add_option("--booking-code", o->sheet.bookingCodes, "Only these guests (repeatable)");
  issueCmd->callback([o] { issue(*o); });

  auto r = std::make_shared<RevokeOptions>();
  auto* revokeCmd = codes->add_subcommand("revoke",
                                          "Revoke one code (--code or --token-id) or every code of "
                                          "a guest (--booking-code cancels the invitation)");
  revokeCmd->add_option("--db", r->db, "Event database file")->required()->check(CLI::ExistingFile);
  revokeCmd->add_option("--event", r->event, "Event id (default: the only event)");
  auto* code = revokeCmd->add_option("--code", r->code, "The guest code's text");
  auto* token = revokeCmd->add_option("--token-id", r->tokenId, "Token id (16 hex digits)")
                    ->check([](const std::string& id) {
                      return isTokenId(id)
                                 ? std::string()
                                 : "a token id is 16 hex digits (0-9, a-f), not '" + id + "'";
                    });
  auto* guest =
      revokeCmd->add_option("--booking-code", r->bookingCode, "Cancel this guest's invitation");
  code->excludes(token)->excludes(guest);
  token->excludes(guest);
  revokeCmd->add_option("--reason", r->reason, "Why (kept in the audit trail)")->required();
  revokeCmd->callback([r] {
    if (r->code.empty() && r->tokenId.empty() && r->bookingCode.empty()) {
      failWith("codes revoke",
               makeError(ErrorKind::kInvalidInput, "give --code, --token-id or --booking-code"));
    }
    revoke(*r);
  });
}

}  // namespace kiosk::app
