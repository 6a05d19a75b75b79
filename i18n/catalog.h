// String catalogs: every word the terminal says, one TOML file per language under
// assets/i18n/ ("en.toml", "zh-CN.toml", "ja.toml", ...; adding a language is adding a
// file and naming it in the terminal's `languages`). A library of its own (toml++ only)
// because kioskctl prints guests' badges in their language too.
//
// Keys are dotted ("outcome.expired.title"; nested TOML tables flatten to the same
// keys). Values may hold named placeholders, "{seconds}", filled by format().
//
// Catalogs are immutable values once loaded; any thread may read them. Loading fails
// (kInvalidInput) on a malformed file or a value that is not a string, kNotFound when
// the folder has no catalog at all.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/result.h"

namespace kiosk::i18n {

class Catalog {
 public:
  static Result<Catalog> parse(std::string_view toml, std::string language,
                               const std::string& origin);
  static Result<Catalog> load(const std::string& path, std::string language);

  const std::string& language() const { return language_; }
  // nullptr when the key is missing.
  const std::string* find(std::string_view key) const;
  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::string language_;
  std::map<std::string, std::string, std::less<>> entries_;
};

class Catalogs {
 public:
  // Loads "<language>.toml" from `directory` for each language that has a file, in
  // the order given; at least one must exist.
  static Result<Catalogs> load(const std::string& directory,
                               const std::vector<std::string>& languages);
  // For tests: catalogs from memory.
  explicit Catalogs(std::vector<Catalog> catalogs);

  std::vector<std::string> languages() const;
  bool has(std::string_view language) const;
  const Catalog* find(std::string_view language) const;

  // The text of `key` in `language`; falls back to English, then to the first
  // catalog, then to the key itself (so a missing string is visible, never blank).
  // A key that no catalog has, or that the language's own catalog lacks, is noted.
  std::string_view text(std::string_view language, std::string_view key) const;

  // A roster value that names one of the catalog's common answers ("wheelchair",
  // "Vegetarian": key value.<field>.<id>, the id in lower case with '_' for spaces and
  // dashes) in `language`; any other value as it is (and not noted as missing).
  std::string_view valueText(std::string_view language, std::string_view field,
                             std::string_view value) const;

  // The keys noted by text() so far ("<language>:<key>"), sorted: what the screens
  // asked for and did not find. Any thread.
  std::vector<std::string> missingKeys() const;

  // Every code point used by any catalog (for the font's glyph set), sorted, unique.
  std::vector<char32_t> codePoints() const;

 private:
  struct Misses {
    std::mutex mutex;
    std::set<std::string, std::less<>> keys;
  };
  std::vector<Catalog> catalogs_;
  std::shared_ptr<Misses> misses_ = std::make_shared<Misses>();
};

// Replaces "{name}" with the matching value; unknown placeholders stay as they are.
std::string format(std::string_view pattern,
                   const std::vector<std::pair<std::string_view, std::string>>& values);

// Decodes UTF-8 into code points; invalid bytes are skipped.
std::vector<char32_t> decodeUtf8(std::string_view text);

}  // namespace kiosk::i18n
