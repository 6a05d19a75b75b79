#include "central/console/console_views.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "central/console/console_day.h"
#include "central/console/console_flags.h"
#include "central/console/console_records_view.h"
#include "documents/qr_code.h"
#include "kiosk/core/local_time.h"
#include "offline-cache/json_codec.h"

namespace kiosk::central::console {

namespace {

constexpr std::array kCategories{GuestCategory::kVip,      GuestCategory::kGovernment,
                                 GuestCategory::kBusiness, GuestCategory::kPress,
                                 GuestCategory::kStaff,    GuestCategory::kOther};

// A terminal that has not sent a heartbeat for this long shows as offline (terminals send
// one a minute).
constexpr auto kOnlineWithin = std::chrono::minutes(3);

std::string t(Lang lang, std::string_view key) {
  return escapeHtml(text(lang, key));
}

std::string categoryLabel(Lang lang, GuestCategory c) {
  return std::string(text(lang, std::string("category.") + toString(c)));
}

std::string clockTime(const Event& event, TimePoint at, Lang lang) {
  return formatLocal(at, event.timezone, "HH:mm", tag(lang));
}

std::string dateTime(const Event& event, TimePoint at, Lang lang) {
  return formatLocal(at, event.timezone, "yyyy-MM-dd HH:mm", tag(lang));
}

std::string csrfField(const Frame& f) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escapeHtml(f.csrf) + "\">";
}

std::string eventQuery(const Frame& f) {
  return "?event=" + std::to_string(f.event.id);
}

std::string arrivedRow(const Frame& f, const ArrivalRow& r) {
  return "<tr data-guest=\"" + std::to_string(r.guest.id) + "\"><td>" +
         escapeHtml(clockTime(f.event, *r.arrivedAt, f.lang)) + "</td><td>" +
         escapeHtml(r.guest.name) + "</td><td>" +
         escapeHtml(categoryLabel(f.lang, r.guest.category)) + "</td><td>" +
         escapeHtml(r.guest.company) + "</td><td>" + escapeHtml(r.terminal) + "</td></tr>";
}

std::string stateLabel(Lang lang, const std::string& state) {
  const auto key = "device." + state;
  return std::string(hasText(key) ? text(lang, key) : text(lang, "device.unknown"));
}

std::string bytesText(std::uint64_t bytes) {
  char out[32];
  const double gb = static_cast<double>(bytes) / 1e9;
  if (gb >= 1) {
    std::snprintf(out, sizeof out, "%.1f GB", gb);
  } else {
    std::snprintf(out, sizeof out, "%.0f MB", static_cast<double>(bytes) / 1e6);
  }
  return out;
}

// Under 1 GB free a terminal soon cannot keep photos or its cache: it stands out.
std::string diskText(std::uint64_t bytes) {
  constexpr std::uint64_t kLow = 1'000'000'000;
  return bytes < kLow ? "<span class=\"pill bad\">" + escapeHtml(bytesText(bytes)) + "</span>"
                      : escapeHtml(bytesText(bytes));
}

// The day shown, with the way to another day, its report and (for supervisors) its export.
std::string arrivalsDayForm(const Frame& f, const BoardDay& day) {
  const auto dayQuery = eventQuery(f) + "&day=" + day.day;
  std::string m =
      "<form method=\"get\" action=\"/console/arrivals\" class=\"inline\">"
      "<input type=\"hidden\" name=\"event\" value=\"" +
      std::to_string(f.event.id) + "\"><label for=\"day\">" + t(f.lang, "arrivals.day") +
      "</label><input id=\"day\" name=\"day\" type=\"date\" value=\"" + escapeHtml(day.day) +
      "\" required><button type=\"submit\">" + t(f.lang, "arrivals.show_day") + "</button>";
  // The report is reception's and supervisors' (IT's part is the terminals page).
  if (f.account.role != Role::kIt) {
    m += "<a href=\"/console/report" + escapeHtml(dayQuery) + "\">" + t(f.lang, "arrivals.report") +
         "</a>";
  }
  if (f.account.role == Role::kSupervisor) {
    m += "<a href=\"/console/arrivals.csv" + escapeHtml(dayQuery) + "\" download>" +
         t(f.lang, "arrivals.export") + "</a>";
  }
  return m + "</form>";
}

// Guests not admitted kLateAfter past their pickup, first the longest overdue: the desk calls
// their driver. Only on today's board (a past day's are its no-shows).
std::string lateSection(const Frame& f, const std::vector<ArrivalRow>& rows, const BoardDay& day) {
  if (!day.today) {
    return {};
  }
  std::vector<const ArrivalRow*> late;
  for (const auto& r : rows) {
    if (isLate(r, day.now)) {
      late.push_back(&r);
    }
  }
  std::sort(late.begin(), late.end(), [](const ArrivalRow* a, const ArrivalRow* b) {
    return *pickupOf(a->guest) < *pickupOf(b->guest);
  });
  std::string m =
      "<section class=\"late-list\" aria-labelledby=\"late-title\"><h2 id=\"late-title\">" +
      t(f.lang, "arrivals.late_title") + " <span data-count=\"late\">" +
      std::to_string(late.size()) + "</span></h2><p class=\"hint\">" +
      t(f.lang, "arrivals.late_hint") + "</p>";
  if (late.empty()) {
    return m + "<p>" + t(f.lang, "arrivals.none") + "</p></section>";
  }
  m += "<table class=\"list\"><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.name") +
       "</th><th scope=\"col\">" + t(f.lang, "arrivals.pickup") + "</th><th scope=\"col\">" +
       t(f.lang, "arrivals.flight") + "</th><th scope=\"col\">" + t(f.lang, "arrivals.vehicle") +
       "</th></tr></thead><tbody id=\"late-body\">";
  for (const auto* r : late) {
    const auto pickup = *pickupOf(r->guest);
    std::string flight;
    std::string vehicle;
    for (const auto& leg : r->guest.transport) {
      if (leg.pickupTime == pickup) {
        flight = leg.flight;
        vehicle = leg.vehicle + (leg.driverPhone.empty() ? "" : " " + leg.driverPhone);
      }
    }
    m += "<tr data-late=\"" + std::to_string(r->guest.id) + "\"><td><strong class=\"late\">" +
         t(f.lang, "arrivals.late") + "</strong> " + escapeHtml(r->guest.name) + "</td><td>" +
         escapeHtml(clockTime(f.event, pickup, f.lang)) + "</td><td>" + escapeHtml(flight) +
         "</td><td>" + escapeHtml(vehicle) + "</td></tr>";
  }
  return m + "</tbody></table></section>";
}

}  // namespace

