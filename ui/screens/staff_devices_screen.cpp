// Device health for staff and IT: camera, printers, sync, storage, terminal; a test page
// on each printer, with how it went; quitting the terminal (staff only).
#include <algorithm>
#include <cstdio>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

std::string bytesText(std::uint64_t bytes) {
  char buf[32];
  const double gb = static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
  if (gb >= 1) {
    std::snprintf(buf, sizeof buf, "%.1f GB", gb);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}

// A section: title, then rows of "label  value" (values are roster text).
Rect section(Ui& ui, Rect& area, std::string_view title, float height) {
  Rect card = area.takeTop(height, ui.m().gap);
  ui.card(card, ui.pal().surface);
  Rect inner = card.inset(ui.u(28), ui.u(22));
  ui.text(title, FontRole::kBodyBold, ui.pal().text, inner.takeTop(ui.m().bodyPx * 1.4f, ui.u(8)));
  return inner;
}

void row(Ui& ui, Rect& inner, std::string_view label, const std::string& value, Color valueColor) {
  const float h = ui.m().captionPx * 1.45f;
  if (inner.h < h) {
    return;
  }
  Rect r = inner.takeTop(h, ui.u(4));
  const Rect l = r.takeLeft(r.w * 0.38f, ui.u(12));
  ui.text(label, FontRole::kCaption, ui.pal().textMuted, l, Align::kLeft, true);
  ui.roster(value, ui.rosterStyle(FontRole::kCaption, valueColor), r, Align::kLeft, true);
}

// A state with its technical detail in brackets ("No sound device (ALSA: ...)") when that
// fits the row; the state alone when it does not (the detail is in the terminal's log).
void rowWithDetail(Ui& ui, Rect& inner, std::string_view label, const std::string& state,
                   const std::string& detail, Color valueColor) {
  const std::string full = detail.empty() ? state : state + " (" + detail + ")";
  const float valueWidth = inner.w * 0.62f - ui.u(12);
  row(ui, inner, label, ui.measure(full, FontRole::kCaption).x <= valueWidth ? full : state,
      valueColor);
}

// The loaded stock does not fit the badge: staff must act before badges print wrong.
bool mediaMismatch(const PrinterView& printer) {
  return printer.mediaFit == "not-loaded" || printer.mediaFit == "unsupported";
}

bool hasProblem(const std::string& problem) {
  return !problem.empty() && problem != "none";
}

// A device's trouble in the staff's words (catalog `prefix` + the problem's id). The
// device's own technical text is English: it follows in brackets on an English page when
// it fits, and is in the terminal's log in any case.
void problemRow(Ui& ui, Rect& inner, const std::string& prefix, const std::string& problem,
                const std::string& technical, Color valueColor) {
  const bool english = ui.language().rfind("en", 0) == 0;
  rowWithDetail(ui, inner, ui.tr("staff.devices.reason"), std::string(ui.tr(prefix + problem)),
                english ? technical : std::string(), valueColor);
}

}  // namespace

