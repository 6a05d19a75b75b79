// Staff guest search: folding, pinyin and the keys a guest is indexed under.
//
// Staff type on an on-screen keyboard: part of a name (张伟, 伟, García, lopez), its
// pinyin or initials (zhangwei, wei, zw), the last digits of a phone (5678) or a booking
// code (abc1). The store keeps, per guest, the keys from searchKeysFor() in an indexed
// table and answers each key from queryKeysFor() with a prefix range scan
// (key >= q AND key < q || U+10FFFF), merging the hits. Every key and every query key is
// folded by foldForSearch(), so a prefix of a key is found by a prefix of the query.
//
// All functions are pure and thread-safe. pinyinSyllables() (and searchKeysFor() for
// Han names) uses a per-thread ICU "Han-Latin; Latin-ASCII" transliterator created on
// first use in each thread (about 0.1 s, once) and a per-thread memo of the pinyin of
// each Han character, so keys for 100,000 names cost well under a second. When ICU's
// transliteration data is missing, Han names simply get no pinyin keys. Nothing throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/guest.h"

namespace kiosk {

// Starts phone-tail keys. foldForSearch() removes '~', so no name or code key can start
// with it.
inline constexpr char kPhoneTailMarker = '~';

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

// The keys to index a guest under, folded, deduplicated, usually 5 to 8:
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
//  - the phone tail (phoneTailKey) and the booking code ("ABC-123" -> "abc123").
std::vector<std::string> searchKeysFor(const Guest& guest);

// What to look up for a typed query: the folded query; when it is all digits, also its
// phone-tail form ("5678" -> "5678" and "~8765"). A query with Han characters is matched as
// Han against the Han keys, never converted to pinyin (staff who type Han have the
// characters; converting would add hits for every homophone). Empty when the query folds
// to nothing.
std::vector<std::string> queryKeysFor(std::string_view query);

}  // namespace kiosk
