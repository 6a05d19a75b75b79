// The terminal: the composition root of `kiosk` without a subcommand. Owns every
// long-lived object (store worker, camera pipeline, printer, photo worker, sound,
// window, fonts, screens, controller) and runs the UI loop: poll input and workers,
// step the flow, draw, present; never block.
#include "kiosk/app/terminal.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <variant>

#include "devices/camera/camera_factory.h"
#include "devices/camera/scan_deduplicator.h"
#include "devices/camera/scan_pipeline.h"
#include "devices/camera/synthetic_source.h"
#include "devices/printing/cups_print_device.h"
#include "devices/printing/pdf_directory_printer.h"
#include "devices/printing/print_service.h"
#include "devices/speech/espeak_synthesizer.h"
#include "devices/speech/speech_worker.h"
#include "kiosk/app/assets_dir.h"
#include "kiosk/app/json_line.h"
#include "kiosk/app/sync_wiring.h"
#include "kiosk/app/systemd_notify.h"
#include "kiosk/app/terminal_controller.h"
#include "kiosk/app/terminal_photo.h"
#include "kiosk/app/terminal_script.h"
#include "kiosk/app/terminal_worker.h"
#include "kiosk/config/central_settings.h"
#include "ui/catalog.h"
#include "ui/fonts.h"
#include "ui/rime_input_method.h"
#include "ui/sound.h"
#include "ui/terminal_ui.h"
#include "ui/window.h"

namespace kiosk::app {

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// Time since the process started (kernel start time), in milliseconds.
double processAgeMillis() {
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  const auto close = content.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  std::istringstream rest(content.substr(close + 2));
  std::string field;
  unsigned long long startTicks = 0;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) {
      startTicks = std::stoull(field);
    }
  }
  double uptime = 0;
  std::ifstream("/proc/uptime") >> uptime;
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (uptime - static_cast<double>(startTicks) / hz) * 1000.0;
}

// A line of /proc/self/status in MB ("VmRSS", "RssAnon", "RssFile").
double statusMegabytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stod(line.substr(field.size() + 1)) / 1024.0;
    }
  }
  return 0;
}

devices::CameraConfig cameraConfigFrom(const CameraConfig& c, bool forceSynthetic) {
  devices::CameraConfig out;
  out.width = c.width;
  out.height = c.height;
  out.fps = c.fps;
  if (c.device == "synthetic" || (forceSynthetic && c.device == "auto")) {
    out.kind = devices::CameraKind::kSynthetic;
  } else if (c.device == "auto") {
    // A terminal in the lobby never shows guests a made-up scene: without a camera it
    // says so (and picks the camera up when it is plugged in), so "auto" is V4L2 here.
    out.kind = devices::CameraKind::kV4l2;
  } else if (c.device.rfind("video:", 0) == 0) {
    out.kind = devices::CameraKind::kVideoFile;
    out.path = c.device.substr(6);
    out.loop = true;
  } else if (c.device.rfind("images:", 0) == 0) {
    out.kind = devices::CameraKind::kImageFolder;
    out.path = c.device.substr(7);
    out.loop = true;
  } else {
    out.kind = devices::CameraKind::kV4l2;
    out.device = c.device;
  }
  return out;
}

// `badgeMedia`: the stock's media keyword, against which each printer's loaded media is
// judged and under whose size the printer's own media name is chosen.
std::unique_ptr<devices::BadgePrinter> makePrinter(const Config& config, const Clock& clock,
                                                   const std::string& badgeMedia) {
  const auto& p = config.printer;
  if (p.name.empty()) {
    return std::make_unique<devices::PdfDirectoryPrinter>(
        std::filesystem::path(config.terminal.dataDir) / "badges", clock);
  }
  auto device = [&](const std::string& queue) {
    devices::CupsPrinterConfig c;
    c.server = p.server;
    c.queue = queue;
    return std::make_unique<devices::CupsPrintDevice>(c);
  };
  devices::PrintServiceOptions options;
  options.badgeMedia = badgeMedia;
  return std::make_unique<devices::PrintService>(
      device(p.name), p.fallback.empty() ? nullptr : device(p.fallback), clock, options);
}

// Frame times for the closing metrics line.
class FrameTimes {
 public:
  void add(double ms) { values_.push_back(ms); }
  double percentile(double p) {
    if (values_.empty()) {
      return 0;
    }
    std::sort(values_.begin(), values_.end());
    const auto i =
        static_cast<std::size_t>(p / 100.0 * static_cast<double>(values_.size() - 1) + 0.5);
    return values_[std::min(i, values_.size() - 1)];
  }

 private:
  std::vector<double> values_;
};

