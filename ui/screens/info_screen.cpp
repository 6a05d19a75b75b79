// Where to go next: room, transport, meetings, help; a QR code to carry it away. Also
// what a returning guest (already checked in) sees, with a reprint within the limit.
#include <algorithm>
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

std::string joined(std::initializer_list<std::string> parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (part.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

void stayTab(Ui& ui, const TerminalView& view, const Guest& g, Rect& area) {
  const auto& l = g.lodging;
  if (l.empty() && view.event->wifiSsid.empty()) {
    ui.text(ui.tr("info.none.stay"), FontRole::kBody, ui.pal().textMuted, area);
    return;
  }
  infoRow(ui, area, Icon::kBed, ui.tr("info.hotel"), l.hotel);
  if (!l.room.empty()) {
    infoRow(ui, area, Icon::kNone, ui.tr("info.room"),
            l.floor.empty() ? l.room
                            : ui.trf("info.room_floor", {{"room", l.room}, {"floor", l.floor}}));
  }
  infoRow(ui, area, Icon::kLock, ui.tr("info.door_card"), l.doorCardPickup);
  if (!l.checkinDate.empty()) {
    infoRow(ui, area, Icon::kCalendar, ui.tr("info.dates"),
            ui.trf("info.date_range", {{"from", l.checkinDate}, {"to", l.checkoutDate}}));
  }
  infoRow(ui, area, Icon::kNone, ui.tr("info.breakfast"), l.breakfast);
  if (!view.event->wifiSsid.empty()) {
    infoRow(ui, area, Icon::kNone, ui.tr("info.wifi"),
            ui.trf("info.wifi_value",
                   {{"ssid", view.event->wifiSsid}, {"password", view.event->wifiPassword}}));
  }
}

void travelTab(Ui& ui, const TerminalView& view, const Guest& g, Rect& area) {
  if (g.transport.empty()) {
    ui.text(ui.tr("info.none.travel"), FontRole::kBody, ui.pal().textMuted, area);
    return;
  }
  const auto& zone = view.event->timezone;
  for (const auto& leg : g.transport) {
    infoRow(ui, area, Icon::kCar, ui.tr("info.vehicle"), leg.vehicle);
    if (leg.pickupTime) {
      infoRow(
          ui, area, Icon::kCalendar, ui.tr("info.pickup"),
          joined({guestDay(ui, *leg.pickupTime, zone) + " " + guestTime(ui, *leg.pickupTime, zone),
                  leg.pickupPlace},
                 " · "));
    } else {
      infoRow(ui, area, Icon::kCalendar, ui.tr("info.pickup"), leg.pickupPlace);
    }
    infoRow(ui, area, Icon::kPhone, ui.tr("info.driver"),
            joined({leg.driver, leg.driverPhone}, " · "));
    infoRow(ui, area, Icon::kNone, ui.tr("info.flight"), leg.flight);
  }
}

void meetingsTab(Ui& ui, const TerminalView& view, const Guest& g, Rect& area) {
  if (g.meetings.empty()) {
    ui.text(ui.tr("info.none.meetings"), FontRole::kBody, ui.pal().textMuted, area);
    return;
  }
  const auto& zone = view.event->timezone;
  for (const auto& meeting : g.meetings) {
    const std::string when = meeting.startsAt ? guestDay(ui, *meeting.startsAt, zone) + " " +
                                                    guestTime(ui, *meeting.startsAt, zone)
                                              : std::string(ui.tr("info.meeting"));
    infoRow(ui, area, Icon::kCalendar, when, meeting.name);
    std::string where = meeting.room;
    if (!meeting.seat.empty()) {
      where = joined({meeting.room, ui.trf("info.seat_value", {{"seat", meeting.seat}})}, " · ");
    }
    infoRow(ui, area, Icon::kNone, ui.tr("info.room_seat"), where);
  }
}

void helpTab(Ui& ui, const TerminalView& view, Rect& area) {
  const Event& e = *view.event;
  for (const auto& c : e.emergencyContacts) {
    infoRow(ui, area, Icon::kPhone, ui.tr("info.contact"),
            joined({localizedPart(c.label, ui.language()), c.phone}, "  "));
  }
  if (!e.hospitalName.empty()) {
    infoRow(ui, area, Icon::kPlus, ui.tr("info.hospital"),
            joined({localizedPart(e.hospitalName, ui.language()),
                    localizedPart(e.hospitalAddress, ui.language()), e.hospitalPhone},
                   "\n"),
            4);
  }
  if (!e.venue.empty()) {
    infoRow(ui, area, Icon::kNone, ui.tr("info.venue"),
            joined({localizedPart(e.venue, ui.language()),
                    localizedPart(e.venueAddress, ui.language())},
                   "\n"),
            4);
  }
}

}  // namespace

Intent drawInfo(Ui& ui, const TerminalView& view, const flow::Info& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const Guest* g = s.decision.guest ? &*s.decision.guest : nullptr;
  if (g == nullptr) {
    return out;
  }
  const bool portrait = ui.layout().portrait;

  // Actions.
  const Rect foot = footer(ui, body, 1);
  const bool canReprint = s.returning && s.reprintsLeft > 0;
  auto cells = foot.columns(canReprint ? 3 : 2, ui.m().gap);
  if (ui.button("info.help", ui.tr("common.call_staff"), cells[0], ButtonKind::kQuiet,
                Icon::kBell)) {
    out = tap(Action::kCallStaff);
  }
  if (canReprint && ui.button("info.reprint", ui.tr("info.reprint"), cells[1],
                              ButtonKind::kSecondary, Icon::kPrinter)) {
    out = tap(Action::kReprint);
  }
  if (ui.button("info.done", ui.tr("info.done"), cells.back(), ButtonKind::kPrimary,
                Icon::kCheck)) {
    out = tap(Action::kInfoDone);
  }

  // Headline: checked in (or welcome back), the name, and what else they should know.
  const float badgeR = ui.u(44);
  Rect head = body.takeTop(2 * badgeR, ui.m().gap);
  badgeIcon(ui, Vec2{head.x + badgeR, head.center().y}, badgeR,
            s.returning ? Icon::kPerson : Icon::kCheck, p.successSoft, p.onSuccessSoft);
  head.takeLeft(2 * badgeR + ui.u(28));
  ui.text(ui.tr(s.returning ? "info.title_returning" : "info.title"), FontRole::kTitle, p.text,
          head, Align::kLeft, true);
  auto nameStyle = ui.rosterStyle(FontRole::kBodyBold, p.text, 1);
  nameStyle.px = std::round(ui.m().titlePx * 0.8f);
  body.takeTop(ui.roster(g->name, nameStyle, body), ui.u(12));
  const auto note = [&](const std::string& text, Color c) {
    auto style = ui.rosterStyle(FontRole::kBody, c, 2);
    body.takeTop(ui.roster(text, style, body), ui.u(10));
  };
  if (s.returning && s.decision.previous) {
    const auto& prev = *s.decision.previous;
    note(ui.trf("info.already", {{"time", guestDay(ui, prev.scannedAt, view.event->timezone) + " " +
                                              guestTime(ui, prev.scannedAt, view.event->timezone)},
                                 {"terminal", prev.terminal}}),
         p.textMuted);
  }
  if (!s.returning && !g->host.empty()) {
    note(ui.trf("info.host_told", {{"host", g->host}}), p.success);
  }
  if (s.badge.stage == BadgeStage::kPrinted && !s.returning) {
    note(std::string(ui.tr("info.badge_printed")), p.success);
  }
  if (s.badge.stage == BadgeStage::kWaitingForPrinter || s.badge.stage == BadgeStage::kFailed) {
    note(std::string(ui.tr("info.badge_waiting")), p.danger);
  }
  body.takeTop(ui.u(12));

  // Details: tabs, then the chosen tab's card; the QR code beside or below.
  Rect qrArea;
  if (portrait) {
    qrArea = body.takeBottom(ui.u(330), ui.m().gap);
  } else {
    qrArea = body.takeRight(body.w * 0.3f, ui.m().margin);
  }
  const char* tabKeys[] = {"info.tab.stay", "info.tab.travel", "info.tab.meetings",
                           "info.tab.help"};
  const Icon tabIcons[] = {Icon::kBed, Icon::kCar, Icon::kCalendar, Icon::kHelp};
  const auto tabs = body.takeTop(ui.m().chipHeight, ui.m().gap).columns(4, ui.u(12));
  for (int i = 0; i < 4; ++i) {
    const bool selected = static_cast<int>(s.tab) == i;
    if (ui.button("info.tab." + std::to_string(i), ui.tr(tabKeys[i]),
                  tabs[static_cast<std::size_t>(i)],
                  selected ? ButtonKind::kChipSelected : ButtonKind::kChip,
                  portrait && ui.m().unit > 0.9f ? tabIcons[i] : Icon::kNone)) {
      out = tap(Action::kInfoTab, i);
    }
  }
  ui.card(body, p.surface);
  Rect area = body.inset(ui.u(40), ui.u(36));
  switch (s.tab) {
    case InfoTab::kStay:
      stayTab(ui, view, *g, area);
      break;
    case InfoTab::kTravel:
      travelTab(ui, view, *g, area);
      break;
    case InfoTab::kMeetings:
      meetingsTab(ui, view, *g, area);
      break;
    case InfoTab::kHelp:
      helpTab(ui, view, area);
      break;
  }

  if (view.phoneQr) {
    ui.card(qrArea, p.surface);
    Rect inner = qrArea.inset(ui.u(28));
    const float textH = ui.measure(ui.tr("info.qr_title"), FontRole::kBodyBold, inner.w).y +
                        ui.measure(ui.tr("info.qr_body"), FontRole::kCaption, inner.w).y + ui.u(8);
    Rect code = portrait ? inner.takeLeft(inner.h, ui.u(32))
                         : inner.takeTop(std::min(inner.w, inner.h - textH - ui.u(24)), ui.u(24));
    ui.qr(view.phoneQr->dark, view.phoneQr->size, code);
    ui.text(
        ui.tr("info.qr_title"), FontRole::kBodyBold, p.text,
        inner.takeTop(ui.measure(ui.tr("info.qr_title"), FontRole::kBodyBold, inner.w).y, ui.u(8)));
    ui.text(ui.tr("info.qr_body"), FontRole::kCaption, p.textMuted, inner);
  }
  return out;
}

}  // namespace kiosk::ui
