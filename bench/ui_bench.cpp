// The terminal's own figures, measured on the real `kiosk` binary under Xvfb (Mesa's
// software OpenGL, so GPU work is CPU work here): start to attract screen, frame time
// with the camera preview running, taps from scan to badge, and resident memory with a
// 100,000-guest roster, and time from a screen change to the start of its spoken
// guidance. A scenario driver: it builds event databases with kioskctl, runs
// `kiosk --script` and reads its JSON lines; prints bench_table.h rows.
//
//   bench/ui_bench [SECONDS_OF_PREVIEW]     (default 10)
//   bench/ui_bench SECONDS speech|memory    (the spoken guidance, or the 100k memory, only)
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_table.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Output {
  int status = -1;
  std::vector<json> lines;
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

using LineHandler = std::function<void(const json&, std::chrono::steady_clock::time_point)>;

// Runs a shell command and collects its JSON lines; `onLine` sees each one the moment it
// arrives (the terminal flushes every line), with its arrival time.
Output run(const std::string& command, const LineHandler& onLine = {}) {
  Output out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) {
    return out;
  }
  char buf[8192];
  std::string line;
  while (fgets(buf, sizeof buf, pipe) != nullptr) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      if (line.front() == '{') {
        const auto arrived = std::chrono::steady_clock::now();
        try {
          out.lines.push_back(json::parse(line));
          if (onLine) {
            onLine(out.lines.back(), arrived);
          }
        } catch (const std::exception&) {
        }
      }
      line.clear();
    }
  }
  const int raw = pclose(pipe);
  out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

const json* find(const Output& o, const std::string& event) {
  for (const auto& l : o.lines) {
    if (l.value("event", "") == event) {
      return &l;
    }
  }
  return nullptr;
}

// What a failed script said (empty when it did not fail).
std::string scriptError(const Output& o) {
  const auto* e = find(o, "script_error");
  return e == nullptr ? std::string() : e->value("message", "") + " on " + e->value("screen", "");
}

std::string day(int offset) {
  const auto d = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() +
                                                       std::chrono::hours(24 * offset));
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

class Bench {
 public:
  explicit Bench(std::string build) : build_(std::move(build)) {
    char pattern[] = "/tmp/kiosk-ui-bench-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  ~Bench() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // An event database with the demo guests (and `extra` generated ones).
  std::string makeEvent(const std::string& name, int extra) {
    const std::string d = dir_ + "/" + name;
    fs::create_directories(d);
    const std::string db = d + "/event.db";
    ctl("event create --db " + quote(db) + " --details " +
        quote(std::string(KIOSK_SOURCE_DIR) + "/assets/demo/event.toml") + " --starts " + day(-1) +
        "T08:00 --ends " + day(3) + "T18:00");
    std::ifstream in(std::string(KIOSK_SOURCE_DIR) + "/assets/demo/guests.csv");
    std::stringstream csv;
    csv << in.rdbuf();
    std::string text = csv.str();
    for (auto [key, offset] :
         {std::pair{"{DAY0}", 0}, std::pair{"{DAY1}", 1}, std::pair{"{DAY2}", 2}}) {
      for (auto at = text.find(key); at != std::string::npos; at = text.find(key)) {
        text.replace(at, std::string(key).size(), day(offset));
      }
    }
    std::ofstream out(d + "/guests.csv");
    out << text;
    const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"};
    const char* given[] = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "涛"};
    for (int i = 0; i < extra; ++i) {
      char code[32];
      std::snprintf(code, sizeof code, "GEN-%06d", i);
      out << code << "," << surnames[i % 10] << given[(i / 10) % 12] << given[(i / 120) % 12]
          << ",Company " << i % 500 << ",,business,zh-CN,139" << 10000000 + i << ",,,,,Hotel "
          << i % 7 << "," << 1000 + i % 900 << "," << i % 30 << ",,,,,,,,,,,,,,,,,active,no\n";
    }
    out.close();
    ctl("guests import --db " + quote(db) + " " + quote(d + "/guests.csv"));
    if (extra == 0) {
      ctl("codes issue --db " + quote(db) + " --out " + quote(d + "/codes"));
    }
    std::ofstream(d + "/kiosk.toml")
        << "[terminal]\nname = \"bench-1\"\ndatabase = \"" << db << "\"\ndata_dir = \"" << d
        << "\"\n[camera]\ndevice = \"synthetic\"\n[ui]\nfullscreen = false\nwidth = 1080\n"
           "height = 1920\nsounds = false\n";
    return d;
  }