// Demo mode: when the attract screen has been idle a few seconds, the synthetic camera
// shows the next demo guest's code (kioskctl's codes.csv next to the database).
class DemoDriver {
 public:
  DemoDriver(devices::SyntheticSource* source, const std::string& database) : source_(source) {
    std::ifstream csv(std::filesystem::path(database).parent_path() / "codes" / "codes.csv");
    for (std::string line; std::getline(csv, line);) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      const auto comma = line.find(',');
      if (comma != std::string::npos && line.rfind("booking_code,", 0) != 0) {
        codes_.push_back(line.substr(comma + 1));
      }
    }
  }
  bool usable() const { return source_ != nullptr && !codes_.empty(); }
  void step(const std::string& screen, SteadyClock::time_point now) {
    if (!usable()) {
      return;
    }
    if (screen != lastScreen_) {
      lastScreen_ = screen;
      since_ = now;
      if (showing_) {
        source_->clear();
        showing_ = false;
      }
    }
    if (screen == "attract" && !showing_ && now - since_ > std::chrono::seconds(4)) {
      (void)source_->present(codes_[next_++ % codes_.size()]);
      showing_ = true;
      since_ = now;
    } else if (showing_ && now - since_ > std::chrono::seconds(6)) {
      source_->clear();
      showing_ = false;
      since_ = now;
    }
  }

 private:
  devices::SyntheticSource* source_;
  std::vector<std::string> codes_;
  std::size_t next_ = 0;
  std::string lastScreen_;
  SteadyClock::time_point since_{};
  bool showing_ = false;
};

// What the sync engine's heartbeat reports about the devices: the UI loop refreshes it
// about once a second; the sync thread reads the last copy (never blocks on a device).
class DeviceHealthBoard final : public cache::DeviceHealthSource {
 public:
  cache::DeviceHealth deviceHealth() override {
    std::lock_guard lock(mutex_);
    return health_;
  }
  void update(const ui::TerminalView& view) {
    cache::DeviceHealth h;
    const auto& c = view.camera.state;
    h.camera.state = c == "streaming"      ? "ok"
                     : c == "no_camera"    ? "absent"
                     : c == "disconnected" ? "offline"
                                           : c;
    h.camera.detail = view.camera.reason;
    if (!view.printers.empty()) {
      const auto& p = view.printers.front();
      h.printer.state = p.usable                    ? "ok"
                        : p.state == "out-of-media" ? "no_media"
                        : p.state == "paused"       ? "stopped"
                                                    : p.state;
      h.printer.detail = p.reason;
    }
    std::lock_guard lock(mutex_);
    health_ = std::move(h);
  }

 private:
  std::mutex mutex_;
  cache::DeviceHealth health_;
};

struct LoopParts {
  ui::Window& window;
  ui::TerminalUi& ui;
  TerminalController& controller;
  StoreWorker& worker;
  devices::SyntheticSource* synthetic = nullptr;
  ManualClock* manualClock = nullptr;
  // The devices' clock: camera frames carry its time, and keys are put on it too, so
  // that the scan deduplicator compares the two kinds of scan on one clock.
  const Clock& deviceClock;
  SystemdNotifier& notifier;
  DeviceHealthBoard& health;
  std::string screenshots;
  std::optional<ScriptRunner> script;
  std::optional<DemoDriver> demo;
  std::function<void(const std::string&)> jsonLine;
  // Central settings (kiosk/config/central_settings.h): whether this start counts as
  // healthy once the attract screen is up (central reached, or no central), and the files.
  std::function<bool()> reachedCentral;
  std::optional<CentralSettings> settings;
  std::int64_t settingsVersion = 0;
  // OS updates from central (null when standalone): told about once a second whether the
  // terminal is idle, to install and reboot between guests.
  UpdateAgent* updates = nullptr;
};

class Loop final : public ScriptHost {
 public:
  explicit Loop(LoopParts parts) : p_(std::move(parts)) {}

  // Central settings, checked about once a second once the attract screen has been up:
  // the version this start tried is kept as good when the terminal has reached central;
  // after that, a newer version waiting is taken by ending the process on the attract
  // screen (no guest at the terminal), and systemd starts it again (Restart=always) with
  // them. True when the loop should end for that restart.
  bool settingsStep(SteadyClock::time_point now) {
    if (!p_.settings || now < nextSettingsCheck_) {
      return false;
    }
    nextSettingsCheck_ = now + std::chrono::seconds(1);
    if (!settingsConfirmed_) {
      if (!p_.reachedCentral || !p_.reachedCentral()) {
        return false;
      }
      settingsConfirmed_ = true;
      if (auto st = p_.settings->confirm(); !st) {
        std::cerr << ("kiosk: " + st.error().message + "\n");
      }
      // The same moment keeps an updated system's root slot (the image's boot check).
      p_.jsonLine(jsonLine(json{{"event", "healthy"}}));
      if (p_.settingsVersion != 0) {
        p_.jsonLine(jsonLine(json{{"event", "settings_kept"}, {"version", p_.settingsVersion}}));
      }
      return false;
    }
    if (screen() != "attract" || !p_.settings->waiting()) {
      return false;
    }
    p_.jsonLine(jsonLine(json{{"event", "restart"}, {"reason", "central settings"}}));
    p_.notifier.status("restarting for new central settings");
    return true;
  }

  // OS updates, about once a second: idle is the attract screen with no journey and no staff
  // session; the reboot window is in local time.
  void updateStep(SteadyClock::time_point now) {
    if (p_.updates == nullptr || now < nextUpdateStep_) {
      return;
    }
    nextUpdateStep_ = now + std::chrono::seconds(1);
    const bool idle = screen() == "attract" && !p_.controller.state().staff;
    const std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    p_.updates->step(idle, local.tm_hour * 60 + local.tm_min);
  }

