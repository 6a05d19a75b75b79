// Report a problem: repair or complaint, by category, one tap each.
#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {
constexpr const char* kCategories[] = {"room", "transport", "badge",    "accessibility",
                                       "food", "wifi",      "cleaning", "other"};
}

Intent drawReportProblem(Ui& ui, const TerminalView& view, const flow::ReportProblem& s) {
  Intent out;
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("report.back", ui.tr("common.back"), cells[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kBack);
  }
  if (ui.button("report.send", ui.tr("report.send"), cells[1], ButtonKind::kPrimary, Icon::kCheck,
                !s.category.empty())) {
    out = tap(Action::kSendReport);
  }
  titleBlock(ui, body, ui.tr("report.title"),
             ui.tr(view.flow->config().hasCentral ? "report.subtitle" : "report.subtitle_desk"));
  const auto kinds = body.takeTop(ui.m().buttonHeight, ui.m().gap * 2).columns(2, ui.m().gap);
  if (ui.button("report.kind.repair", ui.tr("report.kind.repair"), kinds[0],
                s.kind == FeedbackKind::kRepair ? ButtonKind::kChipSelected : ButtonKind::kChip,
                Icon::kGear)) {
    out = tap(Action::kReportKind, 0);
  }
  if (ui.button("report.kind.complaint", ui.tr("report.kind.complaint"), kinds[1],
                s.kind == FeedbackKind::kComplaint ? ButtonKind::kChipSelected : ButtonKind::kChip,
                Icon::kBell)) {
    out = tap(Action::kReportKind, 1);
  }
  ui.text(ui.tr("report.category_question"), FontRole::kBodyBold, ui.pal().text,
          body.takeTop(ui.m().bodyPx * 1.5f, ui.m().gap));
  const int perRow = ui.layout().portrait ? 2 : 4;
  const int n = static_cast<int>(std::size(kCategories));
  const auto chips = cellRows(ui, body, n, perRow, ui.m().buttonHeight, ui.m().gap);
  for (int i = 0; i < n; ++i) {
    const std::string id = kCategories[i];
    if (ui.button("report.category." + id, ui.tr("report.category." + id),
                  chips[static_cast<std::size_t>(i)],
                  s.category == id ? ButtonKind::kChipSelected : ButtonKind::kChip)) {
      out = tap(Action::kReportCategory, 0, id);
    }
  }
  return out;
}

}  // namespace kiosk::ui
