#include "devices/speech/espeak_synthesizer.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <mutex>
#include <set>

namespace kiosk::devices {

namespace {

std::string statusText(espeak_ng_STATUS status) {
  char buf[512] = {};
  espeak_ng_GetStatusCodeMessage(status, buf, sizeof buf);
  return buf;
}

struct SynthCall {
  const SpeechSynthesizer::PcmSink* sink = nullptr;
  bool stopped = false;
};

// eSpeak NG calls this from inside espeak_ng_Synthesize (synchronous mode): the same
// thread, with our SynthCall as the events' user data. 1 asks it to stop.
int onSamples(short* wav, int count, espeak_EVENT* events) {
  auto* call = events != nullptr ? static_cast<SynthCall*>(events->user_data) : nullptr;
  if (call == nullptr || call->stopped) {
    return 1;
  }
  if (wav != nullptr && count > 0 &&
      !(*call->sink)(std::span<const std::int16_t>(wav, static_cast<std::size_t>(count)))) {
    call->stopped = true;
    return 1;
  }
  return 0;
}

// The library once initialised: eSpeak NG 1.51 hangs in espeak_ng_Terminate() after a
// second espeak_ng_Initialize() (its event thread waits for a signal that never comes),
// so it is initialised once per process and left to the process's end.
struct Library {
  std::mutex mutex;
  bool ready = false;
  std::string dataPath;
  int rate = 0;
  std::set<std::string> voices;  // language names eSpeak NG has a voice for
  std::string current;           // the voice set last
};

Library& library() {
  static Library lib;
  return lib;
}

class EspeakSynthesizer final : public SpeechSynthesizer {
 public:
  EspeakSynthesizer(int rate, std::set<std::string> voices)
      : rate_(rate), voices_(std::move(voices)) {}
  EspeakSynthesizer(const EspeakSynthesizer&) = delete;
  EspeakSynthesizer& operator=(const EspeakSynthesizer&) = delete;

  int sampleRate() const override { return rate_; }

  bool speaks(std::string_view language) const override {
    return voices_.count(espeakVoiceFor(language)) != 0;
  }

  Status synthesize(std::string_view text, std::string_view language,
                    const PcmSink& sink) override {
    const std::string voice = espeakVoiceFor(language);
    if (voices_.count(voice) == 0) {
      return makeError(ErrorKind::kNotFound,
                       "no eSpeak NG voice for '" + std::string(language) + "'");
    }
    std::string& current = library().current;
    if (voice != current) {
      if (const auto s = espeak_ng_SetVoiceByName(voice.c_str()); s != ENS_OK) {
        return makeError(ErrorKind::kNotFound, "eSpeak NG voice " + voice + ": " + statusText(s));
      }
      current = voice;
      // A little slower than eSpeak's default: guests listen once, in a noisy lobby.
      espeak_ng_SetParameter(espeakRATE, 150, 0);
    }
    SynthCall call{&sink};
    const std::string copy(text);  // eSpeak wants a terminated string
    const auto s = espeak_ng_Synthesize(copy.c_str(), copy.size() + 1, 0, POS_CHARACTER, 0,
                                        espeakCHARS_UTF8, nullptr, &call);
    if (s != ENS_OK && !call.stopped) {
      return makeError(ErrorKind::kTransient, "eSpeak NG: " + statusText(s));
    }
    return okStatus();
  }

 private:
  int rate_;
  std::set<std::string> voices_;
};

}  // namespace

std::string espeakVoiceFor(std::string_view language) {
  std::string primary(language.substr(0, language.find_first_of("-_")));
  for (auto& c : primary) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  // eSpeak NG names Chinese by spoken language: Mandarin for the mainland's zh-CN.
  if (primary == "zh") {
    return "cmn";
  }
  return primary;
}

Result<std::unique_ptr<SpeechSynthesizer>> openEspeakSynthesizer(const std::string& dataPath) {
  Library& lib = library();
  std::lock_guard lock(lib.mutex);
  if (lib.ready) {
    if (dataPath != lib.dataPath) {
      return makeError(ErrorKind::kPermanent,
                       "eSpeak NG is already open with the voice data of another folder");
    }
    return std::unique_ptr<SpeechSynthesizer>(new EspeakSynthesizer(lib.rate, lib.voices));
  }
  espeak_ng_InitializePath(dataPath.empty() ? nullptr : dataPath.c_str());
  espeak_ng_ERROR_CONTEXT context = nullptr;
  if (const auto s = espeak_ng_Initialize(&context); s != ENS_OK) {
    espeak_ng_ClearErrorContext(&context);
    return makeError(
        ErrorKind::kNotFound,
        "eSpeak NG voice data not usable (Debian package espeak-ng-data): " + statusText(s));
  }
  if (const auto s = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
      s != ENS_OK) {
    return makeError(ErrorKind::kPermanent, "eSpeak NG output: " + statusText(s));
  }
  espeak_SetSynthCallback(onSamples);
  // The languages of the installed voices: each voice lists "<priority byte><name>\0"
  // pairs, ending with an empty name.
  std::set<std::string> voices;
  if (const espeak_VOICE** list = espeak_ListVoices(nullptr); list != nullptr) {
    for (; *list != nullptr; ++list) {
      for (const char* p = (*list)->languages; p != nullptr && *p != 0;) {
        const std::string name(p + 1);
        voices.insert(name.substr(0, name.find('-')));
        p += 1 + name.size() + 1;
      }
    }
  }
  if (voices.empty()) {
    return makeError(ErrorKind::kNotFound, "eSpeak NG found no voices (espeak-ng-data)");
  }
  lib.ready = true;
  lib.dataPath = dataPath;
  lib.rate = espeak_ng_GetSampleRate();
  lib.voices = voices;
  return std::unique_ptr<SpeechSynthesizer>(new EspeakSynthesizer(lib.rate, std::move(voices)));
}

}  // namespace kiosk::devices
