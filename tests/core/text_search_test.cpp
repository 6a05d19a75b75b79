#include "kiosk/core/text_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace kiosk {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

Guest guest(std::string name, std::string phone = "", std::string code = "") {
  Guest g;
  g.name = std::move(name);
  g.phone = std::move(phone);
  g.bookingCode = std::move(code);
  return g;
}

// What the store does: some query key is a prefix of some key of the guest.
bool found(const Guest& g, std::string_view query) {
  const auto keys = searchKeysFor(g);
  for (const auto& q : queryKeysFor(query)) {
    for (const auto& k : keys) {
      if (k.starts_with(q)) {
        return true;
      }
    }
  }
  return false;
}

TEST(FoldForSearch, LatinCaseAccentsAndSeparators) {
  EXPECT_EQ(foldForSearch("Zoë"), "zoe");
  EXPECT_EQ(foldForSearch("García López"), "garcialopez");
  EXPECT_EQ(foldForSearch("Jean-Pierre O'Connor"), "jeanpierreoconnor");
  EXPECT_EQ(foldForSearch("Dr. J. Smith"), "drjsmith");
  EXPECT_EQ(foldForSearch("Straße"), "strasse");
  EXPECT_EQ(foldForSearch("Łukasz Żółć"), "lukaszzolc");
  EXPECT_EQ(foldForSearch("Ørsted Æbelø"), "orstedaebelo");
  EXPECT_EQ(foldForSearch("İstanbul"), "istanbul");
  EXPECT_EQ(foldForSearch("Nguyễn Thị Minh Khai"), "nguyenthiminhkhai");
  EXPECT_EQ(foldForSearch("O\u2019Brien\u2013Smith"), "obriensmith");  // ’ and –
  EXPECT_EQ(foldForSearch("abc~def"), "abcdef");
  EXPECT_EQ(foldForSearch(""), "");
  EXPECT_EQ(foldForSearch(" - . ' "), "");
}

TEST(FoldForSearch, FullWidthHanAndOtherScripts) {
  EXPECT_EQ(foldForSearch("ＡＢＣ"), "abc");
  EXPECT_EQ(foldForSearch("ＡＢＣ－１２３"), "abc123");
  EXPECT_EQ(foldForSearch("张 伟"), "张伟");
  EXPECT_EQ(foldForSearch("张\u3000伟"), "张伟");
  EXPECT_EQ(foldForSearch("约翰·史密斯"), "约翰史密斯");
  EXPECT_EQ(foldForSearch("王𠮷"), "王𠮷");
  EXPECT_EQ(foldForSearch("李㛃"), "李㛃");
  EXPECT_EQ(foldForSearch("\uf900"), "\u8c48");      // compatibility ideograph -> unified
  EXPECT_EQ(foldForSearch("김민준"), "김민준");      // Hangul stays composed
  EXPECT_EQ(foldForSearch("がっこう"), "がっこう");  // voiced kana stay composed
  EXPECT_EQ(foldForSearch("Ιωάννης"), "ιωαννησ");    // full case folding: final sigma too
  EXPECT_EQ(foldForSearch("\xff张\xfe伟"), "张伟");  // invalid bytes dropped
  EXPECT_EQ(foldForSearch("Zo\xff\xc3\xab"), "zoe");
}

TEST(PinyinSyllables, CommonNames) {
  EXPECT_THAT(pinyinSyllables("张伟"), ElementsAre("zhang", "wei"));
  EXPECT_THAT(pinyinSyllables("王小明"), ElementsAre("wang", "xiao", "ming"));
  EXPECT_THAT(pinyinSyllables("李娜"), ElementsAre("li", "na"));
  EXPECT_THAT(pinyinSyllables("欧阳娜娜"), ElementsAre("ou", "yang", "na", "na"));
  EXPECT_THAT(pinyinSyllables("吕"), ElementsAre("lu"));
  EXPECT_THAT(pinyinSyllables("張偉"), ElementsAre("zhang", "wei"));  // traditional
  EXPECT_THAT(pinyinSyllables("张A伟 x"), ElementsAre("zhang", "wei"));
  EXPECT_THAT(pinyinSyllables("Smith"), IsEmpty());
  EXPECT_THAT(pinyinSyllables(""), IsEmpty());
}

