#include "central/console/console_records_view.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "central/console/console_day.h"
#include "kiosk/core/local_time.h"
#include "offline-cache/json_codec.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central::console {

namespace {

constexpr auto kOnlineWithin = std::chrono::minutes(3);  // as on the terminals page

std::string t(Lang lang, std::string_view key) {
  return escapeHtml(text(lang, key));
}

std::string when(const Frame& f, TimePoint at, const char* pattern = "yyyy-MM-dd HH:mm:ss") {
  return escapeHtml(formatLocal(at, f.event.timezone, pattern, tag(f.lang)));
}

std::string field(const Frame& f, const char* name, const char* labelKey, const std::string& value,
                  const char* type = "text") {
  return "<div><label for=\"" + std::string(name) + "\">" + t(f.lang, labelKey) +
         "</label><input id=\"" + name + "\" name=\"" + name + "\" type=\"" + type + "\" value=\"" +
         escapeHtml(value) + "\"></div>";
}

std::string label(Lang lang, const std::string& prefix, const std::string& value) {
  const auto key = prefix + value;
  return escapeHtml(hasText(key) ? std::string(text(lang, key)) : value);
}

}  // namespace

bool mayReadRecords(Role role) {
  return role == Role::kSupervisor;
}

bool mayExport(Role role) {
  return role == Role::kSupervisor;
}

bool mayReadReport(Role role) {
  return role == Role::kSupervisor || role == Role::kReception;
}

std::string recordsQuery(const Frame& f, const RecordsView& v) {
  return "?event=" + std::to_string(f.event.id) + "&q=" + urlEncode(v.text) +
         "&actor=" + urlEncode(v.actor) + "&action=" + urlEncode(v.action) +
         "&from=" + urlEncode(v.from) + "&to=" + urlEncode(v.to);
}

std::string recordsMain(const Frame& f, const RecordsView& v) {
  const auto event = "?event=" + std::to_string(f.event.id);
  std::string m = "<h1>" + t(f.lang, "records.title") + "</h1>";
  m += "<form method=\"get\" action=\"/console/records\" class=\"inline filters\" role=\"search\">";
  m += "<input type=\"hidden\" name=\"event\" value=\"" + std::to_string(f.event.id) + "\">";
  m += field(f, "q", "records.text", v.text, "search");
  m += field(f, "actor", "records.actor", v.actor);
  m += field(f, "action", "records.action", v.action);
  m += field(f, "from", "records.from", v.from, "date");
  m += field(f, "to", "records.to", v.to, "date");
  m += "<button type=\"submit\">" + t(f.lang, "records.search") + "</button></form>";
  m += "<p class=\"hint\">" + t(f.lang, "records.zone") + escapeHtml(f.event.timezone) + "</p>";
  m += "<nav class=\"exports\" aria-label=\"" + t(f.lang, "records.exports") +
       "\"><a href=\"/console/records.csv" + escapeHtml(recordsQuery(f, v)) + "\" download>" +
       t(f.lang, "records.export_audit") + "</a><a href=\"/console/arrivals.csv" + event +
       "\" download>" + t(f.lang, "records.export_arrivals") +
       "</a><a href=\"/console/feedback.csv" + event + "\" download>" +
       t(f.lang, "records.export_feedback") + "</a><a href=\"/console/report" + event + "\">" +
       t(f.lang, "report.title") + "</a></nav>";
  if (!v.errorKey.empty()) {
    return m + "<p class=\"error\" role=\"alert\">" + t(f.lang, v.errorKey) + "</p>";
  }
  m += "<p role=\"status\" id=\"found\">" + t(f.lang, "records.found") + " " +
       std::to_string(v.total) + "</p>";
  if (v.rows.empty()) {
    return m;
  }
  m += "<div class=\"scroll\"><table class=\"records\"><thead><tr>";
  for (const auto* key : {"records.time", "records.source", "records.actor", "records.place",
                          "records.action", "records.target", "records.detail"}) {
    m += "<th scope=\"col\">" + t(f.lang, key) + "</th>";
  }
  m += "</tr></thead><tbody>";
  for (const auto& r : v.rows) {
    m += "<tr><td class=\"when\">" + when(f, r.at) + "</td><td>" +
         label(f.lang, "records.source.", r.source) + "</td><td>" + escapeHtml(r.actor) +
         "</td><td>" + escapeHtml(r.place) + "</td><td>" + escapeHtml(r.action) + "</td><td>" +
         escapeHtml(r.target) + "</td><td>" + escapeHtml(r.detail) + "</td></tr>";
  }
  m += "</tbody></table></div>";
  const auto pages = (v.total + kRecordsPerPage - 1) / kRecordsPerPage;
  if (pages > 1) {
    const auto base = "/console/records" + recordsQuery(f, v) + "&page=";
    m += "<nav class=\"pager\" aria-label=\"" + t(f.lang, "records.pages") + "\">";
    if (v.page > 1) {
      m += "<a href=\"" + escapeHtml(base + std::to_string(v.page - 1)) + "\" rel=\"prev\">" +
           t(f.lang, "records.previous") + "</a>";
    }
    m += "<span>" + std::to_string(v.page) + " / " + std::to_string(pages) + "</span>";
    if (v.page < pages) {
      m += "<a href=\"" + escapeHtml(base + std::to_string(v.page + 1)) + "\" rel=\"next\">" +
           t(f.lang, "records.next") + "</a>";
    }
    m += "</nav>";
  }
  return m;
}

