#include "ui/window.h"

#include <GL/gl.h>
#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <cairo.h>
#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "kiosk/core/encoding.h"
#include "ui/x11_key_time.h"

namespace kiosk::ui {

namespace {

// Puts the X server's key times on SDL's ticks. Both count milliseconds of the same
// monotonic clock from different starts; SDL reads an event some time after the server
// stamped it, so the smallest difference seen is the offset. A jump of more than a few
// seconds (the server's 32-bit time wrapped, another server) starts over. A better
// offset found in the middle of a burst must not move a key before the one typed before
// it (the scanner decoder takes that for a new burst), so times never go backwards, and
// never beyond the time they are read at.
class ServerKeyClock {
 public:
  std::uint32_t toTicks(std::uint32_t serverMillis, std::uint32_t nowTicks) {
    const std::int64_t offset = static_cast<std::int64_t>(nowTicks) - serverMillis;
    if (!offset_ || offset < *offset_ || offset - *offset_ > 10000) {
      offset_ = offset;
    }
    std::int64_t t = serverMillis + *offset_;
    if (last_ && *last_ <= nowTicks) {
      t = std::max<std::int64_t>(t, *last_);
    }
    t = std::clamp<std::int64_t>(t, 0, nowTicks);
    last_ = static_cast<std::uint32_t>(t);
    return *last_;
  }

 private:
  std::optional<std::int64_t> offset_;
  std::optional<std::uint32_t> last_;
};

// What a key-down means to the terminal. Keys that type a character are left to the
// text event that follows (a scanner's burst is all such keys); modifiers are nothing
// by themselves. nullopt: not reported.
std::optional<KeyInput::Kind> keyDownKind(SDL_Keycode sym, Uint16 mod) {
  switch (sym) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
      return KeyInput::Kind::kEnter;
    case SDLK_BACKSPACE:
      return KeyInput::Kind::kBackspace;
    case SDLK_LSHIFT:
    case SDLK_RSHIFT:
    case SDLK_LCTRL:
    case SDLK_RCTRL:
    case SDLK_LALT:
    case SDLK_RALT:
    case SDLK_LGUI:
    case SDLK_RGUI:
    case SDLK_CAPSLOCK:
    case SDLK_NUMLOCKCLEAR:
    case SDLK_SCROLLLOCK:
    case SDLK_MODE:
      return std::nullopt;
    default:
      break;
  }
  const bool command = (mod & (KMOD_CTRL | KMOD_LALT | KMOD_GUI)) != 0;
  const bool character = sym >= 0x20 && sym != SDLK_DELETE && (sym & SDLK_SCANCODE_MASK) == 0;
  const bool keypadCharacter = sym >= SDLK_KP_DIVIDE && sym <= SDLK_KP_PERIOD;
  if (!command && (character || keypadCharacter)) {
    return std::nullopt;
  }
  return KeyInput::Kind::kOther;
}

}  // namespace

struct Window::Impl {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  ImGuiContext* imgui = nullptr;
  bool sdlBackend = false;
  bool glBackend = false;
  ServerKeyClock keyClock;
  ~Impl() {
    if (glBackend) {
      ImGui_ImplOpenGL3_Shutdown();
    }
    if (sdlBackend) {
      ImGui_ImplSDL2_Shutdown();
    }
    if (imgui != nullptr) {
      ImGui::DestroyContext(imgui);
    }
    if (gl != nullptr) {
      SDL_GL_DeleteContext(gl);
    }
    if (window != nullptr) {
      SDL_DestroyWindow(window);
    }
    SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
  }
};

Result<std::unique_ptr<Window>> Window::open(const WindowOptions& options) {
  // Closing the last window must not quit: only staff may end the terminal.
  SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
  SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
  if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    return makeError(ErrorKind::kPermanent,
                     std::string("cannot start the display: ") + SDL_GetError());
  }
  std::unique_ptr<Window> w(new Window());
  w->impl_ = std::make_unique<Impl>();
  w->maxFps_ = std::max(1, options.maxFps);
  auto& impl = *w->impl_;

  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
  if (options.fullscreen) {
    flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
  }
  impl.window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED,
                                 SDL_WINDOWPOS_CENTERED, options.width, options.height, flags);
  if (impl.window == nullptr) {
    return makeError(ErrorKind::kPermanent,
                     std::string("cannot open the window: ") + SDL_GetError());
  }
  impl.gl = SDL_GL_CreateContext(impl.window);
  if (impl.gl == nullptr) {
    return makeError(ErrorKind::kPermanent,
                     std::string("cannot create an OpenGL 3.2 context: ") + SDL_GetError());
  }
  SDL_GL_MakeCurrent(impl.window, impl.gl);
  w->vsync_ = options.vsync && SDL_GL_SetSwapInterval(1) == 0;
  if (!w->vsync_) {
    SDL_GL_SetSwapInterval(0);
  }
  if (options.hideCursor) {
    SDL_ShowCursor(SDL_DISABLE);
  }
  SDL_StartTextInput();
  // The X server's KeyPress events carry each key's real time (see x11_key_time.h).
  SDL_EventState(SDL_SYSWMEVENT, SDL_ENABLE);

  IMGUI_CHECKVERSION();
  impl.imgui = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // read-only root: nothing is written
  io.LogFilename = nullptr;
  if (options.hideCursor) {
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  }
  impl.sdlBackend = ImGui_ImplSDL2_InitForOpenGL(impl.window, impl.gl);
  impl.glBackend = ImGui_ImplOpenGL3_Init("#version 150");
  if (!impl.sdlBackend || !impl.glBackend) {
    return makeError(ErrorKind::kPermanent, "cannot start ImGui's SDL2/OpenGL3 backends");
  }
  // Create the shaders now: the backend otherwise does it on the first NewFrame and
  // re-uploads (and re-builds) the font atlas then, after ours was built and its
  // source data released.
  ImGui::GetIO().Fonts->AddFontDefault();
  if (!ImGui_ImplOpenGL3_CreateDeviceObjects()) {
    return makeError(ErrorKind::kPermanent, "cannot create the OpenGL objects of the UI");
  }
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  w->renderer_ = renderer != nullptr ? renderer : "unknown";
  w->frameStart_ = SDL_GetPerformanceCounter();
  return w;
}

