// The drawing vocabulary of the screens: catalog text (ImGui fonts), roster text
// (Pango textures), shapes and icons, and touch controls that register their names for
// scripted runs. A Ui is built for one frame by TerminalUi and handed to the screen
// functions; it holds references only.
//
// UI thread only, between Window::beginFrame and endFrame. Nothing here fails: a
// missing catalog string shows its key, a text that cannot be laid out draws nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/flow.h"
#include "ui/catalog.h"
#include "ui/controls.h"
#include "ui/fonts.h"
#include "ui/input_method.h"
#include "ui/text_cache.h"
#include "ui/theme.h"

struct ImDrawList;

namespace kiosk::ui {

enum class Icon {
  kNone,
  kCheck,
  kCross,
  kBack,
  kForward,
  kSearch,
  kPerson,
  kPrinter,
  kBed,
  kCar,
  kCalendar,
  kHelp,
  kPhone,
  kLock,
  kStar,
  kTextSize,
  kContrast,
  kReach,
  kBackspace,
  kWarning,
  kCamera,
  kRetake,
  kPlus,
  kGear,
  kExit,
  kQr,
  kBell,
  kGlobe,
  kShift,
  kSpeaker,
};

// What the text keyboard keeps from one frame to the next (TerminalUi owns it, the way
// ImGui keeps which control is held): pinyin or Latin letters, and a pending Shift.
struct KeyboardState {
  bool pinyin = false;
  bool shift = false;
};

// Where a frame's parts go.
struct Layout {
  Rect screen;
  Rect header;
  Rect body;       // the screen's own content
  Rect reachArea;  // above the body in reach mode (nothing tappable there); empty otherwise
  bool portrait = true;
  bool reach = false;
};

class Ui {
 public:
  struct Parts {
    const Palette* palette = nullptr;
    Metrics metrics;
    Layout layout;
    Fonts* fonts = nullptr;
    TextCache* text = nullptr;
    ControlRegistry* controls = nullptr;
    const Catalogs* catalogs = nullptr;
    std::string language;
    double seconds = 0;                  // animation clock
    KeyboardState* keyboard = nullptr;   // none: Latin letters, no Shift kept
    InputMethod* inputMethod = nullptr;  // none: no pinyin
    // A right-to-left language: everything drawn is mirrored (see onGlass).
    bool mirrored = false;
  };
  explicit Ui(Parts parts);

  const Palette& pal() const { return *parts_.palette; }
  const Metrics& m() const { return parts_.metrics; }
  const Layout& layout() const { return parts_.layout; }
  const std::string& language() const { return parts_.language; }
  double seconds() const { return parts_.seconds; }
  KeyboardState* keyboardState() const { return parts_.keyboard; }
  InputMethod* inputMethod() const { return parts_.inputMethod; }
  float u(float v) const { return v * parts_.metrics.unit; }

  // Right-to-left languages: screens lay a frame out as for a left-to-right one and the
  // drawing below mirrors it, so every screen turns without knowing: rects (and the
  // controls' touch areas) are reflected about the screen's middle, text aligned left
  // goes right, back and forward arrows turn round. Letters are never mirrored: Pango
  // orders them, and numbers, codes and Latin names read left to right within their
  // right-aligned box. onGlass() is where a rect of the layout is on the screen.
  bool mirrored() const { return parts_.mirrored; }
  // Returns what it was (the keyboard stays left to right: its keys are Latin).
  bool setMirrored(bool mirrored);
  Rect onGlass(Rect r) const;
  Vec2 onGlass(Vec2 p) const;
  Align onGlass(Align a) const;
  // Millimetres on the glass (touch targets).
  float mm(float v) const { return v * parts_.metrics.pxPerMm; }

  // --- catalog text (ImGui fonts) ---
  std::string_view tr(std::string_view key) const;
  // The text in another language (a language's own name on its button).
  std::string_view trIn(std::string_view language, std::string_view key) const;
  // A roster value in the reader's language when it is a common answer (Catalogs::valueText).
  std::string_view trValue(std::string_view field, std::string_view value) const;
  std::string trf(std::string_view key,
                  const std::vector<std::pair<std::string_view, std::string>>& values) const;
  Vec2 measure(std::string_view text, FontRole role, float wrapWidth = 0) const;
  // Draws inside `box`, wrapped to its width; returns the height used.
  float text(std::string_view text, FontRole role, Color color, Rect box,
             Align align = Align::kLeft, bool centerVertically = false);

