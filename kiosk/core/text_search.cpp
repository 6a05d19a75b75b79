#include "kiosk/core/text_search.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

#include "kiosk/core/encoding.h"

namespace kiosk {

namespace {

bool isHan(std::int32_t cp) {
  if (cp >= 0x4e00 && cp <= 0x9fff) {
    return true;  // the common block, checked without a property lookup
  }
  if (cp < 0x2e80) {
    return false;
  }
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(cp, &status) == USCRIPT_HAN && U_SUCCESS(status);
}

// What the ASCII part of folding does with one character: 0 = drop it.
char foldAscii(char c) {
  if (c >= 'A' && c <= 'Z') {
    return static_cast<char>(c - 'A' + 'a');
  }
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ' || c == '-' || c == '\'' ||
      c == '.' || c == '~' || c == '`') {
    return 0;
  }
  return c;
}

bool isDroppedMark(std::int32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
         (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
         (cp >= 0xfe20 && cp <= 0xfe2f);
}

bool isDroppedPunctuation(std::int32_t cp) {
  switch (cp) {
    case 0x00b4:  // acute accent used as an apostrophe
    case 0x00b7:  // middle dot: 约翰·史密斯
    case 0x02b9:
    case 0x02bc:  // modifier letter apostrophe
    case 0x2018:
    case 0x2019:
    case 0x201b:
    case 0x2022:
    case 0x2024:
    case 0x2027:
    case 0x2032:
    case 0x30fb:  // katakana middle dot
    case 0xff65:
    case 0xfffd:  // what invalid UTF-8 decoded to
      return true;
    default:
      break;
  }
  const auto type = static_cast<UCharCategory>(u_charType(cp));
  return type == U_DASH_PUNCTUATION || type == U_CONTROL_CHAR || type == U_FORMAT_CHAR ||
         u_isUWhiteSpace(cp) != 0;
}

// Letters that keep their identity under NFKD but that people type without the stroke.
const char* asciiLetterFor(std::int32_t cp) {
  switch (cp) {
    case 0x00e6:
      return "ae";
    case 0x00f0:
    case 0x0111:
      return "d";
    case 0x00f8:
      return "o";
    case 0x00fe:
      return "th";
    case 0x0127:
      return "h";
    case 0x0131:
      return "i";
    case 0x0142:
      return "l";
    case 0x0153:
      return "oe";
    case 0x0167:
      return "t";
    default:
      return nullptr;
  }
}

// The general path: NFKD, full case folding, marks and separators dropped, NFC.
std::string foldWithIcu(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) {
    return {};
  }
  icu::UnicodeString decomposed =
      nfkd->normalize(icu::UnicodeString::fromUTF8(
                          icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))),
                      status);
  if (U_FAILURE(status)) {
    return {};
  }
  decomposed.foldCase();
  icu::UnicodeString kept;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 cp = decomposed.char32At(i);
    i += U16_LENGTH(cp);
    if (cp == '~' || cp == '\'' || cp == '.' || cp == '`' || isDroppedMark(cp) ||
        isDroppedPunctuation(cp)) {
      continue;
    }
    if (const char* ascii = asciiLetterFor(cp)) {
      kept.append(icu::UnicodeString(ascii, -1, icu::UnicodeString::kInvariant));
      continue;
    }
    kept.append(cp);
  }
  icu::UnicodeString composed = nfc->normalize(kept, status);
  if (U_FAILURE(status)) {
    return {};
  }
  std::string out;
  composed.toUTF8String(out);
  return out;
}

// ------------------------------------------------------------------------------------
// Pinyin

struct TransliteratorHolder {
  std::unique_ptr<icu::Transliterator> transliterator;
  bool tried = false;
  std::unordered_map<std::int32_t, std::string> memo;
};

TransliteratorHolder& pinyinState() {
  // One per thread: ICU transliterators are not thread-safe, and creating one costs
  // about 0.1 s, so each thread makes its own once and keeps it.
  thread_local TransliteratorHolder holder;
  return holder;
}

