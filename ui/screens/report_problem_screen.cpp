// Report a problem: repair or complaint, by category, one tap each; then, as a step of
// its own, the guest's own words on the on-screen keyboard (pinyin included), optional.
// Chips and keyboard never share the screen: together they crowd each other in portrait
// with large text.
#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

constexpr const char* kCategories[] = {"room", "transport", "badge",    "accessibility",
                                       "food", "wifi",      "cleaning", "other"};

// The end of `text` that fits on one line of `width`, after an ellipsis when some is left
// out: the field shows where typing goes on, as a text field scrolls with its caret.
std::string tailThatFits(Ui& ui, std::string_view text, float width) {
  const auto style = ui.rosterStyle(FontRole::kBody, ui.pal().text, 1);
  const auto fits = [&](std::string_view t) {
    return ui.rosterSize(
                 t, TextStyle{style.px, false, style.color, 0, 1, Align::kLeft, style.language})
               .x <= width;
  };
  if (fits(text)) {
    return std::string(text);
  }
  // Code point starts, to cut only between characters.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u) {
      starts.push_back(i);
    }
  }
  std::size_t lo = 0;  // index into starts: keeping text from starts[lo] on
  std::size_t hi = starts.size();
  while (lo + 1 < hi) {  // the first start whose tail fits
    const std::size_t mid = (lo + hi) / 2;
    if (fits("\xE2\x80\xA6" + std::string(text.substr(starts[mid])))) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi < starts.size() ? "\xE2\x80\xA6" + std::string(text.substr(starts[hi])) : "";
}

Intent drawWriting(Ui& ui, const flow::ReportProblem& s, Rect body) {
  Intent out;
  const auto cells = footer(ui, body, 1).columns(2, ui.m().gap);
  if (ui.button("report.back", ui.tr("common.back"), cells[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kBack);
  }
  // Words are optional: the report goes with or without them.
  if (ui.button("report.send", ui.tr("report.send"), cells[1], ButtonKind::kPrimary,
                Icon::kCheck)) {
    out = tap(Action::kSendReport);
  }
  const std::string_view title = ui.tr("report.text_title");
  const std::string_view subtitle = ui.tr("report.text_subtitle");
  const float fieldH = ui.m().buttonHeight + ui.m().captionPx * 1.4f + ui.u(8);
  const float keep = titleBlockHeight(ui, body.w, title, subtitle) + fieldH;
  if (auto e =
          keyboard(ui, keyboardArea(ui, body, KeyboardKind::kText, keep), KeyboardKind::kText)) {
    out = e;
  }
  titleBlock(ui, body, title, subtitle);
  // The label says what is being reported ("Something needs fixing · My room").
  const std::string label =
      std::string(ui.tr(s.kind == FeedbackKind::kComplaint ? "report.kind.complaint"
                                                           : "report.kind.repair")) +
      " \xC2\xB7 " + std::string(ui.tr("report.category." + s.category));
  const Rect field = body.takeTop(fieldH);
  const float inner = field.w - 2 * ui.u(24) - ui.u(16);  // as Ui::field insets its text
  ui.field("report.text", label, tailThatFits(ui, s.text, inner), ui.tr("report.text_placeholder"),
           field, true);
  return out;
}

}  // namespace

Intent drawReportProblem(Ui& ui, const TerminalView& view, const flow::ReportProblem& s) {
  Rect body = ui.layout().body;
  if (s.writing) {
    return drawWriting(ui, s, body);
  }
  Intent out;
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("report.back", ui.tr("common.back"), cells[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kBack);
  }
  if (ui.button("report.next", ui.tr("report.next"), cells[1], ButtonKind::kPrimary, Icon::kForward,
                !s.category.empty())) {
    out = tap(Action::kReportWrite);
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