TEST(PinyinSyllables, RareCharactersDoNotBreakAnything) {
  // ICU has no reading for 𠮷 (U+20BB7): an empty entry keeps the positions.
  EXPECT_THAT(pinyinSyllables("𠮷野"), ElementsAre("", "ye"));
  EXPECT_THAT(pinyinSyllables("㛃"), ElementsAre("jie"));
  EXPECT_THAT(pinyinSyllables("\xf0\xa0\xae"), IsEmpty());  // truncated sequence
}

TEST(PinyinSyllables, EachThreadGetsTheSameAnswers) {
  const std::vector<std::string> names{"张伟", "欧阳娜娜", "李㛃", "王𠮷", "陈建华", "赵敏"};
  std::vector<std::vector<std::string>> expected;
  expected.reserve(names.size());
  for (const auto& n : names) {
    expected.push_back(pinyinSyllables(n));
  }
  std::vector<std::vector<std::vector<std::string>>> results(2);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < results.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 50; ++round) {
          results[t].clear();
          for (const auto& n : names) {
            results[t].push_back(pinyinSyllables(n));
          }
        }
      });
    }
  }
  for (const auto& r : results) {
    EXPECT_EQ(r, expected);
  }
}

TEST(PhoneTailKey, ReversedDigitsWithMarker) {
  EXPECT_EQ(phoneTailKey("+86 138 0013 5678"), "~8765310083168");
  EXPECT_EQ(phoneTailKey("１３８-５６７８"), "~8765831");
  EXPECT_EQ(phoneTailKey("n/a"), "");
  EXPECT_EQ(phoneTailKey(""), "");
}

TEST(SearchKeys, HanName) {
  EXPECT_THAT(searchKeysFor(guest("张伟", "+86 138 0013 5678", "ZW-2026")),
              ElementsAre("张伟", "伟", "zhangwei", "wei", "zw", "~8765310083168", "zw2026"));
  EXPECT_THAT(searchKeysFor(guest("王小明")),
              ElementsAre("王小明", "小明", "明", "wangxiaoming", "xiaoming", "wxm"));
}

TEST(SearchKeys, CompoundAndPolyphonicSurnames) {
  EXPECT_THAT(
      searchKeysFor(guest("欧阳娜娜", "", "A001")),
      ElementsAre("欧阳娜娜", "阳娜娜", "娜娜", "娜", "ouyangnana", "nana", "oynn", "a001"));
  const auto zeng = searchKeysFor(guest("曾小明"));
  EXPECT_THAT(zeng, Contains("zengxiaoming"));
  EXPECT_THAT(zeng, Contains("zxm"));
  EXPECT_THAT(zeng, Not(Contains("cengxiaoming")));
  EXPECT_THAT(searchKeysFor(guest("单田芳")), Contains("shantianfang"));
  EXPECT_THAT(searchKeysFor(guest("尉迟恭")), Contains("yuchigong"));
  EXPECT_THAT(searchKeysFor(guest("尉迟恭")), Contains("gong"));
  // Only the first character is a surname: 曾 later in a name keeps its usual reading.
  EXPECT_THAT(searchKeysFor(guest("李曾")), Contains("liceng"));
}

TEST(SearchKeys, DottedTransliteratedName) {
  EXPECT_THAT(searchKeysFor(guest("约翰·史密斯")),
              ElementsAre("约翰史密斯", "史密斯", "yuehanshimisi", "shimisi", "yhsms"));
}

