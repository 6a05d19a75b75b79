// Geometry and the named controls of a frame.
//
// Every tappable control is drawn with a stable name ("confirm.yes", "lang.en",
// "key.A"). The registry keeps where each was on the last complete frame, so a scripted
// "tap confirm.yes" presses the real control through ImGui's own hit testing. It also
// keeps the texts the frame drew and where, so a scripted run can check that nothing a
// guest should see was left out or cut short (screenshots write it beside the picture).
//
// UI thread only. Plain values; nothing fails.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::ui {

struct Vec2 {
  float x = 0;
  float y = 0;
};

struct Rect {
  float x = 0;
  float y = 0;
  float w = 0;
  float h = 0;

  float right() const { return x + w; }
  float bottom() const { return y + h; }
  Vec2 center() const { return {x + w / 2, y + h / 2}; }
  bool contains(Vec2 p) const { return p.x >= x && p.y >= y && p.x < right() && p.y < bottom(); }
  Rect inset(float d) const { return {x + d, y + d, w - 2 * d, h - 2 * d}; }
  Rect inset(float dx, float dy) const { return {x + dx, y + dy, w - 2 * dx, h - 2 * dy}; }

  // Cuts a strip off one side and returns it; this rect keeps the rest (minus `gap`).
  Rect takeTop(float height, float gap = 0);
  Rect takeBottom(float height, float gap = 0);
  Rect takeLeft(float width, float gap = 0);
  Rect takeRight(float width, float gap = 0);

  // `n` equal columns or rows with `gap` between them.
  std::vector<Rect> columns(int n, float gap) const;
  std::vector<Rect> rows(int n, float gap) const;
  // A rect of this size centred in this one.
  Rect centered(float width, float height) const;
};

struct Control {
  std::string name;
  Rect rect;
  bool enabled = true;
};

struct DrawnText {
  std::string text;
  Rect rect;         // where its letters are
  bool cut = false;  // ellipsized: part of it is not on screen
  Rect box;          // where the screen asked for it to go: letters outside run over
};

// Everything one frame drew that a check needs.
struct FrameRecord {
  std::vector<Control> controls;
  std::vector<DrawnText> texts;
};

class ControlRegistry {
 public:
  void beginFrame();
  void add(std::string_view name, Rect rect, bool enabled = true);
  void addText(std::string_view text, Rect rect, bool cut, Rect box);
  // Where the control was on the last complete frame.
  std::optional<Control> find(std::string_view name) const;
  std::vector<std::string> names() const;
  // The frame drawn since the last beginFrame (after the draw, before the next one).
  FrameRecord drawn() const;

 private:
  std::map<std::string, Control, std::less<>> building_;
  std::map<std::string, Control, std::less<>> last_;
  std::vector<DrawnText> texts_;
};

}  // namespace kiosk::ui
