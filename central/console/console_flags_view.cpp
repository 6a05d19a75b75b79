// The flags pages as HTML: the open flags by kind, the resolved ones with their decision, and
// one flag's two records side by side. A field that differs between the records says so in
// words ("differs"), not only by colour.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "central/console/console_flags.h"
#include "kiosk/core/local_time.h"

namespace kiosk::central::console {

namespace {

constexpr std::array kKinds{FlagKind::kSecondAdmission, FlagKind::kSkewed, FlagKind::kConflict};

std::string t(Lang lang, std::string_view key) {
  return escapeHtml(text(lang, key));
}

std::string k(std::string_view a, std::string_view b) {
  return std::string(a) + std::string(b);
}

// To the second: the order of two scans is what a flag is about.
std::string when(const Frame& f, const std::optional<TimePoint>& at) {
  return at ? formatLocal(*at, f.event.timezone, "yyyy-MM-dd HH:mm:ss", tag(f.lang)) : "-";
}

std::string hidden(std::string_view name, const std::string& value) {
  return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + escapeHtml(value) +
         "\">";
}

std::string flagLink(const Frame& f, const FlagItem& item) {
  return "/console/flags/item?event=" + std::to_string(f.event.id) +
         "&amp;kind=" + toString(item.kind) + "&amp;id=" + escapeHtml(item.flagId);
}

std::string guestOf(const Frame& f, const FlagItem& item) {
  const auto& r = item.flagged ? item.flagged : item.other;
  if (!r) {
    return "-";
  }
  return r->guestName.empty() ? t(f.lang, "flags.unknown_guest") : escapeHtml(r->guestName);
}

std::string decisionText(Lang lang, const std::string& decision) {
  const auto key = "flags.decision." + decision;
  return escapeHtml(hasText(key) ? text(lang, key) : std::string_view(decision));
}

// A document's value for the table: strings as they are, the rest as JSON.
std::string shown(const nlohmann::json& doc, const std::string& field) {
  if (!doc.is_object() || !doc.contains(field)) {
    return {};
  }
  const auto& v = doc.at(field);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// A span as a person reads it: seconds, minutes, hours or days (rounded).
std::string spanText(Lang lang, Millis span) {
  const auto ms = std::abs(span.count());
  auto n = [&](std::int64_t unit) { return std::to_string((ms + unit / 2) / unit); };
  constexpr std::int64_t kMinute = 60'000;
  if (ms < kMinute) {
    return n(1000) + std::string(text(lang, "flags.unit.s"));
  }
  if (ms < 120 * kMinute) {
    return n(kMinute) + std::string(text(lang, "flags.unit.min"));
  }
  if (ms < 48 * 60 * kMinute) {
    return n(60 * kMinute) + std::string(text(lang, "flags.unit.h"));
  }
  return n(24 * 60 * kMinute) + std::string(text(lang, "flags.unit.d"));
}

// "The scan time is 60 min ahead of the time central received it": the gap a skewed record
// is about, in words.
std::string gapText(Lang lang, const FlagRecord& r) {
  if (!r.scannedAt || !r.receivedAt) {
    return {};
  }
  const auto gap = std::chrono::duration_cast<Millis>(*r.scannedAt - *r.receivedAt);
  std::string s(text(lang, gap.count() >= 0 ? "flags.gap.ahead" : "flags.gap.behind"));
  const auto at = s.find("{}");
  if (at != std::string::npos) {
    s.replace(at, 2, spanText(lang, gap));
  }
  return escapeHtml(s);
}

struct Row {
  std::string label;  // HTML
  std::string left;   // text
  std::string right;  // text
};

std::string compareTable(const Frame& f, const FlagItem& item) {
  const auto& a = item.flagged;
  const auto& b = item.other;
  auto side = [](const std::optional<FlagRecord>& r, auto get) {
    return r ? std::string(get(*r)) : std::string("-");
  };
  auto state = [&](const FlagRecord& r) {
    std::string s;
    if (r.undone) {
      s += text(f.lang, "flags.state.undone");
    }
    if (r.skewed) {
      s += (s.empty() ? "" : "; ") + std::string(text(f.lang, "flags.state.skewed"));
    }
    return s.empty() ? std::string(text(f.lang, "flags.state.in_force")) : s;
  };
  std::vector<Row> rows{
      {t(f.lang, "flags.field.id"), side(a, [](auto& r) { return r.id; }),
       side(b, [](auto& r) { return r.id; })},
      {t(f.lang, "flags.field.guest"),
       side(a, [](auto& r) { return r.guestName + " (" + std::to_string(r.guestId) + ")"; }),
       side(b, [](auto& r) { return r.guestName + " (" + std::to_string(r.guestId) + ")"; })},
      {t(f.lang, "flags.field.terminal"), side(a, [](auto& r) { return r.terminal; }),
       side(b, [](auto& r) { return r.terminal; })},
      {t(f.lang, "flags.field.device"), side(a, [](auto& r) { return r.device; }),
       side(b, [](auto& r) { return r.device; })},
      {t(f.lang, "flags.field.staff"),
       side(a, [](auto& r) { return r.staffId.empty() ? std::string("-") : r.staffId; }),
       side(b, [](auto& r) { return r.staffId.empty() ? std::string("-") : r.staffId; })},
      {t(f.lang, "flags.field.scanned"), side(a, [&](auto& r) { return when(f, r.scannedAt); }),
       side(b, [&](auto& r) { return when(f, r.scannedAt); })},
      {t(f.lang, "flags.field.received"), side(a, [&](auto& r) { return when(f, r.receivedAt); }),
       side(b, [&](auto& r) { return when(f, r.receivedAt); })},
      {t(f.lang, "flags.field.state"), side(a, state), side(b, state)},
  };
  // Every field of the two documents, in their order; the id is above.
  const auto da = nlohmann::json::parse(a ? a->doc : "{}", nullptr, false);
  const auto db = nlohmann::json::parse(b ? b->doc : "{}", nullptr, false);
  std::vector<std::string> fields;
  for (const auto* d : {&da, &db}) {
    if (d->is_object()) {
      for (const auto& [name, value] : d->items()) {
        if (name != "id" && std::find(fields.begin(), fields.end(), name) == fields.end()) {
          fields.push_back(name);
        }
      }
    }
  }
  for (const auto& name : fields) {
    rows.push_back({"<code>" + escapeHtml(name) + "</code>", shown(da, name), shown(db, name)});
  }
  const bool both = a && b;
  std::string h = "<div class=\"scroll\"><table class=\"compare\"><caption>" +
                  t(f.lang, "flags.compare") + "</caption><thead><tr><th scope=\"col\">" +
                  t(f.lang, "flags.field") + "</th><th scope=\"col\">" +
                  t(f.lang, k("flags.left.", toString(item.kind))) + "</th><th scope=\"col\">" +
                  t(f.lang, k("flags.right.", toString(item.kind))) + "</th><th scope=\"col\">" +
                  t(f.lang, "flags.same_or_not") + "</th></tr></thead><tbody>";
  for (const auto& r : rows) {
    const bool differs = both && r.left != r.right;
    h += std::string("<tr") + (differs ? " class=\"differs\"" : "") + "><th scope=\"row\">" +
         r.label + "</th><td>" + escapeHtml(r.left) + "</td><td>" + escapeHtml(r.right) +
         "</td><td>" +
         (!both     ? "-"
          : differs ? "<strong class=\"mark\">" + t(f.lang, "flags.differs") + "</strong>"
                    : t(f.lang, "flags.same")) +
         "</td></tr>";
  }
  h += "</tbody></table></div>";
  return h;
}

std::string resolvedRow(const Frame& f, const FlagItem& item) {
  const auto& r = *item.resolution;
  return "<tr data-flag=\"" + escapeHtml(item.flagId) + "\"><td>" +
         t(f.lang, k("flags.kind.", toString(item.kind))) + "</td><td>" + guestOf(f, item) +
         "</td><td><a href=\"" + flagLink(f, item) + "\">" + escapeHtml(item.recordId) +
         "</a></td><td>" + decisionText(f.lang, r.decision) + "</td><td class=\"note\">" +
         escapeHtml(r.note) + "</td><td>" + escapeHtml(r.account) + "</td><td>" +
         escapeHtml(when(f, r.at)) + "</td></tr>";
}

}  // namespace

std::string flagsMain(const Frame& f, const FlagsView& v) {
  std::string m = "<h1>" + t(f.lang, "flags.title") + "</h1>";
  m += "<p class=\"rule\">" + t(f.lang, "flags.rule") + "</p>";
  if (!v.noticeKey.empty()) {
    m += "<p class=\"notice\" role=\"status\">" + t(f.lang, v.noticeKey) + "</p>";
  }
  std::size_t open = 0;
  for (const auto& i : v.items) {
    open += i.resolution ? 0 : 1;
  }
  m += "<section aria-labelledby=\"open-flags\"><h2 id=\"open-flags\">" + t(f.lang, "flags.open") +
       " (" + std::to_string(open) + ")</h2>";
  for (auto kind : kKinds) {
    std::vector<const FlagItem*> items;
    for (const auto& i : v.items) {
      if (i.kind == kind && !i.resolution) {
        items.push_back(&i);
      }
    }
    const auto id = std::string("kind-") + toString(kind);
    m += "<section class=\"flag-kind\" data-kind=\"" + std::string(toString(kind)) +
         "\" aria-labelledby=\"" + id + "\"><h3 id=\"" + id + "\">" +
         t(f.lang, k("flags.kind.", toString(kind))) + " (" + std::to_string(items.size()) +
         ")</h3><p class=\"hint\">" + t(f.lang, k("flags.about.", toString(kind))) + "</p>";
    if (items.empty()) {
      m += "<p>" + t(f.lang, "flags.none") + "</p></section>";
      continue;
    }
    m += "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">" +
         t(f.lang, "flags.col.received") + "</th><th scope=\"col\">" +
         t(f.lang, "flags.col.guest") + "</th><th scope=\"col\">" +
         t(f.lang, "flags.col.terminal") + "</th><th scope=\"col\">" +
         t(f.lang, "flags.col.record") + "</th></tr></thead><tbody>";
    for (const auto* i : items) {
      m += "<tr data-flag=\"" + escapeHtml(i->flagId) + "\"><td>" +
           escapeHtml(when(f, i->raisedAt)) + "</td><td>" + guestOf(f, *i) + "</td><td>" +
           (i->flagged ? escapeHtml(i->flagged->device) : std::string("-")) +
           "</td><td><a href=\"" + flagLink(f, *i) + "\">" + t(f.lang, "flags.look") +
           " <span class=\"sr-only\">" + escapeHtml(i->recordId) + "</span></a></td></tr>";
    }
    m += "</tbody></table></div></section>";
  }
  m += "</section>";
  std::vector<const FlagItem*> resolved;
  for (const auto& i : v.items) {
    if (i.resolution) {
      resolved.push_back(&i);
    }
  }
  std::stable_sort(resolved.begin(), resolved.end(), [](const FlagItem* a, const FlagItem* b) {
    return a->resolution->at > b->resolution->at;
  });
  m += "<section id=\"resolved\" aria-labelledby=\"resolved-flags\"><h2 id=\"resolved-flags\">" +
       t(f.lang, "flags.resolved") + " (" + std::to_string(resolved.size()) + ")</h2>";
  if (resolved.empty()) {
    m += "<p>" + t(f.lang, "flags.none") + "</p>";
  } else {
    m += "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">" +
         t(f.lang, "flags.col.kind") + "</th><th scope=\"col\">" + t(f.lang, "flags.col.guest") +
         "</th><th scope=\"col\">" + t(f.lang, "flags.col.record") + "</th><th scope=\"col\">" +
         t(f.lang, "flags.col.decision") + "</th><th scope=\"col\">" + t(f.lang, "flags.col.note") +
         "</th><th scope=\"col\">" + t(f.lang, "flags.col.by") + "</th><th scope=\"col\">" +
         t(f.lang, "flags.col.at") + "</th></tr></thead><tbody>";
    for (const auto* i : resolved) {
      m += resolvedRow(f, *i);
    }
    m += "</tbody></table></div>";
  }
  m += "</section>";
  return m;
}

std::string flagMain(const Frame& f, const FlagItem& item, std::string_view errorKey,
                     std::string_view note) {
  std::string m = "<p><a href=\"/console/flags?event=" + std::to_string(f.event.id) + "\">" +
                  t(f.lang, "flags.back") + "</a></p>";
  m +=
      "<h1>" + t(f.lang, k("flags.kind.", toString(item.kind))) + ": " + guestOf(f, item) + "</h1>";
  m += "<p class=\"rule\">" + t(f.lang, k("flags.about.", toString(item.kind))) + "</p>";
  if (item.kind == FlagKind::kConflict && !item.reason.empty()) {
    // Central's reasons are English sentences of its own; the known ones are in the catalog.
    const auto known =
        item.reason.find("another check-in") != std::string::npos ? "flags.reason.checkin"
        : item.reason.find("another record") != std::string::npos ? "flags.reason.record"
                                                                  : "";
    m += "<p>" + t(f.lang, "flags.reason") + " " +
         (*known != '\0' ? t(f.lang, known) : escapeHtml(item.reason)) + " (" +
         escapeHtml(item.recordKind) + ")</p>";
  }
  if (item.kind == FlagKind::kSkewed && item.flagged) {
    m += "<p class=\"gap\"><strong>" + gapText(f.lang, *item.flagged) + "</strong></p>";
  }
  if (!item.other) {
    m += "<p class=\"hint\">" +
         t(f.lang, item.kind == FlagKind::kConflict ? "flags.other_not_shown" : "flags.no_other") +
         "</p>";
  }
  m += compareTable(f, item);
  if (item.resolution) {
    const auto& r = *item.resolution;
    m += "<section class=\"card\" aria-labelledby=\"decision\"><h2 id=\"decision\">" +
         t(f.lang, "flags.resolved_as") + "</h2><dl class=\"facts\"><div><dt>" +
         t(f.lang, "flags.col.decision") + "</dt><dd>" + decisionText(f.lang, r.decision) +
         "</dd></div><div><dt>" + t(f.lang, "flags.col.by") + "</dt><dd>" + escapeHtml(r.account) +
         "</dd></div><div><dt>" + t(f.lang, "flags.col.at") + "</dt><dd>" +
         escapeHtml(when(f, r.at)) + "</dd></div></dl><p class=\"note\"><strong>" +
         t(f.lang, "flags.col.note") + ":</strong> " + escapeHtml(r.note) + "</p></section>";
    return m;
  }
  m += "<section class=\"card\" aria-labelledby=\"resolve\"><h2 id=\"resolve\">" +
       t(f.lang, "flags.resolve") + "</h2>";
  if (!errorKey.empty()) {
    m += "<p class=\"error\" role=\"alert\">" + t(f.lang, errorKey) + "</p>";
  }
  m += "<form method=\"post\" action=\"/console/flags/resolve\" class=\"resolve\">" +
       hidden("csrf", f.csrf) + hidden("event", std::to_string(f.event.id)) +
       hidden("kind", toString(item.kind)) + hidden("id", item.flagId);
  m += "<fieldset><legend>" + t(f.lang, "flags.decision") + "</legend>";
  for (auto d : decisionsFor(item.kind)) {
    const auto id = "decision-" + std::string(d);
    m += "<div class=\"choice\"><input type=\"radio\" id=\"" + id +
         "\" name=\"decision\" value=\"" + std::string(d) + "\" required><label for=\"" + id +
         "\">" + decisionText(f.lang, std::string(d)) + "</label></div>";
  }
  m += "</fieldset><label for=\"note\">" + t(f.lang, "flags.note") +
       "</label><textarea id=\"note\" name=\"note\" rows=\"3\" maxlength=\"1000\" required>" +
       escapeHtml(note) + "</textarea><p class=\"hint\">" + t(f.lang, "flags.note_hint") +
       "</p><button type=\"submit\">" + t(f.lang, "flags.submit") + "</button></form></section>";
  return m;
}

}  // namespace kiosk::central::console
