// Spoken guidance end to end: the real `kiosk --script` window under Xvfb with SDL's disk
// audio driver, which writes what the terminal plays (signed 16-bit mono, the device's
// rate) to a file. A guest taps "Read aloud" and walks a check-in; the test pairs each
// "speech" line the terminal prints (the screen, its catalog keys, the language and the
// audio stream's frame at that moment) with the sound in the file after that frame.
// Speech not asked for, volume 0 and speech turned off are silent; the volume staff set
// on the device page is kept across a restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using kiosk::testing::runCommand;
using nlohmann::json;

const std::string kCtl = std::string(KIOSK_BINARY_DIR) + "/kioskctl";
const std::string kKiosk = std::string(KIOSK_BINARY_DIR) + "/kiosk";
const std::string kAssets = std::string(KIOSK_SOURCE_DIR) + "/assets";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string day(int offset) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(offset) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct KioskRun {
  int status = -1;
  std::vector<json> lines;
  std::string err;
  std::string shots;
  std::vector<std::int16_t> audio;  // what the sound device played

  std::vector<json> events(const std::string& kind) const {
    std::vector<json> out;
    for (const auto& l : lines) {
      if (l.value("event", "") == kind) {
        out.push_back(l);
      }
    }
    return out;
  }
  std::string dump() const {
    std::string out;
    for (const auto& l : lines) {
      out += l.dump() + "\n";
    }
    return out + err;
  }
};

// Loud 20 ms windows between two frames of the audio stream.
std::size_t loudWindows(const std::vector<std::int16_t>& audio, std::size_t from, std::size_t to,
                        int rate) {
  const auto window = static_cast<std::size_t>(rate / 50);
  std::size_t loud = 0;
  to = std::min(to, audio.size());
  for (std::size_t at = from; at + window <= to; at += window) {
    double sum = 0;
    for (std::size_t i = at; i < at + window; ++i) {
      sum += static_cast<double>(audio[i]) * audio[i];
    }
    loud += std::sqrt(sum / static_cast<double>(window)) > 300 ? 1 : 0;
  }
  return loud;
}

std::size_t nonZero(const std::vector<std::int16_t>& audio) {
  return static_cast<std::size_t>(
      std::count_if(audio.begin(), audio.end(), [](std::int16_t v) { return v != 0; }));
}

