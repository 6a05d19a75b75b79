// What a scan produced: the decoded text, where it came from, when and where in the
// frame. Plain values shared by the camera pipeline, the wedge scanner and the UI.
#pragma once

#include <cstdint>
#include <string>

#include "devices/camera/decoded_code.h"
#include "devices/camera/frame.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

// One scan event, as the UI receives it.
struct ScannedCode {
  std::string text;
  ScanSource source = ScanSource::kCamera;
  TimePoint seenAt{};  // capture time of the frame (camera) or of the Enter key (wedge)
  CodeFormat format = CodeFormat::kQrCode;
  NormalizedBox box;                // camera only: where in the frame; empty for the wedge
  std::uint64_t frameSequence = 0;  // camera only: the frame it was read from
};

}  // namespace kiosk::devices
