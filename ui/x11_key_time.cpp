#include "ui/x11_key_time.h"

#include <SDL.h>
#include <SDL_syswm.h>

namespace kiosk::ui {

std::optional<std::uint32_t> x11KeyPressTime(const SDL_Event& event) {
#if defined(SDL_VIDEO_DRIVER_X11)
  if (event.type != SDL_SYSWMEVENT || event.syswm.msg == nullptr ||
      event.syswm.msg->subsystem != SDL_SYSWM_X11) {
    return std::nullopt;
  }
  const XEvent& x = event.syswm.msg->msg.x11.event;
  if (x.type != KeyPress) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(x.xkey.time);
#else
  (void)event;
  return std::nullopt;
#endif
}

}  // namespace kiosk::ui
