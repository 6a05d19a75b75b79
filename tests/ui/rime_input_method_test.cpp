// The Rime adapter with the real engine and Debian's luna_pinyin data: pinyin in,
// characters out, as the on-screen keyboard drives it. Skipped with a message when the
// data is not installed (Debian packages librime-data, rime-data-luna-pinyin).
#include "ui/rime_input_method.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/temp_dir.h"

namespace {

using kiosk::ui::InputMethod;
using kiosk::ui::RimeInputMethod;
using kiosk::ui::RimeSettings;

bool haveLunaPinyin() {
  return std::filesystem::exists("/usr/share/rime-data/luna_pinyin.schema.yaml") &&
         std::filesystem::exists("/usr/share/rime-data/default.yaml");
}

std::string typeLetters(InputMethod& ime, std::string_view letters) {
  std::string committed;
  for (char c : letters) {
    committed += ime.letter(c);
  }
  return committed;
}

// librime keeps one engine per process: every case runs on the one instance.
TEST(RimeInputMethod, PinyinBecomesCharactersThroughCandidatesPagingAndBackspace) {
  if (!haveLunaPinyin()) {
    GTEST_SKIP() << "no /usr/share/rime-data/luna_pinyin.schema.yaml (Debian package "
                    "rime-data-luna-pinyin)";
  }
  kiosk::testing::TempDir dir;
  RimeSettings settings;
  settings.userDataDir = dir.file("rime");
  RimeInputMethod ime(settings);
  ASSERT_EQ(ime.waitUntilStarted(), InputMethod::State::kReady) << ime.problem();
  EXPECT_EQ(ime.problem(), "");

  // Typing composes; nothing reaches the field until a candidate is picked.
  EXPECT_EQ(typeLetters(ime, "wangfang"), "");
  EXPECT_EQ(ime.composition().preedit, "wang fang");
  const auto& candidates = ime.composition().candidates;
  ASSERT_FALSE(candidates.empty());
  const auto at = std::find(candidates.begin(), candidates.end(), "王芳");
  ASSERT_NE(at, candidates.end()) << "王芳 on the first page";
  EXPECT_EQ(ime.pick(static_cast<std::size_t>(at - candidates.begin())), "王芳");
  EXPECT_FALSE(ime.composition().composing());

  // Space takes the first candidate; with nothing composed it is a space.
  typeLetters(ime, "huasheng");
  EXPECT_EQ(ime.space(), "花生");
  EXPECT_EQ(ime.space(), " ");

  // Backspace edits the pinyin first, and says when there is none left to edit.
  typeLetters(ime, "zhongguo");
  EXPECT_TRUE(ime.backspace());
  EXPECT_EQ(ime.composition().preedit, "zhong gu");
  typeLetters(ime, "o");
  EXPECT_EQ(ime.composition().candidates.front(), "中国") << "simplified characters";

  // Paging forward and back.
  const auto first = ime.composition().candidates;
  ASSERT_FALSE(ime.composition().lastPage);
  ime.page(true);
  EXPECT_EQ(ime.composition().page, 1);
  EXPECT_NE(ime.composition().candidates, first);
  ime.page(false);
  EXPECT_EQ(ime.composition().page, 0);
  EXPECT_EQ(ime.composition().candidates, first);

  // Another field: the composition is dropped, nothing is committed.
  ime.reset();
  EXPECT_FALSE(ime.composition().composing());
  EXPECT_EQ(ime.space(), " ");
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(ime.backspace());
  }

  // The engine learns nothing from what guests type: no user dictionary on disk.
  for (const auto& e : std::filesystem::recursive_directory_iterator(settings.userDataDir)) {
    EXPECT_EQ(e.path().string().find("userdb"), std::string::npos) << e.path();
  }
}

TEST(RimeInputMethod, MissingDataIsAClearProblemNotACrash) {
  kiosk::testing::TempDir dir;
  RimeSettings settings;
  settings.sharedDataDir = dir.file("no-rime-data");
  settings.userDataDir = dir.file("rime");
  RimeInputMethod ime(settings);
  EXPECT_EQ(ime.waitUntilStarted(), InputMethod::State::kUnavailable);
  EXPECT_NE(ime.problem().find("rime-data-luna-pinyin"), std::string::npos) << ime.problem();
  EXPECT_NE(ime.problem().find(settings.sharedDataDir), std::string::npos) << ime.problem();
  // The keys do nothing rather than fail.
  EXPECT_EQ(ime.letter('a'), "");
  EXPECT_FALSE(ime.backspace());
  EXPECT_EQ(ime.pick(0), "");
  ime.page(true);
  EXPECT_FALSE(ime.composition().composing());
}

}  // namespace
