// The terminal UI's parts that need no window: colour contrast of every theme, the
// string catalogs, the glyph coverage of the ImGui font, roster text through Pango,
// sounds, layout helpers, the script parser and the phone summary QR code (decoded with
// the real decoder).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "devices/camera/camera_source.h"
#include "devices/camera/frame_decoder.h"
#include "documents/qr_code.h"
#include "kiosk/app/terminal_controller.h"
#include "kiosk/app/terminal_script.h"
#include "kiosk/core/flow.h"
#include "offline-cache/sync_engine.h"
#include "support/temp_dir.h"
#include "ui/catalog.h"
#include "ui/controls.h"
#include "ui/fonts.h"
#include "ui/sound.h"
#include "ui/spoken_text.h"
#include "ui/text_cache.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace kiosk::ui {
namespace {

const std::string kCatalogDir = std::string(KIOSK_SOURCE_DIR) + "/assets/i18n";

std::vector<std::string> catalogLanguages() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(kCatalogDir)) {
    if (entry.path().extension() == ".toml") {
      out.push_back(entry.path().stem().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Catalogs allCatalogs() {
  auto c = Catalogs::load(kCatalogDir, catalogLanguages());
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return std::move(*c);
}

std::set<std::string> placeholders(const std::string& text) {
  std::set<std::string> out;
  static const std::regex re("\\{([a-z_]+)\\}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

// --- colours ---------------------------------------------------------------------------

TEST(Contrast, KnownValues) {
  EXPECT_NEAR(contrastRatio(hex(0x000000), hex(0xFFFFFF)), 21.0, 1e-9);
  EXPECT_NEAR(contrastRatio(hex(0x777777), hex(0x777777)), 1.0, 1e-9);
  // WCAG's own example: #767676 on white is the lightest grey that passes AA (4.54).
  EXPECT_NEAR(contrastRatio(hex(0x767676), hex(0xFFFFFF)), 4.54, 0.01);
  EXPECT_LT(contrastRatio(hex(0x777777), hex(0xFFFFFF)), 4.5);
}

TEST(Contrast, EveryTextColourOfEveryThemeReadsAtLeastAA) {
  for (const Palette* palette : allPalettes()) {
    const auto pairs = textPairs(*palette);
    ASSERT_GE(pairs.size(), 20u);
    for (const auto& pair : pairs) {
      const double ratio = contrastRatio(pair.foreground, pair.background);
      EXPECT_GE(ratio, 4.5) << palette->name << ": " << pair.what << " is " << ratio << ":1";
      if (palette->highContrast) {
        EXPECT_GE(ratio, 7.0) << palette->name << " must meet AAA: " << pair.what;
      }
    }
  }
}

// WCAG 1.4.11: what tells a control apart from its surroundings (its outline, else its
// fill) has 3:1 against every ground the screens put it on, pressed or not.
TEST(Contrast, EveryControlsBoundaryStandsOutAtLeast3To1) {
  const std::pair<ButtonKind, const char*> kinds[] = {{ButtonKind::kPrimary, "primary"},
                                                      {ButtonKind::kSecondary, "secondary"},
                                                      {ButtonKind::kQuiet, "quiet"},
                                                      {ButtonKind::kChip, "chip"},
                                                      {ButtonKind::kChipSelected, "selected chip"},
                                                      {ButtonKind::kKey, "key"},
                                                      {ButtonKind::kOnBrand, "header button"}};
  int checked = 0;
  for (const Palette* palette : allPalettes()) {
    const Palette& p = *palette;
    // Body controls sit on the page, on cards and (the idle banner's button) on the
    // warning panel; header buttons on the guest and the staff band.
    const std::vector<std::pair<const char*, Color>> body = {
        {"background", p.background}, {"surface", p.surface}, {"warningSoft", p.warningSoft}};
    const std::vector<std::pair<const char*, Color>> band = {{"brand", p.brand},
                                                             {"staffBand", p.staffBand}};
    for (const auto& [kind, what] : kinds) {
      for (bool pressed : {false, true}) {
        const ControlLook look = buttonLook(p, kind, pressed);
        for (const auto& [groundName, ground] : kind == ButtonKind::kOnBrand ? band : body) {
          const double ratio = contrastRatio(boundaryOn(look, ground), ground);
          EXPECT_GE(ratio, 3.0) << p.name << ": " << what << (pressed ? " (pressed)" : "") << " on "
                                << groundName << " is " << ratio << ":1";
          ++checked;
        }
      }
    }
    for (bool focused : {false, true}) {
      for (const auto& [groundName, ground] : body) {
        const double ratio = contrastRatio(boundaryOn(fieldLook(p, focused), ground), ground);
        EXPECT_GE(ratio, 3.0) << p.name << ": " << (focused ? "focused" : "empty") << " field on "
                              << groundName << " is " << ratio << ":1";
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 2 * (6 * 2 * 3 + 1 * 2 * 2 + 2 * 3));
}

TEST(Contrast, OverBlendsLikeTheGpu) {
  const Color half = over(hex(0xFFFFFF, 0.5f), hex(0x000000));
  EXPECT_NEAR(half.r, 0.5f, 1e-6);
  EXPECT_EQ(over(hex(0x123456), hex(0xFFFFFF)), hex(0x123456));
  EXPECT_EQ(boundaryOn(ControlLook{hex(0x111111), hex(0xFFFFFF), Color{0, 0, 0, 0}}, hex(0xFFFFFF)),
            hex(0x111111));
}

TEST(Metrics, TouchTargetsStayFingerSized) {
  // 48 dp at a 1080-wide 21.5" panel (about 100 dpi) is about 67 px; the smallest
  // supported screen (1280x800 at ~150 dpi) scales the unit by 0.74.
  for (auto [w, h] : {std::pair{1080, 1920}, std::pair{1920, 1080}, std::pair{1280, 800}}) {
    for (bool large : {false, true}) {
      const auto m = metricsFor(w, h, large);
      EXPECT_GE(m.buttonHeight, 88.0f) << w << "x" << h;
      EXPECT_GE(m.chipHeight, 70.0f) << w << "x" << h;
      EXPECT_GE(m.keyHeight, 70.0f) << w << "x" << h;
      EXPECT_GE(m.bodyPx, 28.0f) << w << "x" << h;
    }
  }
  EXPECT_GT(metricsFor(1080, 1920, true).bodyPx, metricsFor(1080, 1920, false).bodyPx);
}

// --- catalogs --------------------------------------------------------------------------

TEST(Catalogs, ChineseEnglishJapaneseKoreanRussianAndArabicAreShipped) {
  const auto langs = catalogLanguages();
  for (const char* language : {"zh-CN", "en", "ja", "ko", "ru", "ar"}) {
    EXPECT_NE(std::find(langs.begin(), langs.end(), language), langs.end()) << language;
  }
}

TEST(Catalogs, EveryLanguageHasEveryKeyWithTheSamePlaceholders) {
  const auto catalogs = allCatalogs();
  const Catalog* en = catalogs.find("en");
  ASSERT_NE(en, nullptr);
  for (const auto& language : catalogs.languages()) {
    const Catalog* c = catalogs.find(language);
    for (const auto& [key, value] : en->entries()) {
      const std::string* other = c->find(key);
      ASSERT_NE(other, nullptr) << language << " lacks " << key;
      EXPECT_FALSE(other->empty()) << language << ": " << key;
      EXPECT_EQ(placeholders(value), placeholders(*other)) << language << ": " << key;
      if (key.find(".options.") != std::string::npos || key.find(".common.") != std::string::npos) {
        EXPECT_EQ(std::count(value.begin(), value.end(), '|'),
                  std::count(other->begin(), other->end(), '|'))
            << language << ": " << key;
      }
    }
    for (const auto& [key, value] : c->entries()) {
      EXPECT_NE(en->find(key), nullptr) << language << " has " << key << ", English does not";
    }
  }
}

// Every name of an enum from the code's own toString: values 0, 1, ... until the name
// repeats or is the `unknown` answer that toString gives past its last value.
template <class E, class F>
std::vector<std::string> namesOf(F name, std::string_view unknown = {}) {
  std::vector<std::string> out;
  for (int i = 0; i < 64; ++i) {
    std::string n = name(static_cast<E>(i));
    if (n == unknown || std::find(out.begin(), out.end(), n) != out.end()) {
      break;
    }
    out.push_back(std::move(n));
  }
  return out;
}

std::string sourceText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The catalog keys written out in the code: every literal handed to tr() in ui/ (also
// both arms of a `cond ? "a" : "b"`), the keys in the screens' tables of C strings, and
// the notice and failure keys the flow sets.
std::set<std::string> keysInTheSource() {
  std::set<std::string> keys;
  const std::filesystem::path root(KIOSK_SOURCE_DIR);
  static const std::regex call(R"(\btr(?:In)?\(([^;]*?)\)[,;)\s])");
  static const std::regex table(R"(const char\* \w+\[\] = \{([^}]*)\})");
  // A key, not the first part of one (`"prefix_" + name`).
  static const std::regex literal(R"re("([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"(?!\s*\)?\s*\+))re");
  auto literalsIn = [&](const std::string& text) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), literal);
         it != std::sregex_iterator(); ++it) {
      if (std::string key = (*it)[1].str(); key.back() != '_') {
        keys.insert(std::move(key));
      }
    }
  };
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "ui")) {
    if (entry.path().extension() != ".cpp") {
      continue;
    }
    const std::string text = sourceText(entry.path());
    for (const auto* re : {&call, &table}) {
      for (auto it = std::sregex_iterator(text.begin(), text.end(), *re);
           it != std::sregex_iterator(); ++it) {
        literalsIn((*it)[1].str());
      }
    }
  }
  literalsIn(sourceText(root / "kiosk/core/flow.cpp"));
  return keys;
}

TEST(Catalogs, KeysTheScreensBuildExist) {
  const auto catalogs = allCatalogs();
  std::set<std::string> keys = keysInTheSource();
  // The regexes still find the code's keys (a moved file or a new spelling of tr() would
  // otherwise make this test pass on nothing).
  ASSERT_GT(keys.size(), 150u);
  ASSERT_EQ(keys.count("attract.staff"), 1u);
  ASSERT_EQ(keys.count("staff.notice.search_failed"), 1u);
  ASSERT_EQ(keys.count("call.body.guest_asked"), 1u);
  ASSERT_EQ(keys.count("info.tab.travel"), 1u);
  // Keys built from an enum's names, each enum's names taken from the code.
  for (const auto& o : namesOf<ScanOutcome>([](auto e) { return toString(e); }, "unknown")) {
    keys.insert("outcome." + o + ".title");
    keys.insert("outcome." + o + ".body");
  }
  for (const auto& r : namesOf<StaffReason>([](auto e) { return toString(e); }, "unknown")) {
    if (r.empty()) {
      continue;  // kNone: no staff needed, no text
    }
    keys.insert("outcome.needs_staff." + r + ".title");
    keys.insert("outcome.needs_staff." + r + ".body");
  }
  for (const auto& h : namesOf<devices::PhotoHint>([](auto e) { return toString(e); })) {
    keys.insert("photo." + h);
  }
  for (const auto& p : namesOf<devices::PrinterState>([](auto e) { return toString(e); })) {
    keys.insert("printer." + p);
  }
  for (const auto& b : namesOf<BadgeStage>([](auto e) { return toString(e); })) {
    keys.insert("printing.stage." + b);
  }
  for (const auto& c : namesOf<GuestCategory>([](auto e) { return toString(e); })) {
    keys.insert("category." + c);
  }
  for (const auto& t : namesOf<StaffTask>([](auto e) { return toString(e); })) {
    for (auto part : {"title", "submit", "common"}) {
      keys.insert(std::string("staff.reason.") + part + "." + t);
    }
  }
  for (const auto& g : namesOf<GuestStatus>([](auto e) { return toString(e); })) {
    keys.insert("staff.guest.status_" + g);
  }
  for (const auto& m : namesOf<CheckinMethod>([](auto e) { return toString(e); }, "unknown")) {
    keys.insert("method." + m);
  }
  for (const auto& c : namesOf<devices::CameraState>([](auto e) { return toString(e); })) {
    keys.insert("device.camera." + c);
  }
  // The device page names a camera's or sync's trouble by its code ("none" is not shown).
  for (const auto& c : namesOf<devices::CameraProblem>([](auto e) { return toString(e); })) {
    if (c != "none") {
      keys.insert("device.camera_problem." + c);
    }
  }
  for (const auto& c : namesOf<cache::SyncProblem>([](auto e) { return toString(e); })) {
    if (c != "none") {
      keys.insert("device.sync_problem." + c);
    }
  }
  auto sound = SoundPlayer::open(SoundOptions{false, false, 80});
  keys.insert("device.sound." + sound->status());
  for (const char* s : {"off", "unavailable", "on"}) {
    keys.insert(std::string("device.sound.") + s);
  }
  EXPECT_GE(keys.count("outcome.bad_signature.body"), 1u);
  EXPECT_GE(keys.count("printer.out-of-media"), 1u);
  EXPECT_GE(keys.count("method.staff_manual"), 1u);
  EXPECT_GE(keys.count("device.camera.streaming"), 1u);
  EXPECT_GE(keys.count("device.camera_problem.not_configured"), 1u);
  EXPECT_GE(keys.count("device.sync_problem.stopped"), 1u);
  for (const auto& language : catalogs.languages()) {
    for (const auto& key : keys) {
      EXPECT_NE(catalogs.find(language)->find(key), nullptr) << language << ": " << key;
    }
  }
}

// A roster value that is one of the common answers ("wheelchair", "Vegetarian") reads in
// the screen's language; anything else is shown as it was written.
TEST(Catalogs, CommonAnswersInTheRosterAreTranslated) {
  const auto catalogs = allCatalogs();
  const auto zh = [&](std::string_view field, std::string_view value) {
    return catalogs.valueText("zh-CN", field, value);
  };
  const auto en = [&](std::string_view field, std::string_view value) {
    return catalogs.valueText("en", field, value);
  };
  EXPECT_EQ(zh("accessibility", "wheelchair"), "轮椅");
  EXPECT_EQ(zh("diet", "Vegetarian"), "素食");
  EXPECT_EQ(zh("diet", "gluten-free"), "无麸质");
  EXPECT_EQ(zh("allergies", "Tree nuts"), "坚果");
  EXPECT_EQ(en("accessibility", "wheelchair"), "Wheelchair");
  EXPECT_EQ(en("accessibility", "Wheelchair user: step-free route please"),
            "Wheelchair user: step-free route please");
  EXPECT_EQ(zh("diet", "Vegetarian 素食"), "Vegetarian 素食");
  EXPECT_EQ(zh("diet", ""), "");
  // Every answer offered on the needs screen has its id, in every language.
  for (const char* field : {"diet", "allergies", "accessibility"}) {
    const std::string options = "needs.options." + std::string(field);
    for (const auto& language : catalogs.languages()) {
      std::stringstream shown(*catalogs.find(language)->find(options));
      std::stringstream english(*catalogs.find("en")->find(options));
      for (std::string id, option;
           std::getline(english, id, '|') && std::getline(shown, option, '|');) {
        EXPECT_EQ(catalogs.valueText(language, field, id), option)
            << language << ": " << field << " " << id;
      }
    }
  }
  EXPECT_TRUE(catalogs.missingKeys().empty()) << "a value that is no answer is no miss";
}

TEST(Catalogs, ALookupThatFallsBackIsNoted) {
  auto zh = Catalog::parse("[a]\nb = \"乙\"\n", "zh-CN", "zh");
  auto en = Catalog::parse("[a]\nb = \"B\"\nc = \"C\"\n", "en", "en");
  ASSERT_TRUE(zh && en);
  Catalogs c({*zh, *en});
  c.text("zh-CN", "a.b");
  c.text("en", "a.c");
  c.text("fr", "a.b");  // no French catalog: English by design
  EXPECT_TRUE(c.missingKeys().empty());
  c.text("zh-CN", "a.c");
  c.text("en", "a.d");
  EXPECT_EQ(c.missingKeys(), (std::vector<std::string>{"en:a.d", "zh-CN:a.c"}));
}

TEST(Catalogs, FallBackToEnglishThenTheKey) {
  auto zh = Catalog::parse("[a]\nb = \"乙\"\n", "zh-CN", "zh");
  auto en = Catalog::parse("[a]\nb = \"B\"\nc = \"C\"\n", "en", "en");
  ASSERT_TRUE(zh && en);
  Catalogs c({*zh, *en});
  EXPECT_EQ(c.text("zh-CN", "a.b"), "乙");
  EXPECT_EQ(c.text("zh-CN", "a.c"), "C");
  EXPECT_EQ(c.text("fr", "a.b"), "B");
  EXPECT_EQ(c.text("zh-CN", "missing.key"), "missing.key");
}

TEST(Catalogs, RejectNonStrings) {
  auto bad = Catalog::parse("[a]\nb = 3\n", "en", "bad.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("a.b"), std::string::npos);
  EXPECT_FALSE(Catalog::parse("[a\n", "en", "broken.toml"));
}

TEST(Catalogs, FormatFillsNamedPlaceholders) {
  EXPECT_EQ(format("in {seconds} s, {x}", {{"seconds", "8"}}), "in 8 s, {x}");
  EXPECT_EQ(format("{a}{a}", {{"a", "张"}}), "张张");
  EXPECT_EQ(decodeUtf8("a张𠮷"), (std::vector<char32_t>{U'a', U'张', U'𠮷'}));
  EXPECT_EQ(decodeUtf8("\xE5\xBC"), std::vector<char32_t>{}) << "truncated sequence";
}

// --- fonts and text --------------------------------------------------------------------

TEST(Fonts, TheImGuiFontCoversEveryCatalogCharacter) {
  auto files = locateFonts();
  if (!files) {
    GTEST_SKIP() << files.error().message;
  }
  auto fonts = Fonts::open(*files);
  ASSERT_TRUE(fonts) << fonts.error().message;
  // Right-to-left catalogs are drawn with Pango (ImGui can neither join nor reorder
  // their letters).
  std::vector<std::string> imguiLanguages;
  for (const auto& language : catalogLanguages()) {
    if (!rightToLeft(language)) {
      imguiLanguages.push_back(language);
    }
  }
  ASSERT_GE(imguiLanguages.size(), 5u);
  auto imguiCatalogs = Catalogs::load(kCatalogDir, imguiLanguages);
  ASSERT_TRUE(imguiCatalogs);
  const auto points = imguiCatalogs->codePoints();
  ASSERT_GT(points.size(), 300u);
  for (char32_t cp : points) {
    EXPECT_LE(cp, 0xFFFFu) << "catalog text must stay in the BMP (16-bit ImWchar): U+" << std::hex
                           << static_cast<unsigned>(cp);
    EXPECT_TRUE((*fonts)->covers(cp))
        << "no glyph for U+" << std::hex << static_cast<unsigned>(cp) << " in Noto Sans CJK SC";
  }
}

TEST(RosterText, EveryScriptOfTheDemoRosterRendersWithoutBoxes) {
  for (const char* name :
       {"𠮷田 花子", "陈㛃", "محمد العلي", "Zoë Müller-Lüdenscheidt", "김민준 Kim Min-jun",
        "Лена Иванова", "欧阳娜娜", "Aroha Ngata 🌿", "Olusegun Adebayo-Williams"}) {
    TextStyle style;
    style.px = 40;
    const auto bitmap = renderText(name, style);
    EXPECT_EQ(bitmap.unknownGlyphs, 0) << name;
    EXPECT_GT(bitmap.width, 40) << name;
    EXPECT_GT(bitmap.height, 40) << name;
    const bool inked = std::any_of(bitmap.rgba.begin() + 3, bitmap.rgba.end(),
                                   [](std::uint8_t) { return true; }) &&
                       [&] {
                         for (std::size_t i = 3; i < bitmap.rgba.size(); i += 4) {
                           if (bitmap.rgba[i] > 200) {
                             return true;
                           }
                         }
                         return false;
                       }();
    EXPECT_TRUE(inked) << name;
  }
}

TEST(RosterText, ArabicIsShapedRightToLeft) {
  TextStyle style;
  style.px = 40;
  // Debian's ImGui can do neither of these; Pango does both.
  // Shaping: joined letters are drawn with other glyphs than the same letters kept from
  // joining (U+200C between them gives their isolated forms).
  const auto joined = renderText("محمد", style);
  const auto apart = renderText("م\u200Cح\u200Cم\u200Cد", style);
  EXPECT_EQ(joined.unknownGlyphs, 0);
  EXPECT_NE(joined.rgba, apart.rgba);
  // Bidi: two unjoined letters in logical order (meem, dal) run right to left, so they
  // look exactly like the reverse order (dal, meem) forced left to right (U+202D).
  const auto rtl = renderText("م\u200Cد", style);
  const auto reversedLtr = renderText("\u202Dد\u200Cم\u202C", style);
  ASSERT_EQ(rtl.width, reversedLtr.width);
  EXPECT_EQ(rtl.rgba, reversedLtr.rgba);
  EXPECT_NE(rtl.rgba, renderText("\u202Dم\u200Cد\u202C", style).rgba);
}

// A Han character has its own shape in each CJK locale (直, 骨 and 角 differ between
// Japan and mainland China): Japanese text, a Japanese guest's name among it, must come
// out of the Japanese face, Korean out of the Korean one.
TEST(RosterText, KanjiTakeTheShapesOfTheTextsLanguage) {
  const std::string kanji = "直骨角";
  TextStyle style;
  style.px = 60;
  style.language = "ja";
  const auto japanese = renderText(kanji, style);
  const auto japaneseFaces = fontFamilies(kanji, style);
  style.language = "zh-CN";
  const auto chinese = renderText(kanji, style);
  const auto chineseFaces = fontFamilies(kanji, style);
  EXPECT_EQ(japanese.unknownGlyphs, 0);
  EXPECT_NE(japanese.rgba, chinese.rgba) << "Japanese kanji drawn with the Chinese shapes";
  ASSERT_EQ(japaneseFaces.size(), 1u);
  EXPECT_NE(japaneseFaces[0].find("JP"), std::string::npos) << japaneseFaces[0];
  ASSERT_EQ(chineseFaces.size(), 1u);
  EXPECT_NE(chineseFaces[0].find("SC"), std::string::npos) << chineseFaces[0];
  for (const auto& [language, face] : std::vector<std::pair<std::string, std::string>>{
           {"ja-JP", "JP"}, {"ko", "KR"}, {"ko-KR", "KR"}, {"zh-TW", "TC"}, {"", "SC"}}) {
    style.language = language;
    const auto faces = fontFamilies(kanji, style);
    ASSERT_FALSE(faces.empty()) << language;
    EXPECT_NE(faces[0].find(face), std::string::npos) << language << ": " << faces[0];
  }
  // Latin and Arabic in a Japanese name still find their own faces.
  style.language = "ja";
  EXPECT_EQ(renderText("Suzuki 鈴木 محمد", style).unknownGlyphs, 0);
}

TEST(RosterText, LongNamesWrapThenEllipsizeInsideTheirBox) {
  TextStyle style;
  style.px = 40;
  style.maxWidth = 400;
  style.maxLines = 2;
  const auto b = renderText(
      "Maximilian Alexander Friedrich von Hohenzollern-Sigmaringen zu Hechingen-Weiler", style);
  EXPECT_EQ(b.lines, 2);
  EXPECT_TRUE(b.ellipsized);
  EXPECT_LE(b.width, 400 + 2 * 5);
}

TEST(Widgets, ArabicAndHebrewAreWrittenRightToLeft) {
  for (const char* language : {"ar", "ar-EG", "AR_sa", "he", "fa-IR", "ur"}) {
    EXPECT_TRUE(rightToLeft(language)) << language;
  }
  for (const char* language : {"en", "zh-CN", "ja", "ko", "ru", "", "arn", "a"}) {
    EXPECT_FALSE(rightToLeft(language)) << language;
  }
}

TEST(Widgets, LocalizedPartPicksTheReadersHalf) {
  const std::string name = "2026 West Lake Forum · 西湖论坛";
  EXPECT_EQ(localizedPart(name, "zh-CN"), "西湖论坛");
  EXPECT_EQ(localizedPart(name, "en"), "2026 West Lake Forum");
  EXPECT_EQ(localizedPart("Hall A", "zh-CN"), "Hall A");
  EXPECT_EQ(localizedPart("A · B · C", "en"), "A · B · C");
  EXPECT_EQ(localizedPart("甲 · 乙", "en"), "甲 · 乙") << "cannot tell: keep both";
}

TEST(Widgets, RectHelpersSplitWithoutOverlap) {
  Rect r{0, 0, 1000, 500};
  const Rect top = r.takeTop(100, 20);
  EXPECT_EQ(top.h, 100);
  EXPECT_EQ(r.y, 120);
  EXPECT_EQ(r.h, 380);
  const Rect bottom = r.takeBottom(80, 10);
  EXPECT_EQ(bottom.y, 420);
  EXPECT_EQ(r.h, 290);
  const auto cols = Rect{0, 0, 100, 10}.columns(3, 5);
  EXPECT_FLOAT_EQ(cols[2].right(), 100);
  EXPECT_FLOAT_EQ(cols[1].x - cols[0].right(), 5);
  Rect tiny{0, 0, 10, 10};
  EXPECT_EQ(tiny.takeTop(50).h, 10) << "never more than there is";
  EXPECT_EQ(tiny.h, 0);
}

TEST(Controls, NamesComeFromTheLastCompleteFrame) {
  ControlRegistry reg;
  reg.add("a", Rect{0, 0, 10, 10});
  EXPECT_FALSE(reg.find("a")) << "the frame is still being drawn";
  reg.beginFrame();
  ASSERT_TRUE(reg.find("a"));
  EXPECT_FLOAT_EQ(reg.find("a")->rect.center().x, 5);
  reg.beginFrame();
  EXPECT_FALSE(reg.find("a")) << "gone when not drawn again";
}

// --- sound -----------------------------------------------------------------------------

TEST(Sound, CuesAreShortDistinctAndNeverClip) {
  std::map<Cue, std::vector<std::int16_t>> cues;
  for (Cue c : {Cue::kSuccess, Cue::kError, Cue::kAttention, Cue::kTap}) {
    cues[c] = synthesizeCue(c, 48000);
    ASSERT_FALSE(cues[c].empty());
    EXPECT_LT(cues[c].size(), 48000u / 2) << "under half a second";
    const auto peak = *std::max_element(cues[c].begin(), cues[c].end(), [](auto a, auto b) {
      return std::abs(static_cast<int>(a)) < std::abs(static_cast<int>(b));
    });
    EXPECT_LT(std::abs(static_cast<int>(peak)), 32767 / 2) << "gentle, not clipping";
  }
  EXPECT_NE(cues[Cue::kSuccess].size(), cues[Cue::kError].size());
  EXPECT_LT(cues[Cue::kTap].size(), cues[Cue::kSuccess].size());
  // No device (or sounds off) is silent, never an error.
  auto off = SoundPlayer::open(SoundOptions{false, false, 80});
  off->play(Cue::kSuccess);
  EXPECT_FALSE(off->audible());
  EXPECT_EQ(off->played(), 1u);
}

TEST(Sound, SpeechIsResampledToTheDeviceWithoutGapsOrJumps) {
  // eSpeak's 22050 Hz to a 48000 Hz device, handed over in uneven pieces: the same
  // samples as in one piece, 48000/22050 as many, and a ramp stays a ramp.
  std::vector<std::int16_t> ramp(2205);
  for (std::size_t i = 0; i < ramp.size(); ++i) {
    ramp[i] = static_cast<std::int16_t>(i * 10);
  }
  std::vector<std::int16_t> whole;
  Resampler(22050, 48000).push(ramp, whole);
  std::vector<std::int16_t> pieces;
  Resampler r(22050, 48000);
  for (std::size_t at = 0, n = 1; at < ramp.size(); at += n, n = n * 3 % 97 + 1) {
    r.push(std::span(ramp).subspan(at, std::min(n, ramp.size() - at)), pieces);
  }
  ASSERT_EQ(pieces.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_NEAR(pieces[i], whole[i], 1) << i;  // a rounding apart, at most
  }
  EXPECT_NEAR(static_cast<double>(whole.size()), 4800.0, 3.0);
  for (std::size_t i = 1; i < whole.size(); ++i) {
    EXPECT_GE(whole[i], whole[i - 1]);
    EXPECT_LE(whole[i] - whole[i - 1], 5) << "no jump at " << i;
  }
}

// What "read aloud" says comes from the catalogs in the screen's language: every guest
// screen says something, in every catalog, and staff screens say nothing.
FlowState showing(FlowScreen screen) {
  FlowState state;
  state.screen = std::move(screen);
  return state;
}

TEST(SpokenText, EveryGuestScreenSaysItsInstructionInEveryLanguage) {
  using namespace flow;
  const auto catalogs = allCatalogs();
  ScanDecision refused;
  refused.outcome = ScanOutcome::kExpired;
  Info printed;
  printed.badge.stage = BadgeStage::kPrinted;
  Printing trouble;
  trouble.badge.stage = BadgeStage::kWaitingForPrinter;
  Photo captured;
  captured.captured = true;
  ConfirmNeeds editing;
  editing.editing = NeedsField::kAllergies;
  ReportProblem writing;
  writing.category = "room";
  writing.writing = true;
  FindBooking notFound;
  notFound.notFound = true;
  const std::vector<std::pair<FlowScreen, std::string>> screens{
      {Attract{}, "attract.subtitle"},
      {FindBooking{}, "find.subtitle_code"},
      {notFound, "find.not_found_code"},
      {Checking{}, "checking.title"},
      {ConfirmIdentity{}, "identity.subtitle"},
      {Photo{}, "photo.title"},
      {captured, "photo.captured_subtitle"},
      {ConfirmNeeds{}, "needs.subtitle"},
      {editing, "needs.edit.allergies"},
      {Committing{}, "committing.title"},
      {Printing{}, "printing.subtitle"},
      {trouble, "printing.trouble.body"},
      {printed, "info.badge_printed"},
      {Done{}, "done.rate"},
      {ReportProblem{}, "report.subtitle"},
      {writing, "report.text_subtitle"},
      {Refused{refused}, "outcome.expired.body"},
      {CallStaff{}, "call.body.guest_asked"},
      {Failure{"failure.database", "disk full"}, "failure.database"},
  };
  for (const auto& language : catalogs.languages()) {
    std::set<std::string> ids;
    for (const auto& [screen, key] : screens) {
      const auto spoken = spokenText(showing(screen), catalogs, language);
      const std::string name = screenName(screen);
      EXPECT_NE(std::find(spoken.keys.begin(), spoken.keys.end(), key), spoken.keys.end())
          << name << " " << language;
      EXPECT_NE(spoken.text.find(std::string(catalogs.text(language, key))), std::string::npos)
          << name << " " << language << ": " << spoken.text;
      for (const auto& k : spoken.keys) {
        EXPECT_NE(catalogs.find(language)->find(k), nullptr) << language << ": " << k;
      }
      EXPECT_EQ(spoken.language, language);
      EXPECT_EQ(spoken.text.find("disk full"), std::string::npos) << "staff detail not spoken";
      ids.insert(spoken.id);
    }
    EXPECT_EQ(ids.size(), screens.size()) << "each variant is said anew";
    for (const FlowScreen& staff : {FlowScreen{StaffHome{}}, FlowScreen{StaffDevices{}}}) {
      EXPECT_TRUE(spokenText(showing(staff), catalogs, language).keys.empty());
    }
  }
  // Sentences stay apart when spoken: a title without a full stop gets one.
  const auto en = spokenText(showing(Attract{}), catalogs, "en");
  EXPECT_EQ(en.text.rfind("Welcome. ", 0), 0u) << en.text;
  const auto zh = spokenText(showing(Attract{}), catalogs, "zh-CN");
  EXPECT_NE(zh.text.find("。"), std::string::npos) << zh.text;
}

// --- scripts ---------------------------------------------------------------------------

TEST(Script, ParsesCommandsAndRefusesMistakesWithTheLine) {
  auto ok = app::parseScript(
      "# comment\n\ncodes codes.csv\ntap identity.yes 5\ntype Tom Nguyen\nwindow 1920 1080\n",
      "/scripts");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->commands.size(), 4u);
  EXPECT_EQ(ok->commands[2].rest, "Tom Nguyen");
  EXPECT_EQ(ok->commands[3].line, 6);
  auto unknown = app::parseScript("tap a\nfly away\n", "/");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(app::parseScript("window 1920\n", "/"));
  EXPECT_FALSE(app::parseScript("advance soon\n", "/"));
  EXPECT_FALSE(app::parseScript("tap\n", "/"));
  EXPECT_FALSE(app::parseScript("wait-file\n", "/"));
  EXPECT_FALSE(app::parseScript("wait-file ready soon\n", "/"));
  EXPECT_TRUE(app::parseScript("wait-file ready 30\n", "/"));
  EXPECT_TRUE(app::parseScript("stall-store 20\n", "/"));
  EXPECT_FALSE(app::parseScript("stall-store\n", "/"));
  EXPECT_FALSE(app::parseScript("stall-store long\n", "/"));
  EXPECT_TRUE(app::parseScript("tap-if info.page.next\n", "/"));
  EXPECT_FALSE(app::parseScript("tap-if\n", "/"));
}

// Found by the script fuzzer: a huge number was converted to int with undefined behaviour.
TEST(Script, NumbersOutOfRangeAreRefused) {
  EXPECT_FALSE(app::parseScript("window 1e119 1080\n", "/"));
  EXPECT_FALSE(app::parseScript("window 0 1080\n", "/"));
  EXPECT_FALSE(app::parseScript("advance 1e300\n", "/"));
  EXPECT_FALSE(app::parseScript("sleep nan\n", "/"));
  EXPECT_FALSE(app::parseScript("tap start inf\n", "/"));
  EXPECT_TRUE(app::parseScript("window 1920 1080\nadvance 3600\nsleep 250\n", "/"));
}

// Found by the script fuzzer: a command followed only by blanks threw out_of_range.
TEST(Script, TrailingBlanksAfterACommandAreIgnored) {
  auto parsed = app::parseScript("quit \t\r\nsleep 5 \ntap\t\n", "/");
  ASSERT_FALSE(parsed);  // `tap` with no control, reported, not thrown
  EXPECT_NE(parsed.error().message.find("line 3"), std::string::npos);
  auto ok = app::parseScript("quit \t\r\nsleep 5 \n", "/");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->commands.at(1).args, std::vector<std::string>{"5"});
}

// --- the phone summary -----------------------------------------------------------------

TEST(PhoneSummary, QrCodeCarriesChineseTextToAPhone) {
  Event event;
  event.name = "西湖论坛 · West Lake Forum";
  event.timezone = "Asia/Shanghai";
  event.emergencyContacts.push_back({"热线", "+86 571 8888 2026"});
  Guest g;
  g.name = "𠮷田 花子";
  g.bookingCode = "WLF-9P4D";
  g.lodging.hotel = "湖滨大酒店";
  g.lodging.room = "1208";
  g.lodging.floor = "12";
  TransportLeg leg;
  leg.vehicle = "3号班车";
  leg.pickupTime = fromUnixSeconds(1'795'000'000);
  leg.pickupPlace = "酒店北门";
  g.transport.push_back(leg);
  const auto catalogs = allCatalogs();
  const std::string text = app::phoneSummary(event, g, catalogs, "zh-CN");
  EXPECT_NE(text.find("1208"), std::string::npos);
  EXPECT_NE(text.find("酒店北门"), std::string::npos);
  EXPECT_NE(text.find("+86 571 8888 2026"), std::string::npos);
  EXPECT_EQ(text.find("\n\n"), std::string::npos);

  auto qr = devices::encodeQr(text, devices::QrErrorCorrection::kLow);
  ASSERT_TRUE(qr) << qr.error().message;
  testing::TempDir dir;
  ASSERT_TRUE(devices::writeQrPng(*qr, dir.file("summary.png"), 6));
  auto decoded = devices::decodeImageFile(dir.file("summary.png"));
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->front().text, text) << "a phone reads the same UTF-8 text";
}

// A guest with only a flight booked gets the flight, and no empty pick-up line.
TEST(PhoneSummary, AFlightOnlyLegHasNoEmptyPickUpLine) {
  Event event;
  event.name = "West Lake Forum";
  event.timezone = "Asia/Shanghai";
  Guest g;
  g.name = "Ana Souza";
  g.bookingCode = "WLF-2B7C";
  TransportLeg flight;
  flight.flight = "MU5137";
  g.transport.push_back(flight);
  TransportLeg car;
  car.vehicle = "Black sedan";
  car.driver = "Wang";
  car.driverPhone = "+86 139 0000 1111";
  g.transport.push_back(car);
  const auto text = app::phoneSummary(event, g, allCatalogs(), "en");
  EXPECT_NE(text.find("Flight or train: MU5137"), std::string::npos) << text;
  EXPECT_EQ(text.find("Pick-up"), std::string::npos) << text;
  EXPECT_NE(text.find("Your car or shuttle: Black sedan, Wang +86 139 0000 1111"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace kiosk::ui
