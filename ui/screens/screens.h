// The screens: one free function per screen, one file each. A screen draws its view of
// the flow's state inside the body of the frame and returns the user's intent (at most
// one per frame). Screens hold no state, ask no device and no database: everything
// they show comes in as arguments.
//
// UI thread only, inside a frame (see TerminalUi).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/flow.h"
#include "ui/terminal_view.h"
#include "ui/widgets.h"

namespace kiosk::ui {

using Intent = std::optional<FlowEvent>;

struct TextureRef {
  std::uint32_t id = 0;
  int width = 0;
  int height = 0;
};

// Images the frame has uploaded for the screens.
struct ScreenImages {
  TextureRef preview;  // camera
  TextureRef photo;    // the captured badge photo
  TextureRef badge;    // the badge being printed
  TextureRef stock;    // a sample badge on the terminal's stock (staff device page)
};

Intent drawAttract(Ui& ui, const TerminalView& view, const ScreenImages& images);
Intent drawFindBooking(Ui& ui, const TerminalView& view, const flow::FindBooking& s);
Intent drawChecking(Ui& ui, const TerminalView& view, const flow::Checking& s);
Intent drawConfirmIdentity(Ui& ui, const TerminalView& view, const flow::ConfirmIdentity& s);
Intent drawPhoto(Ui& ui, const TerminalView& view, const flow::Photo& s,
                 const ScreenImages& images);
Intent drawConfirmNeeds(Ui& ui, const TerminalView& view, const flow::ConfirmNeeds& s);
Intent drawCommitting(Ui& ui, const TerminalView& view, const flow::Committing& s);
Intent drawPrinting(Ui& ui, const TerminalView& view, const flow::Printing& s,
                    const ScreenImages& images);
Intent drawInfo(Ui& ui, const TerminalView& view, const flow::Info& s);
Intent drawDone(Ui& ui, const TerminalView& view, const flow::Done& s);
Intent drawReportProblem(Ui& ui, const TerminalView& view, const flow::ReportProblem& s);
Intent drawRefused(Ui& ui, const TerminalView& view, const flow::Refused& s);
Intent drawCallStaff(Ui& ui, const TerminalView& view, const flow::CallStaff& s);
Intent drawFailure(Ui& ui, const TerminalView& view, const flow::Failure& s);
Intent drawStaffUnlock(Ui& ui, const TerminalView& view, const flow::StaffUnlock& s);
Intent drawStaffHome(Ui& ui, const TerminalView& view, const flow::StaffHome& s);
Intent drawStaffGuest(Ui& ui, const TerminalView& view, const flow::StaffGuest& s);
Intent drawStaffReason(Ui& ui, const TerminalView& view, const flow::StaffReason& s);
Intent drawStaffWalkIn(Ui& ui, const TerminalView& view, const flow::StaffWalkIn& s);
Intent drawStaffEditGuest(Ui& ui, const TerminalView& view, const flow::StaffEditGuest& s);
Intent drawStaffDevices(Ui& ui, const TerminalView& view, const flow::StaffDevices& s,
                        const ScreenImages& images);

// --- pieces shared by several screens (screen_parts.cpp) ---

inline Intent tap(Action action, int index = 0, std::string text = {}) {
  return FlowEvent{ev::Tap{action, index, std::move(text)}};
}

// The journey's steps (1 confirm, 2 photo, 3 needs, 4 badge); consumes its height.
void stepBar(Ui& ui, Rect& body, int step, bool photoStep);
// Title and optional subtitle at the top of `body`; consumes their height.
void titleBlock(Ui& ui, Rect& body, std::string_view title, std::string_view subtitle = {},
                Align align = Align::kLeft);
// The height titleBlock would take from the body (0 when it goes up into the reach area).
float titleBlockHeight(Ui& ui, float width, std::string_view title, std::string_view subtitle = {});
// `n` cells in rows of `perRow` from the top of `body`: rows `preferred` tall, or
// shorter to leave `keepBelow` free, never under 15 mm; consumes their height.
std::vector<Rect> cellRows(Ui& ui, Rect& body, int n, int perRow, float preferred, float gap,
                           float keepBelow = 0);
// The camera picture, cropped to fill `r`, with a frame guide; `mirrored` like a mirror.
void cameraPanel(Ui& ui, Rect r, const TextureRef& preview, const CameraView& camera,
                 bool codeGuide);
// A round icon in a soft circle.
void badgeIcon(Ui& ui, Vec2 center, float radius, Icon icon, Color background, Color foreground);
// A panel with an icon, a title and a body text (catalog strings); returns its height.
float messagePanel(Ui& ui, Rect r, Icon icon, Color background, Color foreground,
                   std::string_view title, std::string_view body, bool measureOnly = false);
// One labelled value ("Room", "1208") with an icon; an empty value is no line at all.
// The value wraps up to `maxLines` lines.
struct InfoLine {
  Icon icon = Icon::kNone;
  std::string label;
  std::string value;
  int maxLines = 6;
};
constexpr float kInfoLineGap = 22;  // between lines, in units
float infoLineHeight(Ui& ui, float width, const InfoLine& line);
void drawInfoLine(Ui& ui, Rect row, const InfoLine& line);
// The lines split into pages of at most `height` (every line on exactly one page).
std::vector<std::vector<InfoLine>> infoPages(Ui& ui, const std::vector<InfoLine>& lines,
                                             float width, float height);
// An info line at the top of `area`, consuming its height; dropped when it does not fit
// (staff screens, where everything is also one tap away).
void infoRow(Ui& ui, Rect& area, Icon icon, std::string_view label, std::string_view value,
             int maxLines = 2);
// Catalog keys.
std::string categoryKey(GuestCategory category);
std::string outcomeKey(
    const ScanDecision& decision);  // "outcome.<id>" or "outcome.needs_staff.<reason>"
// Why a scan was refused, for staff, in the screen's language (the decision's English
// detail when it names no catalog key).
std::string staffDetail(const Ui& ui, const ScanDecision& decision);
// Where the on-screen keyboard goes: under the content in portrait, beside it (right
// half, at the bottom) in landscape; consumes that part of `body`. In portrait it
// leaves `keep` pixels above it when it can (lower keys, never under 15 mm).
Rect keyboardArea(Ui& ui, Rect& body, KeyboardKind kind, float keep = 0);
// Footer area for `rows` rows of buttons; consumes it from the bottom of `body`.
Rect footer(Ui& ui, Rect& body, int rows);

}  // namespace kiosk::ui