  Output kiosk(const std::string& eventDir, const std::string& script, int width = 1080,
               int height = 1920, const LineHandler& onLine = {}) {
    std::ofstream(eventDir + "/run.script")
        << "codes codes/codes.csv\nwindow " << width << " " << height << "\n"
        << script;
    // The display's authorization file is known, so that xdotool can type into it.
    return run("xvfb-run -a -f " + quote(xauthority()) + " -s '-screen 0 1920x1920x24' " +
                   quote(build_ + "/kiosk") + " --config " + quote(eventDir + "/kiosk.toml") +
                   " --script " + quote(eventDir + "/run.script"),
               onLine);
  }

  std::string xauthority() const { return dir_ + "/Xauthority"; }

  // Starts xdotool typing `text` and Enter into the display, as a wedge scanner does;
  // returns its pid without waiting, so that the caller keeps reading the terminal.
  pid_t type(const std::string& display, const std::string& text, int delayMs) const {
    const std::string auth = xauthority();
    const std::string delay = std::to_string(delayMs);
    const pid_t pid = fork();
    if (pid == 0) {
      setenv("DISPLAY", display.c_str(), 1);
      setenv("XAUTHORITY", auth.c_str(), 1);
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      execlp("xdotool", "xdotool", "type", "--delay", delay.c_str(), "--args", "1", text.c_str(),
             "key", "Return", static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }

 private:
  void ctl(const std::string& args) {
    if (std::system((quote(build_ + "/kioskctl") + " " + args + " >/dev/null 2>&1").c_str()) != 0) {
      std::cerr << "ui_bench: kioskctl " << args << " failed\n";
      std::exit(2);
    }
  }

  std::string build_;
  std::string dir_;
};

}  // namespace

// Spoken guidance: from a screen change to the first sound of what it says, with SDL's disk
// audio driver writing what the terminal plays to a file. The "speech" line tells the
// audio stream's frame when the sentence was handed to the mixer; the sound starts at the
// first loud 10 ms after it. A guest taps "Read aloud" and walks a check-in (the way back to
// the attract screen ends the guest's choices, so the walk stops at the done screen).
int speechLatency(Bench& bench, const std::string& demo) {
  const std::string audio = demo + "/speech.raw";
  std::filesystem::remove(audio);
  std::ofstream(demo + "/kiosk.toml", std::ios::app) << "speech = \"on-request\"\nvolume = 100\n";
  setenv("SDL_AUDIODRIVER", "disk", 1);
  setenv("SDL_DISKAUDIOFILE", audio.c_str(), 1);
  const char* listen = "sleep 3000\n";
  const auto o =
      bench.kiosk(demo, std::string("wait-for attract\ntap a11y.read_aloud\n") + listen +
                            "present-code WLF-7K3Q\nwait-for confirm_identity\nclear-camera\n" +
                            listen + "tap identity.yes\nwait-for photo\n" + listen +
                            "tap photo.skip\nwait-for confirm_needs\n" + listen +
                            "tap needs.confirm\nwait-for info 30\n" + listen +
                            "tap info.done\nwait-for done\n" + listen);
  unsetenv("SDL_AUDIODRIVER");
  unsetenv("SDL_DISKAUDIOFILE");
  std::ifstream in(audio, std::ios::binary);
  const std::string pcm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::int16_t> samples(pcm.size() / 2);
  if (!samples.empty()) {
    std::memcpy(samples.data(), pcm.data(), samples.size() * 2);
  }
  kiosk::bench::Samples latency;
  double changedAt = -1;
  std::string changedTo;
  int spoken = 0;
  for (const auto& l : o.lines) {
    const std::string e = l.value("event", "");
    // The last state line asked for the words: a new screen, or the tap on "Read aloud"
    // (the guest's choice changes the state, which is announced again).
    if (e == "state") {
      changedTo = l.value("state", "");
      changedAt = l.value("t_ms", 0.0);
    }
    if (e != "speech" || changedAt < 0 || l.value("state", "") != changedTo) {
      continue;
    }
    ++spoken;
    const int rate = l.value("audio_rate", 0);
    const auto from = l.value("audio_frame", std::size_t{0});
    const auto window = static_cast<std::size_t>(std::max(1, rate / 100));
    for (std::size_t at = from; rate > 0 && at + window <= samples.size(); at += window) {
      double sum = 0;
      for (std::size_t i = at; i < at + window; ++i) {
        sum += static_cast<double>(samples[i]) * samples[i];
      }
      if (std::sqrt(sum / static_cast<double>(window)) > 300) {
        const double ms =
            l.value("t_ms", 0.0) - changedAt + static_cast<double>(at - from) * 1000.0 / rate;
        latency.add(ms);
        std::cerr << "ui_bench: " << l.value("spoken", "") << " spoken after " << ms << " ms\n";
        break;
      }
    }
  }
  kiosk::bench::row("speech", "screens spoken in a walked check-in", spoken, "screens");
  kiosk::bench::row("speech", "screen change to start of speech p50", latency.percentile(50), "ms");
  kiosk::bench::row("speech", "screen change to start of speech worst", latency.percentile(100),
                    "ms");
  return latency.size() > 0 && o.status == 0 ? 0 : 1;
}

// Resident memory with 100,000 guests: after a check-in and a staff search.
int residentMemory(Bench& bench) {
  using kiosk::bench::row;
  const std::string big = bench.makeEvent("big", 100000);
  std::ofstream(big + "/codes/codes.csv") << "booking_code,payload\n";
  const auto o = bench.kiosk(
      big,
      "wait-for attract\npresent GEN-004242\nwait-for confirm_identity\nclear-camera\n"
      "tap identity.yes\ntap photo.skip\ntap needs.confirm\nwait-for info 30\ntap info.done\n"
      "tap done.finish\nwait-for attract\ntap attract.find_booking\ntap find.mode.name\n"
      "type wang\ntap find.field.phone\ntype 0042\ntap find.submit\nsleep 3000\n");
  const auto* m = find(o, "metrics");
  if (m == nullptr) {
    std::cerr << "ui_bench: the 100k run did not finish\n";
    return 1;
  }
  row("ui", "resident memory, 100,000-guest roster (MB)", (*m)["rss_mb"].get<double>(), "MB", 250);
  row("ui", "  of which anonymous (heap, textures, caches)", (*m)["rss_anon_mb"].get<double>(),
      "MB");
  row("ui", "  of which mapped files (libraries, fonts)", (*m)["rss_file_mb"].get<double>(), "MB");
  return 0;
}

int main(int argc, char** argv) {
  const int previewSeconds = argc > 1 ? std::atoi(argv[1]) : 10;
  const std::string build = fs::path(argv[0]).parent_path().parent_path().string();
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
    std::cerr << "ui_bench: xvfb-run is not installed (Debian package xvfb)\n";
    return 2;
  }
  Bench bench(build);
  const std::string demo = bench.makeEvent("demo", 0);
  using kiosk::bench::row;
  const std::string only = argc > 2 ? argv[2] : "";
  if (only == "speech") {
    return speechLatency(bench, demo);
  }
  if (only == "memory") {
    return residentMemory(bench);
  }

