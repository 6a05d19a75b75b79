// Staff guest search: folding, pinyin, romanization and the keys a guest is indexed under.
//
// Staff type on an on-screen keyboard: part of a name (张伟, 伟, García, lopez), its
// pinyin or initials (zhangwei, wei, zw), a Latin spelling of a Japanese, Korean, Russian
// or Arabic name (taro, kim minjun, ivanov, mohammed), digits of a phone (the last ones,
// 5678, or at least 4 from the middle, 0013), part of a booking code (its start, or at
// least 3 characters from anywhere in it), or a name and digits together ("wang 5678":
// guests that have both). The store keeps, per guest, the keys from searchKeysFor() in an
// indexed table and answers each key from queryKeysFor() with a prefix range scan
// (key >= q AND key < q || U+10FFFF), merging the hits; for a name with digits
// (splitNameAndNumber) it asks for guests under one of nameQueryKeysFor(name) AND one of
// numberQueryKeysFor(digits) in one query. Every key and every query key is folded by
// foldForSearch(), so a prefix of a key is found by a prefix of the query.
//
// Names in other scripts. Kana, Hangul, Cyrillic and Arabic names are also indexed under
// their Latin spelling (ICU: Hiragana-Latin, Katakana-Latin, Hangul-Latin,
// Russian-Latin/BGN, else Cyrillic-Latin, Arabic-Latin, then Latin-ASCII), whole and from
// each later word, like Latin names:
//  - Japanese: Hepburn, and again without long vowels (さとう -> satou and sato).
//  - Korean: Revised Romanization per syllable (김민준 -> gimminjun, minjun), plus the
//    customary spelling of common surnames (kimminjun) and "oo" for ㅜ (minjoon).
//  - Russian: BGN/PCGN, as passports mostly spell names (Юрий -> yuriy, Ольга -> olga).
//  - Arabic: script leaves vowels out, so Latin spellings differ in vowels (محمد ->
//    mhmd; Mohammed, Muhammad, Mohamed). Arabic names get consonant-skeleton keys
//    (kConsonantsPrefix + the letters without vowels, without w/y inside a word, doubled
//    letters once: "mhmd"), and a typed Latin query of 3 letters or more is also looked
//    up by its skeleton (mohammed -> mhmd). The price: other names with the same
//    consonants match too (a search for "ahmad" also lists an Arabic-script حامد "hmd").
//  - Han: Chinese pinyin (below). A Japanese name in kanji (吉野 太郎) cannot be read by
//    ICU (Han-Latin gives the Chinese reading), so the roster carries its reading in
//    Guest::nameReading (the CSV column "reading": kana or romaji, よしの たろう or Yoshino
//    Taro), indexed like a name. Without a reading such a guest is found by the kanji, the
//    phone and the booking code, never by a Latin spelling.
//
// All functions are pure and thread-safe. pinyinSyllables() (and searchKeysFor() for
// Han names) uses a per-thread ICU "Han-Latin; Latin-ASCII" transliterator created on
// first use in each thread (about 0.1 s, once) and a per-thread memo of the pinyin of
// each Han character, so keys for 100,000 names cost well under a second. The other
// scripts share one more per-thread transliterator, created on the first such name. When
// ICU's transliteration data is missing, names simply get no pinyin or Latin keys.
// Nothing throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/guest.h"

