// Badge printing: the badge itself as it will come out, the progress, and printer
// trouble in plain words. The check-in already stands; trouble never undoes it.
#include <algorithm>
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawPrinting(Ui& ui, const TerminalView& view, const flow::Printing& s,
                    const ScreenImages& images) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  stepBar(ui, body, 4, view.flow->config().photoEnabled);
  const auto stage = s.badge.stage;
  const bool trouble = stage == BadgeStage::kWaitingForPrinter || stage == BadgeStage::kFailed;

  if (trouble) {
    const Rect foot = footer(ui, body, ui.layout().portrait ? 2 : 1);
    const auto cells =
        ui.layout().portrait ? foot.rows(2, ui.m().gap) : foot.columns(2, ui.m().gap);
    if (ui.button("printing.continue", ui.tr("printing.continue"), cells[0], ButtonKind::kPrimary,
                  Icon::kForward)) {
      out = tap(Action::kPrintContinue);
    }
    if (ui.button("printing.call_staff", ui.tr("common.call_staff"), cells[1],
                  ButtonKind::kSecondary, Icon::kBell)) {
      out = tap(Action::kCallStaff);
    }
  }

  titleBlock(ui, body, ui.tr(trouble ? "printing.trouble.title" : "printing.title"),
             ui.tr(trouble ? "printing.trouble.subtitle" : "printing.subtitle"));
  if (trouble) {
    const std::string reasonKey =
        "printer." + (s.badge.printerState.empty() ? std::string("error") : s.badge.printerState);
    const float h = messagePanel(ui, body, Icon::kPrinter, p.warningSoft, p.onWarningSoft,
                                 ui.tr(reasonKey), ui.tr("printing.trouble.body"), true);
    messagePanel(ui, body.takeTop(h, ui.m().gap * 1.5f), Icon::kPrinter, p.warningSoft,
                 p.onWarningSoft, ui.tr(reasonKey), ui.tr("printing.trouble.body"));
  }

  // The badge preview, at a size that reads well; a gentle progress bar under it.
  Rect stageArea = body.takeBottom(ui.u(120), ui.m().gap);
  if (images.badge.id != 0) {
    const float aspect =
        static_cast<float>(images.badge.width) / static_cast<float>(images.badge.height);
    float w = std::min(body.w * 0.86f, ui.u(760));
    float h = w / aspect;
    if (h > body.h) {
      h = body.h;
      w = h * aspect;
    }
    const Rect badge = body.centered(w, h);
    ui.card(badge.inset(-ui.u(12)), p.surface);
    ui.image(images.badge.id, badge, Vec2{0, 0}, Vec2{1, 1}, ui.u(10));
  } else if (!trouble) {
    ui.spinner(body.center(), ui.u(64), p.primary);
  }
  if (!trouble) {
    const Rect track =
        stageArea.takeTop(ui.u(14), ui.u(24)).centered(std::min(stageArea.w, ui.u(640)), ui.u(14));
    ui.fill(track, p.surfaceAlt, ui.u(7));
    float done = 0.15f;
    if (stage == BadgeStage::kQueued) {
      done = 0.35f;
    } else if (stage == BadgeStage::kPrinting) {
      done = 0.6f + 0.3f * static_cast<float>(0.5 + 0.5 * std::sin(ui.seconds() * 2));
    } else if (stage == BadgeStage::kPrinted) {
      done = 1;
    }
    ui.fill(Rect{track.x, track.y, track.w * done, track.h}, p.primary, ui.u(7));
    ui.text(ui.tr(std::string("printing.stage.") + toString(stage)), FontRole::kBody, p.textMuted,
            stageArea, Align::kCenter);
  }
  return out;
}

}  // namespace kiosk::ui
