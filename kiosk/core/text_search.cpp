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

std::vector<std::string> nameWords(std::string_view name) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    if (end > start) {
      std::string word = foldForSearch(name.substr(start, end - start));
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
  const std::vector<std::string> words = nameWords(guest.name);
  if (!words.empty()) {
    std::string full = concat(words.begin(), words.end());
    const std::vector<std::int32_t> chars = codePoints(full);
    const bool allHan = std::all_of(chars.begin(), chars.end(), isHan);
    keys.add(std::move(full));
    if (allHan) {
      addHanKeys(words, chars, keys);
    } else {
      addLatinKeys(words, keys);
    }
  }
  keys.add(phoneTailKey(guest.phone));
  keys.add(foldForSearch(guest.bookingCode));
  return keys.take();
}

std::vector<std::string> queryKeysFor(std::string_view query) {
  std::vector<std::string> keys;
  std::string folded = foldForSearch(query);
  if (folded.empty()) {
    return keys;
  }
  const bool digits =
      std::all_of(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    std::string tail(1, kPhoneTailMarker);
    tail.append(folded.rbegin(), folded.rend());
    keys.push_back(std::move(folded));
    keys.push_back(std::move(tail));
  } else {
    keys.push_back(std::move(folded));
  }
  return keys;
}

}  // namespace kiosk
