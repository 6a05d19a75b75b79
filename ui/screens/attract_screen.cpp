// Attract: what a guest sees walking up. One obvious action (show the code to the
// camera), a way in without a code, languages and accessibility choices, and a quiet
// door for staff.
#include <algorithm>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

// Landscape puts the row labels beside the chips.
float labelWidth(const Ui& ui, float width) {
  return std::min(width * 0.24f, ui.u(220));
}

// Rows of language chips: one when each chip has room for its language's name (in the
// smaller face a crowded button falls back to), else two (six languages beside their
// label in landscape).
int languageRows(const Ui& ui, const TerminalView& view, float width, bool labelsAbove) {
  const auto& langs = view.flow->config().languages;
  if (langs.size() < 2) {
    return 1;
  }
  const float rowWidth = labelsAbove ? width : width - labelWidth(ui, width) - ui.u(12);
  float widest = 0;
  for (const auto& l : langs) {
    widest = std::max(widest, ui.measure(ui.trIn(l, "language.name"), FontRole::kCaption).x);
  }
  const float n = static_cast<float>(langs.size());
  const float cell = (rowWidth - ui.u(16) * (n - 1)) / n;
  return cell < widest + ui.u(40) ? 2 : 1;
}

Intent languageAndAccess(Ui& ui, const TerminalView& view, Rect& area, bool labelsAbove) {
  Intent out;
  const auto& p = ui.pal();
  const auto& prefs = view.state->prefs;
  const auto& langs = view.flow->config().languages;
  // Languages: each named in its own language. Labels go above the chips in portrait
  // (the chips then get the full width) and beside them in landscape (height is short).
  const float labelH = ui.m().captionPx * 1.4f;
  const float labelW = labelWidth(ui, area.w);
  const int rows = languageRows(ui, view, area.w, labelsAbove);
  const auto label = [&](std::string_view text, Rect& row) {
    if (labelsAbove) {
      ui.text(text, FontRole::kCaption, p.textMuted, area.takeTop(labelH, ui.u(6)));
      row = area.takeTop(ui.m().chipHeight, ui.m().gap);
    } else {
      row = area.takeTop(ui.m().chipHeight, ui.m().gap);
      ui.text(text, FontRole::kCaption, p.textMuted, row.takeLeft(labelW, ui.u(12)), Align::kLeft,
              true);
    }
  };
  Rect langRow;
  label(ui.tr("attract.language"), langRow);
  const int perRow = (static_cast<int>(langs.size()) + rows - 1) / rows;
  auto langCells = langRow.columns(perRow, ui.u(16));
  if (rows > 1) {
    Rect second = area.takeTop(ui.m().chipHeight, ui.m().gap);
    if (!labelsAbove) {
      second.takeLeft(labelW, ui.u(12));
    }
    const auto more = second.columns(perRow, ui.u(16));
    langCells.insert(langCells.end(), more.begin(), more.end());
  }
  for (std::size_t i = 0; i < langs.size(); ++i) {
    const std::string& lang = langs[i];
    if (ui.button("lang." + lang, ui.trIn(lang, "language.name"), langCells[i],
                  lang == prefs.language ? ButtonKind::kChipSelected : ButtonKind::kChip)) {
      out = tap(Action::kChooseLanguage, static_cast<int>(i));
    }
  }
  Rect accessRow;
  label(ui.tr("attract.access"), accessRow);
  const bool showReach = ui.layout().portrait;
  const bool showReadAloud = view.flow->config().readAloudOffered;
  const auto cells = accessRow.columns(2 + (showReach ? 1 : 0) + (showReadAloud ? 1 : 0), ui.u(16));
  if (ui.button("a11y.large_text", ui.tr("a11y.large_text"), cells[0],
                prefs.largeText ? ButtonKind::kChipSelected : ButtonKind::kChip, Icon::kTextSize)) {
    out = tap(Action::kToggleLargeText);
  }
  if (ui.button("a11y.high_contrast", ui.tr("a11y.high_contrast"), cells[1],
                prefs.highContrast ? ButtonKind::kChipSelected : ButtonKind::kChip,
                Icon::kContrast)) {
    out = tap(Action::kToggleHighContrast);
  }
  if (showReach &&
      ui.button("a11y.reach", ui.tr("a11y.reach"), cells[2],
                prefs.reachMode ? ButtonKind::kChipSelected : ButtonKind::kChip, Icon::kReach)) {
    out = tap(Action::kToggleReachMode);
  }
  if (showReadAloud &&
      ui.button("a11y.read_aloud", ui.tr("a11y.read_aloud"), cells.back(),
                prefs.readAloud ? ButtonKind::kChipSelected : ButtonKind::kChip, Icon::kSpeaker)) {
    out = tap(Action::kToggleReadAloud);
  }
  return out;
}

