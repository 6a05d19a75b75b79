#include "kiosk/admin/code_issue.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kiosk::admin {

IssuedCodes issueCodes(const Console& console, const Event& event,
                       const app::CodeSheetRequest& request, const CodeIssueStore& store) {
  const auto key = console.valueOr(store.issuingKey(), "reading the signing key");
  if (!key) {
    console.fail("codes issue", makeError(ErrorKind::kNotFound, store.noKeyMessage));
  }
  auto sheet = console.valueOr(
      app::writeCodeSheet(event, *key, console.valueOr(store.listGuests(), "listing guests"),
                          request, store.isRevoked),
      "codes issue");
  return {sheet, *key};
}

void printIssuedCodes(const Console& console, const IssuedCodes& issued, const std::string& dir) {
  console.out() << nlohmann::json{{"issued", issued.sheet.issued},
                                  {"key_id", issued.key.id},
                                  {"valid_from", formatIso8601(issued.sheet.validFrom)},
                                  {"valid_until", formatIso8601(issued.sheet.validUntil)},
                                  {"dir", dir}}
                       .dump()
                << "\n";
}

void addCodeSheetOptions(CLI::App& issue, std::optional<EventId>& event,
                         app::CodeSheetRequest& sheet) {
  issue.add_option("--out", sheet.out, "Output folder (created when absent)")->required();
  issue.add_option("--event", event, "Event id (default: the only event)");
  issue.add_option("--valid-from", sheet.validFrom,
                   "First valid instant (default: 7 days before the event)");
  issue.add_option("--valid-until", sheet.validUntil,
                   "Last valid instant (default: 1 day after the event)");
  issue.add_option("--booking-code", sheet.bookingCodes, "Only these guests (repeatable)");
}

}  // namespace kiosk::admin