const std::string& pinyinOf(std::int32_t cp) {
  TransliteratorHolder& state = pinyinState();
  if (const auto it = state.memo.find(cp); it != state.memo.end()) {
    return it->second;
  }
  if (!state.tried) {
    state.tried = true;
    UErrorCode status = U_ZERO_ERROR;
    state.transliterator.reset(icu::Transliterator::createInstance(
        icu::UnicodeString("Han-Latin; Latin-ASCII", -1, icu::UnicodeString::kInvariant),
        UTRANS_FORWARD, status));
    if (U_FAILURE(status)) {
      state.transliterator.reset();
    }
  }
  std::string syllable;
  if (state.transliterator) {
    icu::UnicodeString text(static_cast<UChar32>(cp));
    state.transliterator->transliterate(text);
    std::string utf8;
    text.toUTF8String(utf8);
    // Untransliterated characters come back as themselves: no pinyin then.
    for (char c : utf8) {
      if (c >= 'a' && c <= 'z') {
        syllable.push_back(c);
      } else if (c >= 'A' && c <= 'Z') {
        syllable.push_back(static_cast<char>(c - 'A' + 'a'));
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        syllable.clear();
        break;
      }
    }
  }
  return state.memo.emplace(cp, std::move(syllable)).first->second;
}

// Surnames whose reading differs from the character's common reading.
std::string_view surnameReading(std::int32_t cp) {
  static constexpr std::array<std::pair<char32_t, std::string_view>, 27> kReadings{{
      {U'单', "shan"}, {U'曾', "zeng"},  {U'解', "xie"},   {U'仇', "qiu"},  {U'朴', "piao"},
      {U'区', "ou"},   {U'查', "zha"},   {U'乐', "yue"},   {U'盖', "ge"},   {U'覃', "qin"},
      {U'翟', "zhai"}, {U'秘', "bi"},    {U'缪', "miao"},  {U'繁', "po"},   {U'员', "yun"},
      {U'句', "gou"},  {U'重', "chong"}, {U'种', "chong"}, {U'薄', "bo"},   {U'黑', "he"},
      {U'折', "she"},  {U'召', "shao"},  {U'长', "chang"}, {U'藏', "zang"}, {U'都', "du"},
      {U'祭', "zhai"}, {U'洗', "xian"},
  }};
  for (const auto& [c, reading] : kReadings) {
    if (static_cast<std::int32_t>(c) == cp) {
      return reading;
    }
  }
  return {};
}

struct CompoundSurname {
  char32_t first;
  char32_t second;
  std::string_view readingFirst;  // empty: the characters' usual readings are right
  std::string_view readingSecond;
};

const CompoundSurname* compoundSurname(std::int32_t a, std::int32_t b) {
  static constexpr std::array<CompoundSurname, 32> kSurnames{{
      {U'欧', U'阳', "", ""},         {U'司', U'马', "", ""},     {U'上', U'官', "", ""},
      {U'诸', U'葛', "", ""},         {U'东', U'方', "", ""},     {U'皇', U'甫', "", ""},
      {U'尉', U'迟', "yu", "chi"},    {U'公', U'孙', "", ""},     {U'慕', U'容', "", ""},
      {U'令', U'狐', "", ""},         {U'司', U'徒', "", ""},     {U'夏', U'侯', "", ""},
      {U'长', U'孙', "zhang", "sun"}, {U'宇', U'文', "", ""},     {U'端', U'木', "", ""},
      {U'澹', U'台', "tan", "tai"},   {U'万', U'俟', "mo", "qi"}, {U'独', U'孤', "", ""},
      {U'南', U'宫', "", ""},         {U'西', U'门', "", ""},     {U'轩', U'辕', "", ""},
      {U'呼', U'延', "", ""},         {U'申', U'屠', "", ""},     {U'太', U'史', "", ""},
      {U'闻', U'人', "", ""},         {U'赫', U'连', "", ""},     {U'东', U'郭', "", ""},
      {U'司', U'空', "", ""},         {U'钟', U'离', "", ""},     {U'拓', U'跋', "", ""},
      {U'单', U'于', "chan", "yu"},   {U'百', U'里', "", ""},
  }};
  for (const CompoundSurname& s : kSurnames) {
    if (static_cast<std::int32_t>(s.first) == a && static_cast<std::int32_t>(s.second) == b) {
      return &s;
    }
  }
  return nullptr;
}

