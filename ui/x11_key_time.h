// The X server's own time of a key press, which SDL passes on only inside its
// window-system events. SDL stamps key and text events when it reads them, once per
// frame, so a scanner's burst typed during a slow frame would look like a pause; the
// server's time is when each key really came. Kept apart from window.cpp because the
// X headers define macros (Status, None, Bool) that clash with the project's names.
#pragma once

#include <cstdint>
#include <optional>

union SDL_Event;

namespace kiosk::ui {

// The server time (milliseconds) of the X KeyPress an SDL_SYSWMEVENT carries; nullopt
// for any other event, and always on a display that is not X11.
std::optional<std::uint32_t> x11KeyPressTime(const SDL_Event& event);

}  // namespace kiosk::ui
