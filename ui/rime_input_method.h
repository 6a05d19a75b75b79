// Pinyin input through Rime (librime 1.8, Debian's librime1 with rime-data-luna-pinyin).
//
// Owns the Rime engine of the process (librime keeps one global engine: make one of
// these, in main) and its one session. The constructor returns at once: Rime deploys
// (compiles) the schema into the user data dir on a thread of its own, about a second
// with Debian's prebuilt tables; until then state() is kStarting. The user data dir is
// ours alone (the terminal's data dir, never $HOME); the user dictionary is switched
// off, so names typed by guests are not remembered by the engine.
//
// Failures: a missing shared data dir or schema, or a deploy that does not yield the
// schema, make state() kUnavailable with a reason in problem(). UI thread only, except
// the constructor and destructor (main).
#pragma once

#include <memory>
#include <string>

#include "ui/input_method.h"

namespace kiosk::ui {

struct RimeSettings {
  std::string sharedDataDir = "/usr/share/rime-data";
  std::string userDataDir;  // created when missing
  std::string schema = "luna_pinyin";
  bool simplified = true;  // simplified characters (mainland venues)
};

class RimeInputMethod final : public InputMethod {
 public:
  explicit RimeInputMethod(RimeSettings settings);
  ~RimeInputMethod() override;
  RimeInputMethod(const RimeInputMethod&) = delete;
  RimeInputMethod& operator=(const RimeInputMethod&) = delete;

  // Blocks until the engine has started or failed (tests, tools); returns state().
  State waitUntilStarted();

  State state() override;
  std::string problem() const override;
  std::string letter(char lowercase) override;
  std::string space() override;
  bool backspace() override;
  std::string pick(std::size_t index) override;
  void page(bool forward) override;
  void reset() override;
  const Composition& composition() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::ui