std::string escapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool mayManageTerminals(Role role) {
  return role == Role::kSupervisor || role == Role::kIt;
}

std::string renderLayout(std::string_view layout, Lang lang, std::string_view title,
                         const std::string& header, const std::string& main) {
  const std::map<std::string, std::string> values{
      {"{{lang}}", std::string(tag(lang))},
      {"{{title}}", escapeHtml(title) + " · " + t(lang, "product")},
      {"{{header}}", header},
      {"{{main}}", main}};
  std::string out;
  std::size_t at = 0;
  while (at < layout.size()) {
    const auto open = layout.find("{{", at);
    if (open == std::string_view::npos) {
      break;
    }
    const auto close = layout.find("}}", open);
    if (close == std::string_view::npos) {
      break;
    }
    out.append(layout.substr(at, open - at));
    const std::string name(layout.substr(open, close + 2 - open));
    if (auto it = values.find(name); it != values.end()) {
      out += it->second;
    }
    at = close + 2;
  }
  out.append(layout.substr(at));
  return out;
}

std::string loginHeader(Lang lang) {
  std::string h = "<div class=\"bar\"><span class=\"product\">" + t(lang, "product") + "</span>";
  h += "<nav class=\"langs\" aria-label=\"" + t(lang, "lang.switch") + "\">";
  h += lang == Lang::kZh ? "<span aria-current=\"true\" lang=\"zh-CN\">中文</span>"
                         : "<a href=\"/console/login?lang=zh-CN\" lang=\"zh-CN\">中文</a>";
  h += lang == Lang::kEn ? "<span aria-current=\"true\" lang=\"en\">English</span>"
                         : "<a href=\"/console/login?lang=en\" lang=\"en\">English</a>";
  h += "</nav></div>";
  return h;
}

std::string loginMain(Lang lang, std::string_view errorKey, std::string_view name) {
  std::string m = "<section class=\"card login\"><h1>" + t(lang, "login.title") + "</h1>";
  if (!errorKey.empty()) {
    m += "<p class=\"error\" role=\"alert\">" + t(lang, errorKey) + "</p>";
  }
  m += "<form method=\"post\" action=\"/console/login\">";
  m += "<input type=\"hidden\" name=\"lang\" value=\"" + std::string(tag(lang)) + "\">";
  m += "<label for=\"name\">" + t(lang, "login.name") +
       "</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required value=\"" +
       escapeHtml(name) + "\">";
  m += "<label for=\"password\">" + t(lang, "login.password") +
       "</label><input id=\"password\" name=\"password\" type=\"password\" "
       "autocomplete=\"current-password\" required>";
  m += "<button type=\"submit\">" + t(lang, "login.submit") + "</button></form></section>";
  return m;
}

std::string frameHeader(const Frame& f) {
  std::string h = "<div class=\"bar\"><span class=\"product\">" + t(f.lang, "product") + "</span>";
  h += "<nav aria-label=\"" + t(f.lang, "nav.main") + "\">";
  // The pages, each with who may open it (nullptr: every role).
  struct NavItem {
    std::string_view page;
    bool (*allowed)(Role);
  };
  constexpr NavItem kNav[] = {{"arrivals", nullptr},           {"guests", mayHandleGuests},
                              {"feedback", mayHandleFeedback}, {"flags", mayResolveFlags},
                              {"terminals", nullptr},          {"records", mayReadRecords}};
  for (const auto& [page, allowed] : kNav) {
    if (allowed != nullptr && !allowed(f.account.role)) {
      continue;
    }
    h += "<a href=\"/console/" + std::string(page) + eventQuery(f) + "\"";
    if (f.current == page) {
      h += " aria-current=\"page\"";
    }
    h += ">" + t(f.lang, "nav." + std::string(page));
    if (page == "flags" && f.openFlags) {
      h += " <span class=\"count\">" + std::to_string(*f.openFlags) + "</span>";
    }
    h += "</a>";
  }
  h += "</nav>";
  if (f.events.size() > 1) {
    h += "<form method=\"get\" action=\"/console/" + escapeHtml(f.current) +
         "\" class=\"event\"><label for=\"event\">" + t(f.lang, "event") +
         "</label><select id=\"event\" name=\"event\">";
    for (const auto& e : f.events) {
      h += "<option value=\"" + std::to_string(e.id) + "\"" +
           (e.id == f.event.id ? " selected" : "") + ">" + escapeHtml(e.name) + "</option>";
    }
    h += "</select><button type=\"submit\">" + t(f.lang, "event.choose") + "</button></form>";
  } else {
    h += "<span class=\"event\">" + t(f.lang, "event.label") + escapeHtml(f.event.name) + "</span>";
  }
  h += "<span class=\"who\">" + escapeHtml(f.account.name) + " · " +
       t(f.lang, std::string("role.") + toString(f.account.role)) + "</span>";
  h += "<form method=\"post\" action=\"/console/language\" class=\"langs\">" + csrfField(f) +
       "<input type=\"hidden\" name=\"back\" value=\"" + escapeHtml(f.back) + "\">";
  h += "<button type=\"submit\" name=\"lang\" value=\"zh-CN\" lang=\"zh-CN\"" +
       std::string(f.lang == Lang::kZh ? " aria-pressed=\"true\"" : " aria-pressed=\"false\"") +
       ">中文</button>";
  h += "<button type=\"submit\" name=\"lang\" value=\"en\" lang=\"en\"" +
       std::string(f.lang == Lang::kEn ? " aria-pressed=\"true\"" : " aria-pressed=\"false\"") +
       ">English</button></form>";
  h += "<form method=\"post\" action=\"/console/logout\">" + csrfField(f) +
       "<button type=\"submit\" class=\"quiet\">" + t(f.lang, "logout") + "</button></form>";
  h += "</div>";
  return h;
}