  int run() {
    const auto start = SteadyClock::now();
    int status = 0;
    bool finishing = false;
    bool ready = false;
    FrameTimes frames;
    std::uint64_t frameCount = 0;
    p_.controller.announce();
    while (true) {
      const auto frameStart = SteadyClock::now();
      const auto input = p_.window.poll();
      if (input.quitRequested) {
        p_.jsonLine(jsonLine(json{{"event", "quit"}, {"reason", "signal"}}));
        break;
      }
      // Both clocks read once for all keys of the frame: read per key, their milliseconds
      // turn at different moments and a later key can come out before an earlier one.
      const std::uint32_t ticksNow = p_.window.ticks();
      const TimePoint deviceNow = p_.deviceClock.now();
      for (const auto& k : input.keys) {
        const auto age = static_cast<std::int32_t>(ticksNow - k.atMillis);
        const TimePoint at = deviceNow - Millis(std::max(0, age));
        switch (k.kind) {
          case ui::KeyInput::Kind::kText:
            p_.controller.keyText(k.text, at);
            break;
          case ui::KeyInput::Kind::kEnter:
            p_.controller.keyEnter(at);
            break;
          case ui::KeyInput::Kind::kBackspace:
            p_.controller.keyBackspace(at);
            break;
          case ui::KeyInput::Kind::kOther:
            p_.controller.keyOther(at);
            break;
        }
      }
      if (input.touched) {
        p_.controller.apply(ev::Touch{});
      }
      p_.controller.flushKeys(p_.deviceClock.now());
      p_.controller.poll();

      if (p_.script && !finishing) {
        const auto progress = p_.script->step(*this, SteadyClock::now());
        if (progress == ScriptRunner::Progress::kFailed) {
          status = 1;
          finishing = true;
        } else if (progress == ScriptRunner::Progress::kDone) {
          finishing = true;
        }
      }
      if (p_.demo) {
        p_.demo->step(screenName(p_.controller.state().screen), SteadyClock::now());
      }

      const auto view = p_.controller.view();
      // The attract screen, where a terminal spends most of its day, is drawn when
      // something changed (a camera frame, a touch, the flow, the clock's quarter second)
      // rather than at the display's full rate: on a software-rendered terminal that
      // halves the CPU the screen takes from the decoder. Other screens draw every frame.
      if (SteadyClock::now() - lastHealth_ > std::chrono::seconds(1)) {
        p_.health.update(view);
        lastHealth_ = SteadyClock::now();
      }
      const std::uint64_t previewSequence = view.camera.preview ? view.camera.preview->sequence : 0;
      const std::string current = screen();
      const auto now = SteadyClock::now();
      const bool changed = !input.keys.empty() || input.touched ||
                           previewSequence != lastPreview_ || current != lastScreen_ ||
                           !pendingScreenshot_.empty() || pointer_ != lastPointer_ ||
                           p_.controller.effectsRun() != lastEffects_ ||
                           now - lastDrawn_ > std::chrono::milliseconds(250);
      if (current == "attract" && ready && !changed && !finishing) {
        p_.notifier.watchdogTick(now);
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
        continue;
      }
      if (current == "attract" && current != lastScreen_) {
        // Back to idle: hand the freed heap of the last journey (and of start-up: the font
        // atlas, the input method's deployment) back to the system. glibc keeps it
        // otherwise, about 60 MB on a 100,000-guest terminal; a trim takes about a ms.
        malloc_trim(0);
      }
      lastPreview_ = previewSequence;
      lastScreen_ = current;
      lastPointer_ = pointer_;
      lastEffects_ = p_.controller.effectsRun();
      lastDrawn_ = now;
      if (auto prepared = p_.ui.prepare(view); !prepared) {
        std::cerr << "kiosk: fonts: " << prepared.error().message << "\n";
      }
      p_.window.beginFrame(pointer_);
      const auto events =
          p_.ui.draw(view, std::chrono::duration<double>(SteadyClock::now() - start).count());
      const std::string shot = std::exchange(pendingScreenshot_, std::string());
      auto presented = p_.window.endFrame(p_.ui.palette(view).background, shot);
      p_.ui.finishFrame();
      if (!shot.empty()) {
        if (presented) {
          writeFrameRecord(shot);
          p_.jsonLine(jsonLine(json{{"event", "screenshot"}, {"path", shot}, {"state", screen()}}));
        } else {
          p_.jsonLine(jsonLine(
              json{{"event", "screenshot_failed"}, {"message", presented.error().message}}));
          status = 1;
        }
      }
      for (const auto& e : events) {
        p_.controller.apply(e);
      }
      ++frameCount;
      const double workMs =
          std::chrono::duration<double, std::milli>(SteadyClock::now() - frameStart).count();
      if (frameCount > 10) {
        frames.add(workMs);
      }
      if (!ready && screen() == "attract") {
        ready = true;
        startupMs_ = processAgeMillis();
        p_.notifier.ready();
        p_.notifier.status("attract screen up");
        p_.jsonLine(jsonLine(json{{"event", "ready"},
                                  {"pid", static_cast<long>(::getpid())},
                                  {"startup_ms", startupMs_},
                                  {"renderer", p_.window.rendererName()},
                                  {"width", p_.window.width()},
                                  {"height", p_.window.height()},
                                  {"font_atlas_ms", p_.ui.fontBuildMillis()},
                                  {"display", displayName()}}));
      }
      if (ready && !finishing && settingsStep(SteadyClock::now())) {
        break;
      }
      if (ready && !finishing) {
        updateStep(SteadyClock::now());
      }
      p_.notifier.watchdogTick(SteadyClock::now());
      if (finishing || p_.controller.quitRequested()) {
        break;
      }
      p_.window.pace();
    }
    p_.notifier.stopping();
    p_.jsonLine(jsonLine(json{{"event", "metrics"},
                              {"frames", frameCount},
                              {"frame_ms_p50", frames.percentile(50)},
                              {"frame_ms_p99", frames.percentile(99)},
                              {"rss_mb", statusMegabytes("VmRSS")},
                              // The split: a software renderer maps its code compiler
                              // (tens of MB of RssFile) that a terminal with a GPU lacks.
                              {"rss_anon_mb", statusMegabytes("RssAnon")},
                              {"rss_file_mb", statusMegabytes("RssFile")},
                              {"text_textures_rendered", p_.ui.texts().renderedTotal()},
                              {"missing_texts", p_.ui.catalogs().missingKeys()},
                              {"vsync", p_.window.vsync()}}));
    if (p_.script && !p_.script->error().empty()) {
      std::cerr << "kiosk: script: " << p_.script->error() << "\n";
    }
    return status;
  }

