// SpeechSynthesizer: the port through which the terminal turns a sentence into sound.
// Text in, mono signed 16-bit PCM out, in pieces as it is made, so that playback can start
// before a long sentence is finished and a newer sentence can stop an older one.
//
// synthesize() is not required to be thread-safe: one thread at a time calls it (the
// SpeechWorker's); sampleRate() and speaks() answer from any thread. Failures are values;
// nothing throws.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace kiosk::devices {

class SpeechSynthesizer {
 public:
  // Receives the samples made so far; returning false stops the synthesis there.
  using PcmSink = std::function<bool(std::span<const std::int16_t>)>;

  virtual ~SpeechSynthesizer() = default;
  // The rate of the samples synthesize() hands out.
  virtual int sampleRate() const = 0;
  // A voice for this BCP 47 language tag ("zh-CN", "en", "ja") is installed.
  virtual bool speaks(std::string_view language) const = 0;
  // Speaks `text` (UTF-8) in `language`. kNotFound when there is no voice for it.
  virtual Status synthesize(std::string_view text, std::string_view language,
                            const PcmSink& sink) = 0;
};

}  // namespace kiosk::devices
