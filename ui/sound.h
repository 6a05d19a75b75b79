// Audible cues: short tones generated in code (no sound files), played through SDL
// audio. Success rises, error falls, attention repeats, tap clicks.
//
// Owns one SDL audio device when one can be opened; with none (Xvfb, no sound card,
// sounds turned off) every call is a no-op. play() queues samples and returns at once;
// UI thread only. Failures are never reported to the caller: a missing speaker must not
// stop a check-in.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/flow.h"

namespace kiosk::ui {

// The samples of a cue: mono, signed 16 bit, at `sampleRate`. Pure.
std::vector<std::int16_t> synthesizeCue(Cue cue, int sampleRate);

class SoundPlayer {
 public:
  // Never fails: `enabled` false or no device gives a silent player.
  static std::unique_ptr<SoundPlayer> open(bool enabled);
  ~SoundPlayer();
  SoundPlayer(const SoundPlayer&) = delete;
  SoundPlayer& operator=(const SoundPlayer&) = delete;

  void play(Cue cue);
  bool audible() const { return device_ != 0; }
  // "off" (turned off), "unavailable" (no device could be opened) or "on"; a catalog
  // key under device.sound. detail(): the audio driver, or why there is none.
  const std::string& status() const { return status_; }
  const std::string& detail() const { return detail_; }
  std::size_t played() const { return played_; }

 private:
  SoundPlayer() = default;
  std::uint32_t device_ = 0;
  int sampleRate_ = 48000;
  std::string status_ = "off";
  std::string detail_;
  std::size_t played_ = 0;
};

}  // namespace kiosk::ui
