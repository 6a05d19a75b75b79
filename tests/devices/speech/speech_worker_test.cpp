// The speech worker over a fake synthesizer that waits at a gate after each piece: a new
// utterance stops the one being spoken at a known point; the UI thread never waits.
#include "devices/speech/speech_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace kiosk::devices {
namespace {

using namespace std::chrono_literals;

// Says each character of the text as one piece of samples (its code), pausing before the
// second piece until the test opens the gate.
class GatedSynthesizer final : public SpeechSynthesizer {
 public:
  int sampleRate() const override { return 16000; }
  bool speaks(std::string_view language) const override { return language != "xx"; }
  Status synthesize(std::string_view text, std::string_view language,
                    const PcmSink& sink) override {
    if (language == "xx") {
      return makeError(ErrorKind::kNotFound, "no voice for xx");
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (i == 1) {
        std::unique_lock lock(mutex);
        started = true;
        changed.notify_all();
        changed.wait(lock, [&] { return open; });
      }
      const std::int16_t v = text[i];
      if (!sink(std::span<const std::int16_t>(&v, 1))) {
        return okStatus();
      }
    }
    return okStatus();
  }

  std::mutex mutex;
  std::condition_variable changed;
  bool started = false;
  bool open = false;
};

struct Heard {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<std::uint64_t, std::int16_t>> pieces;
  std::vector<std::string> logs;
};

TEST(SpeechWorker, ANewUtteranceStopsTheOldOne) {
  auto owned = std::make_unique<GatedSynthesizer>();
  auto* synth = owned.get();
  Heard heard;
  SpeechWorker worker(
      std::move(owned),
      [&](std::uint64_t id, int rate, std::span<const std::int16_t> pcm) {
        EXPECT_EQ(rate, 16000);
        std::lock_guard lock(heard.mutex);
        for (auto v : pcm) {
          heard.pieces.emplace_back(id, v);
        }
        heard.changed.notify_all();
        return true;
      },
      [&](const std::string& line) {
        std::lock_guard lock(heard.mutex);
        heard.logs.push_back(line);
      });
  const auto first = worker.say("abc", "en");
  {
    std::unique_lock lock(synth->mutex);
    ASSERT_TRUE(synth->changed.wait_for(lock, 10s, [&] { return synth->started; }));
  }
  const auto second = worker.say("xyz", "en");  // while "abc" waits after its "a"
  EXPECT_GT(second, first);
  {
    std::lock_guard lock(synth->mutex);
    synth->open = true;
  }
  synth->changed.notify_all();
  {
    std::unique_lock lock(heard.mutex);
    ASSERT_TRUE(heard.changed.wait_for(lock, 10s, [&] { return heard.pieces.size() >= 4; }));
  }
  for (int i = 0; i < 1000 && worker.finished() < 1; ++i) {
    std::this_thread::sleep_for(1ms);  // waits for the worker thread, not for a time
  }
  EXPECT_EQ(worker.finished(), 1u) << "only the second was said to its end";
  std::lock_guard lock(heard.mutex);
  const std::vector<std::pair<std::uint64_t, std::int16_t>> expected{
      {first, 'a'}, {second, 'x'}, {second, 'y'}, {second, 'z'}};
  EXPECT_EQ(heard.pieces, expected) << "nothing of \"abc\" after \"xyz\" was asked for";
}

TEST(SpeechWorker, AFailureIsLoggedAndNotCountedAsSpoken) {
  auto owned = std::make_unique<GatedSynthesizer>();
  auto* synth = owned.get();
  synth->open = true;
  Heard heard;
  SpeechWorker worker(
      std::move(owned), [&](std::uint64_t, int, std::span<const std::int16_t>) { return true; },
      [&](const std::string& line) {
        std::lock_guard lock(heard.mutex);
        heard.logs.push_back(line);
        heard.changed.notify_all();
      });
  worker.say("abc", "xx");
  std::unique_lock lock(heard.mutex);
  ASSERT_TRUE(heard.changed.wait_for(lock, 10s, [&] { return !heard.logs.empty(); }));
  EXPECT_NE(heard.logs[0].find("no voice for xx"), std::string::npos) << heard.logs[0];
  EXPECT_EQ(worker.finished(), 0u);
}

}  // namespace
}  // namespace kiosk::devices