float chipsHeight(const Ui& ui, const TerminalView& view, float width, bool labelsAbove) {
  const float rows = static_cast<float>(1 + languageRows(ui, view, width, labelsAbove));
  return 2 * (labelsAbove ? ui.m().captionPx * 1.4f + ui.u(6) : 0) + rows * ui.m().chipHeight +
         (rows - 1) * ui.m().gap;
}

// What happens next, in three short numbered steps: sets expectations for first-timers.
void howItWorks(Ui& ui, Rect area, bool columns) {
  const auto& p = ui.pal();
  const char* steps[] = {"attract.how.1", "attract.how.2", "attract.how.3"};
  const float r = ui.u(26);
  if (columns) {
    const auto cols = area.columns(3, ui.m().gap);
    for (int i = 0; i < 3; ++i) {
      const Rect c = cols[static_cast<std::size_t>(i)];
      ui.circle(Vec2{c.x + r, c.y + r}, r, p.secondary);
      ui.text(std::to_string(i + 1), FontRole::kBodyBold, p.onSecondary,
              Rect{c.x, c.y, 2 * r, 2 * r}, Align::kCenter, true);
      ui.text(ui.tr(steps[i]), FontRole::kCaption, p.text,
              Rect{c.x + 2 * r + ui.u(14), c.y + ui.u(4), c.w - 2 * r - ui.u(14), c.h});
    }
    return;
  }
  // One step per row, in the body size when all three fit, else the caption size.
  FontRole role = FontRole::kBody;
  const float textW = area.w - 2 * r - ui.u(20);
  const auto total = [&](FontRole f) {
    float sum = 0;
    for (const char* k : steps) {
      sum += std::max(2 * r, ui.measure(ui.tr(k), f, textW).y) + ui.m().gap;
    }
    return sum;
  };
  if (total(role) > area.h) {
    role = FontRole::kCaption;
  }
  float y = area.y;
  for (int i = 0; i < 3; ++i) {
    const float h = std::max(2 * r, ui.measure(ui.tr(steps[i]), role, textW).y);
    if (y + h > area.bottom()) {
      break;
    }
    ui.circle(Vec2{area.x + r, y + r}, r, p.secondary);
    ui.text(std::to_string(i + 1), FontRole::kBodyBold, p.onSecondary,
            Rect{area.x, y, 2 * r, 2 * r}, Align::kCenter, true);
    ui.text(ui.tr(steps[i]), role, p.text, Rect{area.x + 2 * r + ui.u(20), y, textW, 2 * r},
            Align::kLeft, true);
    y += h + ui.m().gap * 0.6f;
  }
}

float howItWorksHeight(const Ui& ui, float width) {
  const float colW = (width - 2 * ui.m().gap) / 3 - ui.u(52) - ui.u(14);
  float h = ui.u(52);
  for (const char* k : {"attract.how.1", "attract.how.2", "attract.how.3"}) {
    h = std::max(h, ui.measure(ui.tr(k), FontRole::kCaption, colW).y);
  }
  return h;
}

}  // namespace

