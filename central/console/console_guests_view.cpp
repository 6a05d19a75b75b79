// The guests pages as HTML (see console_guests.h).
#include <string>

#include "central/console/console_guests.h"
#include "kiosk/core/local_time.h"

namespace kiosk::central::console {

namespace {

std::string t(Lang lang, std::string_view key) {
  return escapeHtml(text(lang, key));
}

std::string csrfField(const Frame& f) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escapeHtml(f.csrf) + "\">";
}

std::string eventQuery(const Frame& f) {
  return "?event=" + std::to_string(f.event.id);
}

std::string when(const Frame& f, TimePoint at) {
  return escapeHtml(formatLocal(at, f.event.timezone, "yyyy-MM-dd HH:mm", tag(f.lang)));
}

std::string orDash(std::string_view s) {
  return s.empty() ? std::string("-") : escapeHtml(s);
}

std::string statusPill(Lang lang, GuestStatus s) {
  const char* cls = s == GuestStatus::kActive      ? "ok"
                    : s == GuestStatus::kCancelled ? "revoked"
                                                   : "bad";
  return "<span class=\"pill " + std::string(cls) + "\">" +
         t(lang, std::string("guest.status.") + toString(s)) + "</span>";
}

std::string notice(Lang lang, std::string_view key, bool isError) {
  if (key.empty()) {
    return {};
  }
  return isError ? "<p class=\"error\" role=\"alert\">" + t(lang, key) + "</p>"
                 : "<p class=\"notice\" role=\"status\">" + t(lang, key) + "</p>";
}

std::string pageLink(const Frame& f, const GuestSearchView& v, std::size_t page,
                     std::string_view key) {
  return "<a href=\"/console/guests" + eventQuery(f) + "&amp;q=" + escapeHtml(urlEncode(v.query)) +
         "&amp;page=" + std::to_string(page) + "\">" + t(f.lang, key) + "</a>";
}

// A row of definitions; empty values are left out.
void dd(std::string& m, const Frame& f, std::string_view key, std::string_view value) {
  if (!value.empty()) {
    m += "<dt>" + t(f.lang, key) + "</dt><dd>" + escapeHtml(value) + "</dd>";
  }
}

std::string fieldLabelKey(std::string_view field) {
  // "transport.0.pickup_time" -> "field.transport.pickup_time"
  std::string key(field);
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
    auto next = key.find('.', dot + 1);
    if (next != std::string::npos && key.find_first_not_of("0123456789", dot + 1) == next) {
      key.erase(dot, next - dot);
      break;
    }
  }
  return "field." + key;
}

}  // namespace