  // Start to attract: five cold starts (kernel process start -> first attract frame shown).
  kiosk::bench::Samples startup;
  for (int i = 0; i < 5; ++i) {
    const auto o = bench.kiosk(demo, "wait-for attract\n");
    if (const auto* ready = find(o, "ready")) {
      startup.add((*ready)["startup_ms"].get<double>());
    }
  }
  row("ui", "start to attract screen, median of 5 (ms)", startup.percentile(50), "ms", 1500);
  row("ui", "start to attract screen, worst of 5 (ms)", startup.percentile(100), "ms", 1500);

  // Frame time with the camera preview running, portrait and landscape.
  for (auto [w, h] : {std::pair{1080, 1920}, std::pair{1920, 1080}, std::pair{1280, 800}}) {
    const auto o = bench.kiosk(
        demo, "wait-for attract\nsleep " + std::to_string(previewSeconds * 1000) + "\n", w, h);
    if (const auto* m = find(o, "metrics")) {
      const std::string size = std::to_string(w) + "x" + std::to_string(h);
      row("ui", "frame time p50, attract + live preview, " + size,
          (*m)["frame_ms_p50"].get<double>(), "ms", 16.7);
      row("ui", "frame time p99, attract + live preview, " + size,
          (*m)["frame_ms_p99"].get<double>(), "ms");
    }
  }

  // Taps from scan to badge on the happy path: with the photo, and with the photo
  // skipped (needs unchanged in both). Counted from the scan to the printed badge.
  int status = 0;
  const auto tapsToBadge = [&](const std::string& booking, const std::string& photoSteps) {
    const auto o = bench.kiosk(
        demo, "wait-for attract\npresent-code " + booking +
                  "\nwait-for confirm_identity\nclear-camera\ntap identity.yes\n" + photoSteps +
                  "wait-for confirm_needs\ntap needs.confirm\nwait-for info 30\n");
    int taps = 0;
    bool scanned = false;
    bool printed = false;
    for (const auto& l : o.lines) {
      const auto e = l.value("event", "");
      scanned = scanned || (e == "state" && l["state"] == "checking");
      printed = printed || (e == "badge" && l.value("stage", "") == "printed");
      if (e == "tap" && scanned && !printed) {
        ++taps;
      }
    }
    if (!printed) {
      std::cerr << "ui_bench: the happy path with " << booking << " printed no badge\n";
      status = 1;
    }
    return taps;
  };
  row("ui", "taps from scan to badge, photo taken",
      tapsToBadge("WLF-7K3Q",
                  "wait-for photo\nface\nsleep 1200\nadvance 1\nsleep 250\nadvance 1\nsleep 250\n"
                  "advance 1\nsleep 250\nadvance 1\nsleep 400\ntap photo.accept 10\n"),
      "taps", 3);
  row("ui", "taps from scan to badge, photo skipped", tapsToBadge("WLF-8M2R", "tap photo.skip\n"),
      "taps", 3);

