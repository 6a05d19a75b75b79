// TerminalController: runs the flow. It feeds events into the pure state machine
// (kiosk/core/flow.h), executes the effects it returns on the right thread (database
// work and badge rendering on the StoreWorker, photos on the PhotoWorker, printing
// through the BadgePrinter, sounds, scanner resets), turns the workers' results and the
// devices' states back into events, and builds the read-only view the screens draw.
//
// Owns the flow state and the per-journey images (badge preview, QR summary); borrows
// the devices and workers from the composition root (terminal.cpp). UI thread only.
// Failures of effects come back into the flow as WorkFailed events (the guest sees a
// calm failure screen, staff see the detail); nothing throws.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "devices/camera/scan_deduplicator.h"
#include "devices/camera/wedge_scanner_decoder.h"
#include "devices/printing/badge_printer.h"
#include "devices/speech/speech_worker.h"
#include "documents/badge_data.h"
#include "kiosk/app/terminal_photo.h"
#include "kiosk/app/terminal_worker.h"
#include "kiosk/core/flow.h"
#include "ui/catalog.h"
#include "ui/sound.h"
#include "ui/terminal_view.h"

namespace kiosk::devices {
class ScanPipeline;
}

namespace kiosk::app {

struct ControllerParts {
  devices::ScanPipeline* pipeline = nullptr;  // null: no camera
  devices::ScanDeduplicator* dedup = nullptr;
  devices::BadgePrinter* printer = nullptr;
  PhotoWorker* photo = nullptr;
  StoreWorker* worker = nullptr;
  ui::SoundPlayer* sound = nullptr;
  devices::SpeechWorker* speech = nullptr;  // null: no spoken guidance here
  const ui::Catalogs* catalogs = nullptr;
  // Sync: a snapshot for the device page, and a nudge after each commit. Standalone
  // terminals leave them empty.
  std::function<ui::SyncView()> syncStatus;
  std::function<void()> wakeSync;
  // OS updates (kiosk/app/update_agent.h): where one stands, for the device page, and staff's
  // "Restart to update". Empty when standalone.
  std::function<ui::UpdateView()> updateStatus;
  std::function<void()> restartToUpdate;
  // Where state changes and notable events go, one JSON object per line.
  std::function<void(const std::string&)> jsonLine;
  std::function<void(const std::string&)> log;
  // The UI drops its textures of personal data.
  std::function<void()> releaseUi;
};

struct ControllerSettings {
  std::string terminalName;
  std::string dataDir;
  std::string version;
  std::string badgeMedia;
  devices::BadgeSize badgeSize = devices::BadgeSize::kCr80;
  bool mirrorPreview = true;
  StaffLockoutState lockout;  // the PIN lockout kept from before a restart
  // Spoken guidance for the device page: "off", "no_voice", "unavailable" (no sound
  // device) or "on", and the languages it speaks or what is missing.
  std::string speechStatus = "off";
  std::string speechDetail;
};

class TerminalController {
 public:
  TerminalController(const Flow& flow, const Clock& clock, Event event, ControllerParts parts,
                     ControllerSettings settings);

  // Prints the current screen as a state line (once, at start).
  void announce();
  // Steps the flow and executes the effects.
  void apply(const FlowEvent& event);
  // Once per frame: scans, worker results, photo guidance, print jobs, time.
  void poll();
  // Keyboard input from the window (physical keyboard or keyboard-wedge scanner).
  void keyText(const std::string& text, TimePoint at);
  void keyEnter(TimePoint at);
  void keyBackspace(TimePoint at);
  void keyOther(TimePoint at);
  // Typed characters are held back while they might be a scanner's burst; this hands
  // them to the flow once the burst logic says they were typed by a person.
  void flushKeys(TimePoint now);

  ui::TerminalView view() const;
  const FlowState& state() const { return state_; }
  const Flow& flow() const { return flow_; }
  const Event& event() const { return event_; }
  bool quitRequested() const { return quit_; }
  std::size_t effectsRun() const { return effectsRun_; }
  // Milliseconds since the controller started (for JSON lines).
  void setElapsed(std::function<double()> elapsed) { elapsed_ = std::move(elapsed); }
  double elapsedMs() const { return elapsed_ ? elapsed_() : 0.0; }
  void setRendererInfo(std::string renderer) { renderer_ = std::move(renderer); }

 private:
  struct TrackedJob {
    GuestId guestId = 0;
    bool reprint = false;
    std::string actor;
    std::string reason;
    std::uint64_t revision = 0;
    devices::PrintJobState recordedState = devices::PrintJobState::kQueued;
    bool recorded = false;
  };

  void run(const FlowEffect& effect);
  void onResult(WorkerResult result);
  void trackPrintJobs();
  void requestStats();
  void afterStep(const FlowState& before);
  // Read aloud: says what the screen now says when that changed, stops when it is off.
  void speak();
  void emitJson(const std::string& json) const;
  // The text to put in the needs editor before `event` is applied, if any.
  std::optional<std::string> needsDraftInWords(const FlowEvent& event) const;
  void refreshPhoneQr();

  const Flow& flow_;
  const Clock& clock_;
  Event event_;
  ControllerParts parts_;
  ControllerSettings settings_;
  FlowState state_;
  devices::WedgeScannerDecoder wedge_;
  std::vector<std::pair<std::string, TimePoint>> heldKeys_;
  std::map<std::string, TrackedJob> jobs_;  // by badge id
  std::map<GuestId, std::string> badgeOfGuest_;
  std::shared_ptr<const devices::RgbaImage> badgePreview_;
  std::shared_ptr<const devices::RgbaImage> stockPreview_;
  std::map<std::string, TestPageSent> testPages_;  // the last one asked, by printer name
  bool stockPreviewAsked_ = false;
  std::shared_ptr<const devices::QrMatrix> phoneQr_;
  std::string phoneQrKey_;
  std::string cameraReasonLogged_;
  PhotoSnapshot photo_;
  StoreStats stats_;
  std::chrono::steady_clock::time_point lastStatsSteady_{};
  bool quit_ = false;
  std::size_t effectsRun_ = 0;
  std::function<double()> elapsed_;
  std::string renderer_;
  std::string spokenId_;             // what is being read aloud ("info/printed/en")
  std::uint64_t utterance_ = 0;      // its SpeechWorker id
  std::set<std::string> voiceless_;  // languages already logged as having no voice
};

// The compact text a guest carries away in the QR code of the information screen:
// event, name, room, transport, meetings, hotline. Pure.
std::string phoneSummary(const Event& event, const Guest& guest, const ui::Catalogs& catalogs,
                         const std::string& language);

}  // namespace kiosk::app