  // --- roster text (Pango) ---
  TextStyle rosterStyle(FontRole role, Color color, int maxLines = 1) const;
  // Size of the text laid out in `style` (maxWidth 0 = one line).
  Vec2 rosterSize(std::string_view text, TextStyle style);
  // Draws within the box width (wrapping up to style.maxLines, then ellipsizing);
  // returns the height used.
  float roster(std::string_view text, TextStyle style, Rect box, Align align = Align::kLeft,
               bool centerVertically = false);

  // --- shapes ---
  void fill(Rect r, Color c, float radius = 0);
  void stroke(Rect r, Color c, float thickness, float radius = 0);
  void circle(Vec2 center, float radius, Color c);
  void ring(Vec2 center, float radius, Color c, float thickness);
  void arc(Vec2 center, float radius, float from, float to, Color c, float thickness);
  void line(Vec2 a, Vec2 b, Color c, float thickness);
  void image(std::uint32_t texture, Rect r, Vec2 uv0 = {0, 0}, Vec2 uv1 = {1, 1},
             float rounding = 0);
  void icon(Icon icon, Rect box, Color c);
  void card(Rect r, Color background);
  void spinner(Vec2 center, float radius, Color c);
  void qr(const std::vector<std::uint8_t>& dark, int modules, Rect box);

  // --- controls ---
  // True on the frame the control is tapped (released over it).
  bool button(std::string_view name, std::string_view label, Rect r, ButtonKind kind,
              Icon icon = Icon::kNone, bool enabled = true);
  // A button whose label is roster text (a guest's name, a search result).
  bool tappable(std::string_view name, Rect r, bool enabled = true);
  bool pressed() const { return lastPressed_; }  // the last control is held down
  // What is left of the reach area (reach mode) for the screen's title; screens take
  // from its top, the frame's note goes below what they leave.
  Rect& reachSpace() { return reachSpace_; }
  // A text field showing `value` (roster text) or the placeholder; tapping focuses it.
  bool field(std::string_view name, std::string_view label, std::string_view value,
             std::string_view placeholder, Rect r, bool focused, bool masked = false);

  ImDrawList* drawList() const { return draw_; }

 private:
  // Catalog text ImGui's font would draw wrong goes through Pango: Arabic (ImGui has
  // neither shaping nor bidi, and the CJK face no Arabic letters) and all text of a
  // language whose Han characters have shapes of their own (Japanese: the font is the
  // Chinese face).
  bool throughPango(std::string_view text) const;
  TextStyle catalogStyle(FontRole role, float maxWidth) const;
  float drawRoster(std::string_view text, TextStyle style, Rect glass, Align align,
                   bool centerVertically, Color tint = Color{1, 1, 1, 1});
  Parts parts_;
  ImDrawList* draw_ = nullptr;
  bool lastPressed_ = false;
  Rect reachSpace_;
};

// The on-screen keyboard. kText: letters, digits, space, '-', '.', '@', '\'', a Shift for
// one capital (letters are typed exactly as shown: no capitals the guest did not ask
// for) and a pinyin/Latin mode key; kDigits: a phone-style pad. In pinyin mode the
// letters go to the input method, and while it composes the digit row becomes the
// pinyin typed so far and a candidate bar: a tapped candidate (or Space, the first)
// goes into the field, Backspace edits the pinyin first. Keys are named "key.<char>"
// (letters upper case), "key.space", "key.backspace", "key.clear", "key.shift",
// "key.mode", "key.candidate.<n>", "key.page.prev", "key.page.next". kCode: the text
// keyboard for booking codes (capitals only, no pinyin).
enum class KeyboardKind { kText, kCode, kDigits };
std::optional<FlowEvent> keyboard(Ui& ui, Rect r, KeyboardKind kind);
// The height a keyboard of this kind wants at this width.
float keyboardHeight(const Ui& ui, KeyboardKind kind, float width);

// Event texts are often written in two languages joined by " · " ("West Lake Forum ·
// 西湖论坛"); this picks the half in the reader's script, or keeps the whole text when
// it cannot tell.
std::string localizedPart(std::string_view text, std::string_view language);

// True for a language written right to left ("ar", "ar-EG", "he", "fa", "ur").
bool rightToLeft(std::string_view language);

// Formats a time for guests in the event's zone and the UI language ("08:30",
// "11月23日 周一", "Mon 23 Nov").
std::string guestTime(const Ui& ui, TimePoint t, std::string_view zone);
std::string guestDay(const Ui& ui, TimePoint t, std::string_view zone);

}  // namespace kiosk::ui