  // Code in view to the answer screen (the first screen after the look-up: "Is this
  // you?", or the refusal for a guest the roster sends to staff), once for every demo
  // guest with a code. A camera scan is timed on the terminal's own clock, from the moment
  // the code entered the synthetic scene (1280x720, 30 fps: up to a frame of wait, then
  // decode) to the screen change. A keyboard-wedge scanner types the guest's whole signed
  // code and Enter as real X key events at 0 and 4 ms per key; timed on this driver's
  // clock from just before xdotool starts (its start-up is included) to the arrival of
  // the screen-change line.
  {
    std::vector<std::string> payloads;
    std::ifstream codes(demo + "/codes/codes.csv");
    for (std::string line; std::getline(codes, line);) {
      const auto comma = line.find(',');
      if (comma != std::string::npos && line.rfind("booking_code,", 0) != 0) {
        payloads.push_back(line.substr(comma + 1));
      }
    }
    const auto trials = [&](const std::function<std::string(std::size_t)>& scan, int settleMs) {
      std::string script = "wait-for attract\n";
      for (std::size_t i = 0; i < payloads.size(); ++i) {
        script += scan(i) + "\nsleep " + std::to_string(settleMs) +
                  "\nclear-camera\ntap-if identity.not_me\nsleep 300\ntap-if call.dismiss\n"
                  "tap-if refused.dismiss\nwait-for attract 10\nsleep 300\n";
      }
      return script;
    };
    // The first screen after `checking` ends a trial.
    struct Trial {
      std::optional<double> startedAt;
      bool checking = false;
      // The answer's time when `l` ends the trial.
      std::optional<double> end(const json& l, double at) {
        if (!startedAt || l.value("event", "") != "state") {
          return std::nullopt;
        }
        if (l["state"] == "checking") {
          checking = true;
          return std::nullopt;
        }
        if (!checking) {
          return std::nullopt;
        }
        const double ms = at - *startedAt;
        startedAt.reset();
        checking = false;
        return ms;
      }
    };
    const auto report = [&](const std::string& name, const Output& o, kiosk::bench::Samples& answer,
                            double target) {
      if (o.status != 0 || answer.count() != payloads.size()) {
        std::cerr << "ui_bench: " << name << ": " << answer.count() << " of " << payloads.size()
                  << " scans reached an answer screen " << scriptError(o) << "\n";
        status = 1;
      }
      row("ui", name + " to answer screen p50 (ms)", answer.percentile(50), "ms", target);
      row("ui", name + " to answer screen p95 (ms)", answer.percentile(95), "ms", target);
    };

    kiosk::bench::Samples camera;
    Trial cameraTrial;
    const auto cam =
        bench.kiosk(demo, trials([&](std::size_t i) { return "present " + payloads[i]; }, 1500),
                    1080, 1920, [&](const json& l, auto) {
                      if (!l.contains("t_ms")) {
                        return;
                      }
                      const double t = l["t_ms"].get<double>();
                      if (l.value("event", "") == "presented") {
                        cameraTrial = Trial{t, false};
                      } else if (auto ms = cameraTrial.end(l, t)) {
                        camera.add(*ms);
                      }
                    });
    report("camera scan", cam, camera, 100);

    double keys = 0;
    for (const auto& p : payloads) {
      keys += static_cast<double>(p.size() + 1) / static_cast<double>(payloads.size());
    }
    row("ui", "keys a wedge scanner types per signed code (mean)", keys, "keys");
    for (int delayMs : {0, 4}) {
      kiosk::bench::Samples wedge;
      Trial wedgeTrial;
      std::string display;
      std::vector<pid_t> typists;
      const auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double, std::milli>(t.time_since_epoch()).count();
      };
      const auto o = bench.kiosk(
          demo, trials([](std::size_t i) { return "echo scan:" + std::to_string(i); }, 3000), 1080,
          1920, [&](const json& l, auto arrived) {
            const auto e = l.value("event", "");
            if (e == "ready") {
              display = l.value("display", "");
            } else if (e == "echo") {
              const auto i = std::stoul(l.value("text", "scan:0").substr(5));
              wedgeTrial = Trial{since(std::chrono::steady_clock::now()), false};
              typists.push_back(bench.type(display, payloads.at(i), delayMs));
            } else if (auto ms = wedgeTrial.end(l, since(arrived))) {
              wedge.add(*ms);
            }
          });
      for (pid_t pid : typists) {
        waitpid(pid, nullptr, 0);
      }
      report("wedge scan, " + std::to_string(delayMs) + " ms/key", o, wedge, -1);
    }
  }

  return residentMemory(bench) == 0 ? status : 1;
}
