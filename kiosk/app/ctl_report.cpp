// kioskctl report: who checked in when, where, with which override (and every refusal).
// kioskctl feedback: what guests told the terminal (ratings, repair requests and
// complaints in their own words), for the desk to act on.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"
#include "kiosk/core/local_time.h"

namespace kiosk::app {

namespace {

std::string csvField(std::string_view value) {
  // Formula prefixes are neutralised: the report is opened in Excel/WPS, and a guest name
  // or reason starting with '=' must not run as a formula.
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    return v;
  }
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  return out + "\"";
}

// Where a command's CSV goes: standard output, or a file that starts with a BOM (Excel and
// WPS read UTF-8 CSV correctly only with one).
class CsvOutput {
 public:
  explicit CsvOutput(const std::string& path) {
    if (path == "-") {
      return;
    }
    file_.open(path, std::ios::binary | std::ios::trunc);
    if (!file_) {
      failWith("writing " + path, makeError(ErrorKind::kPermanent, "cannot create the file"));
    }
    file_ << "\xEF\xBB\xBF";
  }
  std::ostream& stream() { return file_.is_open() ? file_ : std::cout; }

 private:
  std::ofstream file_;
};

void addFeedbackCommand(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto csv = std::make_shared<std::string>();
  auto event = std::make_shared<std::optional<EventId>>();
  auto* cmd = app.add_subcommand(
      "feedback",
      "Write guest feedback as CSV: ratings, repair requests and complaints with "
      "the guest's own words");
  cmd->add_option("--db", *db, "Event database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--csv", *csv, "Output file ('-' for standard output)")->required();
  cmd->add_option("--event", *event, "Event id (default: the only event)");
  cmd->callback([db, csv, event] {
    auto store = openStoreOrExit(*db);
    const auto e = resolveEventOrExit(*store, *event);
    const auto rows = valueOrExit(store->feedbackReport(e.id), "listing feedback");
    CsvOutput output(*csv);
    std::ostream& out = output.stream();
    out << "time,local_time,kind,rating,category,text,booking_code,name,terminal,record_id\r\n";
    for (const auto& r : rows) {
      const Feedback& f = r.feedback;
      out << formatIso8601(f.at) << ','
          << csvField(formatLocal(f.at, e.timezone, "yyyy-MM-dd HH:mm:ss")) << ','
          << toString(f.kind) << ',' << (f.rating ? std::to_string(*f.rating) : "") << ','
          << csvField(f.category) << ',' << csvField(f.text) << ',' << csvField(r.bookingCode)
          << ',' << csvField(r.guestName) << ',' << csvField(f.terminal) << ',' << f.id << "\r\n";
    }
    if (!out) {
      failWith("writing " + *csv, makeError(ErrorKind::kTransient, "write failed (disk full?)"));
    }
    if (*csv != "-") {
      std::cout << nlohmann::json{{"rows", rows.size()}, {"file", *csv}}.dump() << "\n";
    }
  });
}

}  // namespace

void addReportCommand(CLI::App& app) {
  addFeedbackCommand(app);
  auto db = std::make_shared<std::string>();
  auto csv = std::make_shared<std::string>();
  auto event = std::make_shared<std::optional<EventId>>();
  auto* cmd = app.add_subcommand("report",
                                 "Write the check-in report (check-ins and refused scans) as CSV");
  cmd->add_option("--db", *db, "Event database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--csv", *csv, "Output file ('-' for standard output)")->required();
  cmd->add_option("--event", *event, "Event id (default: the only event)");
  cmd->callback([db, csv, event] {
    auto store = openStoreOrExit(*db);
    const auto e = resolveEventOrExit(*store, *event);
    const auto rows = valueOrExit(store->report(e.id), "building the report");
    CsvOutput output(*csv);
    std::ostream& out = output.stream();
    out << "time,local_time,outcome,booking_code,name,terminal,method,staff,reason,needs_changed,"
           "needs_before,needs_after,undone_at,undone_by,undo_reason,record_id\r\n";
    std::size_t accepted = 0;
    for (const auto& r : rows) {
      accepted += r.outcome == "accepted" ? 1 : 0;
      out << formatIso8601(r.at) << ','
          << csvField(formatLocal(r.at, e.timezone, "yyyy-MM-dd HH:mm:ss")) << ',' << r.outcome
          << ',' << csvField(r.bookingCode) << ',' << csvField(r.guestName) << ','
          << csvField(r.terminal) << ',' << r.method << ',' << csvField(r.staffId) << ','
          << csvField(r.reason) << ',' << (r.needsChanged ? "yes" : "") << ','
          << csvField(r.needsChanged ? describeNeedsChange(r.previousNeeds, r.confirmedNeeds) : "")
          << ','
          << csvField(r.needsChanged ? describeNeedsChange(r.confirmedNeeds, r.previousNeeds) : "")
          << ',' << (r.undoneAt ? formatIso8601(*r.undoneAt) : "") << ',' << csvField(r.undoneBy)
          << ',' << csvField(r.undoReason) << ',' << r.recordId << "\r\n";
    }
    if (!out) {
      failWith("writing " + *csv, makeError(ErrorKind::kTransient, "write failed (disk full?)"));
    }
    if (*csv != "-") {
      std::cout
          << nlohmann::json{{"rows", rows.size()}, {"accepted", accepted}, {"file", *csv}}.dump()
          << "\n";
    }
  });
}

}  // namespace kiosk::app