std::string guestsMain(const Frame& f, const GuestSearchView& v) {
  std::string m = "<h1>" + t(f.lang, "guests.title") + "</h1>";
  m += notice(f.lang, v.noticeKey, v.noticeIsError);
  m += "<section class=\"card\"><form method=\"get\" action=\"/console/guests\" role=\"search\" "
       "class=\"search\"><input type=\"hidden\" name=\"event\" value=\"" +
       std::to_string(f.event.id) + "\"><label for=\"q\">" + t(f.lang, "guests.search_label") +
       "</label><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" "
       "aria-describedby=\"q-hint\" value=\"" +
       escapeHtml(v.query) + "\"><button type=\"submit\">" + t(f.lang, "guests.search") +
       "</button><p id=\"q-hint\" class=\"hint\">" + t(f.lang, "guests.hint") +
       "</p></form></section>";
  m += "<details class=\"card\"" + std::string(v.noticeIsError ? " open" : "") + "><summary>" +
       t(f.lang, "guests.walk_in") +
       "</summary><form method=\"post\" action=\"/console/guests/walk-in\" class=\"walk-in\">" +
       csrfField(f) + "<input type=\"hidden\" name=\"event\" value=\"" +
       std::to_string(f.event.id) + "\"><label for=\"w-name\">" + t(f.lang, "arrivals.name") +
       "</label><input id=\"w-name\" name=\"name\" required maxlength=\"200\"><label "
       "for=\"w-phone\">" +
       t(f.lang, "guest.phone") +
       "</label><input id=\"w-phone\" name=\"phone\" type=\"tel\" maxlength=\"40\"><label "
       "for=\"w-company\">" +
       t(f.lang, "arrivals.company") +
       "</label><input id=\"w-company\" name=\"company\" maxlength=\"200\"><label "
       "for=\"w-category\">" +
       t(f.lang, "arrivals.category") + "</label><select id=\"w-category\" name=\"category\">";
  for (auto c : {GuestCategory::kBusiness, GuestCategory::kGovernment, GuestCategory::kPress,
                 GuestCategory::kStaff, GuestCategory::kOther}) {
    m += "<option value=\"" + std::string(toString(c)) + "\">" +
         t(f.lang, std::string("category.") + toString(c)) + "</option>";
  }
  m += "</select><button type=\"submit\">" + t(f.lang, "guests.walk_in_submit") +
       "</button></form></details>";
  m += "<section aria-labelledby=\"results\"><h2 id=\"results\">" + t(f.lang, "guests.results") +
       " <span class=\"count\" data-total=\"" + std::to_string(v.total) + "\">" +
       std::to_string(v.total) + "</span></h2>";
  if (v.hits.empty()) {
    m += "<p>" + t(f.lang, "guests.none") + "</p>";
  } else {
    m += "<div class=\"scroll\"><table class=\"guests\"><thead><tr><th scope=\"col\">" +
         t(f.lang, "arrivals.name") + "</th><th scope=\"col\">" + t(f.lang, "arrivals.company") +
         "</th><th scope=\"col\">" + t(f.lang, "arrivals.category") + "</th><th scope=\"col\">" +
         t(f.lang, "guest.booking_code") + "</th><th scope=\"col\">" +
         t(f.lang, "guest.phone_tail") + "</th><th scope=\"col\">" +
         t(f.lang, "field.lodging.room") + "</th><th scope=\"col\">" + t(f.lang, "guest.status") +
         "</th></tr></thead><tbody>";
    for (const auto& g : v.hits) {
      const auto tail = g.phone.size() > 4 ? g.phone.substr(g.phone.size() - 4) : g.phone;
      m += "<tr data-guest=\"" + std::to_string(g.id) + "\"><td><a href=\"/console/guests/view" +
           eventQuery(f) + "&amp;id=" + std::to_string(g.id) + "\">" + escapeHtml(g.name) +
           "</a></td><td>" + escapeHtml(g.company) + "</td><td>" +
           t(f.lang, std::string("category.") + toString(g.category)) + "</td><td>" +
           escapeHtml(g.bookingCode) + "</td><td>" + orDash(tail) + "</td><td>" +
           orDash(g.lodging.room) + "</td><td>" + statusPill(f.lang, g.status) + "</td></tr>";
    }
    m += "</tbody></table></div>";
    const auto pages = (v.total + kGuestsPerPage - 1) / kGuestsPerPage;
    if (pages > 1) {
      m += "<nav class=\"filters\" aria-label=\"" + t(f.lang, "guests.pages") + "\">";
      if (v.page > 0) {
        m += pageLink(f, v, v.page - 1, "guests.prev");
      }
      m += "<span>" + t(f.lang, "guests.page") + " " + std::to_string(v.page + 1) + " / " +
           std::to_string(pages) + "</span>";
      if (v.page + 1 < pages) {
        m += pageLink(f, v, v.page + 1, "guests.next");
      }
      m += "</nav>";
    }
  }
  m += "</section>";
  return m;
}

