#include "kiosk/admin/code_issue.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

namespace kiosk::admin {

namespace {

constexpr auto kProgressInterval = std::chrono::milliseconds(250);

// "1200/5000 invitations" on err, a few times a second: rewritten in place on a terminal,
// one line each time otherwise (a log keeps them readable).
std::function<void(std::size_t, std::size_t)> progressPrinter(const Console& console, bool asked) {
  const bool terminal = &console.err() == &std::cerr && isatty(STDERR_FILENO) != 0;
  if (!terminal && !asked) {
    return {};
  }
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [console, terminal, last](std::size_t done, std::size_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && done > 0 && now - *last < kProgressInterval) {
      return;
    }
    *last = now;
    console.err() << (terminal ? "\r" : "") << done << "/" << total << " invitations"
                  << (terminal && done < total ? "" : "\n") << std::flush;
  };
}

}  // namespace

IssuedCodes issueCodes(const Console& console, const Event& event,
                       const app::CodeSheetRequest& asked, const CodeIssueStore& store) {
  app::CodeSheetRequest request = asked;
  request.progress = progressPrinter(console, asked.showProgress);
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
  issue.add_flag("--progress", sheet.showProgress,
                 "Show \"N/TOTAL invitations\" on standard error while writing (always on a "
                 "terminal)");
}

}  // namespace kiosk::admin