std::vector<std::int32_t> codePoints(std::string_view utf8) {
  std::vector<std::int32_t> out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::int32_t cp = nextCodePoint(utf8, pos);
    if (cp >= 0) {
      out.push_back(cp);
    }
  }
  return out;
}

// Where a name splits into words: white space, hyphens and dashes, dots and middle dots,
// slashes and commas. Apostrophes stay inside words (O'Brien).
bool isWordSeparator(std::int32_t cp) {
  if (cp < 0x80) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '-' || cp == '.' ||
           cp == '/' || cp == ',' || cp == '_';
  }
  switch (cp) {
    case 0x00a0:
    case 0x00b7:
    case 0x2022:
    case 0x2027:
    case 0x3000:
    case 0x3001:
    case 0x30fb:
    case 0xff0c:
    case 0xff0e:
    case 0xff65:
      return true;
    default:
      break;
  }
  return u_charType(cp) == U_DASH_PUNCTUATION || u_isUWhiteSpace(cp) != 0;
}

// The words of a name, folded, or as they are (for transliteration: folding takes the
// breve off й, which Russian spells differently from и).
std::vector<std::string> nameWords(std::string_view name, bool fold = true) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    if (end > start) {
      std::string word = fold ? foldForSearch(name.substr(start, end - start))
                              : std::string(name.substr(start, end - start));
      if (!word.empty()) {
        words.push_back(std::move(word));
      }
    }
  };
  while (pos < name.size()) {
    const std::size_t before = pos;
    const std::int32_t cp = nextCodePoint(name, pos);
    if (cp >= 0 && isWordSeparator(cp)) {
      flush(before);
      start = pos;
    }
  }
  flush(name.size());
  return words;
}

template <typename It>
std::string concat(It begin, It end) {
  std::string out;
  for (It it = begin; it != end; ++it) {
    out += *it;
  }
  return out;
}

class KeySet {
 public:
  void add(std::string key) {
    if (!key.empty() && std::find(keys_.begin(), keys_.end(), key) == keys_.end()) {
      keys_.push_back(std::move(key));
    }
  }
  std::vector<std::string> take() { return std::move(keys_); }

 private:
  std::vector<std::string> keys_;
};

constexpr std::size_t kMaxWordStarts = 4;
constexpr std::size_t kMaxGivenNameChars = 4;

void addLatinKeys(const std::vector<std::string>& words, KeySet& keys) {
  for (std::size_t k = 1; k < words.size() && k <= kMaxWordStarts; ++k) {
    keys.add(concat(words.begin() + static_cast<std::ptrdiff_t>(k), words.end()));
  }
  std::string initials;
  for (const std::string& word : words) {
    if (word[0] >= 'a' && word[0] <= 'z') {
      initials.push_back(word[0]);
    }
  }
  if (initials.size() >= 2) {
    keys.add(std::move(initials));
  }
}

