#include "kiosk/admin/code_issue.h"

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

}  // namespace kiosk::admin
