// The eSpeak NG adapter with the voices Debian installs: Mandarin and English come out
// as sound (not silence), in pieces; a sink can stop it; missing voice data is an error,
// never an exit.
#include "devices/speech/espeak_synthesizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/temp_dir.h"

namespace kiosk::devices {
namespace {

struct Heard {
  std::vector<std::int16_t> samples;
  int pieces = 0;
};

Heard speak(SpeechSynthesizer& s, std::string_view text, std::string_view language) {
  Heard h;
  const auto status = s.synthesize(text, language, [&](std::span<const std::int16_t> pcm) {
    h.samples.insert(h.samples.end(), pcm.begin(), pcm.end());
    ++h.pieces;
    return true;
  });
  EXPECT_TRUE(status) << status.error().message;
  return h;
}

double rms(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (auto v : samples) {
    sum += static_cast<double>(v) * v;
  }
  return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

// First: eSpeak NG is initialised once per process, by the first open that succeeds.
TEST(EspeakSynthesizer, MissingVoiceDataIsAClearErrorNotAnExit) {
  kiosk::testing::TempDir empty;
  auto opened = openEspeakSynthesizer(empty.path().string());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("espeak-ng-data"), std::string::npos)
      << opened.error().message;
  // And the real data still opens afterwards.
  auto again = openEspeakSynthesizer();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_GT(speak(**again, "Hello.", "en").samples.size(), 1000u);
}

TEST(EspeakVoice, ChosenByTheGuestsLanguage) {
  EXPECT_EQ(espeakVoiceFor("zh-CN"), "cmn");
  EXPECT_EQ(espeakVoiceFor("zh"), "cmn");
  EXPECT_EQ(espeakVoiceFor("en"), "en");
  EXPECT_EQ(espeakVoiceFor("en-GB"), "en");
  EXPECT_EQ(espeakVoiceFor("ja"), "ja");
  EXPECT_EQ(espeakVoiceFor("ko-KR"), "ko");
  EXPECT_EQ(espeakVoiceFor("RU"), "ru");
  EXPECT_EQ(espeakVoiceFor(""), "");
}

TEST(EspeakSynthesizer, MandarinAndEnglishComeOutAsSpeech) {
  auto opened = openEspeakSynthesizer();
  ASSERT_TRUE(opened) << opened.error().message << " (Debian package espeak-ng-data)";
  auto& synth = **opened;
  EXPECT_GT(synth.sampleRate(), 8000);
  for (const char* language : {"zh-CN", "en", "ja", "ko", "ru", "ar"}) {
    EXPECT_TRUE(synth.speaks(language)) << language;
  }
  EXPECT_FALSE(synth.speaks("tlh")) << "Klingon is not installed";

  const auto zh = speak(synth, "欢迎。请将邀请函上的二维码对准摄像头。", "zh-CN");
  const auto en =
      speak(synth, "Welcome. Hold the QR code from your invitation up to the camera.", "en");
  for (const auto* h : {&zh, &en}) {
    const double seconds = static_cast<double>(h->samples.size()) / synth.sampleRate();
    EXPECT_GT(seconds, 1.5) << "a sentence takes seconds to say";
    EXPECT_LT(seconds, 20.0);
    EXPECT_GT(rms(h->samples), 500.0) << "speech, not silence";
    EXPECT_GT(h->pieces, 1) << "handed out in pieces as it is made";
  }
  // The same sentence twice is about the same sound: nothing left over from the last call
  // (eSpeak varies a few milliseconds).
  const auto again = speak(synth, "欢迎。请将邀请函上的二维码对准摄像头。", "zh-CN");
  EXPECT_NEAR(static_cast<double>(again.samples.size()), static_cast<double>(zh.samples.size()),
              0.02 * static_cast<double>(zh.samples.size()));
}

TEST(EspeakSynthesizer, ASinkStopsItAndAnUnknownLanguageIsAnError) {
  auto opened = openEspeakSynthesizer();
  ASSERT_TRUE(opened) << opened.error().message;
  auto& synth = **opened;
  const auto whole = speak(synth, "Please take your badge from the slot below the screen.", "en");
  std::size_t taken = 0;
  int calls = 0;
  const auto stopped = synth.synthesize("Please take your badge from the slot below the screen.",
                                        "en", [&](std::span<const std::int16_t> pcm) {
                                          taken += pcm.size();
                                          return ++calls < 2;
                                        });
  EXPECT_TRUE(stopped) << "stopping is not a failure";
  EXPECT_EQ(calls, 2) << "no piece after the sink said stop";
  EXPECT_LT(taken, whole.samples.size());

  const auto unknown = synth.synthesize("nuqneH", "tlh", [](auto) { return true; });
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(unknown.error().message.find("tlh"), std::string::npos);
}

}  // namespace
}  // namespace kiosk::devices