TEST(SearchKeys, LatinMultiWordName) {
  EXPECT_THAT(
      searchKeysFor(guest("Maria García López", "600 123 456", "VIP-0001")),
      ElementsAre("mariagarcialopez", "garcialopez", "lopez", "mgl", "~654321006", "vip0001"));
  EXPECT_THAT(searchKeysFor(guest("Jean-Pierre O'Connor")),
              ElementsAre("jeanpierreoconnor", "pierreoconnor", "oconnor", "jpo"));
  EXPECT_THAT(searchKeysFor(guest("Madonna")), ElementsAre("madonna"));
}

TEST(SearchKeys, RareCharactersAndOddInput) {
  const auto rare = searchKeysFor(guest("王𠮷"));
  EXPECT_THAT(rare, ElementsAre("王𠮷", "𠮷", "wang"));
  EXPECT_THAT(searchKeysFor(guest("李㛃")), ElementsAre("李㛃", "㛃", "lijie", "jie", "lj"));
  EXPECT_THAT(searchKeysFor(guest("")), IsEmpty());
  EXPECT_THAT(searchKeysFor(guest("\xff\xfe张")), Contains("张"));
  EXPECT_THAT(searchKeysFor(guest("张伟 David")), ElementsAre("张伟david", "david"));
  EXPECT_THAT(searchKeysFor(guest(" - ", "", "AB-12")), ElementsAre("ab12"));
}

TEST(SearchKeys, CountStaysSmall) {
  for (const char* name :
       {"张伟", "欧阳娜娜", "王小明", "Maria García López", "Pedro de la Cruz Fernández y García",
        "阿卜杜拉·本·穆罕默德", "一二三四五六七八九十"}) {
    const auto keys = searchKeysFor(guest(name, "13800135678", "CODE-1"));
    EXPECT_LE(keys.size(), 10u) << name;
    EXPECT_GE(keys.size(), 3u) << name;
  }
}

TEST(QueryKeys, FoldedQueryAndPhoneTail) {
  EXPECT_THAT(queryKeysFor("5678"), ElementsAre("5678", "~8765"));
  EXPECT_THAT(queryKeysFor("１２３"), ElementsAre("123", "~321"));
  EXPECT_THAT(queryKeysFor("Zhang Wei"), ElementsAre("zhangwei"));
  EXPECT_THAT(queryKeysFor("张"), ElementsAre("张"));
  EXPECT_THAT(queryKeysFor("ABC-1"), ElementsAre("abc1"));
  EXPECT_THAT(queryKeysFor(" - "), IsEmpty());
  EXPECT_THAT(queryKeysFor("~8765"), ElementsAre("8765", "~5678"));  // '~' is not typable
}

TEST(QueryKeys, StaffFindGuestsTheWayTheyType) {
  const Guest zhang = guest("张伟", "+86 138 0013 5678", "ZW-2026");
  for (const char* q : {"张", "张伟", "伟", "zhang", "zhangw", "wei", "zw", "5678", "135678",
                        "zw-20", "ZW2026", "Zhang Wei"}) {
    EXPECT_TRUE(found(zhang, q)) << q;
  }
  for (const char* q : {"李", "wang", "1234", "zhangwen", "伟张"}) {
    EXPECT_FALSE(found(zhang, q)) << q;
  }
  const Guest maria = guest("Maria García López", "+34 600 123 456", "VIP-0001");
  for (const char* q : {"maria", "Maria Gar", "garcia", "García", "lopez", "LÓPEZ", "mgl", "456",
                        "vip-0", "VIP0001"}) {
    EXPECT_TRUE(found(maria, q)) << q;
  }
  EXPECT_FALSE(found(maria, "mariagarciaz"));
  const Guest ouyang = guest("欧阳娜娜");
  for (const char* q : {"欧阳", "娜娜", "ouyang", "nana", "oy"}) {
    EXPECT_TRUE(found(ouyang, q)) << q;
  }
}

}  // namespace
}  // namespace kiosk