  // A key's time (the window's milliseconds) on the devices' clock.
  // The X display the window is on (tests send it key events); empty elsewhere.
  static std::string displayName() {
    const char* display = std::getenv("DISPLAY");
    return display != nullptr ? display : "";
  }

  // --- ScriptHost ---
  std::string screen() const override { return screenName(p_.controller.state().screen); }
  std::optional<std::pair<float, float>> controlCenter(const std::string& name) const override {
    auto c = p_.ui.controls().find(name);
    if (!c || !c->enabled) {
      return std::nullopt;
    }
    const auto centre = c->rect.center();
    return std::make_pair(centre.x, centre.y);
  }
  std::vector<std::string> controlNames() const override { return p_.ui.controls().names(); }
  void pointer(float x, float y, bool down) override { pointer_ = ui::PointerOverride{x, y, down}; }
  void releasePointer() override { pointer_.reset(); }
  Status present(const std::string& text) override {
    if (p_.synthetic == nullptr) {
      return makeError(ErrorKind::kInvalidInput,
                       "the camera is not synthetic ([camera] device = synthetic)");
    }
    auto shown = p_.synthetic->present(text);
    if (shown) {
      // The moment the code entered the scene, on the clock of the state lines: code in
      // view to answer screen is measured from here (bench/ui_bench).
      p_.jsonLine(jsonLine(json{{"event", "presented"}, {"t_ms", p_.controller.elapsedMs()}}));
    }
    return shown;
  }
  Status presentImage(const std::string& path) override {
    if (p_.synthetic == nullptr) {
      return makeError(ErrorKind::kInvalidInput,
                       "the camera is not synthetic ([camera] device = synthetic)");
    }
    return p_.synthetic->presentImage(path);
  }
  Status presentFace(float x, float y, float width) override {
    if (p_.synthetic == nullptr) {
      return makeError(ErrorKind::kInvalidInput, "the camera is not synthetic");
    }
    p_.synthetic->presentFace(devices::FacePlacement{x, y, width});
    return okStatus();
  }
  Status setLight(double gain) override {
    if (p_.synthetic == nullptr) {
      return makeError(ErrorKind::kInvalidInput, "the camera is not synthetic");
    }
    p_.synthetic->setLight(gain);
    return okStatus();
  }
  Status clearCamera() override {
    if (p_.synthetic == nullptr) {
      return makeError(ErrorKind::kInvalidInput, "the camera is not synthetic");
    }
    p_.synthetic->clear();
    return okStatus();
  }
  // Through the window's input path, as a real scanner's keys come.
  void wedge(const std::string& text) override { p_.window.typeKeys(text, true); }
  Status advance(Millis by) override {
    if (p_.manualClock == nullptr) {
      return makeError(ErrorKind::kInvalidInput,
                       "the clock only moves by itself outside scripted runs");
    }
    p_.manualClock->advance(by);
    p_.controller.apply(ev::Tick{});
    return okStatus();
  }
  void screenshot(const std::string& name) override {
    pendingScreenshot_ =
        (std::filesystem::path(p_.screenshots.empty() ? "." : p_.screenshots) / (name + ".png"))
            .string();
  }
  void stallStore(Millis upTo) override {
    // A task that holds the worker the way a slow write does; it lets go early when the
    // terminal starts to shut down, so what was queued behind it is still queued then.
    p_.worker.post([upTo](WorkerContext& c, std::vector<WorkerResult>&) {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      cv.wait_for(lock, c.stopping, upTo, [] { return false; });
    });
  }
  void resize(int width, int height) override { p_.window.resize(width, height); }