std::string messageMain(Lang lang, std::string_view key) {
  return "<section class=\"card\"><h1>" + t(lang, "error.title") + "</h1><p>" + t(lang, key) +
         "</p><p><a href=\"/console/arrivals\">" + t(lang, "nav.arrivals") + "</a></p></section>";
}

std::string arrivalsMain(const Frame& f, const std::vector<ArrivalRow>& rows, TimePoint since,
                         const BoardDay& day) {
  std::map<GuestCategory, std::pair<int, int>> byCategory;
  int arrived = 0;
  std::vector<const ArrivalRow*> arrivedRows;
  std::vector<const ArrivalRow*> waiting;
  std::vector<const ArrivalRow*> vips;
  for (const auto& r : rows) {
    auto& c = byCategory[r.guest.category];
    ++c.first;
    if (r.arrivedAt) {
      ++c.second;
      ++arrived;
      arrivedRows.push_back(&r);
    } else {
      waiting.push_back(&r);
    }
    if (r.guest.category == GuestCategory::kVip) {
      vips.push_back(&r);
    }
  }
  std::sort(arrivedRows.begin(), arrivedRows.end(),
            [](const ArrivalRow* a, const ArrivalRow* b) { return *a->arrivedAt > *b->arrivedAt; });
  const auto total = static_cast<int>(rows.size());
  std::string m;
  // Another day's board is a record, not a live view: no poll.
  if (day.today) {
    m += "<div class=\"live\" data-live=\"/console/arrivals.json" + eventQuery(f) +
         "\" data-since=\"" + std::to_string(toUnixMillis(since)) + "\" data-offline=\"" +
         t(f.lang, "arrivals.offline") + "\" data-updated=\"" + t(f.lang, "arrivals.updated") +
         "\"></div>";
  }
  // The clock line changes every second: not announced. New arrivals are (#announce).
  m += "<h1>" + t(f.lang, "arrivals.title") + " <span class=\"day\">" + escapeHtml(day.day) +
       "</span> <span class=\"status\" id=\"live\">" +
       (day.today ? t(f.lang, "arrivals.live") : t(f.lang, "arrivals.past_day")) + "</span></h1>";
  m += arrivalsDayForm(f, day);
  m += "<p id=\"announce\" class=\"sr-only\" aria-live=\"polite\" data-label=\"" +
       t(f.lang, "arrivals.arrived") + "\"></p>";
  m += "<section class=\"totals\" aria-label=\"" + t(f.lang, "arrivals.title") + "\">";
  const std::array<std::pair<const char*, int>, 3> totals{
      {{"expected", total}, {"arrived", arrived}, {"waiting", total - arrived}}};
  for (const auto& [key, value] : totals) {
    m += "<div class=\"total " + std::string(key) + "\"><span class=\"value\" data-count=\"" + key +
         "\">" + std::to_string(value) + "</span><span class=\"label\">" +
         t(f.lang, std::string("arrivals.") + key) + "</span></div>";
  }
  m += "</section>";

  m += "<div class=\"columns\"><section><h2>" + t(f.lang, "arrivals.by_category") +
       "</h2><table><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.category") +
       "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "arrivals.arrived") +
       "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "arrivals.expected") +
       "</th></tr></thead><tbody>";
  for (auto c : kCategories) {
    const auto it = byCategory.find(c);
    if (it == byCategory.end()) {
      continue;
    }
    m += "<tr><th scope=\"row\">" + escapeHtml(categoryLabel(f.lang, c)) +
         "</th><td class=\"num\" data-cat-arrived=\"" + toString(c) + "\">" +
         std::to_string(it->second.second) + "</td><td class=\"num\">" +
         std::to_string(it->second.first) + "</td></tr>";
  }
  m += "</tbody></table></section>";

  m += "<section><h2>" + t(f.lang, "arrivals.vips") + "</h2>";
  if (vips.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  } else {
    m += "<table><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.name") +
         "</th><th scope=\"col\">" + t(f.lang, "arrivals.host") + "</th><th scope=\"col\">" +
         t(f.lang, "arrivals.time") + "</th></tr></thead><tbody>";
    for (const auto* r : vips) {
      m += "<tr data-vip=\"" + std::to_string(r->guest.id) + "\"" +
           (r->arrivedAt ? " class=\"in\"" : "") + "><td>" + escapeHtml(r->guest.name) +
           "</td><td>" +
           (r->guest.host.empty() ? t(f.lang, "arrivals.no_host") : escapeHtml(r->guest.host)) +
           "</td><td class=\"when\">" +
           (r->arrivedAt ? escapeHtml(clockTime(f.event, *r->arrivedAt, f.lang))
                         : t(f.lang, "arrivals.not_yet")) +
           "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section></div>";
  m += lateSection(f, rows, day);

  const std::string head =
      "<thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.time") + "</th><th scope=\"col\">" +
      t(f.lang, "arrivals.name") + "</th><th scope=\"col\">" + t(f.lang, "arrivals.category") +
      "</th><th scope=\"col\">" + t(f.lang, "arrivals.company") + "</th><th scope=\"col\">" +
      t(f.lang, "arrivals.terminal") + "</th></tr></thead>";
  m += "<div class=\"columns\"><section><h2>" + t(f.lang, "arrivals.arrived") +
       "</h2><table class=\"list\">" + head + "<tbody id=\"arrived-body\">";
  for (const auto* r : arrivedRows) {
    m += arrivedRow(f, *r);
  }
  m += "</tbody></table></section>";
  m += "<section><h2>" + t(f.lang, "arrivals.waiting") +
       "</h2><table class=\"list\"><thead><tr><th scope=\"col\">" + t(f.lang, "arrivals.name") +
       "</th><th scope=\"col\">" + t(f.lang, "arrivals.category") + "</th><th scope=\"col\">" +
       t(f.lang, "arrivals.company") + "</th></tr></thead><tbody id=\"waiting-body\">";
  for (const auto* r : waiting) {
    // Late is said in words, not by colour alone.
    const auto late = day.today && isLate(*r, day.now)
                          ? " <strong class=\"late\">" + t(f.lang, "arrivals.late") + "</strong>"
                          : std::string();
    m += "<tr data-guest=\"" + std::to_string(r->guest.id) + "\"><td>" + escapeHtml(r->guest.name) +
         late + "</td><td>" + escapeHtml(categoryLabel(f.lang, r->guest.category)) + "</td><td>" +
         escapeHtml(r->guest.company) + "</td></tr>";
  }
  m += "</tbody></table></section></div>";
  return m;
}

