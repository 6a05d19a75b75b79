#include "i18n/catalog.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::i18n {

namespace {

Status flatten(const toml::table& table, const std::string& prefix,
               std::map<std::string, std::string, std::less<>>& out, const std::string& origin) {
  for (const auto& [key, node] : table) {
    const std::string full =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      if (auto status = flatten(*sub, full, out, origin); !status) {
        return status;
      }
    } else if (const auto* text = node.as_string()) {
      out[full] = text->get();
    } else {
      return makeError(ErrorKind::kInvalidInput, origin + ":" +
                                                     std::to_string(node.source().begin.line) +
                                                     ": " + full + ": expected a string");
    }
  }
  return okStatus();
}

}  // namespace

Result<Catalog> Catalog::parse(std::string_view text, std::string language,
                               const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return makeError(
        ErrorKind::kInvalidInput,
        origin + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  Catalog catalog;
  catalog.language_ = std::move(language);
  if (auto status = flatten(table, "", catalog.entries_, origin); !status) {
    return status.error();
  }
  return catalog;
}

Result<Catalog> Catalog::load(const std::string& path, std::string language) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorKind::kNotFound, path + ": cannot read the catalog");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), std::move(language), path);
}

const std::string* Catalog::find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Result<Catalogs> Catalogs::load(const std::string& directory,
                                const std::vector<std::string>& languages) {
  std::vector<Catalog> loaded;
  for (const auto& language : languages) {
    const auto path = (std::filesystem::path(directory) / (language + ".toml")).string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      continue;
    }
    auto catalog = Catalog::load(path, language);
    if (!catalog) {
      return catalog.error();
    }
    loaded.push_back(std::move(*catalog));
  }
  if (loaded.empty()) {
    return makeError(ErrorKind::kNotFound, directory +
                                               ": no string catalog for any of the "
                                               "configured languages");
  }
  return Catalogs(std::move(loaded));
}

Catalogs::Catalogs(std::vector<Catalog> catalogs) : catalogs_(std::move(catalogs)) {}

std::vector<std::string> Catalogs::languages() const {
  std::vector<std::string> out;
  for (const auto& c : catalogs_) {
    out.push_back(c.language());
  }
  return out;
}

bool Catalogs::has(std::string_view language) const {
  return find(language) != nullptr;
}

const Catalog* Catalogs::find(std::string_view language) const {
  for (const auto& c : catalogs_) {
    if (c.language() == language) {
      return &c;
    }
  }
  return nullptr;
}

std::string_view Catalogs::valueText(std::string_view language, std::string_view field,
                                     std::string_view value) const {
  std::string key = "value." + std::string(field) + ".";
  for (const char c : value) {
    key +=
        c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const Catalog* catalog = find(language);
  const std::string* text = catalog != nullptr ? catalog->find(key) : nullptr;
  return text != nullptr ? std::string_view(*text) : value;
}

std::string_view Catalogs::text(std::string_view language, std::string_view key) const {
  const Catalog* own = find(language);
  std::string_view found = key;
  bool fellBack = true;
  for (const Catalog* c : {own, find("en"), catalogs_.empty() ? nullptr : &catalogs_.front()}) {
    if (c != nullptr) {
      if (const auto* value = c->find(key)) {
        found = *value;
        fellBack = c != own && own != nullptr;
        break;
      }
    }
  }
  if (fellBack) {
    std::string noted = std::string(language) + ":" + std::string(key);
    std::lock_guard lock(misses_->mutex);
    misses_->keys.insert(std::move(noted));
  }
  return found;
}

std::vector<std::string> Catalogs::missingKeys() const {
  std::lock_guard lock(misses_->mutex);
  return {misses_->keys.begin(), misses_->keys.end()};
}

std::vector<char32_t> Catalogs::codePoints() const {
  std::vector<char32_t> out;
  for (const auto& c : catalogs_) {
    for (const auto& [key, value] : c.entries()) {
      const auto points = decodeUtf8(value);
      out.insert(out.end(), points.begin(), points.end());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format(std::string_view pattern,
                   const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  out.reserve(pattern.size() + 16);
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      const auto close = pattern.find('}', i + 1);
      if (close != std::string_view::npos) {
        const auto name = pattern.substr(i + 1, close - i - 1);
        auto it = std::find_if(values.begin(), values.end(),
                               [&](const auto& v) { return v.first == name; });
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += pattern[i];
    ++i;
  }
  return out;
}

std::vector<char32_t> decodeUtf8(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1Fu;
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0Fu;
      extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07u;
      extra = 3;
    } else {
      ++i;
      continue;
    }
    if (i + static_cast<std::size_t>(extra) >= text.size()) {
      break;  // truncated sequence at the end
    }
    bool valid = true;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) {
        valid = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (!valid) {
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

}  // namespace kiosk::i18n