Window::~Window() = default;

PolledInput Window::poll() {
  PolledInput in;
  SDL_Event e;
  // The server time of the X key press being delivered: SDL sends its window-system
  // event just before the key-down and text events it makes of it.
  // (-1: none; a plain value because GCC 12 sees a maybe-uninitialized optional here.)
  std::int64_t pressedAt = -1;
  const auto keyTime = [&](std::uint32_t sdlTimestamp) {
    return pressedAt >= 0 ? static_cast<std::uint32_t>(pressedAt) : sdlTimestamp;
  };
  while (SDL_PollEvent(&e) != 0) {
    switch (e.type) {
      case SDL_QUIT:
        in.quitRequested = true;
        break;
      case SDL_SYSWMEVENT:
        pressedAt = -1;
        if (const auto server = x11KeyPressTime(e)) {
          pressedAt = impl_->keyClock.toTicks(*server, SDL_GetTicks());
        }
        break;
      case SDL_WINDOWEVENT:
        if (e.window.event == SDL_WINDOWEVENT_CLOSE) {
          in.closeRequested = true;
        } else {
          ImGui_ImplSDL2_ProcessEvent(&e);
        }
        break;
      case SDL_TEXTINPUT:
        in.keys.push_back({KeyInput::Kind::kText, e.text.text, keyTime(e.text.timestamp)});
        break;
      case SDL_KEYDOWN:
        if (const auto kind = keyDownKind(e.key.keysym.sym, e.key.keysym.mod)) {
          in.keys.push_back({*kind, "", keyTime(e.key.timestamp)});
        }
        break;
      case SDL_KEYUP:
        pressedAt = -1;
        break;
      case SDL_MOUSEBUTTONDOWN:
      case SDL_MOUSEBUTTONUP:
      case SDL_MOUSEMOTION:
      case SDL_MOUSEWHEEL:
      case SDL_FINGERDOWN:
      case SDL_FINGERUP:
      case SDL_FINGERMOTION:
        in.touched = in.touched || e.type != SDL_MOUSEMOTION;
        ImGui_ImplSDL2_ProcessEvent(&e);
        break;
      default:
        break;
    }
  }
  return in;
}

void Window::typeKeys(const std::string& text, bool enter) {
  const auto push = [](SDL_Event e) {
    e.common.timestamp = SDL_GetTicks();
    SDL_PushEvent(&e);
  };
  const auto key = [&](SDL_Keycode sym, Uint16 mod, bool down) {
    SDL_Event e{};
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.sym = sym;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
    e.key.keysym.mod = mod;
    push(e);
  };
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t start = at;
    const std::int32_t cp = nextCodePoint(text, at);
    if (cp <= 0) {
      continue;  // not a character (ill-formed UTF-8): no key types it
    }
    // A letter's key is its lower case; capitals come with Shift, as from a scanner.
    const bool upper = cp >= 'A' && cp <= 'Z';
    const auto sym = static_cast<SDL_Keycode>(upper ? cp - 'A' + 'a' : cp);
    const Uint16 mod = upper ? KMOD_LSHIFT : KMOD_NONE;
    key(sym, mod, true);
    SDL_Event t{};
    t.type = SDL_TEXTINPUT;
    const std::string utf8 = text.substr(start, at - start);
    std::memcpy(t.text.text, utf8.data(), std::min(utf8.size(), sizeof t.text.text - 1));
    push(t);
    key(sym, mod, false);
  }
  if (enter) {
    key(SDLK_RETURN, KMOD_NONE, true);
    key(SDLK_RETURN, KMOD_NONE, false);
  }
}