std::string arrivalsJson(const Frame& f, const std::vector<ArrivalRow>& rows, TimePoint since,
                         TimePoint now, const std::vector<ArrivalRow>* today) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : rows) {
    since = std::max(since, r.changedAt);
    list.push_back({{"id", r.guest.id},
                    {"name", r.guest.name},
                    {"category", toString(r.guest.category)},
                    {"category_label", categoryLabel(f.lang, r.guest.category)},
                    {"company", r.guest.company},
                    {"time", clockTime(f.event, *r.arrivedAt, f.lang)},
                    {"terminal", r.terminal}});
  }
  nlohmann::json answer{{"since", toUnixMillis(since)},
                        {"updated", formatLocal(now, f.event.timezone, "HH:mm:ss", tag(f.lang))},
                        {"arrivals", list}};
  if (today != nullptr) {
    answer["late_html"] = lateSection(f, *today, BoardDay{{}, true, now});
  }
  return answer.dump();
}

std::string terminalsMain(const Frame& f, const std::vector<Device>& devices, TimePoint now,
                          std::string_view noticeKey) {
  const bool manage = mayManageTerminals(f.account.role);
  std::string m = "<h1>" + t(f.lang, "terminals.title") + "</h1>";
  if (!noticeKey.empty()) {
    m += "<p class=\"notice\" role=\"status\">" + t(f.lang, noticeKey) + "</p>";
  }
  if (devices.empty()) {
    m += "<p>" + t(f.lang, "terminals.none") + "</p>";
  } else {
    m += "<div class=\"scroll\"><table class=\"terminals\"><thead><tr>";
    for (const auto* key : {"terminals.name", "terminals.state", "terminals.last_seen",
                            "terminals.last_sync", "terminals.outbox", "terminals.printer",
                            "terminals.camera", "terminals.disk", "terminals.version"}) {
      m += "<th scope=\"col\">" + t(f.lang, key) + "</th>";
    }
    if (manage) {
      m += "<th scope=\"col\">" + t(f.lang, "terminals.actions") + "</th>";
    }
    m += "</tr></thead><tbody>";
    for (const auto& d : devices) {
      std::optional<cache::api::Heartbeat> hb;
      try {
        const auto j = cache::parseJson(d.health);
        if (j.is_object() && !j.empty()) {
          hb = cache::api::heartbeatFromJson(j);
        }
      } catch (const std::exception&) {
        // an unreadable heartbeat shows as unknown
      }
      std::string state;
      std::string stateClass;
      if (d.revokedAt) {
        state = text(f.lang, "terminals.revoked");
        stateClass = "revoked";
      } else if (!d.lastSeenAt) {
        state = text(f.lang, "terminals.never");
        stateClass = "offline";
      } else if (now - *d.lastSeenAt <= kOnlineWithin) {
        state = text(f.lang, "terminals.online");
        stateClass = "ok";
      } else {
        state = text(f.lang, "terminals.offline");
        stateClass = "bad";
      }
      const auto unknown = t(f.lang, "terminals.unknown");
      auto device = [&](const cache::api::DeviceState& s) {
        const auto cls = s.state == "ok" ? "ok" : (s.state == "unknown" ? "" : "bad");
        return "<td><span class=\"pill " + std::string(cls) + "\">" +
               escapeHtml(stateLabel(f.lang, s.state)) + "</span></td>";
      };
      m += "<tr data-device=\"" + escapeHtml(d.id) + "\"><th scope=\"row\">" +
           escapeHtml(d.terminal) + "</th><td><span class=\"pill " + stateClass + "\">" +
           escapeHtml(state) + "</span></td><td>" +
           (d.lastSeenAt ? escapeHtml(dateTime(f.event, *d.lastSeenAt, f.lang)) : unknown) +
           "</td>";
      if (hb) {
        m += "<td>" +
             (hb->lastSyncAt ? escapeHtml(dateTime(f.event, *hb->lastSyncAt, f.lang)) : unknown) +
             "</td><td class=\"num\">" + std::to_string(hb->queueDepth) + "</td>" +
             device(hb->printer) + device(hb->camera) + "<td>" +
             (hb->diskFreeBytes ? diskText(*hb->diskFreeBytes) : unknown) + "</td>";
      } else {
        for (int i = 0; i < 5; ++i) {
          m += "<td>" + unknown + "</td>";
        }
      }
      m += "<td>" + escapeHtml(d.version.empty() ? std::string("-") : d.version);
      // Central settings (`kiosk-central settings set`): the version it runs, and one it
      // gave up on because it did not start with it (IT should look at that one).
      if (hb && hb->settingsVersion > 0) {
        m += "<br>" + t(f.lang, "terminals.settings") + " v" + std::to_string(hb->settingsVersion);
      }
      if (hb && hb->settingsFailedVersion > 0) {
        m += "<br><span class=\"pill bad\">" + t(f.lang, "terminals.settings_failed") + " v" +
             std::to_string(hb->settingsFailedVersion) + "</span>";
      }
      // The OS image it runs, and an OS update it refused or that did not come up (why, for
      // IT, in the pill's title).
      if (hb && !hb->osVersion.empty()) {
        m += "<br>" + t(f.lang, "terminals.os") + " " + escapeHtml(hb->osVersion);
      }
      if (hb && hb->update.state == "failed") {
        m += "<br><span class=\"pill bad\" title=\"" + escapeHtml(hb->update.detail) + "\">" +
             t(f.lang, "terminals.update_failed") + " " + escapeHtml(hb->update.version) +
             "</span>";
      }
      m += "</td>";
      if (manage) {
        m += "<td>";
        if (!d.revokedAt) {
          m += "<form method=\"post\" action=\"/console/terminals/revoke\" data-confirm=\"" +
               t(f.lang, "terminals.revoke_confirm") + "\">" + csrfField(f) +
               "<input type=\"hidden\" name=\"event\" value=\"" + std::to_string(f.event.id) +
               "\"><input type=\"hidden\" name=\"device\" value=\"" + escapeHtml(d.id) +
               "\"><button type=\"submit\" class=\"danger\" aria-label=\"" +
               t(f.lang, "terminals.revoke") + " " + escapeHtml(d.terminal) + "\">" +
               t(f.lang, "terminals.revoke") + "</button></form>";
        }
        m += "</td>";
      }
      m += "</tr>";
    }
    m += "</tbody></table></div>";
  }
  if (manage) {
    m += "<section class=\"card\"><h2>" + t(f.lang, "enroll.title") +
         "</h2><form method=\"post\" action=\"/console/terminals/enroll\">" + csrfField(f) +
         "<input type=\"hidden\" name=\"event\" value=\"" + std::to_string(f.event.id) +
         "\"><label for=\"terminal\">" + t(f.lang, "enroll.terminal") +
         "</label><input id=\"terminal\" name=\"terminal\" required maxlength=\"40\" "
         "pattern=\"[A-Za-z0-9_\\-]+\" aria-describedby=\"terminal-hint\"><p id=\"terminal-hint\" "
         "class=\"hint\">" +
         t(f.lang, "enroll.hint") + "</p><button type=\"submit\">" + t(f.lang, "enroll.submit") +
         "</button></form></section>";
  }
  return m;
}

