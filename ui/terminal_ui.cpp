#include "ui/terminal_ui.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "kiosk/core/local_time.h"
#include "ui/screens/screens.h"
#include "ui/widgets.h"

namespace kiosk::ui {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr ImGuiWindowFlags kCanvasFlags =
    ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
    ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNav;

// The header band: the event on guest screens, the staff member and staff navigation
// in staff mode.
Intent drawHeader(Ui& ui, const TerminalView& view) {
  Intent out;
  const auto& p = ui.pal();
  const Layout& layout = ui.layout();
  const bool staff = isStaffScreen(view.state->screen) && view.state->staff.has_value();
  const Rect band = layout.header;
  ui.fill(band, staff ? p.staffBand : p.brand);
  if (p.highContrast) {
    ui.fill(Rect{band.x, band.bottom() - ui.u(3), band.w, ui.u(3)}, p.border);
  }
  Rect inner = band.inset(ui.m().margin, ui.u(18));
  const Color on = staff ? p.onStaffBand : p.onBrand;
  if (staff) {
    const float navH = inner.h;
    struct Nav {
      const char* name;
      const char* label;
      Action action;
      Icon icon;
    };
    const Nav navs[] = {
        {"staff.nav.home", "staff.nav.search", Action::kStaffHome, Icon::kSearch},
        {"staff.nav.walk_in", "staff.nav.walk_in", Action::kStaffWalkIn, Icon::kPlus},
        {"staff.nav.devices", "staff.nav.devices", Action::kStaffDevices, Icon::kGear},
        {"staff.nav.lock", "staff.nav.lock", Action::kStaffLock, Icon::kLock}};
    const bool compact = !layout.portrait ? false : true;
    const float navW = compact ? navH * 1.25f : ui.u(230);
    for (int i = 3; i >= 0; --i) {
      const Rect r = inner.takeRight(navW, ui.u(12));
      if (ui.button(navs[i].name, compact ? std::string_view{} : ui.tr(navs[i].label), r,
                    ButtonKind::kOnBrand, navs[i].icon)) {
        out = tap(navs[i].action);
      }
    }
    // Staff mode opens in the staff member's language; the globe opens the list to switch.
    if (view.flow->config().languages.size() > 1 &&
        ui.button("staff.nav.language", compact ? std::string_view{} : ui.tr("language.name"),
                  inner.takeRight(navW, ui.u(12)),
                  view.state->choosingLanguage ? ButtonKind::kChipSelected : ButtonKind::kOnBrand,
                  Icon::kGlobe)) {
      out = tap(Action::kToggleLanguageList);
    }
    ui.text(ui.tr("staff.mode"), FontRole::kCaption, staff ? p.onStaffBand : p.onBrandMuted,
            inner.takeTop(inner.h * 0.45f));
    ui.roster(view.state->staff->name, ui.rosterStyle(FontRole::kBodyBold, on), inner);
    return out;
  }
  // Clock on the right: digits only, always in the font.
  const std::string clock = view.event != nullptr
                                ? formatLocal(view.now, view.event->timezone, "HH:mm", "en")
                                : std::string();
  const float clockW = ui.measure(clock, FontRole::kTitle).x + ui.u(8);
  ui.text(clock, FontRole::kTitle, on, inner.takeRight(clockW, ui.m().gap), Align::kRight, true);
  // Every guest screen lets the guest change language: the attract screen with its
  // chips, the others here, each other language named in itself; with more than two
  // languages, one button (a globe and the language shown) that opens the list, so
  // that the event's name keeps its room. (Not on the out-of-service screen, which has
  // no event and turns through the languages itself.)
  const auto& langs = view.flow->config().languages;
  const bool guestHeader =
      view.event != nullptr && !std::holds_alternative<flow::Attract>(view.state->screen);
  if (guestHeader && langs.size() > 2) {
    const std::string_view label = ui.tr("language.name");
    const float w = std::max(ui.measure(label, FontRole::kButton).x + ui.u(120), ui.mm(16));
    if (ui.button("lang.list", label, inner.takeRight(w, ui.u(12)),
                  view.state->choosingLanguage ? ButtonKind::kChipSelected : ButtonKind::kOnBrand,
                  Icon::kGlobe)) {
      out = tap(Action::kToggleLanguageList);
    }
  } else if (guestHeader) {
    for (std::size_t i = langs.size(); i-- > 0;) {
      if (langs[i] == view.state->prefs.language) {
        continue;
      }
      const std::string_view label = ui.trIn(langs[i], "language.name");
      const float w = std::max(ui.measure(label, FontRole::kButton).x + ui.u(56), ui.mm(16));
      if (ui.button("lang." + langs[i], label, inner.takeRight(w, ui.u(12)),
                    ButtonKind::kOnBrand)) {
        out = tap(Action::kChooseLanguage, static_cast<int>(i));
      }
    }
  }
  if (view.event != nullptr) {
    const std::string name = localizedPart(view.event->name, ui.language());
    const Rect top{inner.x, inner.y, inner.w, inner.h * 0.56f};
    const Rect bottom{inner.x, inner.y + inner.h * 0.58f, inner.w, inner.h * 0.42f};
    // The whole name, never "…": a long one takes the smaller face, and when even that
    // needs two lines it takes the venue's place too (the venue is on the Help tab).
    auto nameStyle = ui.rosterStyle(FontRole::kBodyBold, on, 1);
    const auto fits = [&](const TextStyle& style) {
      const float pad = 2 * (std::ceil(style.px * 0.08f) + 1);
      return ui.rosterSize(name, style).x - pad <= top.w;
    };
    bool venue = true;
    if (!fits(nameStyle)) {
      nameStyle = ui.rosterStyle(FontRole::kCaption, on, 1);
      nameStyle.bold = true;
      if (!fits(nameStyle)) {
        nameStyle.maxLines = 2;
        venue = false;
      }
    }
    ui.roster(name, nameStyle, venue ? top : inner, Align::kLeft, true);
    if (venue) {
      ui.roster(localizedPart(view.event->venue, ui.language()),
                ui.rosterStyle(FontRole::kCaption, p.onBrandMuted, 1), bottom, Align::kLeft, true);
    }
  }
  return out;
}

// The terminal's languages, each named in itself, in a panel below the header's
// language button; the rest of the screen is dimmed.
Intent drawLanguageList(Ui& ui, const TerminalView& view) {
  Intent out;
  const auto& p = ui.pal();
  const Layout& layout = ui.layout();
  const auto& langs = view.flow->config().languages;
  ui.fill(Rect{0, layout.header.bottom(), layout.screen.w, layout.screen.h - layout.header.h},
          p.scrim);
  const float rowH = ui.m().buttonHeight;
  const float gap = ui.m().gap;
  const float pad = ui.u(32);
  const std::string_view title = ui.tr("attract.language");
  const float titleH = ui.measure(title, FontRole::kBodyBold).y;
  float widest = ui.measure(ui.tr("common.cancel"), FontRole::kButton).x;
  for (const auto& l : langs) {
    widest = std::max(widest, ui.measure(ui.trIn(l, "language.name"), FontRole::kButton).x);
  }
  // One column, or two when a column would run off a landscape screen.
  const float room = layout.screen.h - layout.header.bottom() - ui.u(24);
  const auto heightFor = [&](std::size_t cols) {
    const auto rows = static_cast<float>((langs.size() + cols - 1) / cols + 1);
    return 2 * pad + titleH + gap + rows * rowH + rows * gap;
  };
  const std::size_t cols = heightFor(1) <= room ? 1 : 2;
  const float colW = std::max(ui.u(480), widest + ui.u(160));
  const float w =
      std::min(layout.body.w, static_cast<float>(cols) * colW + (cols - 1) * gap + 2 * pad);
  const Rect panel{layout.screen.w - ui.m().margin - w, layout.header.bottom() + ui.u(12), w,
                   heightFor(cols) - gap};
  ui.fill(panel, p.surface, ui.m().radius);
  Rect inner = panel.inset(pad, pad);
  ui.text(title, FontRole::kBodyBold, p.text, inner.takeTop(titleH, gap));
  std::vector<Rect> cells;
  for (std::size_t i = 0; i < langs.size(); ++i) {
    if (i % cols == 0) {
      cells = inner.takeTop(rowH, gap).columns(static_cast<int>(cols), gap);
    }
    if (ui.button("lang." + langs[i], ui.trIn(langs[i], "language.name"), cells[i % cols],
                  langs[i] == view.flow->screenLanguage(*view.state) ? ButtonKind::kChipSelected
                                                                     : ButtonKind::kChip)) {
      out = tap(Action::kChooseLanguage, static_cast<int>(i));
    }
  }
  if (ui.button("lang.close", ui.tr("common.cancel"), inner.takeTop(rowH), ButtonKind::kSecondary,
                Icon::kCross)) {
    out = tap(Action::kToggleLanguageList);
  }
  return out;
}

// The reach area's ground, before the screen (which may put its title there).
void drawReachArea(Ui& ui) {
  ui.fill(ui.layout().reachArea, ui.pal().surfaceAlt);
}

// After the screen: the note that says why the controls are low, below whatever the
// screen put up there, when there is room for it.
void drawReachNote(Ui& ui, const TerminalView& view) {
  const auto& p = ui.pal();
  if (std::holds_alternative<flow::Attract>(view.state->screen)) {
    return;  // the attract screen shows the camera here
  }
  const Rect inner = ui.reachSpace();
  const std::string_view note = ui.tr("reach.note");
  const float h = ui.measure(note, FontRole::kBody, inner.w).y;
  const float iconSize = ui.u(72);
  if (h + iconSize + ui.u(24) > inner.h) {
    return;
  }
  const Rect noteBox{inner.x, inner.bottom() - h, inner.w, h};
  ui.text(note, FontRole::kBody, p.textMuted, noteBox, Align::kCenter);
  ui.icon(
      Icon::kReach,
      Rect{inner.center().x - iconSize / 2, noteBox.y - ui.u(24) - iconSize, iconSize, iconSize},
      p.primary);
}

float bannerHeight(const Ui& ui) {
  const float textW = ui.layout().body.w - ui.u(56) - ui.u(92) - ui.u(24) -
                      (ui.measure(ui.tr("idle.stay"), FontRole::kButton).x + ui.u(72)) - ui.m().gap;
  const float textH =
      ui.measure(ui.trf("idle.countdown", {{"seconds", "10"}}), FontRole::kBody, textW).y;
  return std::max(ui.u(132), textH + ui.u(48));
}

Intent drawIdleBanner(Ui& ui, Millis left, Millis warning) {
  Intent out;
  const auto& p = ui.pal();
  const Rect body = ui.layout().body;
  const Rect banner{body.x, body.y, body.w, bannerHeight(ui)};
  if (!p.highContrast) {
    ui.fill(Rect{banner.x, banner.y + ui.u(8), banner.w, banner.h}, hex(0x000000, 0.12f),
            ui.m().radius);
  }
  ui.fill(banner, p.warningSoft, ui.m().radius);
  if (p.highContrast) {
    ui.stroke(banner, p.onWarningSoft, ui.u(3), ui.m().radius);
  }
  Rect inner = banner.inset(ui.u(28), ui.u(20));
  const float ringArea = std::min(inner.h, ui.u(92));
  const int seconds = static_cast<int>((left.count() + 999) / 1000);
  const float fraction =
      static_cast<float>(left.count()) / static_cast<float>(std::max<long>(1, warning.count()));
  const float r = ringArea / 2;
  const Vec2 c{inner.x + r, inner.center().y};
  ui.ring(c, r - ui.u(4), p.onWarningSoft.withAlpha(0.25f), ui.u(8));
  ui.arc(c, r - ui.u(4), -1.5708f, -1.5708f + 6.2832f * fraction, p.onWarningSoft, ui.u(8));
  ui.text(std::to_string(seconds), FontRole::kBodyBold, p.onWarningSoft,
          Rect{c.x - r, c.y - r, 2 * r, 2 * r}, Align::kCenter, true);
  inner.takeLeft(2 * r + ui.u(24));
  const std::string_view stay = ui.tr("idle.stay");
  const float stayW = ui.measure(stay, FontRole::kButton).x + ui.u(72);
  if (ui.button("idle.stay", stay,
                inner.takeRight(stayW, ui.m().gap).centered(stayW, std::min(inner.h, ui.u(92))),
                ButtonKind::kPrimary)) {
    out = FlowEvent{ev::Touch{}};
  }
  ui.text(ui.trf("idle.countdown", {{"seconds", std::to_string(seconds)}}), FontRole::kBody,
          p.onWarningSoft, inner, Align::kLeft, true);
  return out;
}

}  // namespace

