#include "ui/sound.h"

#include <SDL.h>

#include <cmath>
#include <numbers>

namespace kiosk::ui {

namespace {

struct Note {
  double hz;
  double seconds;
  double gap;  // silence after
};

std::vector<Note> notesFor(Cue cue) {
  switch (cue) {
    case Cue::kSuccess:
      return {{659.25, 0.09, 0.02}, {987.77, 0.16, 0.0}};  // E5 -> B5
    case Cue::kError:
      return {{392.0, 0.14, 0.04}, {293.66, 0.22, 0.0}};  // G4 -> D4
    case Cue::kAttention:
      return {{880.0, 0.08, 0.08}, {880.0, 0.08, 0.08}, {880.0, 0.08, 0.0}};
    case Cue::kTap:
      return {{1318.5, 0.03, 0.0}};
  }
  return {};
}

}  // namespace

std::vector<std::int16_t> synthesizeCue(Cue cue, int sampleRate) {
  std::vector<std::int16_t> out;
  const double rate = sampleRate;
  for (const auto& note : notesFor(cue)) {
    const auto n = static_cast<std::size_t>(note.seconds * rate);
    const auto attack = static_cast<std::size_t>(0.005 * rate);
    for (std::size_t i = 0; i < n; ++i) {
      // Soft attack and an exponential release: no clicks, a gentle bell-like tone.
      const double t = static_cast<double>(i) / rate;
      const double env = (i < attack ? static_cast<double>(i) / static_cast<double>(attack) : 1.0) *
                         std::exp(-3.0 * t / note.seconds);
      const double v = std::sin(2 * std::numbers::pi * note.hz * t) * 0.8 +
                       std::sin(4 * std::numbers::pi * note.hz * t) * 0.2;
      out.push_back(static_cast<std::int16_t>(std::lround(v * env * 0.35 * 32767)));
    }
    out.insert(out.end(), static_cast<std::size_t>(note.gap * rate), 0);
  }
  return out;
}

std::unique_ptr<SoundPlayer> SoundPlayer::open(bool enabled) {
  std::unique_ptr<SoundPlayer> player(new SoundPlayer());
  if (!enabled) {
    return player;
  }
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    player->status_ = "unavailable";
    player->detail_ = SDL_GetError();
    return player;
  }
  SDL_AudioSpec want{};
  want.freq = player->sampleRate_;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  SDL_AudioSpec have{};
  const SDL_AudioDeviceID device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
  if (device == 0) {
    player->status_ = "unavailable";
    player->detail_ = SDL_GetError();
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return player;
  }
  player->device_ = device;
  player->sampleRate_ = have.freq;
  player->status_ = "on";
  player->detail_ = SDL_GetCurrentAudioDriver() != nullptr ? SDL_GetCurrentAudioDriver() : "";
  SDL_PauseAudioDevice(device, 0);
  return player;
}

SoundPlayer::~SoundPlayer() {
  if (device_ != 0) {
    SDL_CloseAudioDevice(device_);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
  }
}

void SoundPlayer::play(Cue cue) {
  ++played_;
  if (device_ == 0) {
    return;
  }
  // A new cue replaces one still playing: cues are feedback for the latest action.
  SDL_ClearQueuedAudio(device_);
  const auto samples = synthesizeCue(cue, sampleRate_);
  SDL_QueueAudio(device_, samples.data(),
                 static_cast<Uint32>(samples.size() * sizeof(std::int16_t)));
}

}  // namespace kiosk::ui
