// Scripted runs: `kiosk --script FILE` drives the real terminal with a sequence of
// inputs, one command per line ('#' starts a comment):
//
//   codes FILE              booking code -> code text table (kioskctl's codes.csv)
//   present TEXT            a phone showing TEXT as a QR code enters the camera's view
//   present-code BOOKING    the code of that booking (from `codes`)
//   present-image FILE      the image fills the camera's view (relative: to the script)
//   face [X Y WIDTH]        a drawn face stands in front of the camera
//   light GAIN              scene brightness (1 = normal)
//   clear-camera            the empty lobby
//   wedge TEXT              a keyboard-wedge scanner types TEXT and Enter (key events
//                           through the window, as from the real device)
//   tap NAME [SECONDS]      presses the named control (waits for it to appear)
//   tap-if NAME             presses the named control if the screen shows it now, else
//                           goes on (paging through a screen until its last page)
//   type TEXT               taps the on-screen keyboard's keys
//   key backspace|clear     the keyboard's special keys
//   wait-for STATE [SECONDS] waits until the flow shows that screen (default 15 s)
//   expect STATE            fails unless the flow shows that screen now
//   wait-file PATH [SECONDS] waits until the file exists (default 15 s): a hand-off with
//                           whatever drives the run (a test breaking the disk meanwhile)
//   advance SECONDS         moves the terminal's clock (idle timeouts, photo countdown)
//   sleep MILLISECONDS      real time passes
//   stall-store SECONDS     the store worker is busy up to SECONDS, as on a slow disk:
//                           work posted meanwhile queues behind it (it lets go early
//                           when the terminal starts to shut down)
//   window WIDTH HEIGHT     resizes the window (portrait/landscape)
//   screenshot NAME         saves the next frame as NAME.png in the screenshots folder
//   echo TEXT               prints {"event":"echo","text":...}
//   quit                    ends the run (the script's end does too)
//
// Pure parsing plus a stepper that runs one command a frame against a ScriptHost (the
// terminal's loop). UI thread only. A malformed script is refused before the window
// opens; a failing command ends the run with a "script_error" JSON line.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::app {

struct ScriptCommand {
  int line = 0;
  std::string name;
  std::vector<std::string> args;
  std::string rest;  // everything after the command name (texts with spaces)
};

struct Script {
  std::string directory;  // relative paths are resolved against it
  std::vector<ScriptCommand> commands;
};

Result<Script> parseScript(std::string_view text, const std::string& directory);
Result<Script> loadScript(const std::string& path);

// What the runner may do to the terminal.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  virtual std::string screen() const = 0;
  // Centre of the named control on the last frame, when it is there and enabled.
  virtual std::optional<std::pair<float, float>> controlCenter(const std::string& name) const = 0;
  virtual std::vector<std::string> controlNames() const = 0;
  // The pointer for the next frame.
  virtual void pointer(float x, float y, bool down) = 0;
  // The real pointer again (after a tap, so that real pointer events reach the screen).
  virtual void releasePointer() {}
  virtual Status present(const std::string& text) = 0;
  virtual Status presentImage(const std::string& path) = 0;
  virtual Status presentFace(float x, float y, float width) = 0;
  virtual Status setLight(double gain) = 0;
  virtual Status clearCamera() = 0;
  virtual void wedge(const std::string& text) = 0;
  virtual Status advance(Millis by) = 0;
  virtual void screenshot(const std::string& name) = 0;
  virtual void stallStore(Millis upTo) = 0;
  virtual void resize(int width, int height) = 0;
  virtual void emit(const std::string& jsonLine) = 0;
};

class ScriptRunner {
 public:
  enum class Progress { kRunning, kDone, kFailed };

  explicit ScriptRunner(Script script);

  // Runs (part of) the current command; call once per frame.
  Progress step(ScriptHost& host, std::chrono::steady_clock::time_point now);
  const std::string& error() const { return error_; }

 private:
  Progress fail(ScriptHost& host, const ScriptCommand& c, const std::string& message);
  Progress next();

  Script script_;
  std::size_t index_ = 0;
  int phase_ = 0;  // progress within a multi-frame command
  std::chrono::steady_clock::time_point started_{};
  std::vector<std::string> pendingTaps_;  // `type`: keys still to press
  std::map<std::string, std::string> codes_;
  std::string error_;
};

}  // namespace kiosk::app
