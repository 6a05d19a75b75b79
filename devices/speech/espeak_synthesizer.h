// The speech port over eSpeak NG (Debian's libespeak-ng, voices in espeak-ng-data):
// synchronous synthesis, no audio of its own, samples handed to the sink as they come.
//
// eSpeak NG keeps its state in process globals: it is initialised by the first successful
// open() and stays so until the process ends (see the .cpp for why); later opens share it
// and must name the same data folder. One thread at a time may synthesize (the
// SpeechWorker's), whichever synthesizer it goes through; speaks() and sampleRate() may be
// called from any thread. open() fails with a clear message (kNotFound) when the voice
// data is missing; it never exits the process.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "devices/speech/speech_synthesizer.h"

namespace kiosk::devices {

// eSpeak NG's voice for a BCP 47 tag: "zh-CN" -> "cmn", "en-GB" -> "en", "ja" -> "ja"
// (the primary subtag for the rest); empty for an empty tag. Pure.
std::string espeakVoiceFor(std::string_view language);

// `dataPath`: the folder that holds espeak-ng-data; empty = the library's default.
Result<std::unique_ptr<SpeechSynthesizer>> openEspeakSynthesizer(const std::string& dataPath = {});

}  // namespace kiosk::devices
