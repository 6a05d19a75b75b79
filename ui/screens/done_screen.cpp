// Done: thanks, a one-tap rating, "report a problem", and back to the start.
#include <algorithm>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawDone(Ui& ui, const TerminalView& view, const flow::Done& s) {
  Intent out;
  const auto& p = ui.pal();
  // A report reaches staff only through central; a standalone terminal just keeps it.
  const char* reportedBody =
      view.flow->config().hasCentral ? "done.reported_body" : "done.reported_body_desk";
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("done.report", ui.tr("done.report"), cells[0], ButtonKind::kSecondary,
                Icon::kWarning, !s.reported)) {
    out = tap(Action::kReportProblem);
  }
  if (ui.button("done.finish", ui.tr("done.finish"), cells[1], ButtonKind::kPrimary,
                Icon::kCheck)) {
    out = tap(Action::kFinish);
  }

  // The content block sits in the middle of the free space.
  const float r = ui.u(90);
  const float cell = std::min(ui.u(150), (body.w - 4 * ui.m().gap) / 5);
  {
    const float h =
        2 * r + ui.m().gap * 2 + ui.measure(ui.tr("done.title"), FontRole::kTitle, body.w).y +
        ui.u(12) + ui.measure(ui.tr("done.subtitle"), FontRole::kBody, body.w).y +
        ui.m().gap * 1.5f + ui.m().bodyPx * 1.5f + ui.m().gap + cell + ui.m().gap +
        ui.m().captionPx * 1.5f +
        (s.reported ? ui.m().gap * 2 + messagePanel(ui, body, Icon::kCheck, p.successSoft,
                                                    p.onSuccessSoft, ui.tr("done.reported_title"),
                                                    ui.tr(reportedBody), true)
                    : 0);
    body.takeTop(std::max(0.0f, (body.h - h) / 2));
  }
  Rect top = body.takeTop(2 * r, ui.m().gap * 2);
  badgeIcon(ui, top.center(), r, Icon::kCheck, p.successSoft, p.onSuccessSoft);
  titleBlock(ui, body, ui.tr("done.title"), ui.tr("done.subtitle"), Align::kCenter);

  // Rating: five large stars; the chosen ones fill.
  const std::string_view question = ui.tr(s.rating ? "done.rated" : "done.rate");
  ui.text(question, FontRole::kBodyBold, p.text, body.takeTop(ui.m().bodyPx * 1.5f, ui.m().gap),
          Align::kCenter);
  Rect stars = body.takeTop(cell, ui.m().gap).centered(5 * cell + 4 * ui.m().gap, cell);
  const auto cols = stars.columns(5, ui.m().gap);
  for (int i = 0; i < 5; ++i) {
    const Rect c = cols[static_cast<std::size_t>(i)];
    const bool filled = s.rating && *s.rating > i;
    const bool clicked = ui.tappable("rate." + std::to_string(i + 1), c, !s.rating.has_value());
    const ControlLook look =
        buttonLook(p, filled ? ButtonKind::kChipSelected : ButtonKind::kChip, ui.pressed());
    ui.fill(c, look.fill, ui.m().radius);
    if (look.stroke.a > 0) {
      ui.stroke(c, look.stroke, p.highContrast ? ui.u(3) : ui.u(2), ui.m().radius);
    }
    ui.icon(Icon::kStar, c.inset(c.w * 0.2f), filled ? p.onSelected : p.textMuted);
    if (clicked) {
      out = tap(Action::kRate, i + 1);
    }
  }
  const auto labels = body.takeTop(ui.m().captionPx * 1.5f, ui.m().gap * 2)
                          .centered(5 * cell + 4 * ui.m().gap, ui.m().captionPx * 1.5f);
  ui.text(ui.tr("done.rate_low"), FontRole::kCaption, p.textMuted, labels, Align::kLeft);
  ui.text(ui.tr("done.rate_high"), FontRole::kCaption, p.textMuted, labels, Align::kRight);
  if (s.reported) {
    messagePanel(ui, body, Icon::kCheck, p.successSoft, p.onSuccessSoft,
                 ui.tr("done.reported_title"), ui.tr(reportedBody));
  }
  return out;
}

}  // namespace kiosk::ui
