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

// The lines of each tab, in reading order; empty when the guest has nothing there.
std::vector<InfoLine> stayLines(Ui& ui, const TerminalView& view, const Guest& g) {
  const auto& l = g.lodging;
  std::vector<InfoLine> out;
  out.push_back({Icon::kBed, std::string(ui.tr("info.hotel")), l.hotel});
  if (!l.room.empty()) {
    out.push_back({Icon::kNone, std::string(ui.tr("info.room")),
                   l.floor.empty()
                       ? l.room
                       : ui.trf("info.room_floor", {{"room", l.room}, {"floor", l.floor}})});
  }
  out.push_back({Icon::kLock, std::string(ui.tr("info.door_card")), l.doorCardPickup});
  if (!l.checkinDate.empty()) {
    out.push_back({Icon::kCalendar, std::string(ui.tr("info.dates")),
                   ui.trf("info.date_range", {{"from", l.checkinDate}, {"to", l.checkoutDate}})});
  }
  out.push_back({Icon::kNone, std::string(ui.tr("info.breakfast")), l.breakfast});
  if (!view.event->wifiSsid.empty()) {
    out.push_back({Icon::kNone, std::string(ui.tr("info.wifi")),
                   ui.trf("info.wifi_value", {{"ssid", view.event->wifiSsid},
                                              {"password", view.event->wifiPassword}})});
  }
  return out;
}

std::vector<InfoLine> travelLines(Ui& ui, const TerminalView& view, const Guest& g) {
  std::vector<InfoLine> out;
  const auto& zone = view.event->timezone;
  for (const auto& leg : g.transport) {
    out.push_back({Icon::kCar, std::string(ui.tr("info.vehicle")), leg.vehicle});
    std::string pickup = leg.pickupPlace;
    if (leg.pickupTime) {
      pickup =
          joined({guestDay(ui, *leg.pickupTime, zone) + " " + guestTime(ui, *leg.pickupTime, zone),
                  leg.pickupPlace},
                 " · ");
    }
    out.push_back({Icon::kCalendar, std::string(ui.tr("info.pickup")), pickup});
    out.push_back({Icon::kPhone, std::string(ui.tr("info.driver")),
                   joined({leg.driver, leg.driverPhone}, " · ")});
    out.push_back({Icon::kNone, std::string(ui.tr("info.flight")), leg.flight});
  }
  return out;
}

std::vector<InfoLine> meetingLines(Ui& ui, const TerminalView& view, const Guest& g) {
  std::vector<InfoLine> out;
  const auto& zone = view.event->timezone;
  for (const auto& meeting : g.meetings) {
    const std::string when = meeting.startsAt ? guestDay(ui, *meeting.startsAt, zone) + " " +
                                                    guestTime(ui, *meeting.startsAt, zone)
                                              : std::string(ui.tr("info.meeting"));
    out.push_back({Icon::kCalendar, when, meeting.name});
    std::string where = meeting.room;
    if (!meeting.seat.empty()) {
      where = joined({meeting.room, ui.trf("info.seat_value", {{"seat", meeting.seat}})}, " · ");
    }
    out.push_back({Icon::kNone, std::string(ui.tr("info.room_seat")), where});
  }
  return out;
}

std::vector<InfoLine> helpLines(Ui& ui, const TerminalView& view) {
  const Event& e = *view.event;
  std::vector<InfoLine> out;
  for (const auto& c : e.emergencyContacts) {
    out.push_back({Icon::kPhone, std::string(ui.tr("info.contact")),
                   joined({localizedPart(c.label, ui.language()), c.phone}, "  ")});
  }
  // Several lines of one place as lines of their own: each fits a page on its own.
  const auto place = [&](Icon icon, std::string_view label, std::vector<std::string> parts) {
    bool first = true;
    for (auto& part : parts) {
      if (!part.empty()) {
        out.push_back({first ? icon : Icon::kNone, first ? std::string(label) : std::string(),
                       std::move(part)});
        first = false;
      }
    }
  };
  if (!e.hospitalName.empty()) {
    place(Icon::kPlus, ui.tr("info.hospital"),
          {localizedPart(e.hospitalName, ui.language()),
           localizedPart(e.hospitalAddress, ui.language()), e.hospitalPhone});
  }
  if (!e.venue.empty()) {
    place(Icon::kNone, ui.tr("info.venue"),
          {localizedPart(e.venue, ui.language()), localizedPart(e.venueAddress, ui.language())});
  }
  return out;
}

