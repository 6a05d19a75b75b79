// Guest names that break naive badge code: rare CJK (U+36C3, U+20BB7 outside the BMP),
// mixed scripts, right-to-left Arabic, emoji, and an 80-character Latin name.
#pragma once

#include <string>
#include <vector>

namespace kiosk::testing {

struct HardName {
  const char* label;
  std::string text;
};

inline std::string eightyCharacterName() {
  // Exactly 80 characters (ASCII).
  return "Anna-Katharina Maximiliane Elisabetha von Hohenzollern-Sigmaringen-Liechtenstein";
}

inline std::vector<HardName> hardNames() {
  return {
      {"rare_u36c3", "王㛃"},      {"rare_u20bb7", "𠮷田 太郎"}, {"mixed", "李 Chris 王"},
      {"arabic", "محمد بن سلمان"}, {"emoji", "Zoë 🚀"},           {"latin80", eightyCharacterName()},
  };
}

}  // namespace kiosk::testing
