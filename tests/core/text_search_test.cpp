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

// The keys without the middle-of-phone and part-of-code ones (tested on their own).
std::vector<std::string> keysFor(const Guest& g) {
  std::vector<std::string> out;
  for (auto& key : searchKeysFor(g)) {
    if (!key.starts_with(kPhoneDigitsPrefix) && !key.starts_with(kCodePartPrefix)) {
      out.push_back(std::move(key));
    }
  }
  return out;
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
  EXPECT_THAT(keysFor(guest("张伟", "+86 138 0013 5678", "ZW-2026")),
              ElementsAre("张伟", "伟", "zhangwei", "wei", "zw", "~8765310083168", "zw2026"));
  EXPECT_THAT(keysFor(guest("王小明")),
              ElementsAre("王小明", "小明", "明", "wangxiaoming", "xiaoming", "wxm"));
}

TEST(SearchKeys, CompoundAndPolyphonicSurnames) {
  EXPECT_THAT(
      keysFor(guest("欧阳娜娜", "", "A001")),
      ElementsAre("欧阳娜娜", "阳娜娜", "娜娜", "娜", "ouyangnana", "nana", "oynn", "a001"));
  const auto zeng = keysFor(guest("曾小明"));
  EXPECT_THAT(zeng, Contains("zengxiaoming"));
  EXPECT_THAT(zeng, Contains("zxm"));
  EXPECT_THAT(zeng, Not(Contains("cengxiaoming")));
  EXPECT_THAT(keysFor(guest("单田芳")), Contains("shantianfang"));
  EXPECT_THAT(keysFor(guest("尉迟恭")), Contains("yuchigong"));
  EXPECT_THAT(keysFor(guest("尉迟恭")), Contains("gong"));
  // Only the first character is a surname: 曾 later in a name keeps its usual reading.
  EXPECT_THAT(keysFor(guest("李曾")), Contains("liceng"));
}

TEST(SearchKeys, DottedTransliteratedName) {
  EXPECT_THAT(keysFor(guest("约翰·史密斯")),
              ElementsAre("约翰史密斯", "史密斯", "yuehanshimisi", "shimisi", "yhsms"));
}

TEST(SearchKeys, LatinMultiWordName) {
  EXPECT_THAT(
      keysFor(guest("Maria García López", "600 123 456", "VIP-0001")),
      ElementsAre("mariagarcialopez", "garcialopez", "lopez", "mgl", "~654321006", "vip0001"));
  EXPECT_THAT(keysFor(guest("Jean-Pierre O'Connor")),
              ElementsAre("jeanpierreoconnor", "pierreoconnor", "oconnor", "jpo"));
  EXPECT_THAT(keysFor(guest("Madonna")), ElementsAre("madonna"));
}

TEST(SearchKeys, RareCharactersAndOddInput) {
  const auto rare = keysFor(guest("王𠮷"));
  EXPECT_THAT(rare, ElementsAre("王𠮷", "𠮷", "wang"));
  EXPECT_THAT(keysFor(guest("李㛃")), ElementsAre("李㛃", "㛃", "lijie", "jie", "lj"));
  EXPECT_THAT(keysFor(guest("")), IsEmpty());
  EXPECT_THAT(keysFor(guest("\xff\xfe张")), Contains("张"));
  EXPECT_THAT(keysFor(guest("张伟 David")), ElementsAre("张伟david", "david"));
  EXPECT_THAT(keysFor(guest(" - ", "", "AB-12")), ElementsAre("ab12"));
}

TEST(SearchKeys, CountStaysSmall) {
  for (const char* name :
       {"张伟", "欧阳娜娜", "王小明", "Maria García López", "Pedro de la Cruz Fernández y García",
        "阿卜杜拉·本·穆罕默德", "一二三四五六七八九十"}) {
    EXPECT_LE(keysFor(guest(name, "13800135678", "CODE-1")).size(), 10u) << name;
    EXPECT_GE(keysFor(guest(name, "13800135678", "CODE-1")).size(), 3u) << name;
    // 8 middle-of-phone keys and 3 part-of-code keys on top.
    EXPECT_LE(searchKeysFor(guest(name, "13800135678", "CODE-1")).size(), 21u) << name;
  }
}