void addHanKeys(const std::vector<std::string>& words, const std::vector<std::int32_t>& chars,
                KeySet& keys) {
  const std::size_t n = chars.size();
  // Starting code-point index of each word.
  std::vector<std::size_t> wordStarts;
  {
    std::size_t index = 0;
    for (const std::string& word : words) {
      wordStarts.push_back(index);
      index += codePoints(word).size();
    }
  }
  std::vector<std::string> syllables;
  syllables.reserve(n);
  for (std::int32_t cp : chars) {
    syllables.push_back(pinyinOf(cp));
  }
  std::vector<std::size_t> starts;  // where the given name (or a later part) begins
  if (words.size() == 1) {
    if (n >= 2 && n <= kMaxGivenNameChars) {
      const CompoundSurname* compound = n >= 3 ? compoundSurname(chars[0], chars[1]) : nullptr;
      if (compound != nullptr) {
        if (!compound->readingFirst.empty()) {
          syllables[0] = std::string(compound->readingFirst);
          syllables[1] = std::string(compound->readingSecond);
        }
        starts.push_back(2);
      } else {
        if (const std::string_view reading = surnameReading(chars[0]); !reading.empty()) {
          syllables[0] = std::string(reading);
        }
        starts.push_back(1);
      }
    }
  } else {
    for (std::size_t k = 1; k < wordStarts.size() && k <= kMaxWordStarts; ++k) {
      starts.push_back(wordStarts[k]);
    }
  }

  // Han: the name from each later character (a given name of up to 3 characters is
  // typed from any of its characters), or from each later part of a dotted name.
  if (words.size() == 1) {
    if (n <= kMaxGivenNameChars) {
      std::size_t offset = 0;
      const std::string& full = words[0];
      for (std::size_t i = 0; i < n; ++i) {
        std::size_t next = offset;
        nextCodePoint(full, next);
        if (i > 0) {
          keys.add(full.substr(offset));
        }
        offset = next;
      }
    }
  } else {
    for (std::size_t k = 1; k < words.size() && k <= kMaxWordStarts; ++k) {
      keys.add(concat(words.begin() + static_cast<std::ptrdiff_t>(k), words.end()));
    }
  }

  keys.add(concat(syllables.begin(), syllables.end()));
  for (std::size_t start : starts) {
    keys.add(concat(syllables.begin() + static_cast<std::ptrdiff_t>(start), syllables.end()));
  }
  std::string initials;
  for (const std::string& s : syllables) {
    if (!s.empty()) {
      initials.push_back(s[0]);
    }
  }
  if (initials.size() >= 2) {
    keys.add(std::move(initials));
  }
}

// ------------------------------------------------------------------------------------
// Latin keys for kana, Hangul, Cyrillic and Arabic names

struct RomanizerHolder {
  std::unique_ptr<icu::Transliterator> transliterator;
  bool tried = false;
};

bool isRomanizedScript(std::int32_t cp) {
  if (cp < 0x0400) {
    return false;
  }
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(cp, &status);
  if (U_FAILURE(status)) {
    return false;
  }
  return script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA || script == USCRIPT_HANGUL ||
         script == USCRIPT_CYRILLIC || script == USCRIPT_ARABIC ||
         cp == 0x30fc;  // katakana prolonged sound mark (script "common")
}

bool isHangul(std::int32_t cp) {
  return cp >= 0xac00 && cp <= 0xd7a3;
}

bool isArabic(std::int32_t cp) {
  return (cp >= 0x0600 && cp <= 0x06ff) || (cp >= 0x0750 && cp <= 0x077f) ||
         (cp >= 0xfb50 && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff);
}

// Lower-case ASCII letters and digits of one word in kana, Hangul, Cyrillic or Arabic
// ("Ольга" -> "olga", "たろう" -> "tarou", "محمد" -> "mhmd"). Russian uses BGN/PCGN
// (Юрий -> yuriy, as passports and visas mostly spell it), other Cyrillic ISO 9.
// Empty when ICU's transliteration data is missing.
std::string romanizeWord(std::string_view utf8) {
  thread_local RomanizerHolder holder;  // per thread, like the pinyin transliterator
  if (!holder.tried) {
    holder.tried = true;
    UErrorCode status = U_ZERO_ERROR;
    holder.transliterator.reset(icu::Transliterator::createInstance(
        icu::UnicodeString("Hiragana-Latin; Katakana-Latin; Hangul-Latin; Russian-Latin/BGN; "
                           "Cyrillic-Latin; Arabic-Latin; Latin-ASCII",
                           -1, icu::UnicodeString::kInvariant),
        UTRANS_FORWARD, status));
    if (U_FAILURE(status)) {
      holder.transliterator.reset();
    }
  }
  if (!holder.transliterator) {
    return {};
  }
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  // Ta marbuta ends names (فاطمة) and is written "h" or nothing (Fatimah, Fatima), never
  // "t" as Arabic-Latin has it.
  text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0629)),
                      icu::UnicodeString(static_cast<UChar32>(0x0647)));
  holder.transliterator->transliterate(text);
  std::string ascii;
  text.toUTF8String(ascii);
  std::string out;
  for (char c : ascii) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    }
  }
  return out;
}

