#include "ui/fonts.h"

#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include <imgui.h>
#include <imgui_freetype.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include FT_FREETYPE_H

namespace kiosk::ui {

namespace {

Result<std::pair<std::string, int>> match(const char* pattern) {
  FcPattern* pat = FcNameParse(reinterpret_cast<const FcChar8*>(pattern));
  if (pat == nullptr) {
    return makeError(ErrorKind::kInvalidInput, std::string("bad font pattern ") + pattern);
  }
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult result = FcResultNoMatch;
  FcPattern* found = FcFontMatch(nullptr, pat, &result);
  FcPatternDestroy(pat);
  if (found == nullptr) {
    return makeError(ErrorKind::kNotFound, std::string("no font for ") + pattern);
  }
  FcChar8* file = nullptr;
  FcChar8* family = nullptr;
  int index = 0;
  FcPatternGetString(found, FC_FILE, 0, &file);
  FcPatternGetString(found, FC_FAMILY, 0, &family);
  FcPatternGetInteger(found, FC_INDEX, 0, &index);
  std::string path = file != nullptr ? reinterpret_cast<const char*>(file) : "";
  const std::string familyName = family != nullptr ? reinterpret_cast<const char*>(family) : "";
  FcPatternDestroy(found);
  // fontconfig always answers with something; only the CJK family will do.
  if (path.empty() || familyName.find("CJK") == std::string::npos) {
    return makeError(ErrorKind::kNotFound,
                     std::string("Noto Sans CJK is not installed (fonts-noto-cjk); fontconfig "
                                 "offered ") +
                         (familyName.empty() ? "nothing" : familyName) + " for " + pattern);
  }
  return std::make_pair(path, index);
}

constexpr int roleIndex(FontRole role) {
  return static_cast<int>(role);
}

}  // namespace

struct Fonts::Mapping {
  void* data = nullptr;
  std::size_t size = 0;
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  ~Mapping() {
    if (face != nullptr) {
      FT_Done_Face(face);
    }
    if (library != nullptr) {
      FT_Done_FreeType(library);
    }
    if (data != nullptr) {
      munmap(data, size);
    }
  }
};

Result<FontFiles> locateFonts() {
  auto regular = match("Noto Sans CJK SC:style=Regular");
  if (!regular) {
    return regular.error();
  }
  auto bold = match("Noto Sans CJK SC:style=Bold");
  FontFiles files;
  files.regular = regular->first;
  files.regularIndex = regular->second;
  if (bold) {
    files.bold = bold->first;
    files.boldIndex = bold->second;
  } else {
    files.bold = files.regular;
    files.boldIndex = files.regularIndex;
  }
  return files;
}

Result<std::unique_ptr<Fonts>> Fonts::open(const FontFiles& files) {
  const auto mapFile = [](const std::string& path,
                          int faceIndex) -> Result<std::unique_ptr<Mapping>> {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return makeError(ErrorKind::kNotFound, path + ": cannot open the font");
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
      ::close(fd);
      return makeError(ErrorKind::kNotFound, path + ": cannot read the font");
    }
    auto m = std::make_unique<Mapping>();
    m->size = static_cast<std::size_t>(st.st_size);
    m->data = mmap(nullptr, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (m->data == MAP_FAILED) {
      m->data = nullptr;
      return makeError(ErrorKind::kPermanent, path + ": cannot map the font");
    }
    if (FT_Init_FreeType(&m->library) != 0 ||
        FT_New_Memory_Face(m->library, static_cast<const FT_Byte*>(m->data),
                           static_cast<FT_Long>(m->size), faceIndex, &m->face) != 0) {
      return makeError(ErrorKind::kCorrupt, path + ": FreeType cannot read the font");
    }
    return m;
  };
  std::unique_ptr<Fonts> fonts(new Fonts());
  fonts->files_ = files;
  auto regular = mapFile(files.regular, files.regularIndex);
  if (!regular) {
    return regular.error();
  }
  fonts->regular_ = std::move(*regular);
  if (files.bold == files.regular && files.boldIndex == files.regularIndex) {
    return fonts;
  }
  auto bold = mapFile(files.bold, files.boldIndex);
  if (bold) {
    fonts->bold_ = std::move(*bold);
  }
  return fonts;
}

Fonts::~Fonts() = default;

bool Fonts::covers(char32_t codePoint) const {
  return regular_ && FT_Get_Char_Index(regular_->face, codePoint) != 0;
}

Status Fonts::build(const Metrics& metrics, const std::vector<char32_t>& codePoints) {
  const auto start = std::chrono::steady_clock::now();
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* atlas = io.Fonts;
  atlas->Clear();
  atlas->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  // CFF hinting of CJK outlines is the slow part of the build and buys little at
  // these sizes.
  atlas->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_NoHinting;
  atlas->TexGlyphPadding = 1;

  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(atlas->GetGlyphRangesDefault());  // Basic Latin + Latin-1
  for (char32_t cp : codePoints) {
    if (cp > 0 && cp <= 0xFFFF && covers(cp)) {
      builder.AddChar(static_cast<ImWchar>(cp));
    }
  }
  ImVector<ImWchar> ranges;
  builder.BuildRanges(&ranges);
  ranges_.assign(ranges.begin(), ranges.end());
  heroRanges_ = {0x0020, 0x007E, 0};

  const auto add = [&](FontRole role, float px, bool bold, const unsigned short* glyphs) {
    const Mapping* face = bold && bold_ ? bold_.get() : regular_.get();
    ImFontConfig config;
    // AddFont copies font data it does not own (20 MB per size for a CJK collection).
    // Claiming ownership of the mapping avoids the copies; the pointers are taken back
    // before ImGui could free them (below).
    config.FontDataOwnedByAtlas = true;
    config.FontNo =
        static_cast<unsigned int>(face == regular_.get() ? files_.regularIndex : files_.boldIndex);
    config.OversampleH = 1;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    std::snprintf(config.Name, sizeof config.Name, "NotoSansCJK-%d-%dpx", roleIndex(role),
                  static_cast<int>(px));
    ImFont* font =
        atlas->AddFontFromMemoryTTF(face->data, static_cast<int>(face->size), px, &config, glyphs);
    fonts_[roleIndex(role)] = font;
    px_[roleIndex(role)] = px;
    return font != nullptr;
  };
  const bool ok = add(FontRole::kBody, metrics.bodyPx, false, ranges_.data()) &&
                  add(FontRole::kCaption, metrics.captionPx, false, ranges_.data()) &&
                  add(FontRole::kBodyBold, metrics.buttonPx, true, ranges_.data()) &&
                  add(FontRole::kTitle, metrics.titlePx, true, ranges_.data()) &&
                  add(FontRole::kHero, metrics.heroPx, true, heroRanges_.data());
  // Buttons use the bold body face: one CJK size less to rasterize at startup.
  fonts_[roleIndex(FontRole::kButton)] = fonts_[roleIndex(FontRole::kBodyBold)];
  px_[roleIndex(FontRole::kButton)] = px_[roleIndex(FontRole::kBodyBold)];
  const bool built = ok && atlas->Build();
  for (auto& cfg : atlas->ConfigData) {
    cfg.FontData = nullptr;  // the mappings are ours
  }
  atlas->ClearInputData();
  // Glyphs are in the atlas now; the font files' pages need not stay resident.
  for (const Mapping* m : {regular_.get(), bold_.get()}) {
    if (m != nullptr) {
      madvise(m->data, m->size, MADV_DONTNEED);
    }
  }
  if (!built) {
    return makeError(ErrorKind::kPermanent, "cannot build the font atlas");
  }
  io.FontDefault = fonts_[roleIndex(FontRole::kBody)];
  lastBuildMillis_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return okStatus();
}

ImFont* Fonts::font(FontRole role) const {
  return fonts_[roleIndex(role)];
}

float Fonts::px(FontRole role) const {
  return px_[roleIndex(role)];
}

}  // namespace kiosk::ui
