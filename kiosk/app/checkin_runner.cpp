#include "kiosk/app/checkin_runner.h"

#include "devices/camera/frame_decoder.h"

namespace kiosk::app {

Result<ScanDecision> checkInText(CheckinService& service, std::string_view text,
                                 ScanSource source) {
  return service.checkInNow(text, source);
}

Result<ScanDecision> checkInImage(CheckinService& service, const std::string& imagePath) {
  auto codes = devices::decodeImageFile(imagePath);
  if (!codes) {
    return codes.error();
  }
  if (codes->empty()) {
    return makeError(ErrorKind::kInvalidInput, imagePath + ": no QR code found in the image");
  }
  // Several codes: the largest, most central one (decodeImageFile ranks them).
  return service.checkInNow(codes->front().text, ScanSource::kCommandLine);
}

}  // namespace kiosk::app