// Hepburn as Japanese people write their names in Latin letters: long vowels unmarked
// (さとう -> "satou" is written Sato, おおの -> Ono, ゆうこ -> Yuko).
std::string withoutLongVowels(const std::string& romaji) {
  std::string out;
  for (std::size_t i = 0; i < romaji.size(); ++i) {
    out.push_back(romaji[i]);
    if (i + 1 < romaji.size() &&
        ((romaji[i] == 'o' && (romaji[i + 1] == 'u' || romaji[i + 1] == 'o')) ||
         (romaji[i] == 'u' && romaji[i + 1] == 'u'))) {
      ++i;
    }
  }
  return out;
}

// One Hangul syllable in Revised Romanization's spelling of final consonants (박 -> "bak",
// ICU spells the letter: "bag").
std::string romanizeHangulSyllable(std::int32_t cp) {
  std::string utf8;
  icu::UnicodeString(static_cast<UChar32>(cp)).toUTF8String(utf8);
  std::string out = romanizeWord(utf8);
  if (out.size() >= 2 && out.back() == 'g' && out[out.size() - 2] != 'n') {
    out.back() = 'k';
  } else if (!out.empty() && out.back() == 'd') {
    out.back() = 't';
  } else if (!out.empty() && out.back() == 'b') {
    out.back() = 'p';
  }
  return out;
}

// The customary Latin spellings of common Korean surnames (김 is Kim, not Gim).
std::vector<std::string_view> koreanSurnameSpellings(std::int32_t cp) {
  static constexpr std::array<std::pair<char32_t, std::string_view>, 62> kSpellings{{
      {U'김', "kim"},  {U'이', "lee"},   {U'이', "yi"},   {U'이', "rhee"},  {U'박', "park"},
      {U'박', "pak"},  {U'최', "choi"},  {U'정', "jung"}, {U'정', "chung"}, {U'강', "kang"},
      {U'조', "cho"},  {U'윤', "yoon"},  {U'장', "jang"}, {U'장', "chang"}, {U'임', "lim"},
      {U'한', "han"},  {U'오', "oh"},    {U'서', "seo"},  {U'서', "suh"},   {U'신', "shin"},
      {U'권', "kwon"}, {U'황', "hwang"}, {U'안', "ahn"},  {U'송', "song"},  {U'류', "ryu"},
      {U'류', "yoo"},  {U'유', "yoo"},   {U'홍', "hong"}, {U'전', "jeon"},  {U'전', "jun"},
      {U'고', "ko"},   {U'문', "moon"},  {U'양', "yang"}, {U'손', "son"},   {U'배', "bae"},
      {U'백', "baek"}, {U'허', "heo"},   {U'허', "huh"},  {U'노', "noh"},   {U'노', "roh"},
      {U'남', "nam"},  {U'심', "shim"},  {U'하', "ha"},   {U'곽', "kwak"},  {U'성', "sung"},
      {U'차', "cha"},  {U'주', "joo"},   {U'우', "woo"},  {U'구', "koo"},   {U'민', "min"},
      {U'진', "jin"},  {U'엄', "um"},    {U'채', "chae"}, {U'원', "won"},   {U'천', "chun"},
      {U'방', "bang"}, {U'공', "kong"},  {U'현', "hyun"}, {U'변', "byun"},  {U'염', "yeom"},
      {U'석', "suk"},  {U'선', "sun"},
  }};
  std::vector<std::string_view> out;
  for (const auto& [c, spelling] : kSpellings) {
    if (static_cast<std::int32_t>(c) == cp) {
      out.push_back(spelling);
    }
  }
  return out;
}