// The chosen tab's lines in `card`, a page at a time: when they do not fit, big "back"
// and "more" buttons at the bottom of the card page through them (a touch kiosk has no
// scroll wheel, and a swipe is not obvious to everyone).
Intent detailsCard(Ui& ui, std::vector<InfoLine> lines, std::string_view none, Rect card,
                   int page) {
  Intent out;
  std::erase_if(lines, [](const InfoLine& l) { return l.value.empty(); });
  const auto& p = ui.pal();
  ui.card(card, p.surface);
  Rect area = card.inset(ui.u(40), ui.u(36));
  if (lines.empty()) {
    ui.text(none, FontRole::kBody, p.textMuted, area);
    return out;
  }
  // A wide card (landscape) reads as two columns; a page is one card.
  const int columns = area.w >= ui.u(1000) ? 2 : 1;
  const float columnW =
      (area.w - ui.u(48) * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  const auto paginate = [&] {
    auto columnPages = infoPages(ui, lines, columnW, area.h);
    std::vector<std::vector<std::vector<InfoLine>>> grouped;
    for (std::size_t i = 0; i < columnPages.size(); ++i) {
      if (i % static_cast<std::size_t>(columns) == 0) {
        grouped.emplace_back();
      }
      grouped.back().push_back(std::move(columnPages[i]));
    }
    return grouped;
  };
  auto pages = paginate();
  Rect pager;
  if (pages.size() > 1) {
    const float pagerH = std::max(ui.m().chipHeight, ui.mm(kMinTouchMm + 1));
    pager = Rect{card.x + ui.u(24), card.bottom() - ui.u(24) - pagerH, card.w - ui.u(48), pagerH};
    area.h = std::max(0.0f, pager.y - ui.m().gap - area.y);
    pages = paginate();
  }
  const int last = static_cast<int>(pages.size()) - 1;
  const int shown = std::clamp(page, 0, last);
  const auto cols = area.columns(columns, ui.u(48));
  const auto& onPage = pages[static_cast<std::size_t>(shown)];
  for (std::size_t c = 0; c < onPage.size(); ++c) {
    Rect column = cols[c];
    for (const auto& line : onPage[c]) {
      const float h = infoLineHeight(ui, column.w, line);
      drawInfoLine(ui, column.takeTop(h, ui.u(kInfoLineGap)), line);
    }
  }
  if (last == 0) {
    return out;
  }
  const std::string_view previous = ui.tr("info.page_previous");
  const std::string_view next = ui.tr("info.page_next");
  const float buttonW = std::max({ui.measure(previous, FontRole::kButton).x,
                                  ui.measure(next, FontRole::kButton).x, ui.mm(kMinTouchMm)});
  const float w = std::min(pager.w * 0.36f, buttonW + ui.u(52) + ui.u(18) + ui.u(48));
  Rect middle = pager;
  const Rect left = middle.takeLeft(w, ui.m().gap);
  const Rect right = middle.takeRight(w, ui.m().gap);
  if (shown > 0 &&
      ui.button("info.page.previous", previous, left, ButtonKind::kSecondary, Icon::kBack)) {
    out = tap(Action::kInfoPage, shown - 1);
  }
  if (shown < last &&
      ui.button("info.page.next", next, right, ButtonKind::kPrimary, Icon::kForward)) {
    out = tap(Action::kInfoPage, shown + 1);
  }
  ui.text(ui.trf("info.page_of",
                 {{"page", std::to_string(shown + 1)}, {"pages", std::to_string(last + 1)}}),
          FontRole::kCaption, p.textMuted, middle, Align::kCenter, true);
  return out;
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
  // In reach mode it goes up into the reach area (nothing to tap there), leaving the
  // lowered body to the details.
  std::vector<std::pair<std::string, Color>> notes;
  if (s.returning && s.decision.previous) {
    const auto& prev = *s.decision.previous;
    notes.emplace_back(
        ui.trf("info.already", {{"time", guestDay(ui, prev.scannedAt, view.event->timezone) + " " +
                                             guestTime(ui, prev.scannedAt, view.event->timezone)},
                                {"terminal", prev.terminal}}),
        p.textMuted);
  }
  if (!s.returning && !g->host.empty()) {
    // Hosts hear of an arrival only through central; otherwise it is the guest's errand.
    const bool central = view.flow->config().hasCentral;
    notes.emplace_back(ui.trf(central ? "info.host_told" : "info.host_desk", {{"host", g->host}}),
                       central ? p.success : p.text);
  }
  if (s.badge.stage == BadgeStage::kPrinted && !s.returning) {
    notes.emplace_back(std::string(ui.tr("info.badge_printed")), p.success);
  }
  if (s.badge.stage == BadgeStage::kWaitingForPrinter || s.badge.stage == BadgeStage::kFailed) {
    notes.emplace_back(std::string(ui.tr("info.badge_waiting")), p.danger);
  }
  const float badgeR = ui.u(44);
  auto nameStyle = ui.rosterStyle(FontRole::kBodyBold, p.text, 3);  // wraps, never "…"
  nameStyle.px = std::round(ui.m().titlePx * 0.8f);
  FontRole noteRole = FontRole::kBody;
  const auto noteStyle = [&](Color c) { return ui.rosterStyle(noteRole, c, 4); };
  const auto heightIn = [&](std::string_view text, TextStyle style, float width) {
    style.maxWidth = std::floor(width);
    const float pad = std::ceil(style.px * 0.08f) + 1;
    return ui.rosterSize(text, style).y - 2 * pad;
  };
  if (!portrait) {
    // The landscape column has a fixed height: with large text the name and the notes
    // take the smaller faces rather than run into the buttons below.
    const float columnW = body.w * 0.36f;
    float h = 2 * badgeR + ui.m().gap + heightIn(g->name, nameStyle, columnW) + ui.u(12);
    for (const auto& [text, color] : notes) {
      h += heightIn(text, noteStyle(color), columnW) + ui.u(10);
    }
    if (h > body.h) {
      nameStyle.px = ui.m().bodyPx;
      noteRole = FontRole::kCaption;
    }
  }

  // Where the headline and the QR code go. Portrait: above the details, the code below
  // them. Reach mode: up in the reach area as far as they fit (the code first, at its
  // bottom), the rest above the details. Landscape: a column beside the details.
  Rect side;
  Rect qrArea;
  const float cardMin = ui.m().chipHeight + ui.m().gap + ui.u(420);  // tabs and a card
  if (!portrait) {
    side = body.takeLeft(body.w * 0.36f, ui.m().margin);
  } else if (ui.layout().reach && ui.reachSpace().h >= ui.u(520)) {
    qrArea = ui.reachSpace().takeBottom(ui.u(260), ui.m().gap);
  }
  std::vector<Rect*> places;
  if (!portrait) {
    places = {&side};
  } else if (ui.layout().reach) {
    places = {&ui.reachSpace(), &body};
  } else {
    places = {&body};
  }
  std::size_t place = 0;
  // Each part goes where the one before went if it fits there, else to the next place.
  const auto room = [&](float h) -> Rect& {
    while (place + 1 < places.size() && h > places[place]->h) {
      ++place;
    }
    return *places[place];
  };
  {
    const std::string_view title = ui.tr(s.returning ? "info.title_returning" : "info.title");
    const float titleW = places[place]->w - 2 * badgeR - ui.u(28);
    const float headH = std::max(2 * badgeR, ui.measure(title, FontRole::kTitle, titleW).y);
    Rect head = room(headH).takeTop(headH, ui.m().gap);
    badgeIcon(ui, Vec2{head.x + badgeR, head.y + badgeR}, badgeR,
              s.returning ? Icon::kPerson : Icon::kCheck, p.successSoft, p.onSuccessSoft);
    head.takeLeft(2 * badgeR + ui.u(28));
    ui.text(title, FontRole::kTitle, p.text, head, Align::kLeft, true);
  }
  {
    Rect& area = room(heightIn(g->name, nameStyle, places[place]->w));
    area.takeTop(ui.roster(g->name, nameStyle, area), ui.u(12));
  }
  for (const auto& [text, color] : notes) {
    Rect& area = room(heightIn(text, noteStyle(color), places[place]->w));
    area.takeTop(ui.roster(text, noteStyle(color), area), ui.u(10));
  }
  if (portrait) {
    body.takeTop(ui.u(12));
    if (qrArea.h <= 0) {
      const float h = std::min(ui.u(330), body.h - ui.m().gap - cardMin);
      if (h >= ui.u(220)) {
        qrArea = body.takeBottom(h, ui.m().gap);
      }
    }
  } else if (side.h >= ui.u(300)) {
    side.takeTop(ui.m().gap);
    qrArea = side;
  } else {
    // The headline filled its column: the code goes beside the details instead.
    qrArea = body.takeRight(body.w * 0.3f, ui.m().margin);
  }

  // Details: tabs, then the chosen tab's card.
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
  std::vector<InfoLine> lines;
  std::string_view none;
  switch (s.tab) {
    case InfoTab::kStay:
      lines = stayLines(ui, view, *g);
      none = ui.tr("info.none.stay");
      break;
    case InfoTab::kTravel:
      lines = travelLines(ui, view, *g);
      none = ui.tr("info.none.travel");
      break;
    case InfoTab::kMeetings:
      lines = meetingLines(ui, view, *g);
      none = ui.tr("info.none.meetings");
      break;
    case InfoTab::kHelp:
      lines = helpLines(ui, view);
      break;
  }
  if (auto e = detailsCard(ui, std::move(lines), none, body, s.page)) {
    out = std::move(e);
  }

  if (view.phoneQr && qrArea.h > 0) {
    ui.card(qrArea, p.surface);
    Rect inner = qrArea.inset(ui.u(28));
    const float textH = ui.measure(ui.tr("info.qr_title"), FontRole::kBodyBold, inner.w).y +
                        ui.measure(ui.tr("info.qr_body"), FontRole::kCaption, inner.w).y + ui.u(8);
    // Wide: the code left of its text; narrow: above it.
    const bool wide = qrArea.w > 1.6f * qrArea.h;
    Rect code = wide ? inner.takeLeft(inner.h, ui.u(32))
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