void Window::beginFrame(const std::optional<PointerOverride>& pointer) {
  frameStart_ = SDL_GetPerformanceCounter();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  if (pointer) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(pointer->x, pointer->y);
    io.MouseDown[0] = pointer->down;
    for (int i = 1; i < 5; ++i) {
      io.MouseDown[i] = false;
    }
  }
  ImGui::NewFrame();
}

Status Window::endFrame(Color clear, const std::string& screenshotPath) {
  ImGui::Render();
  ImGuiIO& io = ImGui::GetIO();
  const int w = static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x);
  const int h = static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y);
  glViewport(0, 0, w, h);
  glClearColor(clear.r, clear.g, clear.b, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  Status status = okStatus();
  if (!screenshotPath.empty() && w > 0 && h > 0) {
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // GL rows run bottom to top.
    std::vector<std::uint8_t> flipped(pixels.size());
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    for (int y = 0; y < h; ++y) {
      std::memcpy(flipped.data() + static_cast<std::size_t>(y) * row,
                  pixels.data() + static_cast<std::size_t>(h - 1 - y) * row, row);
    }
    status = writePng(screenshotPath, w, h, flipped);
  }
  SDL_GL_SwapWindow(impl_->window);
  return status;
}

void Window::pace() {
  if (vsync_) {
    return;
  }
  const double frequency = static_cast<double>(SDL_GetPerformanceFrequency());
  const double elapsedMs =
      static_cast<double>(SDL_GetPerformanceCounter() - frameStart_) * 1000.0 / frequency;
  const double budgetMs = 1000.0 / maxFps_;
  if (elapsedMs < budgetMs) {
    SDL_Delay(static_cast<Uint32>(budgetMs - elapsedMs));
  }
}

int Window::width() const {
  int w = 0;
  int h = 0;
  SDL_GetWindowSize(impl_->window, &w, &h);
  return w;
}

int Window::height() const {
  int w = 0;
  int h = 0;
  SDL_GetWindowSize(impl_->window, &w, &h);
  return h;
}

std::uint32_t Window::ticks() const {
  return SDL_GetTicks();
}

void Window::resize(int width, int height) {
  SDL_SetWindowSize(impl_->window, width, height);
}

namespace {

bool hasTextureSwizzle() {
  GLint major = 0;
  GLint minor = 0;
  glGetIntegerv(GL_MAJOR_VERSION, &major);
  glGetIntegerv(GL_MINOR_VERSION, &minor);
  return major > 3 || (major == 3 && minor >= 3) ||
         SDL_GL_ExtensionSupported("GL_ARB_texture_swizzle") == SDL_TRUE;
}

}  // namespace

Status Window::rebuildFonts(const std::function<Status()>& build) {
  if (auto status = build(); !status) {
    return status;
  }
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  if (!ImGui_ImplOpenGL3_CreateFontsTexture()) {
    return makeError(ErrorKind::kPermanent, "cannot upload the font atlas");
  }
  // Glyphs are baked at the exact sizes drawn and placed on whole pixels, so the atlas
  // needs no filtering: nearest sampling is one texel fetch instead of four for every
  // pixel ImGui fills, which a software-rendered terminal (llvmpipe) feels.
  const auto texture =
      static_cast<GLuint>(reinterpret_cast<std::intptr_t>(ImGui::GetIO().Fonts->TexID));
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  // The atlas is coverage only: keep one byte a texel on the GPU side instead of the four
  // the backend uploads (a software-rendered terminal keeps textures in its own memory).
  // White glyphs come back through the swizzle (GL 3.3 or ARB_texture_swizzle).
  if (hasTextureSwizzle()) {
    unsigned char* alpha = nullptr;
    int w = 0;
    int h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&alpha, &w, &h);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, alpha);
    const GLint swizzle[] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
    glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  }
  // The GL texture holds the glyphs now; the CPU copy (tens of MB) is not needed.
  ImGui::GetIO().Fonts->ClearTexData();
  return okStatus();
}

Status writePng(const std::string& path, int width, int height,
                const std::vector<std::uint8_t>& rgba) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return makeError(ErrorKind::kPermanent, "cannot create the screenshot surface");
  }
  cairo_surface_flush(surface);
  unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < height; ++y) {
    auto* dst = data + static_cast<std::ptrdiff_t>(y) * stride;
    const auto* src =
        rgba.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 4;
    for (int x = 0; x < width; ++x) {
      const std::uint32_t v = (static_cast<std::uint32_t>(src[x * 4]) << 16) |
                              (static_cast<std::uint32_t>(src[x * 4 + 1]) << 8) |
                              static_cast<std::uint32_t>(src[x * 4 + 2]);
      std::memcpy(dst + static_cast<std::ptrdiff_t>(x) * 4, &v, 4);
    }
  }
  cairo_surface_mark_dirty(surface);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const auto status = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return makeError(ErrorKind::kPermanent, path + ": cannot write the screenshot");
  }
  return okStatus();
}

}  // namespace kiosk::ui