std::string guestMain(const Frame& f, const GuestPageView& v) {
  const auto& g = v.guest;
  const auto id = std::to_string(g.id);
  std::string m =
      "<p><a href=\"/console/guests" + eventQuery(f) + "\">" + t(f.lang, "guest.back") + "</a></p>";
  m += "<h1>" + escapeHtml(g.name) + " " + statusPill(f.lang, g.status) + "</h1>";
  m += notice(f.lang, v.noticeKey, v.noticeIsError);
  if (!v.noticeDetail.empty()) {
    m += "<p class=\"hint\" data-mail-detail=\"1\">" + escapeHtml(v.noticeDetail) + "</p>";
  }
  m += "<div class=\"columns\"><section class=\"card\"><h2>" + t(f.lang, "guest.about") +
       "</h2><dl class=\"pairs\">";
  dd(m, f, "guest.booking_code", g.bookingCode);
  m += "<dt>" + t(f.lang, "arrivals.category") + "</dt><dd>" +
       t(f.lang, std::string("category.") + toString(g.category)) + "</dd>";
  dd(m, f, "arrivals.company", g.company);
  dd(m, f, "guest.job_title", g.title);
  dd(m, f, "guest.phone", g.phone);
  dd(m, f, "guest.email", g.email);
  dd(m, f, "arrivals.host", g.host);
  m += "</dl></section>";

  m += "<section class=\"card needs\"><h2>" + t(f.lang, "guest.needs") + "</h2>";
  if (v.needsChange) {
    const auto& c = *v.needsChange;
    m += "<p class=\"changed\" data-needs-changed=\"1\"><strong>" +
         t(f.lang, "guest.needs_changed") + "</strong> " + when(f, c.scannedAt) + " · " +
         escapeHtml(c.terminal) + "</p>";
  }
  // The roster keeps what was booked; the guest's word at the terminal is the newer one.
  const auto current = v.needsChange ? v.needsChange->confirmedNeeds : g.needs;
  const auto previous = v.needsChange ? v.needsChange->previousNeeds.value_or(g.needs) : g.needs;
  auto need = [&](std::string_view key, const std::string& now, const std::string& before) {
    m += "<dt>" + t(f.lang, key) + "</dt><dd>" + orDash(now);
    if (v.needsChange && now != before) {
      m += " <span class=\"was\">(" + t(f.lang, "guest.was") + " " + orDash(before) + ")</span>";
    }
    m += "</dd>";
  };
  m += "<dl class=\"pairs\">";
  need("guest.diet", current.diet, previous.diet);
  need("guest.allergies", current.allergies, previous.allergies);
  need("guest.accessibility", current.accessibility, previous.accessibility);
  m += "</dl></section></div>";

  m += "<div class=\"columns\"><section class=\"card\"><h2>" + t(f.lang, "guest.lodging") +
       "</h2><dl class=\"pairs\">";
  dd(m, f, "field.lodging.hotel", g.lodging.hotel);
  dd(m, f, "field.lodging.room", g.lodging.room);
  dd(m, f, "guest.floor", g.lodging.floor);
  dd(m, f, "guest.checkin_date", g.lodging.checkinDate);
  dd(m, f, "guest.checkout_date", g.lodging.checkoutDate);
  dd(m, f, "guest.door_card", g.lodging.doorCardPickup);
  m += "</dl></section><section class=\"card\"><h2>" + t(f.lang, "guest.transport") + "</h2>";
  if (g.transport.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  }
  for (const auto& leg : g.transport) {
    m += "<dl class=\"pairs\">";
    dd(m, f, "field.transport.vehicle", leg.vehicle);
    dd(m, f, "field.transport.driver", leg.driver);
    dd(m, f, "field.transport.driver_phone", leg.driverPhone);
    if (leg.pickupTime) {
      m += "<dt>" + t(f.lang, "field.transport.pickup_time") + "</dt><dd>" +
           when(f, *leg.pickupTime) + "</dd>";
    }
    dd(m, f, "field.transport.pickup_place", leg.pickupPlace);
    dd(m, f, "guest.flight", leg.flight);
    m += "</dl>";
  }
  m += "</section><section class=\"card\"><h2>" + t(f.lang, "guest.meetings") + "</h2>";
  if (g.meetings.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  }
  for (const auto& meeting : g.meetings) {
    m += "<dl class=\"pairs\">";
    dd(m, f, "guest.meeting", meeting.name);
    dd(m, f, "field.meeting.room", meeting.room);
    if (meeting.startsAt) {
      m += "<dt>" + t(f.lang, "field.meeting.starts_at") + "</dt><dd>" +
           when(f, *meeting.startsAt) + "</dd>";
    }
    dd(m, f, "field.meeting.seat", meeting.seat);
    m += "</dl>";
  }
  m += "</section></div>";

  // One form per field: the desk changes one thing at a time, and each change is one
  // audited line with its old and new value.
  m += "<section class=\"card\"><h2>" + t(f.lang, "guest.edit") + "</h2><p class=\"hint\">" +
       t(f.lang, "guest.edit_hint") + "</p><table class=\"edit\"><tbody>";
  for (const auto& field : editableFields(g)) {
    const auto key = fieldLabelKey(field);
    const auto inputId = "f-" + field;
    auto value = editableValue(g, field).value_or("");
    std::string type = "text";
    if (isTimeField(field)) {
      type = "datetime-local";
      if (!value.empty()) {
        if (auto at = parseIso8601(value)) {
          value = formatLocal(*at, f.event.timezone, "yyyy-MM-dd'T'HH:mm", "en");
        }
      }
    }
    m += "<tr><th scope=\"row\"><label for=\"" + escapeHtml(inputId) + "\">" + t(f.lang, key) +
         "</label></th><td><form method=\"post\" action=\"/console/guests/edit\" "
         "class=\"inline\">" +
         csrfField(f) + "<input type=\"hidden\" name=\"event\" value=\"" +
         std::to_string(f.event.id) + "\"><input type=\"hidden\" name=\"id\" value=\"" + id +
         "\"><input type=\"hidden\" name=\"field\" value=\"" + escapeHtml(field) +
         "\"><input id=\"" + escapeHtml(inputId) + "\" name=\"value\" type=\"" + type +
         "\" maxlength=\"200\" value=\"" + escapeHtml(value) + "\"><button type=\"submit\">" +
         t(f.lang, "guest.save") + "</button></form></td></tr>";
  }
  m += "</tbody></table></section>";

  m += "<section class=\"card\"><h2>" + t(f.lang, "guest.actions") + "</h2>";
  const bool cancelled = g.status == GuestStatus::kCancelled;
  m += "<form method=\"post\" action=\"/console/guests/" +
       std::string(cancelled ? "restore" : "cancel") + "\"" +
       (cancelled ? "" : " data-confirm=\"" + t(f.lang, "guest.cancel_confirm") + "\"") + ">" +
       csrfField(f) + "<input type=\"hidden\" name=\"event\" value=\"" +
       std::to_string(f.event.id) + "\"><input type=\"hidden\" name=\"id\" value=\"" + id +
       "\"><button type=\"submit\"" + (cancelled ? "" : " class=\"danger\"") + ">" +
       t(f.lang, cancelled ? "guest.restore" : "guest.cancel") + "</button></form>";
  m += "<p><a href=\"/console/guests/invitation.pdf" + eventQuery(f) + "&amp;id=" + id + "\">" +
       t(f.lang, "guest.invitation") + "</a></p>";
  if (v.mailOffered) {
    m += "<form method=\"post\" action=\"/console/guests/invitation/send\">" + csrfField(f) +
         "<input type=\"hidden\" name=\"event\" value=\"" + std::to_string(f.event.id) +
         "\"><input type=\"hidden\" name=\"id\" value=\"" + id +
         "\"><button type=\"submit\" data-send-invitation=\"1\">" +
         t(f.lang, "guest.send_invitation") + "</button> <span class=\"hint\">" +
         escapeHtml(g.email) + "</span></form>";
  }
  m += "<form method=\"post\" action=\"/console/guests/reissue\" data-confirm=\"" +
       t(f.lang, "guest.reissue_confirm") + "\">" + csrfField(f) +
       "<input type=\"hidden\" name=\"event\" value=\"" + std::to_string(f.event.id) +
       "\"><input type=\"hidden\" name=\"id\" value=\"" + id + "\"><button type=\"submit\">" +
       t(f.lang, "guest.reissue") + "</button></form>";
  if (!v.issuedCode.empty()) {
    m += "<div class=\"issued\" data-issued=\"1\"><h3>" + t(f.lang, "guest.new_code") + "</h3>" +
         qrSvg(v.issuedCode, text(f.lang, "guest.new_code")) + "<p class=\"code\">" +
         escapeHtml(v.issuedCode) + "</p></div>";
  }
  m += "</section>";

  m += "<section class=\"card\"><h2>" + t(f.lang, "guest.trail") + "</h2>";
  if (v.trail.empty()) {
    m += "<p>" + t(f.lang, "arrivals.none") + "</p>";
  } else {
    m += "<table class=\"trail\"><thead><tr><th scope=\"col\">" + t(f.lang, "trail.when") +
         "</th><th scope=\"col\">" + t(f.lang, "trail.what") + "</th><th scope=\"col\">" +
         t(f.lang, "trail.who") + "</th><th scope=\"col\">" + t(f.lang, "trail.detail") +
         "</th></tr></thead><tbody>";
    for (const auto& item : v.trail) {
      m += "<tr><td>" + when(f, item.at) + "</td><td>" +
           (hasText(item.what) ? t(f.lang, item.what) : escapeHtml(item.what)) + "</td><td>" +
           escapeHtml(item.who) + "</td><td>" + escapeHtml(item.detail) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";
  return m;
}

}  // namespace kiosk::central::console