Intent drawAttract(Ui& ui, const TerminalView& view, const ScreenImages& images) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;

  // The staff door: bottom right, small but still a finger-sized target.
  const float staffH = ui.m().chipHeight * 0.8f;
  Rect bottom = body.takeBottom(staffH, ui.m().gap);
  const float staffW = ui.measure(ui.tr("attract.staff"), FontRole::kButton).x + ui.u(120);
  if (ui.button("attract.staff", ui.tr("attract.staff"), bottom.takeRight(staffW),
                ButtonKind::kQuiet, Icon::kLock)) {
    out = tap(Action::kStaffEntry);
  }
  ui.text(ui.tr("attract.privacy"), FontRole::kCaption, p.textMuted, bottom, Align::kLeft, true);

  Rect camera;
  if (ui.layout().portrait) {
    ui.reachSpace().h = 0;  // in reach mode the camera is up there
    titleBlock(ui, body, ui.tr("attract.title"), ui.tr("attract.subtitle"));
    Rect chips = body.takeBottom(chipsHeight(ui, view, body.w, true), ui.m().gap * 1.5f);
    if (!ui.layout().reach) {
      const float h = howItWorksHeight(ui, body.w);
      howItWorks(ui, body.takeTop(h, ui.m().gap * 1.5f), true);
    }
    if (auto e = languageAndAccess(ui, view, chips, true)) {
      out = e;
    }
    const Rect find = body.takeBottom(ui.m().buttonHeight, ui.m().gap * 1.5f);
    if (ui.button("attract.find_booking", ui.tr("attract.find_booking"), find,
                  ButtonKind::kSecondary, Icon::kSearch)) {
      out = tap(Action::kFindBooking);
    }
    camera = body.centered(body.w, std::min(body.h, body.w * 0.9f));
    if (ui.layout().reach) {
      // The picture is not a control: in reach mode it stays up in the reach area, and
      // the lower part holds only what the guest touches.
      camera = ui.layout().reachArea.inset(ui.m().margin, ui.m().margin * 0.75f);
    }
  } else {
    camera = body.takeLeft(body.w * 0.54f, ui.m().margin);
    camera = camera.centered(camera.w, std::min(camera.h, camera.w * 0.8f));
    titleBlock(ui, body, ui.tr("attract.title"), ui.tr("attract.subtitle"));
    Rect chips = body.takeBottom(chipsHeight(ui, view, body.w, false), ui.m().gap);
    if (auto e = languageAndAccess(ui, view, chips, false)) {
      out = e;
    }
    const Rect find = body.takeBottom(ui.m().buttonHeight, ui.m().gap * 2);
    if (ui.button("attract.find_booking", ui.tr("attract.find_booking"), find,
                  ButtonKind::kSecondary, Icon::kSearch)) {
      out = tap(Action::kFindBooking);
    }
    howItWorks(ui, body, false);
  }
  cameraPanel(ui, camera, images.preview, view.camera, true);
  if (view.camera.streaming) {
    const std::string_view hint = ui.tr("attract.camera_hint");
    // One line when it fits; a long hint (large text, longer languages) wraps and the
    // pill grows upwards to hold it.
    const float w =
        std::min(camera.w - ui.u(48), ui.measure(hint, FontRole::kCaption).x + ui.u(64));
    const float textH = ui.measure(hint, FontRole::kCaption, w - ui.u(64)).y;
    const float h = std::max(ui.u(64), textH + ui.u(20));
    const Rect pill{camera.x + (camera.w - w) / 2, camera.bottom() - ui.u(24) - h, w, h};
    ui.fill(pill, p.surface, ui.u(32));
    ui.text(hint, FontRole::kCaption, p.text, pill.inset(ui.u(32), 0), Align::kCenter, true);
  }
  return out;
}

}  // namespace kiosk::ui
