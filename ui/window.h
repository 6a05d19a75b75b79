// The terminal's window: SDL2 + OpenGL 3 + Dear ImGui 1.86.
//
// Owns the SDL window, the GL context and the ImGui context (with its SDL and OpenGL3
// backends). Fullscreen without decorations on a terminal, a plain window of the
// configured size otherwise (scripted runs, development). The mouse cursor is hidden
// on touch terminals; a window-manager close request (Alt+F4) is reported but never
// acted on here (only staff may quit); SIGTERM/SIGINT arrive as a quit request.
//
// UI thread only: create, poll, draw and destroy on the thread that owns the GL context.
// Failures: open() fails (kPermanent) when SDL or OpenGL cannot start (no display);
// screenshot() fails when the file cannot be written.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "ui/theme.h"

namespace kiosk::ui {

struct WindowOptions {
  std::string title = "Lobby check-in";
  bool fullscreen = true;
  int width = 1080;
  int height = 1920;
  bool hideCursor = true;
  bool vsync = true;
  int maxFps = 60;  // frames are paced to this when vsync is unavailable (Xvfb)
};

// Keyboard input as the terminal needs it: text (physical keyboard or a keyboard-wedge
// scanner) and the few keys that matter, in milliseconds of ticks(). A key that types
// text arrives once, as kText (its key-down is not reported again as kOther); modifier
// keys (Shift, which scanners press for capitals) are not reported at all.
struct KeyInput {
  enum class Kind { kText, kEnter, kBackspace, kOther };
  Kind kind = Kind::kOther;
  std::string text;
  std::uint32_t atMillis = 0;
};

struct PolledInput {
  std::vector<KeyInput> keys;
  bool quitRequested = false;   // SIGTERM / SIGINT (systemd stop)
  bool closeRequested = false;  // Alt+F4 or the window's close button
  bool touched = false;         // any pointer or touch activity
};

// A pointer position and button state that replaces the real mouse for one frame
// (scripted taps go through ImGui's own hit testing this way).
struct PointerOverride {
  float x = 0;
  float y = 0;
  bool down = false;
  bool operator==(const PointerOverride&) const = default;
};

class Window {
 public:
  static Result<std::unique_ptr<Window>> open(const WindowOptions& options);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  PolledInput poll();

  // Queues the keystrokes of `text` (key-down, text, key-up for each character) and, with
  // `enter`, a press of Return, as a keyboard-wedge scanner types them: the next poll()
  // reports them exactly as it reports real keys. For scripted runs.
  void typeKeys(const std::string& text, bool enter);

  // Starts an ImGui frame; `pointer` replaces the mouse for this frame when given.
  void beginFrame(const std::optional<PointerOverride>& pointer);
  // Renders and presents the frame; with `screenshotPath` the frame is also saved as PNG.
  Status endFrame(Color clear, const std::string& screenshotPath = {});
  // Sleeps what is left of the frame budget when vsync is not pacing the loop.
  void pace();

  int width() const;
  int height() const;
  void resize(int width, int height);

  // Runs `build` (which fills ImGui's font atlas) and uploads the new atlas.
  Status rebuildFonts(const std::function<Status()>& build);

  // Milliseconds since the window opened, in the time base of KeyInput::atMillis.
  std::uint32_t ticks() const;

  const std::string& rendererName() const { return renderer_; }
  bool vsync() const { return vsync_; }

 private:
  Window() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string renderer_;
  bool vsync_ = false;
  int maxFps_ = 60;
  std::uint64_t frameStart_ = 0;
};

// Writes tightly packed RGBA rows (top to bottom) as a PNG file (Cairo).
Status writePng(const std::string& path, int width, int height,
                const std::vector<std::uint8_t>& rgba);

}  // namespace kiosk::ui
