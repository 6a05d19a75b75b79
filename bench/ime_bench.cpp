// Chinese input on the on-screen keyboard: how many taps, and how long the engine takes, to
// enter a three-character name through the real Rime engine with Debian's luna_pinyin (the
// keyboard's own adapter). A tap is a letter, a page turn or the candidate itself; the
// guest's time at the glass is the taps, the engine's share is measured here.
//
//   ime_bench    (needs the Debian packages librime-data and rime-data-luna-pinyin)
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_table.h"
#include "ui/rime_input_method.h"

namespace {

using kiosk::ui::InputMethod;

struct Name {
  const char* hanzi;
  const char* pinyin;    // full syllables
  const char* initials;  // the first letter of each syllable
};

// Common and less common three-character names.
const Name kNames[] = {{"王小明", "wangxiaoming", "wxm"}, {"张伟华", "zhangweihua", "zwh"},
                       {"李文博", "liwenbo", "lwb"},      {"刘思远", "liusiyuan", "lsy"},
                       {"陈晓东", "chenxiaodong", "cxd"}, {"杨丽娟", "yanglijuan", "ylj"},
                       {"赵德胜", "zhaodesheng", "zds"},  {"欧阳娜", "ouyangna", "oyn"}};

// Taps to get `want` from `letters`: the letters, the page turns, the picks; -1 when the
// name is not among the first five pages. A name the engine offers only in parts is picked
// part by part (each part counted).
int tapsFor(InputMethod& ime, const std::string& letters, const std::string& want,
            kiosk::bench::Samples& keyMs) {
  ime.reset();
  int taps = 0;
  for (char c : letters) {
    keyMs.time([&] { ime.letter(c); });
    ++taps;
  }
  // Picking a part of the name keeps composing (Rime commits the whole name at the last
  // pick): `chosen` is what was picked so far, `field` what reached the field.
  std::string chosen;
  std::string field;
  while (chosen.size() < want.size() && ime.composition().composing()) {
    bool picked = false;
    for (int page = 0; page < 5 && !picked; ++page) {
      const auto candidates = ime.composition().candidates;
      // The longest candidate that continues the name.
      std::size_t best = candidates.size();
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (want.rfind(chosen + candidates[i], 0) == 0 &&
            (best == candidates.size() || candidates[i].size() > candidates[best].size())) {
          best = i;
        }
      }
      if (best < candidates.size()) {
        chosen += candidates[best];
        field += ime.pick(best);
        ++taps;
        picked = true;
      } else if (!ime.composition().lastPage) {
        ime.page(true);
        ++taps;
      } else {
        break;
      }
    }
    if (!picked) {
      return -1;
    }
  }
  return field == want ? taps : -1;
}

}  // namespace

int main() {
  if (!std::filesystem::exists("/usr/share/rime-data/luna_pinyin.schema.yaml")) {
    std::cerr << "ime_bench: no luna_pinyin data (Debian packages librime-data, "
                 "rime-data-luna-pinyin)\n";
    return 2;
  }
  char dir[] = "/tmp/ime-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    return 2;
  }
  kiosk::ui::RimeSettings settings;
  settings.userDataDir = std::string(dir) + "/rime";
  kiosk::bench::Samples start;
  kiosk::bench::Samples keyMs;
  kiosk::ui::RimeInputMethod ime(settings);
  start.time([&] { ime.waitUntilStarted(); });
  if (ime.state() != InputMethod::State::kReady) {
    std::cerr << "ime_bench: " << ime.problem() << "\n";
    return 1;
  }
  kiosk::bench::Samples full;
  kiosk::bench::Samples initials;
  int notOffered = 0;
  for (const auto& n : kNames) {
    const int f = tapsFor(ime, n.pinyin, n.hanzi, keyMs);
    const int i = tapsFor(ime, n.initials, n.hanzi, keyMs);
    std::fprintf(stderr, "ime_bench: %s  full pinyin %d taps, initials %d taps\n", n.hanzi, f, i);
    if (f > 0) {
      full.add(f);
    } else {
      ++notOffered;
    }
    if (i > 0) {
      initials.add(i);
    }
  }
  using kiosk::bench::row;
  row("input", "engine start (first deploy of luna_pinyin)", start.percentile(50), "ms");
  row("input", "3-character name, full pinyin: taps (median)", full.percentile(50), "taps");
  row("input", "3-character name, full pinyin: taps (most)", full.percentile(100), "taps");
  row("input", "3-character name, initials: taps (median)", initials.percentile(50), "taps");
  row("input", "  names found by initials alone (of 8)", static_cast<double>(initials.size()),
      "names");
  row("input", "engine time per letter p50", keyMs.percentile(50), "ms");
  row("input", "engine time per letter p99", keyMs.percentile(99), "ms");
  std::filesystem::remove_all(dir);
  return notOffered == 0 ? 0 : 1;
}