// Korean given names are often written with "oo" for ㅜ (준 -> joon, 훈 -> hoon).
std::string withOoForU(const std::string& romanized) {
  std::string out;
  for (std::size_t i = 0; i < romanized.size(); ++i) {
    const bool partOfOther = i > 0 && (romanized[i - 1] == 'e' || romanized[i - 1] == 'y');
    if (romanized[i] == 'u' && !partOfOther) {
      out += "oo";
    } else {
      out.push_back(romanized[i]);
    }
  }
  return out;
}

// Consonant skeleton of romanized Arabic or of typed Latin letters: vowels dropped, w and y
// dropped inside a word (they are long vowels there: يوسف "ywsf" / Yusuf), doubled letters
// written once. Arabic script leaves short vowels out, so the skeleton is what محمد
// ("mhmd"), Mohammed, Muhammad and Mohamed have in common.
std::string consonantSkeleton(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    for (std::size_t i = 0; i < word.size(); ++i) {
      const char c = word[i];
      if (c < 'a' || c > 'z' || c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
          ((c == 'w' || c == 'y') && i > 0)) {
        continue;
      }
      if (out.empty() || out.back() != c) {
        out.push_back(c);
      }
    }
  }
  return out;
}

bool isAsciiLetters(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Keys from the words of a name as a whole and from each later word on, the way Latin
// names are indexed.
void addWordKeys(const std::vector<std::string>& words, KeySet& keys) {
  keys.add(concat(words.begin(), words.end()));
  addLatinKeys(words, keys);
}

void addRomanizedKeys(const std::vector<std::string>& words, KeySet& keys) {
  std::vector<std::string> latin;
  bool arabic = false;
  bool kana = false;
  for (const std::string& word : words) {
    const std::vector<std::int32_t> chars = codePoints(word);
    if (std::any_of(chars.begin(), chars.end(), isArabic)) {
      arabic = true;
    }
    if (std::any_of(chars.begin(), chars.end(), [](std::int32_t cp) {
          return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff);
        })) {
      kana = true;
    }
    std::string romanized;
    if (std::all_of(chars.begin(), chars.end(), isHangul)) {
      for (std::int32_t cp : chars) {
        romanized += romanizeHangulSyllable(cp);
      }
    } else {
      romanized = romanizeWord(word);
    }
    if (!romanized.empty()) {
      latin.push_back(std::move(romanized));
    }
  }
  if (latin.empty()) {
    return;
  }
  addWordKeys(latin, keys);
  if (kana) {
    std::vector<std::string> plain;
    for (const std::string& w : latin) {
      plain.push_back(withoutLongVowels(w));
    }
    addWordKeys(plain, keys);
  }
  if (arabic) {
    // The skeleton of the whole name and from each later word on, under their own marker:
    // only a typed Latin query's skeleton is looked up there.
    for (std::size_t k = 0; k < latin.size() && k <= kMaxWordStarts; ++k) {
      const std::string skeleton = consonantSkeleton(
          std::vector<std::string>(latin.begin() + static_cast<std::ptrdiff_t>(k), latin.end()));
      if (!skeleton.empty()) {
        keys.add(std::string(kConsonantsPrefix) + skeleton);
      }
    }
  }
  // Korean: the surname is the first syllable of a one-word name (김민준) or a one-syllable
  // first word (김 민준); the given name is also found alone and with its customary
  // spellings.
  std::vector<std::int32_t> first = codePoints(words[0]);
  if (!first.empty() && std::all_of(first.begin(), first.end(), isHangul)) {
    std::string given;
    if (words.size() == 1 && first.size() >= 2 && first.size() <= 4) {
      std::string native;
      for (std::size_t i = 1; i < first.size(); ++i) {
        given += romanizeHangulSyllable(first[i]);
        icu::UnicodeString(static_cast<UChar32>(first[i])).toUTF8String(native);
      }
      keys.add(foldForSearch(native));
    } else if (words.size() >= 2 && first.size() == 1) {
      given = concat(latin.begin() + 1, latin.end());
    }
    if (!given.empty()) {
      const std::string givenOo = withOoForU(given);
      keys.add(given);
      keys.add(givenOo);
      for (std::string_view surname : koreanSurnameSpellings(first[0])) {
        keys.add(std::string(surname) + given);
        keys.add(std::string(surname) + givenOo);
      }
    }
  }
}

