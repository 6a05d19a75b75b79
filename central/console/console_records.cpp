// The console's records (issue item 6): the audit search, the CSV exports and the printable
// daily report. Supervisors search and export (console_records_view.h says why); every export
// is audited with the account.
#include <httplib.h>

#include <charconv>

#include "central/central_log.h"
#include "central/console/console_csv.h"
#include "central/console/console_day.h"
#include "central/console/console_page.h"
#include "central/console/console_records_store.h"
#include "central/console/console_records_view.h"
#include "kiosk/core/local_time.h"

namespace kiosk::central::console {

namespace {

bool allowed(PageHost& host, Page& p, bool ok, std::string_view what) {
  if (!ok) {
    host.audit(p, "forbidden", std::string(what));
    host.sendMessage(p, 403, "error.forbidden");
  }
  return ok;
}

std::string stamp(const Page& p, TimePoint at, const char* pattern = "yyyy-MM-dd HH:mm:ss") {
  return formatLocal(at, p.frame.event.timezone, pattern, tag(p.frame.lang));
}

std::string today(const Page& p) {
  return dayOf(p.now, p.frame.event.timezone);
}

// The search the request asks for; false (and the view's error) for a day that is not one.
bool readQuery(const Page& p, RecordsView& v, RecordQuery& q) {
  v.text = p.req.get_param_value("q");
  v.actor = p.req.get_param_value("actor");
  v.action = p.req.get_param_value("action");
  v.from = p.req.get_param_value("from");
  v.to = p.req.get_param_value("to");
  q.text = v.text;
  q.actor = v.actor;
  q.action = v.action;
  const auto& zone = p.frame.event.timezone;
  if (!v.from.empty()) {
    const auto b = dayBounds(v.from, zone);
    if (!b) {
      v.errorKey = "summary.bad_day";
      return false;
    }
    q.from = b->start;
  }
  if (!v.to.empty()) {
    const auto b = dayBounds(v.to, zone);
    if (!b) {
      v.errorKey = "summary.bad_day";
      return false;
    }
    q.to = b->end;  // the whole last day
  }
  const auto page = p.req.get_param_value("page");
  std::size_t n = 1;
  std::from_chars(page.data(), page.data() + page.size(), n);
  v.page = std::max<std::size_t>(n, 1);
  return true;
}

void sendCsv(PageHost& host, Page& p, const CsvWriter& csv, const std::string& what,
             const std::string& day) {
  host.audit(p, "export", what, std::to_string(csv.rows() - 1) + " rows");
  p.res.status = 200;
  p.res.set_header("Content-Disposition",
                   attachmentDisposition(p.frame.event.name + "-" + what + "-" + day + ".csv"));
  p.res.set_content(csv.text(), "text/csv; charset=utf-8");
}

void recordsPage(PageHost& host, Page& p) {
  if (!allowed(host, p, mayReadRecords(p.frame.account.role), "records")) {
    return;
  }
  RecordsView v;
  RecordQuery q;
  p.frame.current = "records";
  if (!readQuery(p, v, q)) {
    host.sendPage(p, 400, "records.title", recordsMain(p.frame, v));
    return;
  }
  p.frame.back = "/console/records" + recordsQuery(p.frame, v);
  auto rows = searchRecords(p.store, p.frame.event.id, q);
  if (!rows) {
    centralLog().error("console: {}", rows.error().message);
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  v.total = rows->size();
  const auto first = std::min(v.total, (v.page - 1) * kRecordsPerPage);
  const auto last = std::min(v.total, first + kRecordsPerPage);
  v.rows.assign(rows->begin() + static_cast<std::ptrdiff_t>(first),
                rows->begin() + static_cast<std::ptrdiff_t>(last));
  host.sendPage(p, 200, "records.title", recordsMain(p.frame, v));
}

void recordsCsv(PageHost& host, Page& p) {
  if (!allowed(host, p, mayExport(p.frame.account.role), "export_records")) {
    return;
  }
  RecordsView v;
  RecordQuery q;
  if (!readQuery(p, v, q)) {
    host.sendPage(p, 400, "records.title", recordsMain(p.frame, v));
    return;
  }
  auto rows = searchRecords(p.store, p.frame.event.id, q);
  if (!rows) {
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  const auto l = p.frame.lang;
  CsvWriter csv;
  csv.row({std::string(text(l, "records.time")), std::string(text(l, "records.source")),
           std::string(text(l, "records.actor")), std::string(text(l, "records.place")),
           std::string(text(l, "records.action")), std::string(text(l, "records.target")),
           std::string(text(l, "records.detail"))});
  for (const auto& r : *rows) {
    csv.row({stamp(p, r.at), r.source, r.actor, r.place, r.action, r.target, r.detail});
  }
  sendCsv(host, p, csv, "records", today(p));
}

void arrivalsCsv(PageHost& host, Page& p) {
  if (!allowed(host, p, mayExport(p.frame.account.role), "export_arrivals")) {
    return;
  }
  const auto day = p.req.get_param_value("day");
  std::optional<DayBounds> bounds;
  if (!day.empty()) {
    bounds = dayBounds(day, p.frame.event.timezone);
    if (!bounds) {
      host.sendMessage(p, 400, "summary.bad_day");
      return;
    }
  }
  auto rows = p.console.arrivals(p.frame.event.id);
  if (!rows) {
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  const auto l = p.frame.lang;
  CsvWriter csv;
  csv.row({std::string(text(l, "arrivals.name")), std::string(text(l, "arrivals.category")),
           std::string(text(l, "arrivals.company")), std::string(text(l, "arrivals.host")),
           std::string(text(l, "arrivals.pickup")), std::string(text(l, "arrivals.time")),
           std::string(text(l, "arrivals.terminal"))});
  for (const auto& r : *rows) {
    if (bounds && !onDay(r, *bounds, day, p.frame.event.timezone)) {
      continue;
    }
    const auto pickup = pickupOf(r.guest);
    csv.row({r.guest.name,
             std::string(text(l, std::string("category.") + toString(r.guest.category))),
             r.guest.company, r.guest.host, pickup ? stamp(p, *pickup, "yyyy-MM-dd HH:mm") : "",
             r.arrivedAt ? stamp(p, *r.arrivedAt) : "", r.terminal});
  }
  sendCsv(host, p, csv, "arrivals", day.empty() ? today(p) : day);
}

void feedbackCsv(PageHost& host, Page& p) {
  if (!allowed(host, p, mayExport(p.frame.account.role), "export_feedback")) {
    return;
  }
  auto items = p.console.feedback(p.frame.event.id);
  if (!items) {
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  const auto l = p.frame.lang;
  auto word = [&](std::string_view key) { return std::string(text(l, key)); };
  CsvWriter csv;
  csv.row({word("records.received"), word("summary.kind"), word("summary.category"),
           word("records.rating"), word("arrivals.name"), word("records.room"),
           word("records.words"), word("arrivals.terminal"), word("records.state"),
           word("records.assigned"), word("records.answered"), word("records.closed"),
           word("records.note")});
  for (const auto& i : *items) {
    csv.row({stamp(p, i.receivedAt),
             word(std::string("feedback.kind.") + toString(i.feedback.kind)), i.feedback.category,
             i.feedback.rating ? std::to_string(*i.feedback.rating) : "", i.guestName, i.room,
             i.feedback.text, i.feedback.terminal, toString(i.state), i.assignedTo,
             i.answeredAt ? stamp(p, *i.answeredAt) : "", i.closedAt ? stamp(p, *i.closedAt) : "",
             i.note});
  }
  sendCsv(host, p, csv, "feedback", today(p));
}

void report(PageHost& host, Page& p) {
  if (!allowed(host, p, mayReadReport(p.frame.account.role), "report")) {
    return;
  }
  ReportView v;
  v.now = p.now;
  v.day = p.req.get_param_value("day");
  if (v.day.empty()) {
    v.day = today(p);
  }
  p.frame.current = "records";
  p.frame.back = "/console/report?event=" + std::to_string(p.frame.event.id) + "&day=" + v.day;
  const auto bounds = dayBounds(v.day, p.frame.event.timezone);
  if (!bounds) {
    v.errorKey = "summary.bad_day";
    v.day.clear();
    host.sendPage(p, 400, "report.title", reportMain(p.frame, v));
    return;
  }
  v.eventZone = bounds->eventZone;
  auto rows = p.console.arrivals(p.frame.event.id);
  auto items = p.console.feedback(p.frame.event.id);
  auto devices = p.console.devices(p.frame.event.id);
  auto flagged = flaggedAdmissions(p.store, p.frame.event.id, bounds->start, bounds->end);
  if (!rows || !items || !devices || !flagged) {
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  for (auto& r : *rows) {
    if (onDay(r, *bounds, v.day, p.frame.event.timezone)) {
      v.guests.push_back(std::move(r));
    }
  }
  for (auto& i : *items) {
    if (isRequest(i) && i.state == Handling::kOpen) {
      ++v.openRequests;
    }
    if (i.receivedAt >= bounds->start && i.receivedAt < bounds->end) {
      v.feedback.push_back(std::move(i));
    }
  }
  v.flagged = *flagged;
  v.devices = std::move(*devices);
  host.sendPage(p, 200, "report.title", reportMain(p.frame, v));
}

}  // namespace

void addRecordsRoutes(httplib::Server& server, PageHost& host) {
  // The host (the console) lives as long as the server's handlers.
  auto with = [&host](void (*handler)(PageHost&, Page&)) {
    return [&host, handler](Page& p) { handler(host, p); };
  };
  host.route(server, "/console/records", Kind::kHtml, with(&recordsPage));
  host.route(server, "/console/records.csv", Kind::kHtml, with(&recordsCsv));
  host.route(server, "/console/arrivals.csv", Kind::kHtml, with(&arrivalsCsv));
  host.route(server, "/console/feedback.csv", Kind::kHtml, with(&feedbackCsv));
  host.route(server, "/console/report", Kind::kHtml, with(&report));
}

}  // namespace kiosk::central::console
