// The input-method port of the on-screen keyboard: letters typed in pinyin become
// Chinese characters picked from a candidate bar. The keyboard speaks only these types;
// the Rime adapter (rime_input_method.h) is the one place that knows librime.
//
// UI thread only (the adapter may prepare itself on a thread of its own). Nothing here
// throws: an engine that cannot start says so through state() and problem(), and the
// keyboard stays Latin-only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kiosk::ui {

// What the engine shows while the letters are not yet characters.
struct Composition {
  std::string preedit;                  // the pinyin as spelled so far ("wang fang")
  std::vector<std::string> candidates;  // the current page, best first
  int page = 0;                         // 0 = the first page
  bool lastPage = true;

  bool composing() const { return !preedit.empty(); }
};

class InputMethod {
 public:
  enum class State { kStarting, kReady, kUnavailable };

  virtual ~InputMethod() = default;

  // kStarting while the engine prepares its data (seconds on a first start).
  virtual State state() = 0;
  // Why the engine is unavailable, for staff (empty otherwise).
  virtual std::string problem() const = 0;

  // Each key returns the text to put into the field now (often nothing).
  virtual std::string letter(char lowercase) = 0;
  // Space: while composing it commits the first candidate, else it is a space.
  virtual std::string space() = 0;
  // True when the key edited the composition (else the field's last character goes).
  virtual bool backspace() = 0;
  // A candidate of the current page.
  virtual std::string pick(std::size_t index) = 0;
  virtual void page(bool forward) = 0;
  // Drops the composition (another field, another screen, another guest).
  virtual void reset() = 0;

  virtual const Composition& composition() const = 0;
};

}  // namespace kiosk::ui
