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
  at = inOrder(at);
  if (!buffer_.empty() || overflow_) {
    const auto gap = at - lastAt_;
    if (at < lastAt_ || gap > options_.maxPause) {
      reset();
    } else if (gap > options_.maxGap) {
      // A pause: the run before it was a scanner's only if it had several characters.
      if (runCodePoints_ < 2) {
        reset();
      }
      runCodePoints_ = 0;
    }
  }
  if (buffer_.empty() && !overflow_) {
    firstAt_ = at;
  }
  lastAt_ = at;
  const std::size_t n = countCodePoints(utf8);
  runCodePoints_ += n;
  if (overflow_) {
    return;
  }
  buffer_.append(utf8);
  codePoints_ += n;
  if (codePoints_ > options_.maxLength) {
    // Longer than any code: a stuck key or a pasted text. Ignore until the burst ends.
    buffer_.clear();
    codePoints_ = 0;
    overflow_ = true;
  }
}

std::optional<ScannedCode> WedgeScannerDecoder::onEnter(TimePoint at) {
  std::optional<ScannedCode> code;
  at = inOrder(at);
  const auto gap = at - lastAt_;
  const bool inBurst = !buffer_.empty() && at >= lastAt_ && gap <= options_.maxPause &&
                       (runCodePoints_ >= 2 || gap <= options_.maxGap);
  const bool fast = at - firstAt_ <= options_.maxGap * static_cast<long>(codePoints_);
  if (inBurst && fast && !overflow_ && codePoints_ >= options_.minLength) {
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
  // Characters that came at a scanner's pace so far may go on after a pause; anything
  // else is shown to the person typing without waiting.
  const bool scannerPace =
      codePoints_ >= 2 && lastAt_ - firstAt_ <= options_.maxGap * static_cast<long>(codePoints_);
  const Millis wait = scannerPace ? options_.maxPause : options_.maxGap;
  return !buffer_.empty() && now >= lastAt_ && now - lastAt_ <= wait;
}

TimePoint WedgeScannerDecoder::inOrder(TimePoint at) const {
  // Keys come in the order they were typed. One stamped a little before the key before
  // it shows only that the two stamps were put on the clock at different moments
  // (milliseconds rounded apart), not a pause; a clock set back is another matter.
  return at < lastAt_ && lastAt_ - at <= options_.maxGap ? lastAt_ : at;
}

void WedgeScannerDecoder::reset() {
  buffer_.clear();
  codePoints_ = 0;
  runCodePoints_ = 0;
  overflow_ = false;
}

}  // namespace kiosk::devices