std::string enrollMain(const Frame& f, const EnrollmentCode& code) {
  std::string m = "<h1>" + t(f.lang, "enroll.title") + "</h1><section class=\"card enroll\">";
  m += "<p>" + t(f.lang, "enroll.instructions") + "</p>";
  m += "<div class=\"qr\">" + qrSvg(code.code, text(f.lang, "enroll.qr")) + "</div>";
  m += "<dl><dt>" + t(f.lang, "enroll.terminal") + "</dt><dd>" + escapeHtml(code.terminal) +
       "</dd><dt>" + t(f.lang, "enroll.code") + "</dt><dd class=\"code\" id=\"enroll-code\">" +
       escapeHtml(code.code) + "</dd><dt>" + t(f.lang, "enroll.expires") + "</dt><dd>" +
       escapeHtml(dateTime(f.event, code.expiresAt, f.lang)) + "</dd></dl>";
  m += "<p><a href=\"/console/terminals" + eventQuery(f) + "\">" + t(f.lang, "enroll.back") +
       "</a></p></section>";
  return m;
}

std::string qrSvg(std::string_view text, std::string_view label) {
  auto qr = devices::encodeQr(text);
  if (!qr) {
    return {};
  }
  constexpr int kQuiet = 4;
  const int side = qr->size + 2 * kQuiet;
  std::string path;
  for (int y = 0; y < qr->size; ++y) {
    for (int x = 0; x < qr->size; ++x) {
      if (qr->isDark(x, y)) {
        path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h1v1h-1z";
      }
    }
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(side) + " " +
         std::to_string(side) + "\" role=\"img\" aria-label=\"" + escapeHtml(label) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + std::to_string(side) +
         "\" height=\"" + std::to_string(side) + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

// --- Feedback and service requests ---

namespace {

std::string minutesText(Lang lang, Millis span) {
  const auto total =
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::minutes>(span).count());
  const auto h = total / 60;
  const auto m = total % 60;
  std::string out;
  if (h > 0) {
    out = std::to_string(h) + " " + std::string(text(lang, "feedback.hours")) + " ";
  }
  return out + std::to_string(m) + " " + std::string(text(lang, "feedback.minutes"));
}

// "just now", "25 min ago", "2 h 10 min ago" ("刚刚", "2 小时 10 分钟前"), escaped.
std::string ageText(Lang lang, Millis age) {
  if (age < std::chrono::minutes(1)) {
    return t(lang, "feedback.just_now");
  }
  return escapeHtml(minutesText(lang, age)) + (lang == Lang::kZh ? "" : " ") +
         t(lang, "feedback.ago");
}

std::string kindLabel(Lang lang, FeedbackKind kind) {
  return std::string(text(lang, std::string("feedback.kind.") + toString(kind)));
}

std::string feedbackCategoryLabel(Lang lang, const std::string& category) {
  if (category.empty()) {
    return std::string(text(lang, "feedback.cat.none"));
  }
  const auto key = "feedback.cat." + category;
  return hasText(key) ? std::string(text(lang, key)) : category;
}

std::string hidden(std::string_view name, const std::string& value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + escapeHtml(value) +
         "\">";
}

// The clock of one request: due time and what is left, or how late; once answered, when
// and whether in time. Overdue is said in words and marked with a sign, not by colour alone.
std::string clockHtml(const Frame& f, const FeedbackItem& item, TimePoint now) {
  const auto due = item.receivedAt + kAnswerWithin;
  if (item.answeredAt) {
    const bool late = *item.answeredAt > due;
    return "<p class=\"clock " + std::string(late ? "late" : "done") + "\">" +
           t(f.lang, "feedback.answered_at") + " " +
           escapeHtml(clockTime(f.event, *item.answeredAt, f.lang)) + " · " +
           (late ? t(f.lang, "feedback.late") + " " +
                       escapeHtml(minutesText(f.lang, *item.answeredAt - due))
                 : t(f.lang, "feedback.in_time")) +
           "</p>";
  }
  if (isOverdue(item, now)) {
    return "<p class=\"clock overdue\"><strong class=\"flag\">⚠ " + t(f.lang, "feedback.overdue") +
           "</strong> " + t(f.lang, "feedback.due") + " " +
           escapeHtml(clockTime(f.event, due, f.lang)) + " · " + t(f.lang, "feedback.late_by") +
           " " + escapeHtml(minutesText(f.lang, now - due)) + "</p>";
  }
  return "<p class=\"clock\" data-due=\"" + std::to_string(toUnixMillis(due)) + "\">" +
         t(f.lang, "feedback.due") + " <strong>" + escapeHtml(clockTime(f.event, due, f.lang)) +
         "</strong> · " +
         // "1 h 20 min left" / "剩余 1 小时 20 分钟"
         (f.lang == Lang::kZh
              ? t(f.lang, "feedback.left") + " " + escapeHtml(minutesText(f.lang, due - now))
              : escapeHtml(minutesText(f.lang, due - now)) + " " + t(f.lang, "feedback.left")) +
         "</p>";
}

std::string requestCard(const Frame& f, const FeedbackItem& item,
                        const std::vector<std::string>& assignees, TimePoint now,
                        std::string_view filter) {
  const bool act = mayHandleFeedback(f.account.role) && item.state != Handling::kClosed;
  const auto& fb = item.feedback;
  const auto id = escapeHtml(fb.id);
  std::string c = "<li class=\"request" + std::string(isOverdue(item, now) ? " overdue" : "") +
                  "\" data-feedback=\"" + id + "\" data-state=\"" + toString(item.state) +
                  "\"><article aria-labelledby=\"req-" + id + "\">";
  c += "<h2 id=\"req-" + id + "\"><span class=\"kind " + toString(fb.kind) + "\">" +
       escapeHtml(kindLabel(f.lang, fb.kind)) + "</span> " +
       escapeHtml(feedbackCategoryLabel(f.lang, fb.category)) + " · " +
       (item.guestName.empty() ? t(f.lang, "feedback.unknown_guest") : escapeHtml(item.guestName)) +
       "</h2>";
  c += clockHtml(f, item, now);
  c += "<dl class=\"facts\"><div><dt>" + t(f.lang, "feedback.room") + "</dt><dd>" +
       (item.room.empty() ? "-" : escapeHtml(item.room)) + "</dd></div><div><dt>" +
       t(f.lang, "feedback.terminal") + "</dt><dd>" + escapeHtml(fb.terminal) +
       "</dd></div><div><dt>" + t(f.lang, "feedback.received") + "</dt><dd>" +
       escapeHtml(dateTime(f.event, item.receivedAt, f.lang)) +
       // A closed request's age says nothing; an open one's is what the desk weighs.
       (item.state == Handling::kClosed ? std::string()
                                        : " (" + ageText(f.lang, now - item.receivedAt) + ")") +
       "</dd></div><div><dt>" + t(f.lang, "feedback.state") + "</dt><dd>" +
       t(f.lang, std::string("feedback.state.") + toString(item.state)) + "</dd></div><div><dt>" +
       t(f.lang, "feedback.assigned") + "</dt><dd class=\"assignee\">" +
       (item.assignedTo.empty() ? t(f.lang, "feedback.nobody") : escapeHtml(item.assignedTo)) +
       "</dd></div></dl>";
  c += "<figure class=\"words\"><figcaption>" + t(f.lang, "feedback.words") + "</figcaption>";
  c += fb.text.empty() ? "<p class=\"hint\">" + t(f.lang, "feedback.no_words") + "</p>"
                       : "<blockquote>" + escapeHtml(fb.text) + "</blockquote>";
  c += "</figure>";
  if (item.state == Handling::kClosed) {
    c += "<p class=\"note\"><strong>" + t(f.lang, "feedback.closed_note") + ":</strong> " +
         escapeHtml(item.note) + "</p><p class=\"hint\">" + t(f.lang, "feedback.closed_by") + " " +
         escapeHtml(item.closedBy) + " · " +
         (item.closedAt ? escapeHtml(dateTime(f.event, *item.closedAt, f.lang)) : "") + "</p>";
  }
  if (act) {
    const auto common = csrfField(f) + hidden("event", std::to_string(f.event.id)) +
                        hidden("id", fb.id) + hidden("filter", std::string(filter));
    c += "<div class=\"actions\">";
    if (item.assignedTo != f.account.name) {
      c += "<form method=\"post\" action=\"/console/feedback/assign\">" + common +
           hidden("to", f.account.name) + "<button type=\"submit\">" + t(f.lang, "feedback.take") +
           "</button></form>";
    }
    c += "<form method=\"post\" action=\"/console/feedback/assign\" class=\"inline\">" + common +
         "<label for=\"to-" + id + "\">" + t(f.lang, "feedback.assign_to") +
         "</label><select id=\"to-" + id + "\" name=\"to\">";
    for (const auto& a : assignees) {
      c += "<option value=\"" + escapeHtml(a) + "\"" + (a == item.assignedTo ? " selected" : "") +
           ">" + escapeHtml(a) + "</option>";
    }
    c += "</select><button type=\"submit\" class=\"quiet\">" + t(f.lang, "feedback.assign") +
         "</button></form>";
    if (!item.answeredAt) {
      c += "<form method=\"post\" action=\"/console/feedback/answer\">" + common +
           "<button type=\"submit\">" + t(f.lang, "feedback.answer") + "</button></form>";
    }
    c += "<form method=\"post\" action=\"/console/feedback/close\" class=\"close\">" + common +
         "<label for=\"note-" + id + "\">" + t(f.lang, "feedback.note") +
         "</label><textarea id=\"note-" + id +
         "\" name=\"note\" rows=\"2\" maxlength=\"1000\" required></textarea><button "
         "type=\"submit\">" +
         t(f.lang, "feedback.close") + "</button></form>";
    c += "</div>";
  }
  c += "</article></li>";
  return c;
}

bool shownIn(const FeedbackItem& item, FeedbackFilter filter, const std::string& me,
             TimePoint now) {
  if (!isRequest(item)) {
    return false;
  }
  switch (filter) {
    case FeedbackFilter::kOpen:
      return item.state != Handling::kClosed;
    case FeedbackFilter::kOverdue:
      return isOverdue(item, now);
    case FeedbackFilter::kMine:
      return item.state != Handling::kClosed && item.assignedTo == me;
    case FeedbackFilter::kClosed:
      return item.state == Handling::kClosed;
  }
  return false;
}

std::string ratingsHtml(const Frame& f, const std::vector<FeedbackItem>& items,
                        std::string_view headingKey, std::string_view noneKey) {
  std::array<int, 5> stars{};
  int count = 0;
  int sum = 0;
  for (const auto& i : items) {
    if (i.feedback.kind == FeedbackKind::kRating && i.feedback.rating && *i.feedback.rating >= 1 &&
        *i.feedback.rating <= 5) {
      ++count;
      sum += *i.feedback.rating;
      ++stars[static_cast<std::size_t>(*i.feedback.rating - 1)];
    }
  }
  std::string m = "<section class=\"card ratings\"><h2>" + t(f.lang, headingKey) + "</h2>";
  if (count == 0) {
    return m + "<p>" + t(f.lang, noneKey) + "</p></section>";
  }
  char avg[16];
  std::snprintf(avg, sizeof avg, "%.1f", static_cast<double>(sum) / count);
  m += "<p><span class=\"big\" data-average>" + std::string(avg) + "</span> / 5 · " +
       t(f.lang, "feedback.ratings_count") + " " + std::to_string(count) + "</p><table><thead><tr>";
  for (int s = 5; s >= 1; --s) {
    m += "<th scope=\"col\" class=\"num\">" + std::to_string(s) + " " +
         t(f.lang, "feedback.stars") + "</th>";
  }
  m += "</tr></thead><tbody><tr>";
  for (int s = 5; s >= 1; --s) {
    m += "<td class=\"num\">" + std::to_string(stars[static_cast<std::size_t>(s - 1)]) + "</td>";
  }
  return m + "</tr></tbody></table></section>";
}

}  // namespace

bool mayHandleFeedback(Role role) {
  return role == Role::kReception || role == Role::kSupervisor;
}

bool isRequest(const FeedbackItem& item) {
  return item.feedback.kind != FeedbackKind::kRating;
}

bool isOverdue(const FeedbackItem& item, TimePoint now) {
  return isRequest(item) && item.state != Handling::kClosed && !item.answeredAt &&
         now > item.receivedAt + kAnswerWithin;
}

std::optional<FeedbackFilter> parseFeedbackFilter(std::string_view text) {
  for (auto f : {FeedbackFilter::kOpen, FeedbackFilter::kOverdue, FeedbackFilter::kMine,
                 FeedbackFilter::kClosed}) {
    if (text == toString(f)) {
      return f;
    }
  }
  return std::nullopt;
}

const char* toString(FeedbackFilter filter) {
  switch (filter) {
    case FeedbackFilter::kOpen:
      return "open";
    case FeedbackFilter::kOverdue:
      return "overdue";
    case FeedbackFilter::kMine:
      return "mine";
    case FeedbackFilter::kClosed:
      return "closed";
  }
  return "open";
}

std::string feedbackMain(const Frame& f, const FeedbackView& v) {
  const std::string filter = toString(v.filter);
  std::vector<const FeedbackItem*> shown;
  TimePoint since{};
  for (const auto& i : v.items) {
    since = std::max(since, i.receivedAt);
    if (shownIn(i, v.filter, f.account.name, v.now)) {
      shown.push_back(&i);
    }
  }
  // Overdue first, then by due time (oldest first); closed ones newest first.
  std::stable_sort(shown.begin(), shown.end(), [&](const FeedbackItem* a, const FeedbackItem* b) {
    if (v.filter == FeedbackFilter::kClosed) {
      return a->closedAt.value_or(TimePoint{}) > b->closedAt.value_or(TimePoint{});
    }
    return isOverdue(*a, v.now) && !isOverdue(*b, v.now);
  });
  std::string m;
  // New requests arrive open and on time: only the "not closed" view takes them live.
  const bool live = v.filter == FeedbackFilter::kOpen;
  if (live) {
    m += "<div class=\"live\" data-feedback-live=\"/console/feedback.json" + eventQuery(f) +
         "&amp;filter=" + filter + "\" data-since=\"" + std::to_string(toUnixMillis(since)) +
         "\" data-offline=\"" + t(f.lang, "arrivals.offline") + "\" data-updated=\"" +
         t(f.lang, "arrivals.updated") + "\" data-overdue=\"⚠ " + t(f.lang, "feedback.overdue") +
         "\"></div>";
  }
  m += "<h1>" + t(f.lang, "feedback.title") +
       (live ? " <span class=\"status\" id=\"live\">" + t(f.lang, "arrivals.live") + "</span>"
             : std::string()) +
       "</h1>";
  m += "<p id=\"announce\" class=\"sr-only\" aria-live=\"polite\" data-label=\"" +
       t(f.lang, "feedback.new") + "\"></p>";
  m += "<p class=\"rule\">" + t(f.lang, "feedback.rule") + " <a href=\"/console/feedback/summary" +
       eventQuery(f) + "\">" + t(f.lang, "feedback.summary") + "</a></p>";
  if (!v.noticeKey.empty()) {
    m += v.noticeIsError ? "<p class=\"error\" role=\"alert\">" + t(f.lang, v.noticeKey) + "</p>"
                         : "<p class=\"notice\" role=\"status\">" + t(f.lang, v.noticeKey) + "</p>";
  }
  m += "<nav class=\"filters\" aria-label=\"" + t(f.lang, "feedback.filter") + "\">";
  for (auto x : {FeedbackFilter::kOpen, FeedbackFilter::kOverdue, FeedbackFilter::kMine,
                 FeedbackFilter::kClosed}) {
    int n = 0;
    for (const auto& i : v.items) {
      n += shownIn(i, x, f.account.name, v.now) ? 1 : 0;
    }
    m += "<a href=\"/console/feedback" + eventQuery(f) + "&amp;filter=" + toString(x) + "\"" +
         (x == v.filter ? " aria-current=\"page\"" : "") + ">" +
         t(f.lang, std::string("feedback.filter.") + toString(x)) + " <span class=\"count\"" +
         (x == FeedbackFilter::kOpen ? " data-count=\"open\"" : "") + ">" + std::to_string(n) +
         "</span></a>";
  }
  m += "</nav>";
  m += "<p class=\"hint\" id=\"queue-empty\"" + std::string(shown.empty() ? "" : " hidden") + ">" +
       t(f.lang, "feedback.none") + "</p>";
  m += "<ol class=\"queue\" id=\"queue\">";
  for (const auto* i : shown) {
    m += requestCard(f, *i, v.assignees, v.now, filter);
  }
  m += "</ol>";
  m += ratingsHtml(f, v.items, "feedback.ratings_event", "feedback.no_ratings");
  return m;
}

std::string feedbackJson(const Frame& f, const std::vector<FeedbackItem>& fresh,
                         const std::vector<std::string>& assignees, TimePoint since,
                         TimePoint now) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : fresh) {
    since = std::max(since, i.receivedAt);
    if (!isRequest(i) || i.state == Handling::kClosed) {
      continue;
    }
    // The row as the page renders it (every value escaped here), so the script adds it
    // as it is and the page has one renderer.
    list.push_back(
        {{"id", i.feedback.id},
         {"label", kindLabel(f.lang, i.feedback.kind) + " · " +
                       (i.guestName.empty() ? std::string(text(f.lang, "feedback.unknown_guest"))
                                            : i.guestName)},
         {"html", requestCard(f, i, assignees, now, "open")}});
  }
  return nlohmann::json{{"since", toUnixMillis(since)},
                        {"now", toUnixMillis(now)},
                        {"updated", formatLocal(now, f.event.timezone, "HH:mm:ss", tag(f.lang))},
                        {"requests", list}}
      .dump();
}