  // Beside a screenshot: its controls and texts with their rectangles (NAME.json), for
  // checks of the layout (sizes in millimetres, overlaps, nothing left out). It holds
  // what the picture shows, names included, so it goes where the picture goes and never
  // to the journal.
  void writeFrameRecord(const std::string& shot) const {
    const auto record = p_.ui.controls().drawn();
    json controls = json::array();
    for (const auto& c : record.controls) {
      controls.push_back({{"name", c.name},
                          {"x", c.rect.x},
                          {"y", c.rect.y},
                          {"w", c.rect.w},
                          {"h", c.rect.h},
                          {"enabled", c.enabled}});
    }
    json texts = json::array();
    for (const auto& t : record.texts) {
      texts.push_back({{"text", t.text},
                       {"x", t.rect.x},
                       {"y", t.rect.y},
                       {"w", t.rect.w},
                       {"h", t.rect.h},
                       {"cut", t.cut},
                       {"box", {t.box.x, t.box.y, t.box.w, t.box.h}}});
    }
    const auto& prefs = p_.controller.state().prefs;
    const json out{{"state", screen()},
                   {"large_text", prefs.largeText},
                   {"reach_mode", prefs.reachMode},
                   {"high_contrast", prefs.highContrast},
                   {"width", p_.window.width()},
                   {"height", p_.window.height()},
                   {"px_per_mm", p_.ui.metrics().pxPerMm},
                   {"controls", controls},
                   {"texts", texts}};
    std::ofstream(std::filesystem::path(shot).replace_extension(".json")) << out.dump() << "\n";
  }
  void emit(const std::string& line) override { p_.jsonLine(line); }

 private:
  LoopParts p_;
  SteadyClock::time_point nextSettingsCheck_{};
  SteadyClock::time_point nextUpdateStep_{};
  bool settingsConfirmed_ = false;
  std::optional<ui::PointerOverride> pointer_;
  std::optional<ui::PointerOverride> lastPointer_;
  std::uint64_t lastPreview_ = 0;
  std::string lastScreen_;
  std::size_t lastEffects_ = 0;
  SteadyClock::time_point lastDrawn_{};
  SteadyClock::time_point lastHealth_{};
  std::string pendingScreenshot_;
  double startupMs_ = 0;
};

// The database cannot be opened at start (missing, unreadable, a read-only or full data
// partition, corrupt): rather than exit into a restart loop and, after five, a reboot
// with a black screen in between, the terminal stays up and says it is out of service,
// in each of its languages in turn, with the reason for staff on the same screen. It
// tells systemd it is running (READY=1, the watchdog, the reason as its status) and
// tries the database again every few seconds, so a repaired data partition brings the
// terminal back by itself. Returns the event once the database opens, or the exit
// status when the terminal is asked to quit first.
struct OutOfServiceParts {
  ui::Window& window;
  ui::TerminalUi& ui;
  const std::vector<std::string>& languages;
  SystemdNotifier& notifier;
  std::string screenshots;
  std::function<void(const std::string&)> jsonLine;
};

std::variant<Event, int> waitForDatabase(StoreWorker& worker, const std::string& database,
                                         Error error, OutOfServiceParts p) {
  constexpr auto kRetry = std::chrono::seconds(5);
  constexpr auto kLanguageTurn = std::chrono::seconds(6);
  FlowConfig config;
  config.languages = p.languages;
  config.defaults.language = p.languages.front();
  const Flow flow(config);
  FlowState state = flow.initial(TimePoint{});
  const auto started = SteadyClock::now();
  auto lastTry = started;
  bool shot = p.screenshots.empty();
  const auto announce = [&] {
    const std::string detail = error.message.find(database) != std::string::npos
                                   ? error.message
                                   : database + ": " + error.message;
    std::cerr << "kiosk: out of service: " << detail << "\n";
    p.notifier.status("out of service: " + detail);
    p.jsonLine(jsonLine(json{{"event", "out_of_service"}, {"detail", detail}}));
    state.screen = flow::Failure{"failure.out_of_service", detail};
  };
  announce();
  p.notifier.ready();
  while (true) {
    const auto now = SteadyClock::now();
    if (p.window.poll().quitRequested) {
      p.jsonLine(jsonLine(json{{"event", "quit"}, {"reason", "signal"}}));
      p.notifier.stopping();
      return error.kind == ErrorKind::kCorrupt ? 3 : 2;
    }
    if (now - lastTry >= kRetry) {
      lastTry = now;
      auto event = worker.start();
      if (event) {
        p.jsonLine(jsonLine(json{{"event", "back_in_service"}}));
        return std::move(*event);
      }
      if (event.error().message != error.message) {
        error = event.error();
        announce();
      }
    }
    const auto turn = static_cast<std::size_t>((now - started) / kLanguageTurn);
    state.prefs.language = p.languages[turn % p.languages.size()];
    state.lastActivity = TimePoint{};  // nobody's session: no idle countdown
    ui::TerminalView view;
    view.state = &state;
    view.flow = &flow;
    view.now = TimePoint{};
    if (auto prepared = p.ui.prepare(view); !prepared) {
      std::cerr << "kiosk: fonts: " << prepared.error().message << "\n";
    }
    p.window.beginFrame(std::nullopt);
    p.ui.draw(view, std::chrono::duration<double>(now - started).count());
    const std::string path = shot ? std::string() : p.screenshots + "/out_of_service.png";
    if (p.window.endFrame(p.ui.palette(view).background, path) && !shot) {
      shot = true;
      p.jsonLine(jsonLine(json{{"event", "screenshot"}, {"path", path}, {"state", "failure"}}));
    }
    p.ui.finishFrame();
    p.notifier.watchdogTick(SteadyClock::now());
    // Nothing moves on this screen but the language: a few frames a second are plenty.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The UI loop has ended (SIGTERM from systemd on a stop, an update or a reboot; a staff
// quit): the store work still queued, such as the check-in a guest confirmed in the last
// frame, is committed before the process ends, while the printer and the devices tasks
// may use are still there. Bounded: systemd kills the terminal TimeoutStopSec (10 s, see
// image/systemd/kiosk.service) after SIGTERM, and a task already running when the bound
// is reached still completes (a write waits at most the store's 5 s busy timeout).
void finishStoreWork(StoreWorker& worker, const std::function<void(const std::string&)>& log,
                     const std::function<void(const std::string&)>& emitLine) {
  constexpr auto kDrainBound = std::chrono::seconds(3);
  const auto began = SteadyClock::now();
  auto report = worker.finish(kDrainBound);
  const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - began).count();
  json checkins = json::array();
  for (auto& r : report.results) {
    if (const auto* l = std::get_if<WorkerLog>(&r)) {
      log(l->message);
    } else if (const auto* e = std::get_if<FlowEvent>(&r)) {
      const CheckinRecord* record = nullptr;
      if (const auto* c = std::get_if<ev::Committed>(e); c && c->decision.checkin) {
        record = &*c->decision.checkin;
      } else if (const auto* t = std::get_if<ev::StaffTaskDone>(e);
                 t && t->decision && t->decision->checkin) {
        record = &*t->decision->checkin;
      }
      if (record != nullptr) {
        checkins.push_back(record->id);
        log("shutdown: check-in " + record->id + " of guest #" + std::to_string(record->guestId) +
            " committed");
      } else if (const auto* f = std::get_if<ev::WorkFailed>(e)) {
        log("shutdown: " + f->what + " failed: " + f->error.message);
      }
    }
  }
  if (report.ran > 0 || report.abandoned > 0) {
    log("shutdown: ran " + std::to_string(report.ran) + " queued store task(s) in " +
        std::to_string(static_cast<long>(ms)) + " ms" +
        (report.abandoned > 0
             ? ", abandoned " + std::to_string(report.abandoned) +
                   (report.boundReached
                        ? " (the " + std::to_string(kDrainBound.count()) + " s bound was reached)"
                        : "")
             : std::string()));
  }
  emitLine(jsonLine(json{{"event", "store_drained"},
                         {"ran", report.ran},
                         {"abandoned", report.abandoned},
                         {"bound_reached", report.boundReached},
                         {"checkins", checkins},
                         {"ms", ms}}));
}

}  // namespace

