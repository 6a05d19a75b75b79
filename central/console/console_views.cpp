#include "central/console/console_views.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>

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
  for (const auto* page : {"arrivals", "terminals"}) {
    h += "<a href=\"/console/" + std::string(page) + eventQuery(f) + "\"";
    if (f.current == page) {
      h += " aria-current=\"page\"";
    }
    h += ">" + t(f.lang, std::string("nav.") + page) + "</a>";
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

std::string arrivalsMain(const Frame& f, const std::vector<ArrivalRow>& rows, TimePoint since) {
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
  std::string m = "<div class=\"live\" data-live=\"/console/arrivals.json" + eventQuery(f) +
                  "\" data-since=\"" + std::to_string(toUnixMillis(since)) + "\" data-offline=\"" +
                  t(f.lang, "arrivals.offline") + "\" data-updated=\"" +
                  t(f.lang, "arrivals.updated") + "\"></div>";
  // The clock line changes every second: not announced. New arrivals are (#announce).
  m += "<h1>" + t(f.lang, "arrivals.title") + " <span class=\"status\" id=\"live\">" +
       t(f.lang, "arrivals.live") + "</span></h1>";
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
    m += "<tr data-guest=\"" + std::to_string(r->guest.id) + "\"><td>" + escapeHtml(r->guest.name) +
         "</td><td>" + escapeHtml(categoryLabel(f.lang, r->guest.category)) + "</td><td>" +
         escapeHtml(r->guest.company) + "</td></tr>";
  }
  m += "</tbody></table></section></div>";
  return m;
}

std::string arrivalsJson(const Frame& f, const std::vector<ArrivalRow>& rows, TimePoint since,
                         TimePoint now) {
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
  return nlohmann::json{{"since", toUnixMillis(since)},
                        {"updated", formatLocal(now, f.event.timezone, "HH:mm:ss", tag(f.lang))},
                        {"arrivals", list}}
      .dump();
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
      m += "<td>" + escapeHtml(d.version.empty() ? std::string("-") : d.version) + "</td>";
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

}  // namespace kiosk::central::console