std::string summaryMain(const Frame& f, const SummaryView& v) {
  std::string m = "<h1>" + t(f.lang, "summary.title") + " <span class=\"day\">" +
                  escapeHtml(v.day) + "</span></h1>";
  m += "<form method=\"get\" action=\"/console/feedback/summary\" class=\"inline noprint\">" +
       hidden("event", std::to_string(f.event.id)) + "<label for=\"day\">" +
       t(f.lang, "summary.day") + "</label><input id=\"day\" name=\"day\" type=\"date\" value=\"" +
       escapeHtml(v.day) + "\" required><button type=\"submit\">" + t(f.lang, "summary.show") +
       "</button><button type=\"button\" class=\"quiet\" data-print>" + t(f.lang, "summary.print") +
       "</button></form>";
  if (!v.errorKey.empty()) {
    return m + "<p class=\"error\" role=\"alert\">" + t(f.lang, v.errorKey) + "</p>";
  }
  // On paper the header is gone: the report names its event and when it was made.
  m += "<p>" + t(f.lang, "event.label") + escapeHtml(f.event.name) + " · " +
       t(f.lang, "summary.made_at") + " " + escapeHtml(dateTime(f.event, v.now, f.lang)) + "</p>";
  m += "<p class=\"hint\">" +
       (v.eventZone ? t(f.lang, "summary.zone_event") + escapeHtml(f.event.timezone)
                    : t(f.lang, "summary.zone_server")) +
       "</p>";
  std::map<FeedbackKind, int> byKind;
  std::map<std::pair<FeedbackKind, std::string>, int> byCategory;
  int inTime = 0;
  int late = 0;
  int open = 0;
  int closed = 0;
  for (const auto& i : v.items) {
    ++byKind[i.feedback.kind];
    if (!isRequest(i)) {
      continue;
    }
    ++byCategory[{i.feedback.kind, i.feedback.category}];
    if (i.answeredAt) {
      ++(*i.answeredAt <= i.receivedAt + kAnswerWithin ? inTime : late);
    } else {
      ++open;
    }
    closed += i.state == Handling::kClosed ? 1 : 0;
  }
  m += "<div class=\"columns\"><section class=\"card\"><h2>" + t(f.lang, "summary.by_kind") +
       "</h2><table><thead><tr><th scope=\"col\">" + t(f.lang, "summary.kind") +
       "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "summary.count") +
       "</th></tr></thead><tbody>";
  for (auto k : {FeedbackKind::kRepair, FeedbackKind::kComplaint, FeedbackKind::kRating}) {
    m += "<tr><th scope=\"row\">" + escapeHtml(kindLabel(f.lang, k)) +
         "</th><td class=\"num\" data-kind=\"" + toString(k) + "\">" + std::to_string(byKind[k]) +
         "</td></tr>";
  }
  m += "</tbody></table></section>";
  m += "<section class=\"card\"><h2>" + t(f.lang, "summary.response") +
       "</h2><table><tbody><tr><th scope=\"row\">" + t(f.lang, "summary.in_time") +
       "</th><td class=\"num\" data-in-time>" + std::to_string(inTime) +
       "</td></tr><tr><th scope=\"row\">" + t(f.lang, "summary.late") +
       "</th><td class=\"num\" data-late>" + std::to_string(late) +
       "</td></tr><tr><th scope=\"row\">" + t(f.lang, "summary.still_open") +
       "</th><td class=\"num\" data-open>" + std::to_string(open) +
       "</td></tr><tr><th scope=\"row\">" + t(f.lang, "summary.closed") +
       "</th><td class=\"num\" data-closed>" + std::to_string(closed) +
       "</td></tr></tbody></table></section></div>";
  m += "<div class=\"columns\"><section class=\"card\"><h2>" + t(f.lang, "summary.by_category") +
       "</h2>";
  if (byCategory.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  } else {
    m += "<table><thead><tr><th scope=\"col\">" + t(f.lang, "summary.kind") +
         "</th><th scope=\"col\">" + t(f.lang, "summary.category") +
         "</th><th scope=\"col\" class=\"num\">" + t(f.lang, "summary.count") +
         "</th></tr></thead><tbody>";
    for (const auto& [key, n] : byCategory) {
      m += "<tr><td>" + escapeHtml(kindLabel(f.lang, key.first)) + "</td><td>" +
           escapeHtml(feedbackCategoryLabel(f.lang, key.second)) + "</td><td class=\"num\">" +
           std::to_string(n) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>" + ratingsHtml(f, v.items, "feedback.ratings", "summary.no_ratings") + "</div>";
  return m;
}

}  // namespace kiosk::central::console
