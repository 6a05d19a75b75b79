// SpeechWorker: speaks on a thread of its own so that the UI thread never waits for a
// synthesizer. The newest utterance wins: say() stops the one being spoken (a guest who
// moved on to the next screen does not want to hear the last one to its end).
//
// Owns the synthesizer and its thread; hands the samples to `output` on that thread as
// they are made, tagged with the utterance's id (output returns false to stop). say(),
// cancel() and the counters may be called from any thread; the destructor stops and
// joins. Synthesis failures are logged through `log` and count as not spoken.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "devices/speech/speech_synthesizer.h"

namespace kiosk::devices {

class SpeechWorker {
 public:
  using Output =
      std::function<bool(std::uint64_t id, int sampleRate, std::span<const std::int16_t> samples)>;

  SpeechWorker(std::unique_ptr<SpeechSynthesizer> synthesizer, Output output,
               std::function<void(const std::string&)> log = {});
  ~SpeechWorker();
  SpeechWorker(const SpeechWorker&) = delete;
  SpeechWorker& operator=(const SpeechWorker&) = delete;

  // Queues `text` in `language` in place of anything queued or being spoken; the id its
  // samples will carry (ids grow).
  std::uint64_t say(std::string text, std::string language);
  // Stops whatever is queued or being spoken.
  void cancel();
  bool speaks(std::string_view language) const { return synthesizer_->speaks(language); }
  // Utterances spoken to their end.
  std::size_t finished() const { return finished_.load(); }

 private:
  struct Utterance {
    std::uint64_t id = 0;
    std::string text;
    std::string language;
  };
  void loop(const std::stop_token& stop);

  std::unique_ptr<SpeechSynthesizer> synthesizer_;
  Output output_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::optional<Utterance> pending_;
  std::uint64_t nextId_ = 0;
  std::atomic<std::uint64_t> wanted_{0};  // the utterance that may still make sound
  std::atomic<std::size_t> finished_{0};
  std::jthread thread_;  // last: starts after everything it uses exists
};

}  // namespace kiosk::devices