void addNameKeys(std::string_view name, KeySet& keys) {
  const std::vector<std::string> words = nameWords(name);
  if (words.empty()) {
    return;
  }
  std::string full = concat(words.begin(), words.end());
  const std::vector<std::int32_t> chars = codePoints(full);
  const bool allHan = std::all_of(chars.begin(), chars.end(), isHan);
  keys.add(std::move(full));
  if (allHan) {
    addHanKeys(words, chars, keys);
    return;
  }
  addLatinKeys(words, keys);
  // A name mixing Han with kana (吉野たろう) has no reading ICU can give: its Latin keys
  // come from the roster's reading column.
  if (std::any_of(chars.begin(), chars.end(), isRomanizedScript) &&
      std::none_of(chars.begin(), chars.end(), isHan)) {
    addRomanizedKeys(nameWords(name, false), keys);
  }
}

// Forward digits from each position that leaves at least kMinPhoneDigitsQuery of them
// ("0013" in +86 138 0013 5678).
void addPhoneDigitKeys(std::string_view phone, KeySet& keys) {
  std::string tail = phoneTailKey(phone);
  if (tail.size() < 1 + kMinPhoneDigitsQuery) {
    return;
  }
  const std::string digits(tail.rbegin(), tail.rend() - 1);
  for (std::size_t i = 0; i + kMinPhoneDigitsQuery <= digits.size(); ++i) {
    keys.add(std::string(kPhoneDigitsPrefix) + digits.substr(i));
  }
}

// The booking code from each later position that leaves at least kMinCodePartQuery
// characters (the code from its start is the plain code key).
void addCodePartKeys(const std::string& code, KeySet& keys) {
  for (std::size_t i = 1; i + kMinCodePartQuery <= code.size(); ++i) {
    keys.add(std::string(kCodePartPrefix) + code.substr(i));
  }
}

bool isDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string foldForSearch(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::size_t start = pos;
    const std::int32_t cp = nextCodePoint(utf8, pos);
    if (cp < 0) {
      continue;  // invalid byte: dropped
    }
    if (cp < 0x80) {
      if (const char c = foldAscii(static_cast<char>(cp)); c != 0) {
        out.push_back(c);
      }
    } else if (cp >= 0xff01 && cp <= 0xff5e) {
      if (const char c = foldAscii(static_cast<char>(cp - 0xfee0)); c != 0) {
        out.push_back(c);
      }
    } else if (cp == 0x3000) {
      // ideographic space: dropped
    } else if (cp >= 0x4e00 && cp <= 0x9fff) {
      out.append(utf8.substr(start, pos - start));
    } else {
      // Anything else (accents, other scripts, rare Han) takes the general path. Names
      // are short, so folding the whole string again is simpler than splicing.
      return foldWithIcu(utf8);
    }
  }
  return out;
}

std::vector<std::string> pinyinSyllables(std::string_view utf8) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::int32_t cp = nextCodePoint(utf8, pos);
    if (cp >= 0 && isHan(cp)) {
      out.push_back(pinyinOf(cp));
    }
  }
  return out;
}

std::string phoneTailKey(std::string_view phone) {
  std::string digits;
  std::size_t pos = 0;
  while (pos < phone.size()) {
    const std::int32_t cp = nextCodePoint(phone, pos);
    if (cp >= '0' && cp <= '9') {
      digits.push_back(static_cast<char>(cp));
    } else if (cp >= 0xff10 && cp <= 0xff19) {  // full-width digits
      digits.push_back(static_cast<char>('0' + (cp - 0xff10)));
    }
  }
  if (digits.empty()) {
    return {};
  }
  std::string key(1, kPhoneTailMarker);
  key.append(digits.rbegin(), digits.rend());
  return key;
}