TerminalUi::TerminalUi(Window& window, Fonts& fonts, const Catalogs& catalogs, float diagonalInches)
    : window_(window), fonts_(fonts), catalogs_(catalogs), diagonalInches_(diagonalInches) {}

TerminalUi::~TerminalUi() = default;

const Palette& TerminalUi::palette(const TerminalView& view) const {
  return view.state != nullptr && view.state->prefs.highContrast ? highContrastPalette()
                                                                 : standardPalette();
}

Status TerminalUi::prepare(const TerminalView& view) {
  const int w = window_.width();
  const int h = window_.height();
  const bool large =
      view.state != nullptr && view.state->prefs.largeText && !isStaffScreen(view.state->screen);
  if (w == builtWidth_ && h == builtHeight_ && large == builtLarge_) {
    return okStatus();
  }
  const Metrics next = metricsFor(w, h, large, diagonalInches_);
  auto status = window_.rebuildFonts([&] { return fonts_.build(next, catalogs_.codePoints()); });
  if (!status) {
    return status;
  }
  metrics_ = next;
  builtWidth_ = w;
  builtHeight_ = h;
  builtLarge_ = large;
  text_.clear();  // sizes changed: every roster text renders anew
  return okStatus();
}

Layout TerminalUi::layoutFor(const TerminalView& view) const {
  Layout l;
  const float w = static_cast<float>(builtWidth_);
  const float h = static_cast<float>(builtHeight_);
  const Metrics& m = metrics_;
  l.screen = Rect{0, 0, w, h};
  l.portrait = h >= w;
  l.header = Rect{0, 0, w, m.headerHeight};
  l.body = Rect{m.margin, m.headerHeight + m.margin, w - 2 * m.margin,
                h - m.headerHeight - 2 * m.margin};
  l.reach = l.portrait && view.state->prefs.reachMode && !isStaffScreen(view.state->screen);
  if (l.reach) {
    const float top = std::round(h * 0.40f);
    l.reachArea = Rect{0, m.headerHeight, w, top - m.headerHeight};
    l.body = Rect{m.margin, top + m.margin * 0.75f, w - 2 * m.margin, h - top - m.margin * 1.75f};
  }
  return l;
}

