// The reception console's words in zh-CN and en: a small catalog of its own (the terminal's
// catalogs in assets/i18n are for guests). Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace kiosk::central::console {

enum class Lang { kZh, kEn };

// "zh-CN" or "en".
std::string_view tag(Lang lang);
// An account's setting ("zh-CN", "en") if it has one, else the browser's Accept-Language:
// the first of its languages the console speaks; Chinese when none is.
Lang chooseLang(std::string_view setting, std::string_view acceptLanguage);
// The text for `key` in `lang`; the key itself for an unknown key (a test catches that).
std::string_view text(Lang lang, std::string_view key);
bool hasText(std::string_view key);

}  // namespace kiosk::central::console
