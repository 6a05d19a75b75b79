#include "devices/speech/speech_worker.h"

namespace kiosk::devices {

SpeechWorker::SpeechWorker(std::unique_ptr<SpeechSynthesizer> synthesizer, Output output,
                           std::function<void(const std::string&)> log)
    : synthesizer_(std::move(synthesizer)),
      output_(std::move(output)),
      log_(std::move(log)),
      thread_([this](const std::stop_token& stop) { loop(stop); }) {}

SpeechWorker::~SpeechWorker() {
  cancel();
  thread_.request_stop();
  wake_.notify_all();
}

std::uint64_t SpeechWorker::say(std::string text, std::string language) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = ++nextId_;
    pending_ = Utterance{id, std::move(text), std::move(language)};
    wanted_ = id;
  }
  wake_.notify_all();
  return id;
}

void SpeechWorker::cancel() {
  std::lock_guard lock(mutex_);
  pending_.reset();
  wanted_ = ++nextId_;
}

void SpeechWorker::loop(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    Utterance next;
    {
      std::unique_lock lock(mutex_);
      if (!wake_.wait(lock, stop, [&] { return pending_.has_value(); })) {
        return;
      }
      next = std::move(*pending_);
      pending_.reset();
    }
    if (next.id != wanted_.load()) {
      continue;
    }
    const int rate = synthesizer_->sampleRate();
    bool stopped = false;
    const auto status =
        synthesizer_->synthesize(next.text, next.language, [&](std::span<const std::int16_t> pcm) {
          stopped =
              stop.stop_requested() || next.id != wanted_.load() || !output_(next.id, rate, pcm);
          return !stopped;
        });
    if (!status) {
      if (log_) {
        log_("speech (" + next.language + "): " + status.error().message);
      }
    } else if (!stopped) {
      ++finished_;
    }
  }
}

}  // namespace kiosk::devices