int runTerminal(const TerminalOptions& options) {
  const Config& config = options.config;
  const bool scripted = !options.script.empty();
  const auto started = SteadyClock::now();
  const auto jsonLine = [](const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  };
  const auto log = [](const std::string& line) { std::cerr << "kiosk: " << line << "\n"; };

  std::optional<ScriptRunner> runner;
  if (scripted) {
    auto script = loadScript(options.script);
    if (!script) {
      std::cerr << "kiosk: " << script.error().message << "\n";
      return 2;
    }
    runner.emplace(std::move(*script));
  }

  // Time: a manual clock in scripted runs (idle timeouts and the photo countdown move
  // only when the script says so); devices keep real time for their own pacing.
  SystemClock systemClock;
  std::optional<ManualClock> manualClock;
  if (scripted) {
    manualClock.emplace(systemClock.now());
  }
  const Clock& clock = manualClock ? static_cast<const Clock&>(*manualClock) : systemClock;

  const std::string assets = findAssets();
  auto catalogs = ui::Catalogs::load(assets + "/i18n", config.terminal.languages);
  if (!catalogs) {
    std::cerr << "kiosk: " << catalogs.error().message << "\n";
    return 2;
  }

  auto badgeTemplate = devices::defaultBadgeTemplate();
  if (!badgeTemplate) {
    std::cerr << "kiosk: badge template: " << badgeTemplate.error().message << "\n";
    return 2;
  }
  const auto badgeSize =
      devices::parseBadgeSize(config.printer.badgeSize).value_or(devices::BadgeSize::kCr80);
  // Without a configured media the badge's stock names it: a printer then gets the badge
  // in its own name for that size instead of its default stock.
  const std::string badgeMedia =
      config.printer.media.empty() ? badgeTemplate->layout(badgeSize).media : config.printer.media;
  WorkerSettings workerSettings;
  workerSettings.database = config.terminal.database;
  workerSettings.dataDir = config.terminal.dataDir;
  workerSettings.terminal = config.terminal.name;
  workerSettings.event = config.terminal.event;
  workerSettings.badgeSize = badgeSize;
  workerSettings.retentionDays = config.privacy.retentionDays;

  ui::WindowOptions windowOptions;
  windowOptions.fullscreen = config.ui.fullscreen && !scripted;
  windowOptions.width = config.ui.width;
  windowOptions.height = config.ui.height;
  if ((config.ui.orientation == "portrait" && windowOptions.width > windowOptions.height) ||
      (config.ui.orientation == "landscape" && windowOptions.width < windowOptions.height)) {
    std::swap(windowOptions.width, windowOptions.height);
  }
  windowOptions.hideCursor = config.ui.hideCursor;
  windowOptions.title = "Lobby check-in · " + config.terminal.name;
  auto window = ui::Window::open(windowOptions);
  if (!window) {
    std::cerr << "kiosk: " << window.error().message << "\n";
    return 2;
  }
  auto fontFiles = ui::locateFonts();
  if (!fontFiles) {
    std::cerr << "kiosk: " << fontFiles.error().message << "\n";
    return 2;
  }
  auto fonts = ui::Fonts::open(*fontFiles);
  if (!fonts) {
    std::cerr << "kiosk: " << fonts.error().message << "\n";
    return 2;
  }
  // Pinyin for the on-screen keyboard: Rime prepares its data on a thread of its own
  // (a second, the first time in this data dir) while the terminal starts.
  ui::RimeSettings rimeSettings;
  rimeSettings.sharedDataDir = config.ui.pinyinData;
  rimeSettings.userDataDir = (std::filesystem::path(config.terminal.dataDir) / "rime").string();
  ui::RimeInputMethod pinyin(rimeSettings);
  ui::TerminalUi terminalUi(**window, **fonts, *catalogs,
                            static_cast<float>(config.ui.screenDiagonalIn));
  terminalUi.setInputMethod(&pinyin);
  SystemdNotifier notifier;

  StoreWorker worker(workerSettings, clock, std::move(*badgeTemplate));
  auto opened = worker.start();
  if (!opened) {
    auto waited = waitForDatabase(worker, config.terminal.database, opened.error(),
                                  OutOfServiceParts{**window, terminalUi, catalogs->languages(),
                                                    notifier, options.screenshots, jsonLine});
    if (const int* status = std::get_if<int>(&waited)) {
      return *status;
    }
    opened = std::get<Event>(std::move(waited));
  }
  const Event& event = *opened;

  // The PIN lockout from before a restart, read before the first frame so that the first
  // tap already meets it: a connection of its own, read-only and closed at once (the
  // worker has opened and migrated the file). Unreadable, it is logged and not restored.
  StaffLockoutState lockout;
  int volume = config.ui.volume;
  {
    cache::OpenOptions readOnly;
    readOnly.create = false;
    readOnly.checkIntegrity = false;
    readOnly.readOnly = true;
    auto store = cache::LocalStore::open(config.terminal.database, readOnly);
    auto kept = store ? (*store)->staffLockout() : Result<StaffLockoutState>(store.error());
    if (kept) {
      lockout = *kept;
    } else {
      log("staff lockout not restored: " + kept.error().message);
    }
    // The volume staff last set wins over the configured one.
    if (auto v = store ? (*store)->setting("audio.volume")
                       : Result<std::optional<std::string>>(store.error());
        v && *v) {
      const int level = std::atoi((*v)->c_str());
      if (level >= 0 && level <= 100 && std::to_string(level) == **v) {
        volume = level;
      }
    }
  }

  FlowConfig flowConfig;
  flowConfig.languages = catalogs->languages();
  flowConfig.defaults.language = flowConfig.languages.front();
  flowConfig.defaults.largeText = config.ui.largeText;
  flowConfig.defaults.highContrast = config.ui.highContrast;
  flowConfig.defaults.reachMode = config.ui.reachMode;
  flowConfig.idleTimeout = std::chrono::seconds(config.ui.idleTimeoutS);
  flowConfig.idleWarning = std::min<Millis>(std::chrono::seconds(10), flowConfig.idleTimeout / 2);
  flowConfig.photoEnabled = config.photo.enabled && config.camera.device != "none";
  flowConfig.selfReprintLimit = event.selfReprintLimit;
  flowConfig.lockoutAttempts = config.staff.lockoutAttempts;
  flowConfig.lockoutDuration = std::chrono::minutes(config.staff.lockoutMinutes);
  flowConfig.hasCentral = config.server.has_value();
  flowConfig.defaults.readAloud = config.ui.speech == "always";
  flowConfig.timeZone = event.timezone;

  // Camera: capture and decode workers; scans from the camera and a wedge scanner count
  // once between them.
  devices::ScanDeduplicator dedup;
  std::unique_ptr<devices::ScanPipeline> pipeline;
  devices::SyntheticSource* synthetic = nullptr;
  if (config.camera.device != "none") {
    auto source = devices::makeCameraSource(
        cameraConfigFrom(config.camera, scripted || options.demo), systemClock);
    synthetic = devices::asSynthetic(*source);
    devices::ScanPipelineOptions scanOptions;
    if (auto formats = devices::parseCodeFormats([&] {
          std::string list;
          for (const auto& f : config.camera.formats) {
            list += (list.empty() ? "" : ",") + f;
          }
          return list;
        }())) {
      scanOptions.decoder.formats = *formats;
    }
    pipeline = std::make_unique<devices::ScanPipeline>(std::move(source), scanOptions, &dedup);
    pipeline->start();
  }

  auto printer = makePrinter(config, systemClock, badgeMedia);
  PhotoWorker photo(pipeline.get(), clock, devices::PhotoGuideOptions{});
  // Spoken guidance: a voice (eSpeak NG) and the sound device it shares with the cues.
  // Either missing is logged and shown on the device page; guests are then not offered
  // "read aloud".
  std::unique_ptr<devices::SpeechSynthesizer> synthesizer;
  std::string speechStatus = "off";
  std::string speechDetail;
  if (config.ui.speech != "off") {
    auto voice = devices::openEspeakSynthesizer();
    if (voice) {
      synthesizer = std::move(*voice);
    } else {
      speechStatus = "no_voice";
      speechDetail = "espeak-ng-data";
      log("read aloud unavailable: " + voice.error().message);
    }
  }
  auto sound =
      ui::SoundPlayer::open(ui::SoundOptions{config.ui.sounds, synthesizer != nullptr, volume});
  std::unique_ptr<devices::SpeechWorker> speech;
  if (synthesizer && !sound->audible()) {
    speechStatus = "unavailable";
    speechDetail = sound->detail();
    log("read aloud unavailable: no sound device: " + speechDetail);
  } else if (synthesizer) {
    std::string voices;
    for (const auto& language : catalogs->languages()) {
      if (synthesizer->speaks(language)) {
        voices += (voices.empty() ? "" : ", ") + language;
      } else {
        log("read aloud: no voice for " + language + " (espeak-ng-data)");
      }
    }
    speechStatus = "on";
    speechDetail = voices;
    speech = std::make_unique<devices::SpeechWorker>(
        std::move(synthesizer),
        [player = sound.get()](std::uint64_t id, int rate, std::span<const std::int16_t> pcm) {
          return player->addSpeech(id, rate, pcm);
        },
        log);
  }
  flowConfig.readAloudOffered = speech != nullptr;
  if (!speech) {
    flowConfig.defaults.readAloud = false;
  }
  const Flow flow(flowConfig);

  ControllerParts parts;
  parts.pipeline = pipeline.get();
  parts.dedup = &dedup;
  parts.printer = printer.get();
  parts.photo = &photo;
  parts.worker = &worker;
  parts.sound = sound.get();
  parts.speech = speech.get();
  parts.catalogs = &*catalogs;
  // Sync with central when the terminal has a [server]: its own thread and connection;
  // a snapshot for the device page and a wake-up after each commit.
  DeviceHealthBoard health;
  // OS updates central offers: downloaded on the agent's thread, installed between guests.
  std::optional<UpdateAgent> updates;
  if (auto updateOptions = updateOptionsFrom(config)) {
    updateOptions->log = log;
    updateOptions->event = jsonLine;
    updates.emplace(std::move(*updateOptions));
  }
  auto sync = makeSyncEngine(config, systemClock, &health, updates ? &*updates : nullptr);
  if (sync) {
    sync->start();
  }
  const bool serverConfigured = config.server.has_value();
  parts.syncStatus = [serverConfigured, &sync] {
    ui::SyncView v;
    v.configured = serverConfigured;
    if (sync) {
      const auto st = sync->status();
      v.running = true;
      v.online = st.online();
      v.lastSync = st.lastSuccessAt;
      v.outboxDepth = st.outboxDepth;
      v.oldestQueued = st.oldestQueuedAt;
      v.lastError = st.lastError;
      v.problem = cache::toString(st.problem);
      v.deviceRevoked = st.deviceRevoked();
      v.needsEnrollment = st.needsEnrollment();
    }
    return v;
  };
  parts.wakeSync = [&sync] {
    if (sync) {
      sync->wake();
    }
  };
  if (updates) {
    parts.updateStatus = [&updates] {
      const auto st = updates->state();
      return ui::UpdateView{st.state, st.version, st.detail};
    };
    parts.restartToUpdate = [&updates] { updates->restartNow(); };
  }
  parts.jsonLine = jsonLine;
  parts.log = log;
  parts.releaseUi = [&terminalUi] { terminalUi.releasePersonalData(); };
  ControllerSettings settings;
  settings.terminalName = config.terminal.name;
  settings.dataDir = config.terminal.dataDir;
  settings.version = KIOSK_VERSION;
  settings.badgeMedia = badgeMedia;
  settings.badgeSize = badgeSize;
  settings.lockout = lockout;
  settings.speechStatus = speechStatus;
  settings.speechDetail = speechDetail;
  TerminalController controller(flow, clock, event, parts, settings);
  controller.setElapsed([started] {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  });
  controller.setRendererInfo((*window)->rendererName());

  LoopParts loopParts{**window,
                      terminalUi,
                      controller,
                      worker,
                      synthetic,
                      manualClock ? &*manualClock : nullptr,
                      systemClock,
                      notifier,
                      health,
                      options.screenshots,
                      std::move(runner),
                      std::nullopt,
                      jsonLine,
                      {},
                      std::nullopt,
                      0};
  loopParts.settings.emplace(config.terminal.dataDir);
  loopParts.settingsVersion = config.settings.version;
  loopParts.updates = updates ? &*updates : nullptr;
  loopParts.reachedCentral = [serverConfigured, &sync] {
    return !serverConfigured || (sync && sync->status().online());
  };
  if (options.demo) {
    loopParts.demo.emplace(synthetic, config.terminal.database);
    if (!loopParts.demo->usable()) {
      log("demo: no synthetic camera or no codes/codes.csv next to the database; the camera "
          "will not cycle through guests");
    }
  }
  Loop loop(std::move(loopParts));
  const int status = loop.run();
  if (pipeline) {
    pipeline->stop();
  }
  finishStoreWork(worker, log, jsonLine);
  if (sync) {
    sync->stop();
  }
  return status;
}

}  // namespace kiosk::app
