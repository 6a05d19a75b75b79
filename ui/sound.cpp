#include "ui/sound.h"

#include <SDL.h>

#include <algorithm>
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

void Resampler::push(std::span<const std::int16_t> in, std::vector<std::int16_t>& out) {
  // Positions index the piece with the previous piece's last sample in front of it.
  const auto at = [&](std::size_t i) { return i == 0 ? previous_ : in[i - 1]; };
  while (static_cast<std::size_t>(pos_) + 1 <= in.size()) {
    const auto i = static_cast<std::size_t>(pos_);
    const double f = pos_ - static_cast<double>(i);
    out.push_back(static_cast<std::int16_t>(
        std::lround(static_cast<double>(at(i)) * (1 - f) + static_cast<double>(at(i + 1)) * f)));
    pos_ += step_;
  }
  if (!in.empty()) {
    pos_ -= static_cast<double>(in.size());
    previous_ = in.back();
  }
}

std::unique_ptr<SoundPlayer> SoundPlayer::open(const SoundOptions& options) {
  std::unique_ptr<SoundPlayer> player(new SoundPlayer());
  player->cues_ = options.cues;
  player->setVolume(options.volume);
  if (!options.cues && !options.speech) {
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
  want.callback = &SoundPlayer::fill;
  want.userdata = player.get();
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
    SDL_CloseAudioDevice(device_);  // waits for the audio thread: no fill() after this
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
  }
}

// SDL's audio thread: the cue and the speech, summed at the volume, saturated.
void SoundPlayer::fill(void* self, std::uint8_t* stream, int bytes) {
  auto& p = *static_cast<SoundPlayer*>(self);
  auto* out = reinterpret_cast<std::int16_t*>(stream);
  const auto frames = static_cast<std::size_t>(bytes) / sizeof(std::int16_t);
  const double gain = p.volume_.load() / 100.0;
  {
    std::lock_guard lock(p.mutex_);
    const auto take = [](Channel& c) -> std::int32_t {
      if (c.next >= c.samples.size()) {
        return 0;
      }
      return c.samples[c.next++];
    };
    for (std::size_t i = 0; i < frames; ++i) {
      const double v = (take(p.cue_) + take(p.speech_)) * gain;
      out[i] = static_cast<std::int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
    }
    for (Channel* c : {&p.cue_, &p.speech_}) {
      if (c->next >= c->samples.size()) {
        c->samples.clear();
        c->next = 0;
      }
    }
  }
  p.framesOut_ += frames;
}

void SoundPlayer::play(Cue cue) {
  ++played_;
  if (device_ == 0 || !cues_) {
    return;
  }
  // A new cue replaces one still playing: cues are feedback for the latest action.
  auto samples = synthesizeCue(cue, sampleRate_);
  std::lock_guard lock(mutex_);
  cue_.samples = std::move(samples);
  cue_.next = 0;
}

bool SoundPlayer::addSpeech(std::uint64_t id, int sampleRate,
                            std::span<const std::int16_t> samples) {
  if (device_ == 0) {
    return true;  // nothing to hear, but the speech itself is not stale
  }
  std::lock_guard lock(mutex_);
  if (id < speechId_ || id <= stoppedUpTo_) {
    return false;
  }
  if (id != speechId_ || !resampler_) {
    speechId_ = id;
    speech_ = Channel{};
    resampler_ = std::make_unique<Resampler>(sampleRate, sampleRate_);
  }
  resampler_->push(samples, speech_.samples);
  return true;
}

void SoundPlayer::stopSpeech(std::uint64_t upTo) {
  std::lock_guard lock(mutex_);
  stoppedUpTo_ = std::max(stoppedUpTo_, upTo);
  speech_ = Channel{};
  resampler_.reset();
}

void SoundPlayer::setVolume(int percent) {
  volume_ = std::clamp(percent, 0, 100);
}

}  // namespace kiosk::ui
