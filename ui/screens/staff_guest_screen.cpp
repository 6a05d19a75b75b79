// One guest for staff: who, whether and how they are checked in, the refusal that
// brought staff here (with its staff-facing reason), the badge, and what staff can do.
#include <algorithm>
#include <tuple>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

// What staff need to know of a badge beyond its stage: the printer's trouble in words;
// for a badge that could not even be made, the error itself (a rare diagnostic, kept as
// it is). Where a good badge printed is in the print log, not here.
std::string badgeTrouble(const Ui& ui, const BadgeProgress& badge) {
  if (!badge.printerState.empty()) {
    return std::string(ui.tr("printer." + badge.printerState));
  }
  return badge.stage == BadgeStage::kFailed ? badge.detail : std::string();
}

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

}  // namespace

Intent drawStaffGuest(Ui& ui, const TerminalView& view, const flow::StaffGuest& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const Guest& g = s.guest;
  const auto& zone = view.event->timezone;
  const bool undoable = s.active && canUndo(*s.active, view.now, view.flow->config().undoWindow);
  const bool badgeWaiting =
      s.badge.stage == BadgeStage::kWaitingForPrinter || s.badge.stage == BadgeStage::kFailed;
  const bool needsOverride =
      s.pending.has_value() || g.status != GuestStatus::kActive || g.escortRequired;

  // Actions: two columns of large buttons.
  struct Act {
    const char* name;
    const char* label;
    Action action;
    Icon icon;
    ButtonKind kind;
  };
  std::vector<Act> acts;
  if (!s.active) {
    acts.push_back({"staff.guest.check_in",
                    needsOverride ? "staff.guest.override" : "staff.guest.check_in",
                    Action::kStaffCheckIn, Icon::kCheck, ButtonKind::kPrimary});
  } else {
    acts.push_back({"staff.guest.reprint", "staff.guest.reprint", Action::kStaffReprint,
                    Icon::kPrinter, ButtonKind::kPrimary});
    if (undoable) {
      acts.push_back({"staff.guest.undo", "staff.guest.undo", Action::kStaffUndo, Icon::kRetake,
                      ButtonKind::kSecondary});
    }
    acts.push_back({"staff.guest.override", "staff.guest.admit_again", Action::kStaffOverride,
                    Icon::kPlus, ButtonKind::kSecondary});
  }
  acts.push_back({"staff.guest.edit", "staff.guest.edit", Action::kStaffEditGuest, Icon::kNone,
                  ButtonKind::kSecondary});
  if (badgeWaiting) {
    acts.push_back({"staff.guest.retry_print", "staff.guest.retry_print", Action::kStaffRetryPrint,
                    Icon::kPrinter, ButtonKind::kSecondary});
  }
  acts.push_back(
      {"staff.guest.back", "common.back", Action::kBack, Icon::kBack, ButtonKind::kQuiet});
  const int rows = (static_cast<int>(acts.size()) + 1) / 2;
  const Rect foot = footer(ui, body, rows);
  const auto rowRects = foot.rows(rows, ui.m().gap);
  for (std::size_t i = 0; i < acts.size(); ++i) {
    const auto cols = rowRects[i / 2].columns(2, ui.m().gap);
    const auto& a = acts[i];
    if (ui.button(a.name, ui.tr(a.label), cols[i % 2], a.kind, a.icon, !s.loading)) {
      out = tap(a.action);
    }
  }

  // Notices first: what just happened.
  if (!s.notice.empty()) {
    const float h = messagePanel(ui, body, Icon::kCheck, p.successSoft, p.onSuccessSoft,
                                 ui.tr(s.notice), "", true);
    messagePanel(ui, body.takeTop(h, ui.m().gap), Icon::kCheck, p.successSoft, p.onSuccessSoft,
                 ui.tr(s.notice), "");
  }
  if (!s.error.empty()) {
    Rect panel = body.takeTop(ui.u(130), ui.m().gap);
    ui.fill(panel, p.dangerSoft, ui.m().radius);
    ui.roster(s.error, ui.rosterStyle(FontRole::kBody, p.onDangerSoft, 2), panel.inset(ui.u(28)),
              Align::kLeft, true);
  }

  // The guest.
  Rect card = body;
  ui.card(card, p.surface);
  Rect area = card.inset(ui.u(36));
  auto nameStyle = ui.rosterStyle(FontRole::kTitle, p.text, 2);
  area.takeTop(ui.roster(g.name, nameStyle, area), ui.u(10));
  const std::string sub =
      joined({g.bookingCode, std::string(ui.tr(categoryKey(g.category))), g.company}, "  ·  ");
  area.takeTop(ui.roster(sub, ui.rosterStyle(FontRole::kBody, p.textMuted, 2), area), ui.m().gap);
  if (s.loading) {
    ui.spinner(Vec2{area.x + ui.u(40), area.y + ui.u(40)}, ui.u(28), p.primary);
    return out;
  }
  std::string status;
  if (s.active) {
    status = ui.trf(
        "staff.guest.checked_in_at",
        {{"time",
          guestDay(ui, s.active->scannedAt, zone) + " " + guestTime(ui, s.active->scannedAt, zone)},
         {"terminal", s.active->terminal},
         {"method", std::string(ui.tr(std::string("method.") + toString(s.active->method)))}});
  } else {
    status = std::string(ui.tr("staff.guest.not_checked_in"));
  }
  infoRow(ui, area, s.active ? Icon::kCheck : Icon::kPerson, ui.tr("staff.guest.status"), status);
  if (g.status != GuestStatus::kActive || g.escortRequired) {
    infoRow(
        ui, area, Icon::kWarning, ui.tr("staff.guest.flags"),
        joined({g.status != GuestStatus::kActive
                    ? std::string(ui.tr(std::string("staff.guest.status_") + toString(g.status)))
                    : "",
                g.escortRequired ? std::string(ui.tr("staff.guest.escort")) : ""},
               " · "));
  }
  if (s.pending) {
    infoRow(
        ui, area, Icon::kWarning, ui.tr("staff.guest.refusal"),
        std::string(ui.tr(outcomeKey(*s.pending) + ".title")) + "\n" + staffDetail(ui, *s.pending),
        3);
  }
  if (s.badge.stage != BadgeStage::kNone) {
    infoRow(ui, area, Icon::kPrinter, ui.tr("staff.guest.badge"),
            joined({std::string(ui.tr(std::string("printing.stage.") + toString(s.badge.stage))),
                    badgeTrouble(ui, s.badge)},
                   " · "),
            3);
  }
  // Needs the guest changed at check-in win over the roster's (they are newer), and say
  // so: whoever feeds the guest must not miss a new allergy.
  const bool needsChanged = s.active && s.active->needsChanged;
  const SpecialNeeds& before =
      needsChanged && s.active->previousNeeds ? *s.active->previousNeeds : g.needs;
  for (const auto& [field, roster, confirmed, was] :
       {std::tuple{"diet", &g.needs.diet, needsChanged ? &s.active->confirmedNeeds.diet : nullptr,
                   &before.diet},
        std::tuple{"allergies", &g.needs.allergies,
                   needsChanged ? &s.active->confirmedNeeds.allergies : nullptr, &before.allergies},
        std::tuple{"accessibility", &g.needs.accessibility,
                   needsChanged ? &s.active->confirmedNeeds.accessibility : nullptr,
                   &before.accessibility}}) {
    const std::string label = std::string(ui.tr(std::string("needs.label.") + field));
    if (confirmed && *confirmed != *was) {
      const std::string now = confirmed->empty() ? std::string(ui.tr("needs.none"))
                                                 : std::string(ui.trValue(field, *confirmed));
      const std::string old =
          was->empty() ? std::string(ui.tr("needs.none")) : std::string(ui.trValue(field, *was));
      infoRow(ui, area, Icon::kWarning, ui.trf("staff.guest.needs_changed", {{"field", label}}),
              now + "\n" + ui.trf("staff.guest.needs_was", {{"value", old}}), 3);
    } else {
      infoRow(ui, area, Icon::kNone, label, ui.trValue(field, *roster));
    }
  }
  infoRow(ui, area, Icon::kPhone, ui.tr("staff.guest.phone"), g.phone);
  infoRow(ui, area, Icon::kPerson, ui.tr("staff.guest.host"),
          joined({g.host, g.hostContact}, " · "));
  return out;
}

}  // namespace kiosk::ui