Intent drawStaffDevices(Ui& ui, const TerminalView& view, const flow::StaffDevices& s,
                        const ScreenImages& images) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(3, ui.m().gap);
  if (ui.button("staff.devices.back", ui.tr(s.confirmingQuit ? "common.cancel" : "common.back"),
                cells[0], ButtonKind::kSecondary, Icon::kBack)) {
    out = tap(Action::kBack);
  }
  if (s.confirmingQuit) {
    if (ui.button("staff.quit.confirm", ui.tr("staff.quit_confirm"), cells[2], ButtonKind::kPrimary,
                  Icon::kExit)) {
      out = tap(Action::kQuit);
    }
    const float h =
        messagePanel(ui, body, Icon::kExit, p.warningSoft, p.onWarningSoft,
                     ui.tr("staff.quit_question"), ui.tr("staff.quit_consequence"), true);
    messagePanel(ui, body.takeTop(h, ui.m().gap), Icon::kExit, p.warningSoft, p.onWarningSoft,
                 ui.tr("staff.quit_question"), ui.tr("staff.quit_consequence"));
  } else if (ui.button("staff.quit", ui.tr("staff.quit"), cells[2], ButtonKind::kQuiet,
                       Icon::kExit)) {
    out = tap(Action::kQuit);
  }
  const bool portrait = ui.layout().portrait;
  // Two columns in landscape, one in portrait (both names then take from `body`).
  Rect leftColumn;
  if (!portrait) {
    leftColumn = body.takeLeft(body.w / 2 - ui.m().gap / 2, ui.m().gap);
  }
  Rect& left = portrait ? body : leftColumn;
  Rect& right = body;
  const float line = ui.m().captionPx * 1.45f + ui.u(4);
  // A row with a button: tall enough to touch.
  const float buttonH = std::max(ui.m().chipHeight * 0.75f, ui.mm(kMinTouchMm + 1));
  const auto ok = [&](bool good) { return good ? p.success : p.danger; };

  // Camera, with a small live picture.
  {
    const int rows = 3 + (hasProblem(view.camera.problem) ? 1 : 0);
    Rect inner = section(ui, left, ui.tr("staff.devices.camera"),
                         ui.m().bodyPx * 1.4f + static_cast<float>(rows) * line + ui.u(60));
    const Rect thumb = inner.takeRight(std::min(inner.h * 4 / 3, inner.w * 0.35f), ui.m().gap);
    cameraPanel(ui, thumb.centered(thumb.w, thumb.w * 0.75f), images.preview, view.camera, false);
    row(ui, inner, ui.tr("staff.devices.state"),
        std::string(ui.tr("device.camera." + view.camera.state)), ok(view.camera.streaming));
    if (hasProblem(view.camera.problem)) {
      problemRow(ui, inner, "device.camera_problem.", view.camera.problem, view.camera.reason,
                 p.text);
    }
    row(ui, inner, ui.tr("staff.devices.source"), view.camera.source, p.text);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f fps · %.1f ms", view.camera.fps, view.camera.decodeMillis);
    row(ui, inner, ui.tr("staff.devices.rate"), buf, p.text);
  }
  // Printers.
  {
    std::size_t rows = 0;
    for (const auto& printer : view.printers) {
      rows += mediaMismatch(printer) || printer.mediaFit == "unknown" ? 1 : 2;  // + its name
    }
    // A printer whose loaded stock does not fit the badge gets a sentence saying so, with
    // both sizes, under its rows.
    std::vector<std::string> mismatches;
    for (const auto& printer : view.printers) {
      if (mediaMismatch(printer)) {
        mismatches.push_back(ui.trf(
            "staff.devices.media_mismatch",
            {{"printer", printer.name},
             {"loaded", printer.loadedMedia.empty() ? std::string("-") : printer.loadedMedia},
             {"badge", printer.badgeMedia}}));
      }
    }
    // A preview of the badge on the stock, beside printers that report their media (the
    // rows of a folder printer keep the whole width for its long path); portrait only: a
    // landscape column has no height to spare for it beside the volume.
    const bool mediaReported =
        std::any_of(view.printers.begin(), view.printers.end(),
                    [](const PrinterView& printer) { return printer.mediaFit != "unknown"; });
    const bool preview =
        portrait && mediaReported && images.stock.id != 0 && images.stock.height > 0;
    const float aspect =
        preview ? static_cast<float>(images.stock.width) / static_cast<float>(images.stock.height)
                : 0.0f;
    const float previewWidth = preview ? ui.u(150) * aspect + ui.m().gap : 0.0f;
    const float textWidth = left.w - ui.u(56) - previewWidth;
    float mismatchHeight = 0;
    for (const auto& text : mismatches) {
      mismatchHeight += ui.measure(text, FontRole::kCaption, textWidth).y + ui.u(8);
    }
    const float h = ui.m().bodyPx * 1.4f +
                    static_cast<float>(std::max<std::size_t>(1, rows)) * line + mismatchHeight +
                    static_cast<float>(view.printers.size()) * (buttonH + ui.u(4)) + ui.u(60);
    Rect inner = section(ui, left, ui.tr("staff.devices.printer"), h);
    if (preview) {
      const float thumbH = std::min(inner.h, ui.u(150));
      const Rect thumb = inner.takeRight(thumbH * aspect, ui.m().gap);
      ui.image(images.stock.id, thumb.centered(thumbH * aspect, thumbH), Vec2{0, 0}, Vec2{1, 1},
               ui.u(6));
    }
    if (view.printers.empty()) {
      row(ui, inner, ui.tr("staff.devices.state"), "-", p.text);
    }
    std::size_t mismatchIndex = 0;
    for (std::size_t i = 0; i < view.printers.size(); ++i) {
      const auto& printer = view.printers[i];
      // The printer's name, a test page on this printer only, and how the last one went
      // (the spooler's words follow on an English page when they fit): one row, so that
      // each result stands beside its own printer.
      const bool english = ui.language().rfind("en", 0) == 0;
      if (inner.h >= buttonH) {
        Rect r = inner.takeTop(buttonH, ui.u(4));
        const Rect name = r.takeLeft(r.w * 0.38f, ui.u(12));
        ui.roster(printer.name, ui.rosterStyle(FontRole::kBodyBold, p.text), name, Align::kLeft,
                  true);
        const Rect button = r.takeLeft(std::max(ui.u(150), r.w * 0.4f), ui.u(12));
        if (ui.button("devices.test_print." + std::to_string(i), ui.tr("staff.devices.test_print"),
                      button, ButtonKind::kChip, Icon::kPrinter)) {
          out = tap(Action::kStaffTestPrint, static_cast<int>(i));
        }
        if (!printer.testPage.empty()) {
          const std::string state(ui.tr("printing.stage." + printer.testPage));
          const std::string full = english && !printer.testPageDetail.empty()
                                       ? state + " (" + printer.testPageDetail + ")"
                                       : state;
          const bool trouble =
              printer.testPage == "failed" || printer.testPage == "waiting_for_printer";
          ui.text(ui.measure(full, FontRole::kCaption).x <= r.w ? full : state, FontRole::kCaption,
                  trouble ? p.danger : p.text, r, Align::kLeft, true);
        }
      }
      // The state in the staff's words; the spooler's own (English) follow on an English
      // page when something is wrong and they fit, as a camera's and the sync's do.
      rowWithDetail(
          ui, inner, ui.tr("staff.devices.state"), std::string(ui.tr("printer." + printer.state)),
          english && !printer.usable ? printer.reason : std::string(), ok(printer.usable));
      // What is loaded and whether it fits the badge; a stock that does not fit is said
      // in a sentence with both sizes instead.
      if (mediaMismatch(printer)) {
        const std::string& text = mismatches[mismatchIndex++];
        const float used = ui.text(text, FontRole::kCaption, p.danger, inner);
        inner.takeTop(used, ui.u(8));
        continue;
      }
      if (printer.mediaFit == "unknown") {
        continue;  // a folder, or a queue that says nothing about its media
      }
      const std::string fit(ui.tr("staff.devices.media_fit." + printer.mediaFit));
      row(ui, inner, ui.tr("staff.devices.media"),
          printer.loadedMedia.empty() ? fit : printer.loadedMedia + " · " + fit, p.text);
    }
  }
  // Sync.
  {
    const auto& sy = view.sync;
    // An OS update under way or failed: a row with its state, and on an installed one the
    // button that reboots into it now (otherwise it waits for a quiet time).
    const auto& up = view.update;
    const bool updateShown = up.state != "idle" && !up.state.empty();
    const bool restartShown = up.state == "installed";
    const int rows =
        2 + (sy.lastSync ? 1 : 0) + (hasProblem(sy.problem) ? 1 : 0) + (updateShown ? 1 : 0);
    Rect inner = section(ui, right, ui.tr("staff.devices.sync"),
                         ui.m().bodyPx * 1.4f + static_cast<float>(rows) * line +
                             (restartShown ? buttonH + ui.u(4) : 0.0f) + ui.u(60));
    std::string state;
    if (!sy.configured) {
      state = std::string(ui.tr("staff.devices.standalone"));
    } else if (!sy.running) {
      state = std::string(ui.tr("staff.devices.sync_unavailable"));
    } else if (sy.deviceRevoked) {
      state = std::string(ui.tr("staff.devices.revoked"));
    } else if (sy.needsEnrollment) {
      state = std::string(ui.tr("staff.devices.not_enrolled"));
    } else {
      state = std::string(ui.tr(sy.online ? "staff.devices.online" : "staff.devices.offline"));
    }
    row(ui, inner, ui.tr("staff.devices.state"), state, ok(!sy.configured || sy.online));
    row(ui, inner, ui.tr("staff.devices.queue"), std::to_string(sy.outboxDepth),
        sy.outboxDepth == 0 ? p.text : p.danger);
    if (sy.lastSync) {
      row(ui, inner, ui.tr("staff.devices.last_sync"),
          guestDay(ui, *sy.lastSync, view.event->timezone) + " " +
              guestTime(ui, *sy.lastSync, view.event->timezone),
          p.text);
    }
    if (hasProblem(sy.problem)) {
      problemRow(ui, inner, "device.sync_problem.", sy.problem, sy.lastError, p.danger);
    }
    if (updateShown) {
      const bool english = ui.language().rfind("en", 0) == 0;
      rowWithDetail(
          ui, inner, ui.tr("staff.devices.update"),
          std::string(ui.tr("staff.devices.update_state." + up.state)) + " · " + up.version,
          english ? up.detail : std::string(), up.state == "failed" ? p.danger : p.text);
    }
    if (restartShown && inner.h >= buttonH) {
      Rect r = inner.takeTop(buttonH, ui.u(4));
      r.takeLeft(r.w * 0.38f, ui.u(12));
      if (ui.button("devices.restart_to_update", ui.tr("staff.devices.restart_to_update"), r,
                    ButtonKind::kChip, Icon::kNone)) {
        out = tap(Action::kRestartToUpdate);
      }
    }
  }
  // Storage and terminal.
  {
    Rect inner = section(ui, right, ui.tr("staff.devices.terminal"),
                         ui.m().bodyPx * 1.4f + (portrait ? 7 : 6) * line + ui.u(60));
    row(ui, inner, ui.tr("staff.devices.name"), view.terminalName, p.text);
    row(ui, inner, ui.tr("staff.devices.disk"),
        view.diskFreeBytes ? bytesText(*view.diskFreeBytes) : std::string("-"),
        view.diskFreeBytes && *view.diskFreeBytes < 512ull * 1024 * 1024 ? p.danger : p.text);
    row(ui, inner, ui.tr("staff.devices.guests"), std::to_string(view.guestCount), p.text);
    row(ui, inner, ui.tr("staff.devices.version"), view.version, p.text);
    // A landscape column holds six rows: the renderer (an IT detail, in the log too) is
    // shown in portrait.
    if (portrait) {
      row(ui, inner, ui.tr("staff.devices.renderer"), view.rendererName, p.text);
    }
    rowWithDetail(ui, inner, ui.tr("staff.devices.sound"),
                  std::string(ui.tr("device.sound." + view.soundStatus)), view.soundDetail, p.text);
    rowWithDetail(
        ui, inner, ui.tr("staff.devices.speech"),
        std::string(ui.tr(view.speechStatus == "no_voice" ? std::string("device.speech.no_voice")
                                                          : "device.sound." + view.speechStatus)),
        view.speechDetail, p.text);
  }
  // The one volume of cues and speech; staff set it here, it is kept. Portrait: one row
  // in a card of its own under the sections. Landscape: in the footer between Back and
  // Quit, as the columns are full with two printers.
  {
    Rect controls = cells[1];
    Rect level;
    if (portrait) {
      const float buttonRow = std::max(ui.m().chipHeight * 0.75f, ui.mm(kMinTouchMm + 1));
      Rect card = body.takeTop(buttonRow + ui.u(22) * 2, ui.m().gap);
      ui.card(card, p.surface);
      controls = card.inset(ui.u(28), ui.u(22));
      const Rect label = controls.takeLeft(controls.w * 0.38f, ui.u(12));
      ui.text(ui.tr("staff.devices.volume"), FontRole::kCaption, p.textMuted, label, Align::kLeft,
              true);
    }
    const Rect down = controls.takeLeft(controls.w * (portrait ? 0.33f : 0.26f), ui.m().gap);
    const Rect up = controls.takeRight(down.w, ui.m().gap);
    level = controls;
    if (!portrait) {
      ui.text(ui.tr("staff.devices.volume"), FontRole::kCaption, p.textMuted,
              level.takeTop(level.h * 0.5f, 0), Align::kCenter, true);
    }
    // Steps of ten: levels staff can tell apart, reached in a few taps.
    const int lower = std::max(0, (view.volume + 9) / 10 * 10 - 10);
    const int higher = std::min(100, view.volume / 10 * 10 + 10);
    if (ui.button("devices.volume_down", "-", down, ButtonKind::kChip, Icon::kNone,
                  view.volume > 0)) {
      out = tap(Action::kSetVolume, lower);
    }
    ui.text(std::to_string(view.volume) + " %", FontRole::kBodyBold, p.text, level, Align::kCenter,
            true);
    if (ui.button("devices.volume_up", "+", up, ButtonKind::kChip, Icon::kNone,
                  view.volume < 100)) {
      out = tap(Action::kSetVolume, higher);
    }
  }
  return out;
}

}  // namespace kiosk::ui