TEST(QueryKeys, FoldedQueryAndPhoneTail) {
  EXPECT_THAT(queryKeysFor("5678"), ElementsAre("5678", "~8765", "~#5678", "~@5678"));
  EXPECT_THAT(queryKeysFor("１２３"), ElementsAre("123", "~321", "~@123"));
  EXPECT_THAT(queryKeysFor("12"), ElementsAre("12", "~21"));
  EXPECT_THAT(queryKeysFor("Zhang Wei"), ElementsAre("zhangwei", "~%zhngw", "~@zhangwei"));
  EXPECT_THAT(queryKeysFor("张"), ElementsAre("张"));
  EXPECT_THAT(queryKeysFor("ABC-1"), ElementsAre("abc1", "~@abc1"));
  EXPECT_THAT(queryKeysFor("ab"), ElementsAre("ab"));
  EXPECT_THAT(queryKeysFor(" - "), IsEmpty());
  EXPECT_THAT(queryKeysFor("~8765"),  // '~' is not typable
              ElementsAre("8765", "~5678", "~#8765", "~@8765"));
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

TEST(SearchKeys, MiddleDigitsOfPhoneAndPartOfBookingCode) {
  const auto keys = searchKeysFor(guest("张伟", "+86 138 0013 5678", "ZW-2026"));
  EXPECT_THAT(keys, Contains("~#8613800135678"));
  EXPECT_THAT(keys, Contains("~#5678"));
  EXPECT_THAT(keys, Not(Contains("~#678")));
  EXPECT_THAT(keys, Contains("~@w2026"));
  EXPECT_THAT(keys, Contains("~@026"));
  EXPECT_THAT(keys, Not(Contains("~@26")));
  EXPECT_THAT(searchKeysFor(guest("Ann", "123", "AB-12")),
              ElementsAre("ann", "~321", "ab12", "~@b12"));
}

TEST(QueryKeys, MiddleDigitsAndCodeParts) {
  const Guest zhang = guest("张伟", "+86 138 0013 5678", "ZW-2026");
  for (const char* q :
       {"0013", "800135", "13800", "8613800135678", "2026", "w20", "026", "W-202"}) {
    EXPECT_TRUE(found(zhang, q)) << q;
  }
  // Shorter middle parts would match most of a roster: not searched.
  for (const char* q : {"001", "80", "02", "26", "0014", "w21"}) {
    EXPECT_FALSE(found(zhang, q)) << q;
  }
}

TEST(SearchKeys, KanaNamesByRomaji) {
  const Guest taro = guest("よしのや たろう");
  for (const char* q : {"yoshinoya", "Yoshinoya Taro", "taro", "tarou", "よしのや", "たろう"}) {
    EXPECT_TRUE(found(taro, q)) << q;
  }
  EXPECT_FALSE(found(taro, "tanaka"));
  for (const char* name : {"タロウ", "タロー", "たろう"}) {
    EXPECT_TRUE(found(guest(name), "taro")) << name;
  }
  const Guest sato = guest("さとう けんいち");
  for (const char* q : {"sato kenichi", "satou", "kenichi", "ken'ichi", "satokenichi"}) {
    EXPECT_TRUE(found(sato, q)) << q;
  }
}

TEST(SearchKeys, KanjiNamesByTheirReading) {
  Guest yoshino = guest("吉野 太郎", "+81 90 1234 5678", "JP-0001");
  // Without a reading ICU reads kanji as Chinese: no Japanese spelling matches.
  EXPECT_FALSE(found(yoshino, "yoshino"));
  EXPECT_FALSE(found(yoshino, "taro"));
  EXPECT_TRUE(found(yoshino, "吉野"));
  yoshino.nameReading = "よしの たろう";
  for (const char* q : {"yoshino", "yoshinotaro", "Yoshino Tarou", "taro", "よしの", "吉野"}) {
    EXPECT_TRUE(found(yoshino, q)) << q;
  }
  Guest shop = guest("吉野家");
  shop.nameReading = "Yoshinoya";  // romaji works as a reading too
  EXPECT_TRUE(found(shop, "yoshinoya"));
  EXPECT_TRUE(found(shop, "吉野家"));
}

TEST(SearchKeys, HangulNamesByCustomarySpellings) {
  const Guest kim = guest("김민준", "", "");
  for (const char* q : {"kim minjun", "kimminjun", "gimminjun", "minjun", "minjoon", "Kim Min-joon",
                        "김민준", "민준"}) {
    EXPECT_TRUE(found(kim, q)) << q;
  }
  EXPECT_FALSE(found(kim, "park"));
  const Guest park = guest("박 지훈");
  for (const char* q : {"park jihoon", "bak jihun", "jihun", "jihoon", "pak"}) {
    EXPECT_TRUE(found(park, q)) << q;
  }
  for (const char* q : {"lee seoyeon", "yi seoyeon", "seoyeon"}) {
    EXPECT_TRUE(found(guest("이서연"), q)) << q;
  }
}

TEST(SearchKeys, CyrillicNamesByTransliteration) {
  for (const char* q : {"ivanov", "Ivanov", "Иванов", "иван"}) {
    EXPECT_TRUE(found(guest("Иванов"), q)) << q;
  }
  for (const char* q : {"ivanova", "ivanov", "olga", "olga ivanova"}) {
    EXPECT_TRUE(found(guest("Ольга Иванова"), q)) << q;
  }
  EXPECT_TRUE(found(guest("Юрий Щукин"), "yuriy shchukin"));
  EXPECT_TRUE(found(guest("Дмитрий"), "dmitri"));
  EXPECT_FALSE(found(guest("Иванов"), "petrov"));
}

TEST(SearchKeys, ArabicNamesByCommonSpellings) {
  const Guest mohammed = guest("محمد علي", "+971 50 123 4567", "AE-0042");
  for (const char* q :
       {"mohammed", "Muhammad", "mohamed", "mhmd", "Mohammed Ali", "ali", "محمد", "علي"}) {
    EXPECT_TRUE(found(mohammed, q)) << q;
  }
  for (const char* q : {"ahmed", "khalid", "fatima"}) {
    EXPECT_FALSE(found(mohammed, q)) << q;
  }
  for (const char* q : {"ahmed", "ahmad"}) {
    EXPECT_TRUE(found(guest("أحمد"), q)) << q;
  }
  for (const char* q : {"fatima", "fatimah", "fatma"}) {
    EXPECT_TRUE(found(guest("فاطمة"), q)) << q;
  }
  for (const char* q : {"yusuf", "youssef", "yousef"}) {
    EXPECT_TRUE(found(guest("يوسف"), q)) << q;
  }
  for (const char* q : {"abdullah", "abdallah"}) {
    EXPECT_TRUE(found(guest("عبد الله"), q)) << q;
  }
  // A Latin name is matched by its letters, not by its skeleton.
  EXPECT_FALSE(found(guest("Mahmoud Smith"), "mohammed"));
}

TEST(SplitNameAndNumber, NameWordsAndDigitWords) {
  auto parts = splitNameAndNumber("wang 5678");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->name, "wang");
  EXPECT_EQ(parts->number, "5678");
  parts = splitNameAndNumber("5678 王芳");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->name, "王芳");
  EXPECT_EQ(parts->number, "5678");
  parts = splitNameAndNumber("Maria Garcia，１２３４");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->name, "Maria Garcia");
  EXPECT_EQ(parts->number, "1234");
  EXPECT_FALSE(splitNameAndNumber("wang").has_value());
  EXPECT_FALSE(splitNameAndNumber("5678").has_value());
  EXPECT_FALSE(splitNameAndNumber("ab12 5678").has_value() &&
               splitNameAndNumber("ab12 5678")->name.empty());
  EXPECT_FALSE(splitNameAndNumber(" - 5678").has_value());
  EXPECT_THAT(nameQueryKeysFor("Mohammed"), ElementsAre("mohammed", "~%mhmd"));
  EXPECT_THAT(nameQueryKeysFor("王芳"), ElementsAre("王芳"));
  EXPECT_THAT(numberQueryKeysFor("5678"), ElementsAre("~8765", "~#5678", "5678", "~@5678"));
  EXPECT_THAT(numberQueryKeysFor("wang"), IsEmpty());
}

}  // namespace
}  // namespace kiosk