class SpeechE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "xvfb-run is not installed (Debian package xvfb)";
    }
    db = dir.file("event.db");
    ctl({"event", "create", "--db", db, "--details", kAssets + "/demo/event.toml", "--starts",
         day(-1) + "T08:00", "--ends", day(3) + "T18:00"});
    std::string csv = readFile(kAssets + "/demo/guests.csv");
    for (auto [key, offset] :
         {std::pair{"{DAY0}", 0}, std::pair{"{DAY1}", 1}, std::pair{"{DAY2}", 2}}) {
      for (auto at = csv.find(key); at != std::string::npos; at = csv.find(key)) {
        csv.replace(at, std::string(key).size(), day(offset));
      }
    }
    std::ofstream(dir.file("guests.csv")) << csv;
    ctl({"guests", "import", "--db", db, dir.file("guests.csv")});
    ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
    ctl({"staff", "add", "--db", db, "--id", "s1", "--name", "Chen Jing", "--pin", "2468"});
  }

  void ctl(std::vector<std::string> args) {
    args.insert(args.begin(), kCtl);
    const auto r = runCommand(args, dir.path());
    ASSERT_EQ(r.status, 0) << args[1] << ": " << r.err;
  }

  // `ui` goes into the [ui] table; `env` before the terminal ("ESPEAK_DATA_PATH=...").
  KioskRun run(const std::string& name, const std::string& script, const std::string& ui,
               const std::vector<std::string>& env = {}) {
    KioskRun r;
    r.shots = std::string(KIOSK_BINARY_DIR) + "/tests/ui-screenshots/Speech" + name;
    fs::remove_all(r.shots);
    fs::create_directories(r.shots);
    std::ofstream(dir.file("kiosk.toml"))
        << "[terminal]\nname = \"lobby-1\"\ndatabase = \"" << db << "\"\ndata_dir = \""
        << dir.path().string() << "\"\nlanguages = [\"zh-CN\", \"en\"]\n\n"
        << "[camera]\ndevice = \"synthetic\"\n\n[ui]\nfullscreen = false\nwidth = 1080\n"
        << "height = 1920\nsounds = false\n"
        << ui;
    std::ofstream(dir.file("run.script")) << "codes codes/codes.csv\n" << script;
    const std::string audio = dir.file("audio-" + name + ".raw");
    fs::remove(audio);
    std::vector<std::string> argv{"xvfb-run", "-a", "-e", dir.file("xvfb.log"), "-s",
                                  "-screen 0 1920x1920x24", "env", "SDL_AUDIODRIVER=disk",
                                  "SDL_DISKAUDIOFILE=" + audio,
                                  // Under the sanitizer build: with audio open, a library
                                  // loaded and unloaded at run time leaves 112 bytes whose
                                  // stack LeakSanitizer cannot name (so no suppression can
                                  // match it). The terminal's own leaks are checked by the
                                  // other end-to-end tests, which run it without audio.
                                  "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {kKiosk, "--config", dir.file("kiosk.toml"), "--script",
                             dir.file("run.script"), "--screenshots", r.shots});
    auto result = runCommand(argv, dir.path());
    if (result.status != 0 && result.out.empty()) {
      result = runCommand(argv, dir.path());  // xvfb-run -a raced for a display number
    }
    r.status = result.status;
    r.err = result.err;
    for (const auto& line : result.lines()) {
      if (!line.empty() && line.front() == '{') {
        r.lines.push_back(json::parse(line));
      }
    }
    const std::string pcm = readFile(audio);
    r.audio.resize(pcm.size() / 2);
    if (!r.audio.empty()) {  // no audio device opened: no file
      std::memcpy(r.audio.data(), pcm.data(), r.audio.size() * 2);
    }
    return r;
  }

  json record(const KioskRun& r, const std::string& shot) {
    return json::parse(readFile(r.shots + "/" + shot + ".json"));
  }

  kiosk::testing::TempDir dir;
  std::string db;
};

// The photo step with the synthetic camera's drawn face; the countdown (3 s) runs on the
// script's clock from when the face has been found steady, which takes longer on a busy
// machine: seven steps of a second leave room for that (more after the photo are harmless).
const char* kPhotoSteps =
    "wait-for photo\nface\nsleep 1200\nadvance 1\nsleep 250\nadvance 1\nsleep 250\n"
    "advance 1\nsleep 250\nadvance 1\nsleep 250\nadvance 1\nsleep 250\nadvance 1\nsleep 250\n"
    "advance 1\nsleep 400\n";

// Time for a sentence to be heard before the guest moves on.
const char* kListen = "sleep 3500\n";