void TerminalUi::updateImages(const TerminalView& view) {
  if (view.camera.preview && view.camera.preview->sequence != previewSequence_) {
    const auto& f = *view.camera.preview;
    preview_.upload(f.width, f.height, Texture::Format::kRgb, f.pixels);
    previewSequence_ = f.sequence;
  }
  if (view.photo.captured.get() != photoSource_) {
    photoSource_ = view.photo.captured.get();
    if (view.photo.captured) {
      const auto& img = *view.photo.captured;
      photo_.upload(img.width, img.height, Texture::Format::kRgba, img.pixels);
    } else {
      photo_.reset();
    }
  }
  if (view.stockPreview.get() != stockSource_) {
    stockSource_ = view.stockPreview.get();
    if (view.stockPreview) {
      const auto& img = *view.stockPreview;
      stock_.upload(img.width, img.height, Texture::Format::kRgba, img.pixels);
    } else {
      stock_.reset();
    }
  }
  if (view.badgePreview.get() != badgeSource_) {
    badgeSource_ = view.badgePreview.get();
    if (view.badgePreview) {
      const auto& img = *view.badgePreview;
      badge_.upload(img.width, img.height, Texture::Format::kRgba, img.pixels);
    } else {
      badge_.reset();
    }
  }
}

namespace {

// Which field the keyboard types into: the screen, and the field on screens with several.
std::size_t focusKey(const FlowScreen& screen) {
  std::size_t field = 0;
  if (const auto* w = std::get_if<flow::StaffWalkIn>(&screen)) {
    field = static_cast<std::size_t>(w->focus);
  } else if (const auto* f = std::get_if<flow::FindBooking>(&screen)) {
    field = static_cast<std::size_t>(f->mode) * 2 + (f->focusPhone ? 1 : 0);
  } else if (const auto* n = std::get_if<flow::ConfirmNeeds>(&screen)) {
    field = n->editing ? static_cast<std::size_t>(*n->editing) + 1 : 0;
  } else if (const auto* r = std::get_if<flow::ReportProblem>(&screen)) {
    field = r->writing ? 1 : 0;
  }
  return screen.index() * 64 + field;
}

}  // namespace

