// What the screens draw: the flow's state plus read-only snapshots of the devices,
// filled by the app once per frame. Screens never ask a device or the database
// anything; everything they show is here.
//
// A plain aggregate of values and shared immutable images; the app owns it and the UI
// reads it during one frame on the UI thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/camera/frame.h"
#include "documents/image_codec.h"
#include "documents/qr_code.h"
#include "kiosk/core/event.h"
#include "kiosk/core/flow.h"

namespace kiosk::ui {

struct CameraView {
  std::shared_ptr<const devices::RgbFrame> preview;  // newest preview frame, may be null
  bool streaming = false;
  std::string state;    // CameraState id ("streaming", "no_camera", ...)
  std::string problem;  // CameraProblem id ("not_found", ...); "none" or empty when fine
  std::string reason;   // the technical English text, for logs and the heartbeat
  std::string source;   // "synthetic 1280x720", "v4l2 /dev/video0"
  double fps = 0;
  double decodeMillis = 0;
  bool scanning = true;
  bool mirrored = true;  // previews are shown as a mirror, the way people expect
};

struct PrinterView {
  std::string name;
  std::string state;   // PrinterState id ("ready", "out-of-media", ...)
  std::string reason;  // staff-facing
  bool usable = false;
  // MediaFit id ("loaded", "not-loaded", ...): whether the loaded stock fits the badge.
  std::string mediaFit = "unknown";
  std::string loadedMedia;  // size of what the printer says is loaded ("2.125x3.37in")
  std::string badgeMedia;   // size of the badge stock
  // The last test page staff asked of this printer: a BadgeStage id ("queued", "printed",
  // "waiting_for_printer", "failed"; empty: none asked) and the spooler's English detail.
  std::string testPage;
  std::string testPageDetail;
};

struct SyncView {
  bool configured = false;  // a [server] is set
  bool running = false;     // a sync engine is running in this build
  bool online = false;
  std::optional<TimePoint> lastSync;
  std::size_t outboxDepth = 0;
  std::optional<TimePoint> oldestQueued;
  std::string lastError;  // the technical English text, for logs
  std::string problem;    // SyncProblem id ("unreachable", ...); "none" or empty when fine
  bool deviceRevoked = false;
  bool needsEnrollment = false;  // no device token yet, or central no longer knows it
};

// Where an OS update from central stands (kiosk/app/update_agent.h): "idle",
// "downloading", "ready", "installing", "installed" (waiting for its reboot) or "failed",
// the version it concerns and the technical English detail (why it failed).
struct UpdateView {
  std::string state = "idle";
  std::string version;
  std::string detail;
};

// The guided photo's face box, for the on-screen frame (normalized to the preview).
struct PhotoView {
  std::optional<devices::NormalizedBox> face;
  std::shared_ptr<const devices::RgbaImage> captured;
};

struct TerminalView {
  const FlowState* state = nullptr;
  const Flow* flow = nullptr;
  const Event* event = nullptr;
  TimePoint now{};
  CameraView camera;
  PhotoView photo;
  std::shared_ptr<const devices::RgbaImage> badgePreview;  // the badge being printed
  std::shared_ptr<const devices::RgbaImage> stockPreview;  // a sample badge on the stock
  std::shared_ptr<const devices::QrMatrix> phoneQr;        // the guest's details to carry
  std::vector<PrinterView> printers;                       // primary first
  SyncView sync;
  UpdateView update;
  std::optional<std::uint64_t> diskFreeBytes;
  std::uint64_t guestCount = 0;
  std::string terminalName;
  std::string version;
  std::string rendererName;
  std::string soundStatus;  // SoundPlayer::status() ("off", "unavailable", "on")
  std::string soundDetail;
  // "off", "no_voice" (no eSpeak NG data), "unavailable" (no sound device), "on"
  std::string speechStatus = "off";
  std::string speechDetail;  // the languages it speaks, or what is missing
  int volume = 0;            // of cues and speech, 0..100
};

}  // namespace kiosk::ui