TEST_F(SpeechE2E, ReadAloudSpeaksEachScreenOfACheckInInTheGuestsLanguage) {
  const std::string script =
      std::string("wait-for attract\ntap lang.en\ntap a11y.read_aloud\n") + kListen +
      "screenshot attract\ntap lang.zh-CN\n" + kListen + "present-code WLF-7K3Q\n" +
      "wait-for confirm_identity\nclear-camera\n" + kListen + "tap identity.yes\n" + kPhotoSteps +
      kListen + "tap photo.accept 10\nwait-for confirm_needs\n" + kListen +
      "tap needs.confirm\nwait-for info 30\n" + kListen + "tap info.done\nwait-for done\n" +
      kListen + "tap done.finish\nwait-for attract\nsleep 500\n" +
      // The control in other layouts: landscape with large text.
      "window 1920 1080\ntap a11y.large_text\nsleep 300\nscreenshot landscape_large\n";
  const auto r = run("Journey", script, "speech = \"on-request\"\nvolume = 100\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  const auto spoken = r.events("speech");
  ASSERT_FALSE(spoken.empty()) << r.dump();
  ASSERT_FALSE(r.audio.empty()) << "the disk audio driver wrote nothing";
  const int rate = spoken[0]["audio_rate"];
  ASSERT_GT(rate, 8000);

  // Each screen the guest stayed on was heard: speech after its line and before the next.
  std::map<std::string, std::size_t> heard;  // "<spoken id>/<language>" -> loud windows
  std::vector<std::string> order;
  for (std::size_t i = 0; i < spoken.size(); ++i) {
    const auto from = spoken[i]["audio_frame"].get<std::size_t>();
    const auto to =
        i + 1 < spoken.size() ? spoken[i + 1]["audio_frame"].get<std::size_t>() : r.audio.size();
    const std::string id =
        spoken[i]["spoken"].get<std::string>() + "/" + spoken[i]["language"].get<std::string>();
    heard[id] += loudWindows(r.audio, from, to, rate);
    order.push_back(id);
    EXPECT_FALSE(spoken[i]["keys"].empty()) << spoken[i];
  }
  for (const char* id : {"attract/en", "attract/zh-CN", "identity/zh-CN", "photo/captured/zh-CN",
                         "needs/zh-CN", "info/printed/zh-CN", "done/zh-CN"}) {
    ASSERT_TRUE(heard.count(id)) << id << " was not spoken:\n" << r.dump();
    // Half a second of speech at least (titles and instructions take seconds).
    EXPECT_GE(heard[id], 25u) << id << " was not heard";
  }
  // The printing screen's "please take your badge" is said when the guest is there long
  // enough; the info screen says it again, and is checked above.
  EXPECT_EQ(spoken[0]["keys"], json({"attract.title", "attract.subtitle"}));
  EXPECT_EQ(spoken[0]["volume"], 100);
  // Nothing is spoken before the guest asked for it: the stream is silent up to the tap.
  EXPECT_EQ(loudWindows(r.audio, 0, spoken[0]["audio_frame"].get<std::size_t>(), rate), 0u);
  // Nothing personal in what was said or printed about it.
  EXPECT_EQ(r.dump().find("张伟"), std::string::npos);

  // The control is a finger-sized target (15 mm) in both orientations.
  for (const char* shot : {"attract", "landscape_large"}) {
    const json rec = record(r, shot);
    const double mm = rec["px_per_mm"];
    bool found = false;
    for (const auto& c : rec["controls"]) {
      if (c["name"] == "a11y.read_aloud") {
        found = true;
        EXPECT_GE(std::min(c["w"].get<double>(), c["h"].get<double>()) / mm, 15.0) << shot;
      }
    }
    EXPECT_TRUE(found) << shot;
  }
}

TEST_F(SpeechE2E, SpeechNotAskedForVolumeZeroAndSpeechOffAreSilent) {
  const std::string walk =
      "tap attract.find_booking\nwait-for find_booking\nsleep 2500\ntap find.back\n"
      "wait-for attract\nsleep 1500\nscreenshot attract\n";
  // Offered, not asked for.
  const auto notAsked = run("NotAsked", "wait-for attract\n" + walk, "volume = 100\n");
  ASSERT_EQ(notAsked.status, 0) << notAsked.dump();
  EXPECT_TRUE(notAsked.events("speech").empty()) << notAsked.dump();
  EXPECT_GT(notAsked.audio.size(), 48000u) << "the device played (silence) for seconds";
  EXPECT_EQ(nonZero(notAsked.audio), 0u);

  // Asked for at volume 0: spoken, and silent.
  const auto mute = run("Mute", "wait-for attract\ntap a11y.read_aloud\n" + walk,
                        "speech = \"on-request\"\nvolume = 0\n");
  ASSERT_EQ(mute.status, 0) << mute.dump();
  EXPECT_GE(mute.events("speech").size(), 2u) << mute.dump();
  EXPECT_GT(mute.audio.size(), 48000u);
  EXPECT_EQ(nonZero(mute.audio), 0u) << "volume 0 is silence";

  // Turned off: no control for guests, no sound device at all (sounds are off too).
  const auto off = run("Off", "wait-for attract\n" + walk, "speech = \"off\"\nvolume = 100\n");
  ASSERT_EQ(off.status, 0) << off.dump();
  EXPECT_TRUE(off.events("speech").empty());
  EXPECT_TRUE(off.audio.empty()) << "no audio device opened";
  const json offAttract = record(off, "attract");
  for (const auto& c : offAttract["controls"]) {
    EXPECT_NE(c["name"], "a11y.read_aloud");
  }
}

TEST_F(SpeechE2E, AlwaysSpeaksFromTheStartAndStaffVolumeIsKept) {
  const std::string staff =
      "wait-for attract\nsleep 2500\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
      "tap staff.unlock.submit\nwait-for staff_home\ntap staff.nav.devices\n"
      "wait-for staff_devices\nsleep 300\nscreenshot devices\ntap devices.volume_down\n"
      "sleep 300\ntap devices.volume_down\nsleep 300\nscreenshot devices_after\n"
      "tap staff.nav.lock\nwait-for attract\nsleep 2500\n";
  const auto first = run("Always", staff, "speech = \"always\"\nvolume = 80\n");
  ASSERT_EQ(first.status, 0) << first.dump();
  const auto spoken = first.events("speech");
  ASSERT_FALSE(spoken.empty()) << "spoken without a tap: " << first.dump();
  EXPECT_EQ(spoken[0]["spoken"], "attract");
  EXPECT_EQ(spoken[0]["volume"], 80);
  EXPECT_EQ(spoken.back()["volume"], 60) << "after staff turned it down twice";
  const auto volumes = first.events("volume");
  ASSERT_EQ(volumes.size(), 2u) << first.dump();
  EXPECT_EQ(volumes[1]["volume"], 60);
  for (const auto& s : spoken) {
    EXPECT_NE(s["state"], "staff_devices") << "staff screens are not read aloud";
  }
  const auto texts = record(first, "devices_after")["texts"].dump();
  EXPECT_NE(texts.find("60 %"), std::string::npos) << texts;

  // A restart keeps the staff's volume over the configured one.
  const auto second =
      run("AlwaysAgain", "wait-for attract\nsleep 2500\n", "speech = \"always\"\nvolume = 80\n");
  ASSERT_EQ(second.status, 0) << second.dump();
  ASSERT_FALSE(second.events("speech").empty()) << second.dump();
  EXPECT_EQ(second.events("speech")[0]["volume"], 60);
  EXPECT_GT(
      loudWindows(second.audio, 0, second.audio.size(), second.events("speech")[0]["audio_rate"]),
      25u);
}

TEST_F(SpeechE2E, MissingVoiceDataIsLoggedShownToStaffAndNotOffered) {
  // eSpeak NG takes an existing folder in ESPEAK_DATA_PATH as its data: an empty one.
  fs::create_directories(dir.file("no-voices"));
  const auto r = run("NoVoices",
                     "wait-for attract\nscreenshot attract\ntap attract.staff\n"
                     "wait-for staff_unlock\ntype 2468\ntap staff.unlock.submit\n"
                     "wait-for staff_home\ntap staff.nav.devices\nwait-for staff_devices\n"
                     "sleep 300\nscreenshot devices\n",
                     "speech = \"always\"\n", {"ESPEAK_DATA_PATH=" + dir.file("no-voices")});
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_NE(r.err.find("read aloud unavailable"), std::string::npos) << r.err;
  EXPECT_TRUE(r.events("speech").empty());
  const json attract = record(r, "attract");
  for (const auto& c : attract["controls"]) {
    EXPECT_NE(c["name"], "a11y.read_aloud") << "not offered without a voice";
  }
  const auto texts = record(r, "devices")["texts"].dump();
  EXPECT_NE(texts.find("未安装语音 (espeak-ng-data)"), std::string::npos) << texts;
}

}  // namespace