std::vector<FlowEvent> TerminalUi::draw(const TerminalView& view, double seconds) {
  std::vector<FlowEvent> events;
  controls_.beginFrame();
  updateImages(view);
  const Palette& pal = palette(view);
  const Layout layout = layoutFor(view);
  const auto& state = *view.state;

  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(layout.screen.w, layout.screen.h));
  ImGui::Begin("##terminal", nullptr, kCanvasFlags | ImGuiWindowFlags_NoBringToFrontOnFocus);

  Ui::Parts parts;
  parts.palette = &pal;
  parts.metrics = metrics_;
  parts.layout = layout;
  parts.fonts = &fonts_;
  parts.text = &text_;
  parts.controls = &controls_;
  parts.catalogs = &catalogs_;
  parts.language = view.flow->screenLanguage(state);
  parts.seconds = seconds;
  if (const std::size_t focus = focusKey(state.screen); focus != lastFocus_) {
    // Half-typed pinyin never follows to another field or screen; a new guest starts
    // in Latin.
    lastFocus_ = focus;
    if (inputMethod_ != nullptr) {
      inputMethod_->reset();
    }
    keyboard_.shift = false;
    if (std::holds_alternative<flow::Attract>(state.screen)) {
      keyboard_.pinyin = false;
    }
  }
  parts.keyboard = &keyboard_;
  parts.inputMethod = inputMethod_;
  parts.mirrored = rightToLeft(parts.language);
  Ui ui(parts);
  // The background is the GL clear colour: no full-screen fill (fill rate).
  if (auto e = drawHeader(ui, view)) {
    events.push_back(std::move(*e));
  }
  if (layout.reach) {
    drawReachArea(ui);
  }
  const ScreenImages images{TextureRef{preview_.id(), preview_.width(), preview_.height()},
                            TextureRef{photo_.id(), photo_.width(), photo_.height()},
                            TextureRef{badge_.id(), badge_.width(), badge_.height()},
                            TextureRef{stock_.id(), stock_.width(), stock_.height()}};
  Intent intent = std::visit(
      Overloaded{
          [&](const flow::Attract&) { return drawAttract(ui, view, images); },
          [&](const flow::FindBooking& s) { return drawFindBooking(ui, view, s); },
          [&](const flow::Checking& s) { return drawChecking(ui, view, s); },
          [&](const flow::ConfirmIdentity& s) { return drawConfirmIdentity(ui, view, s); },
          [&](const flow::Photo& s) { return drawPhoto(ui, view, s, images); },
          [&](const flow::ConfirmNeeds& s) { return drawConfirmNeeds(ui, view, s); },
          [&](const flow::Committing& s) { return drawCommitting(ui, view, s); },
          [&](const flow::Printing& s) { return drawPrinting(ui, view, s, images); },
          [&](const flow::Info& s) { return drawInfo(ui, view, s); },
          [&](const flow::Done& s) { return drawDone(ui, view, s); },
          [&](const flow::ReportProblem& s) { return drawReportProblem(ui, view, s); },
          [&](const flow::Refused& s) { return drawRefused(ui, view, s); },
          [&](const flow::CallStaff& s) { return drawCallStaff(ui, view, s); },
          [&](const flow::Failure& s) { return drawFailure(ui, view, s); },
          [&](const flow::StaffUnlock& s) { return drawStaffUnlock(ui, view, s); },
          [&](const flow::StaffHome& s) { return drawStaffHome(ui, view, s); },
          [&](const flow::StaffGuest& s) { return drawStaffGuest(ui, view, s); },
          [&](const flow::StaffReason& s) { return drawStaffReason(ui, view, s); },
          [&](const flow::StaffWalkIn& s) { return drawStaffWalkIn(ui, view, s); },
          [&](const flow::StaffDevices& s) { return drawStaffDevices(ui, view, s, images); },
          [&](const flow::StaffEditGuest& s) { return drawStaffEditGuest(ui, view, s); },
      },
      state.screen);
  if (intent) {
    events.push_back(std::move(*intent));
  }
  if (layout.reach) {
    drawReachNote(ui, view);
  }
  ImGui::End();

  // The language list and the idle countdown float above the screen in windows of their
  // own, so their buttons win over whatever lies under them.
  if (state.choosingLanguage && view.event != nullptr) {
    const Rect below{0, layout.header.bottom(), layout.screen.w, layout.screen.h - layout.header.h};
    ImGui::SetNextWindowPos(ImVec2(below.x, below.y));
    ImGui::SetNextWindowSize(ImVec2(below.w, below.h));
    ImGui::Begin("##languages", nullptr, kCanvasFlags);
    Ui overlay(parts);
    if (auto e = drawLanguageList(overlay, view)) {
      events.push_back(std::move(*e));
    }
    ImGui::End();
  }
  const auto left = view.flow->idleRemaining(state, view.now);
  const Millis warning = view.flow->config().idleWarning;
  if (left && *left <= warning) {
    const Rect banner{layout.body.x, layout.body.y, layout.body.w, bannerHeight(ui) + ui.u(12)};
    ImGui::SetNextWindowPos(ImVec2(banner.x, banner.y));
    ImGui::SetNextWindowSize(ImVec2(banner.w, banner.h));
    ImGui::Begin("##idle", nullptr, kCanvasFlags);
    Ui overlay(parts);
    if (auto e = drawIdleBanner(overlay, *left, warning)) {
      events.push_back(std::move(*e));
    }
    ImGui::End();
  }
  ImGui::PopStyleVar(2);
  return events;
}

void TerminalUi::finishFrame() {
  text_.endFrame();
}

void TerminalUi::releasePersonalData() {
  text_.clear();
  photo_.reset();
  photoSource_ = nullptr;
  badge_.reset();
  badgeSource_ = nullptr;
  if (inputMethod_ != nullptr) {
    inputMethod_->reset();
  }
}

}  // namespace kiosk::ui