std::string reportMain(const Frame& f, const ReportView& v) {
  std::string m = "<h1>" + t(f.lang, "report.title") + " <span class=\"day\">" + escapeHtml(v.day) +
                  "</span></h1>";
  m += "<form method=\"get\" action=\"/console/report\" class=\"inline noprint\">"
       "<input type=\"hidden\" name=\"event\" value=\"" +
       std::to_string(f.event.id) + "\"><label for=\"day\">" + t(f.lang, "summary.day") +
       "</label><input id=\"day\" name=\"day\" type=\"date\" value=\"" + escapeHtml(v.day) +
       "\" required><button type=\"submit\">" + t(f.lang, "summary.show") +
       "</button><button type=\"button\" class=\"quiet\" data-print>" + t(f.lang, "summary.print") +
       "</button></form>";
  if (!v.errorKey.empty()) {
    return m + "<p class=\"error\" role=\"alert\">" + t(f.lang, v.errorKey) + "</p>";
  }
  // On paper the header is gone: the report names its event and when it was made.
  m += "<p>" + t(f.lang, "event.label") + escapeHtml(f.event.name) + " · " +
       t(f.lang, "summary.made_at") + " " + when(f, v.now, "yyyy-MM-dd HH:mm") + "</p>";
  m += "<p class=\"hint\">" +
       (v.eventZone ? t(f.lang, "summary.zone_event") + escapeHtml(f.event.timezone)
                    : t(f.lang, "summary.zone_server")) +
       "</p>";

  std::map<GuestCategory, std::pair<int, int>> byCategory;  // expected, arrived
  std::vector<const ArrivalRow*> vips;
  std::vector<const ArrivalRow*> missing;
  int arrived = 0;
  for (const auto& r : v.guests) {
    auto& c = byCategory[r.guest.category];
    ++c.first;
    if (r.arrivedAt) {
      ++c.second;
      ++arrived;
    } else {
      missing.push_back(&r);
    }
    if (r.guest.category == GuestCategory::kVip) {
      vips.push_back(&r);
    }
  }
  const std::array<std::pair<const char*, std::string>, 5> totals{
      {{"arrivals.expected", std::to_string(v.guests.size())},
       {"arrivals.arrived", std::to_string(arrived)},
       {"report.no_shows", std::to_string(missing.size())},
       {"report.flags", std::to_string(v.flagged)},
       {"report.open_requests", std::to_string(v.openRequests)}}};
  m += "<section class=\"totals report\" aria-label=\"" + t(f.lang, "report.totals") + "\">";
  for (const auto& [key, value] : totals) {
    m += "<div class=\"total\"><span class=\"value\">" + value + "</span><span class=\"label\">" +
         t(f.lang, key) + "</span></div>";
  }
  m += "</section>";

  m += "<div class=\"columns\"><section class=\"card\"><h2>" + t(f.lang, "arrivals.by_category") +
       "</h2><table><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.category") +
       "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "arrivals.arrived") +
       "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "arrivals.expected") +
       "</th></tr></thead><tbody>";
  for (const auto& [category, counts] : byCategory) {
    m += "<tr><th scope=\"row\">" +
         escapeHtml(text(f.lang, std::string("category.") + toString(category))) +
         "</th><td class=\"num\">" + std::to_string(counts.second) + "</td><td class=\"num\">" +
         std::to_string(counts.first) + "</td></tr>";
  }
  m += "</tbody></table></section>";

  std::map<FeedbackKind, int> byKind;
  for (const auto& i : v.feedback) {
    ++byKind[i.feedback.kind];
  }
  m += "<section class=\"card\"><h2>" + t(f.lang, "report.feedback") +
       "</h2><table><thead><tr><th scope=\"col\">" + t(f.lang, "summary.kind") +
       "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "summary.count") +
       "</th></tr></thead><tbody>";
  for (auto kind : {FeedbackKind::kRating, FeedbackKind::kRepair, FeedbackKind::kComplaint}) {
    m += "<tr><th scope=\"row\">" + t(f.lang, std::string("feedback.kind.") + toString(kind)) +
         "</th><td class=\"num\">" + std::to_string(byKind[kind]) + "</td></tr>";
  }
  m += "</tbody></table></section></div>";

  m += "<section class=\"card\"><h2>" + t(f.lang, "arrivals.vips") + "</h2>";
  if (vips.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  } else {
    m += "<table><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.name") +
         "</th><th scope=\"col\">" + t(f.lang, "arrivals.host") + "</th><th scope=\"col\">" +
         t(f.lang, "arrivals.time") + "</th></tr></thead><tbody>";
    for (const auto* r : vips) {
      m += "<tr><td>" + escapeHtml(r->guest.name) + "</td><td>" +
           (r->guest.host.empty() ? t(f.lang, "arrivals.no_host") : escapeHtml(r->guest.host)) +
           "</td><td>" +
           (r->arrivedAt ? when(f, *r->arrivedAt, "HH:mm") : t(f.lang, "arrivals.not_yet")) +
           "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";

  m += "<section class=\"card\"><h2>" + t(f.lang, "report.no_shows") + "</h2>";
  if (missing.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  } else {
    m += "<table><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.name") +
         "</th><th scope=\"col\">" + t(f.lang, "arrivals.category") + "</th><th scope=\"col\">" +
         t(f.lang, "arrivals.company") + "</th><th scope=\"col\">" + t(f.lang, "arrivals.pickup") +
         "</th></tr></thead><tbody>";
    for (const auto* r : missing) {
      const auto pickup = pickupOf(r->guest);
      m += "<tr><td>" + escapeHtml(r->guest.name) + "</td><td>" +
           escapeHtml(text(f.lang, std::string("category.") + toString(r->guest.category))) +
           "</td><td>" + escapeHtml(r->guest.company) + "</td><td>" +
           (pickup ? when(f, *pickup, "HH:mm") : std::string("-")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";

  m += "<section class=\"card\"><h2>" + t(f.lang, "terminals.title") + "</h2>";
  if (v.devices.empty()) {
    m += "<p>" + t(f.lang, "terminals.none") + "</p>";
  } else {
    m += "<table><thead><tr><th scope=\"col\">" + t(f.lang, "terminals.name") +
         "</th><th scope=\"col\">" + t(f.lang, "terminals.state") + "</th><th scope=\"col\">" +
         t(f.lang, "terminals.last_seen") + "</th><th scope=\"col\">" +
         t(f.lang, "terminals.printer") + "</th><th scope=\"col\" class=\"num\">" +
         t(f.lang, "terminals.outbox") + "</th></tr></thead><tbody>";
    for (const auto& d : v.devices) {
      std::string state = d.revokedAt                              ? "terminals.revoked"
                          : !d.lastSeenAt                          ? "terminals.never"
                          : v.now - *d.lastSeenAt <= kOnlineWithin ? "terminals.online"
                                                                   : "terminals.offline";
      std::string printer = "unknown";
      std::string queued = "-";
      try {
        const auto j = cache::parseJson(d.health);
        if (j.is_object() && !j.empty()) {
          const auto hb = cache::api::heartbeatFromJson(j);
          printer = hb.printer.state;
          queued = std::to_string(hb.queueDepth);
        }
      } catch (const std::exception&) {
        // an unreadable heartbeat shows as unknown
      }
      m += "<tr><th scope=\"row\">" + escapeHtml(d.terminal) + "</th><td>" + t(f.lang, state) +
           "</td><td>" +
           (d.lastSeenAt ? when(f, *d.lastSeenAt, "yyyy-MM-dd HH:mm")
                         : t(f.lang, "terminals.unknown")) +
           "</td><td>" + label(f.lang, "device.", printer) + "</td><td class=\"num\">" + queued +
           "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";
  return m;
}

}  // namespace kiosk::central::console