namespace kiosk {

// Starts phone-tail keys. foldForSearch() removes '~', so no name or code key can start
// with it.
inline constexpr char kPhoneTailMarker = '~';
// Start the other keys that are not names: the phone's digits from each position, the
// booking code from each later position, the consonant skeleton of an Arabic name. Each
// is two characters, '~' and one that never starts a phone tail (a digit).
inline constexpr std::string_view kPhoneDigitsPrefix = "~#";
inline constexpr std::string_view kCodePartPrefix = "~@";
inline constexpr std::string_view kConsonantsPrefix = "~%";
// Changes whenever searchKeysFor() gives other keys for the same guest, so that a store
// written by an older build rebuilds its index.
inline constexpr int kSearchKeysVersion = 2;
// The shortest middle part of a phone or booking code that is searched: shorter ones
// would match a large part of the roster (and cost index space).
inline constexpr std::size_t kMinPhoneDigitsQuery = 4;
inline constexpr std::size_t kMinCodePartQuery = 3;
// The shortest Latin query also looked up by its consonant skeleton.
inline constexpr std::size_t kMinSkeletonQuery = 3;

// Lower case (full case folding: "Straße" -> "strasse"), accents removed (Zoë -> zoe,
// García -> garcia, Łukasz -> lukasz), full-width forms to ASCII (ＡＢＣ -> abc), white space,
// hyphens and dashes, apostrophes, dots and middle dots (·) removed, '~' removed; Han
// characters kept as they are (CJK compatibility ideographs become their unified form);
// the result is NFC. Invalid UTF-8 bytes are dropped.
std::string foldForSearch(std::string_view utf8);

// Toneless lower-case pinyin, one entry per Han character in order ("张伟" -> {"zhang",
// "wei"}); other characters are skipped. A Han character ICU cannot transliterate (rare
// ones like 𠮷) gets an empty entry, so indexes still line up with the Han characters.
// Context-free: a polyphonic character gets ICU's most common reading (曾 -> "ceng");
// searchKeysFor() corrects the reading of surnames.
std::vector<std::string> pinyinSyllables(std::string_view utf8);

// "~" + the digits of the phone number reversed ("+86 138 0013 5678" -> "~8765310083168"),
// so that a search for the last digits is a prefix search. Empty when it has no digits.
std::string phoneTailKey(std::string_view phone);

// The keys to index a guest under, folded, deduplicated, usually 15 to 25:
//  - the whole name ("mariagarcialopez", "张伟");
//  - Latin names: the name from each later word on ("garcialopez", "lopez"; words split at
//    spaces, hyphens and dots, at most 4 start points) and the initials when the name has
//    two or more words ("mgl");
//  - Han names of 2 to 4 characters: the name from each character after the first ("伟";
//    given-name search), the full pinyin ("zhangwei"), the pinyin from the given name on
//    ("wei"; after a compound surname like 欧阳 it starts at the third character) and the
//    initials ("zw"). Polyphonic surnames are read as surnames (曾 -> zeng, 单 -> shan).
//    Han names with separators (约翰·史密斯) get the same keys per part instead. Han
//    characters without pinyin contribute nothing to pinyin keys.
//  - kana, Hangul, Cyrillic and Arabic names: their Latin spellings (file comment);
//  - the same again for guest.nameReading;
//  - the phone tail (phoneTailKey) and the booking code ("ABC-123" -> "abc123");
//  - kPhoneDigitsPrefix + the phone's digits from each position that leaves at least 4
//    ("~#8613800135678" ... "~#5678"), kCodePartPrefix + the code from each later position
//    that leaves at least 3 ("~@bc123" ... "~@123").
std::vector<std::string> searchKeysFor(const Guest& guest);

// What to look up for a typed query: the folded query; when it is all digits, also its
// phone-tail form ("5678" -> "5678" and "~8765"), its middle-digits form ("~#5678", 4
// digits or more) and its code-part form ("~@5678", 3 or more); a query of Latin letters
// and digits of 3 or more also its code-part form; a query of 3 Latin letters or more
// also its consonant skeleton ("mohammed" -> "~%mhmd"). A query with Han characters is
// matched as Han against the Han keys, never converted to pinyin (staff who type Han have
// the characters; converting would add hits for every homophone). Empty when the query
// folds to nothing.
std::vector<std::string> queryKeysFor(std::string_view query);

// The keys that match a name only (never a phone or booking code): the folded name and,
// for Latin letters, its consonant skeleton. For the self-find and the name part of a
// name-and-digits query.
std::vector<std::string> nameQueryKeysFor(std::string_view name);

// The keys that match digits in a phone (tail, or middle with 4 or more) or a booking
// code (start, or part with 3 or more). Empty unless `number` folds to digits only.
std::vector<std::string> numberQueryKeysFor(std::string_view number);

// A query of words of which some are digits only and some are not ("wang 5678",
// "5678 王芳", "王芳，5678"): the name words joined by a space and the digit words
// joined. nullopt when either part is missing: such a query is one term.
struct NameAndNumber {
  std::string name;
  std::string number;
};
std::optional<NameAndNumber> splitNameAndNumber(std::string_view query);

}  // namespace kiosk
