#include "devices/camera/wedge_scanner_decoder.h"

namespace kiosk::devices {

namespace {
std::size_t countCodePoints(std::string_view utf8) {
  std::size_t n = 0;
  for (const char c : utf8) {
    // Continuation bytes (10xxxxxx) do not start a character.
    if ((static_cast<unsigned char>(c) & 0xc0u) != 0x80u) {
      ++n;
    }
  }
  return n;
}
}  // namespace

void WedgeScannerDecoder::onText(std::string_view utf8, TimePoint at) {
  if (utf8.empty()) {
    return;
  }
  if (!buffer_.empty() && (at - lastAt_ > options_.maxGap || at < lastAt_)) {
    reset();
  }
  lastAt_ = at;
  if (overflow_) {
    return;
  }
  buffer_.append(utf8);
  codePoints_ += countCodePoints(utf8);
  if (codePoints_ > options_.maxLength) {
    // Longer than any code: a stuck key or a pasted text. Ignore until the burst ends.
    buffer_.clear();
    codePoints_ = 0;
    overflow_ = true;
  }
}

std::optional<ScannedCode> WedgeScannerDecoder::onEnter(TimePoint at) {
  std::optional<ScannedCode> code;
  const bool inBurst = !buffer_.empty() && at >= lastAt_ && at - lastAt_ <= options_.maxGap;
  if (inBurst && !overflow_ && codePoints_ >= options_.minLength) {
    code = ScannedCode{};
    code->text = buffer_;
    code->source = ScanSource::kWedgeScanner;
    code->seenAt = at;
  }
  reset();
  return code;
}

void WedgeScannerDecoder::onOtherKey(TimePoint /*at*/) {
  reset();
}

bool WedgeScannerDecoder::assembling(TimePoint now) const {
  return !buffer_.empty() && now >= lastAt_ && now - lastAt_ <= options_.maxGap;
}

void WedgeScannerDecoder::reset() {
  buffer_.clear();
  codePoints_ = 0;
  overflow_ = false;
}

}  // namespace kiosk::devices