std::vector<std::string> searchKeysFor(const Guest& guest) {
  KeySet keys;
  addNameKeys(guest.name, keys);
  addNameKeys(guest.nameReading, keys);
  keys.add(phoneTailKey(guest.phone));
  std::string code = foldForSearch(guest.bookingCode);
  keys.add(code);
  addPhoneDigitKeys(guest.phone, keys);
  addCodePartKeys(code, keys);
  return keys.take();
}

std::vector<std::string> nameQueryKeysFor(std::string_view name) {
  std::vector<std::string> keys;
  std::string folded = foldForSearch(name);
  if (folded.empty()) {
    return keys;
  }
  if (isAsciiLetters(folded) && folded.size() >= kMinSkeletonQuery) {
    std::vector<std::string> words;
    for (std::string& word : nameWords(name)) {
      if (isAsciiLetters(word)) {
        words.push_back(std::move(word));
      }
    }
    std::string skeleton = consonantSkeleton(words);
    if (!skeleton.empty()) {
      keys.push_back(std::move(folded));
      keys.push_back(std::string(kConsonantsPrefix) + skeleton);
      return keys;
    }
  }
  keys.push_back(std::move(folded));
  return keys;
}

std::vector<std::string> numberQueryKeysFor(std::string_view number) {
  std::vector<std::string> keys;
  std::string folded = foldForSearch(number);
  if (!isDigits(folded)) {
    return keys;
  }
  keys.push_back(std::string(1, kPhoneTailMarker) + std::string(folded.rbegin(), folded.rend()));
  if (folded.size() >= kMinPhoneDigitsQuery) {
    keys.push_back(std::string(kPhoneDigitsPrefix) + folded);
  }
  keys.push_back(folded);  // a booking code made of digits
  if (folded.size() >= kMinCodePartQuery) {
    keys.push_back(std::string(kCodePartPrefix) + folded);
  }
  return keys;
}

std::optional<NameAndNumber> splitNameAndNumber(std::string_view query) {
  NameAndNumber parts;
  std::size_t pos = 0;
  std::size_t start = 0;
  const auto take = [&](std::size_t end) {
    if (end <= start) {
      return;
    }
    const std::string_view word = query.substr(start, end - start);
    if (isDigits(foldForSearch(word))) {
      parts.number += foldForSearch(word);
    } else {
      parts.name += (parts.name.empty() ? "" : " ") + std::string(word);
    }
  };
  while (pos < query.size()) {
    const std::size_t before = pos;
    const std::int32_t cp = nextCodePoint(query, pos);
    if (cp >= 0 && (u_isUWhiteSpace(cp) != 0 || cp == ',' || cp == 0xff0c)) {
      take(before);
      start = pos;
    }
  }
  take(query.size());
  if (parts.number.empty() || foldForSearch(parts.name).empty()) {
    return std::nullopt;
  }
  return parts;
}

std::vector<std::string> queryKeysFor(std::string_view query) {
  std::vector<std::string> keys;
  std::string folded = foldForSearch(query);
  if (folded.empty()) {
    return keys;
  }
  if (isDigits(folded)) {
    // The phone tail first: what staff usually type digits for.
    keys.push_back(folded);
    for (std::string& key : numberQueryKeysFor(folded)) {
      if (key != folded) {
        keys.push_back(std::move(key));
      }
    }
    return keys;
  }
  keys = nameQueryKeysFor(query);
  const bool alnum = std::all_of(folded.begin(), folded.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
  if (alnum && folded.size() >= kMinCodePartQuery) {
    keys.push_back(std::string(kCodePartPrefix) + folded);
  }
  return keys;
}

}  // namespace kiosk
