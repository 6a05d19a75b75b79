// Audible output: short cues generated in code (no sound files) and spoken guidance,
// mixed into one SDL audio device at one volume. Success rises, error falls, attention
// repeats, tap clicks; speech comes in pieces from the speech worker's thread.
//
// Owns one SDL audio device when one can be opened; with none (Xvfb, no sound card,
// sounds and speech turned off) every call is a no-op. play() and setVolume() are for the
// UI thread; the speech calls and the counters may be called from any thread (the mix
// sits behind a mutex that SDL's audio thread takes once per buffer). Failures are never
// reported to the caller: a missing speaker must not stop a check-in.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "kiosk/core/flow.h"

namespace kiosk::ui {

// The samples of a cue: mono, signed 16 bit, at `sampleRate`. Pure.
std::vector<std::int16_t> synthesizeCue(Cue cue, int sampleRate);

// Linear resampling of one stream handed over in pieces (speech at the synthesizer's rate
// to the device's). Not thread-safe.
class Resampler {
 public:
  Resampler(int from, int to) : step_(static_cast<double>(from) / to) {}
  void push(std::span<const std::int16_t> in, std::vector<std::int16_t>& out);

 private:
  double step_;
  double pos_ = 1;  // of the next output sample, in input samples after `previous_`
  std::int16_t previous_ = 0;
};

struct SoundOptions {
  bool cues = true;     // taps, success, error
  bool speech = false;  // spoken guidance may be asked for
  int volume = 80;      // 0..100, both
};

class SoundPlayer {
 public:
  // Never fails: nothing enabled or no device gives a silent player.
  static std::unique_ptr<SoundPlayer> open(const SoundOptions& options);
  ~SoundPlayer();
  SoundPlayer(const SoundPlayer&) = delete;
  SoundPlayer& operator=(const SoundPlayer&) = delete;

  // A cue (when cues are on), in place of one still playing.
  void play(Cue cue);
  // Speech: the samples of utterance `id` at `sampleRate`. A piece of a newer utterance
  // drops what is left of an older one; a piece of an older or stopped one is dropped
  // (false: the speaker can stop making it).
  bool addSpeech(std::uint64_t id, int sampleRate, std::span<const std::int16_t> samples);
  // Silences the speech and drops any later piece of utterances up to `upTo`.
  void stopSpeech(std::uint64_t upTo);

  void setVolume(int percent);  // clamped to 0..100
  int volume() const { return volume_.load(); }

  bool audible() const { return device_ != 0; }
  // "off" (turned off), "unavailable" (no device could be opened) or "on"; a catalog
  // key under device.sound. detail(): the audio driver, or why there is none.
  const std::string& status() const { return status_; }
  const std::string& detail() const { return detail_; }
  std::size_t played() const { return played_; }
  // Frames the device has taken so far: the position in its output stream (with SDL's
  // disk driver, in the file it writes).
  std::uint64_t framesOut() const { return framesOut_.load(); }
  int sampleRate() const { return sampleRate_; }

 private:
  SoundPlayer() = default;
  static void fill(void* self, std::uint8_t* stream, int bytes);

  struct Channel {
    std::vector<std::int16_t> samples;
    std::size_t next = 0;
  };

  std::uint32_t device_ = 0;
  int sampleRate_ = 48000;
  bool cues_ = true;
  std::string status_ = "off";
  std::string detail_;
  std::size_t played_ = 0;
  std::atomic<int> volume_{80};
  std::atomic<std::uint64_t> framesOut_{0};
  std::mutex mutex_;  // the channels and the speech state, shared with SDL's audio thread
  Channel cue_;
  Channel speech_;
  std::uint64_t speechId_ = 0;
  std::uint64_t stoppedUpTo_ = 0;
  std::unique_ptr<Resampler> resampler_;
};

}  // namespace kiosk::ui
