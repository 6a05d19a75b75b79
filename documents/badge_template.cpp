#include "documents/badge_template.h"

#include <toml++/toml.h>

#include <cmath>
#include <exception>
#include <fstream>
#include <sstream>

namespace kiosk::devices {

namespace detail {
extern const char kDefaultBadgeTemplateToml[];
}

namespace {

// The physical stocks; a template may not redefine them (the printer's media is fixed).
struct Stock {
  BadgeSize size;
  double widthMm;
  double heightMm;  // 0 = continuous: the template chooses the cut length
};
constexpr Stock kStocks[] = {
    {BadgeSize::kCr80, 85.60, 53.98},
    {BadgeSize::k4x3, 101.6, 76.2},
    {BadgeSize::k62mm, 62.0, 0},
    {BadgeSize::kA6, 105.0, 148.0},
};
constexpr double kToleranceMm = 0.01;

class Parser {
 public:
  explicit Parser(std::string origin) : origin_(std::move(origin)) {}

  Error fail(const std::string& path, const std::string& what) const {
    return makeError(ErrorKind::kInvalidInput, origin_ + ": " + path + ": " + what);
  }

  Result<Rgb> color(const toml::table& table, const std::string& key, const std::string& path,
                    std::optional<Rgb> fallback) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (fallback) {
        return *fallback;
      }
      return fail(path + "." + key, "missing colour");
    }
    const auto* text = node->as_string();
    if (text == nullptr) {
      return fail(path + "." + key, "expected a colour string \"#RRGGBB\"");
    }
    auto rgb = parseRgb(text->get());
    if (!rgb) {
      return fail(path + "." + key, "expected \"#RRGGBB\", got \"" + text->get() + "\"");
    }
    return *rgb;
  }

  Result<double> number(const toml::table& table, const std::string& key, const std::string& path,
                        std::optional<double> fallback) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (fallback) {
        return *fallback;
      }
      return fail(path + "." + key, "missing number");
    }
    if (auto v = node->value<double>()) {
      if (std::isfinite(*v)) {
        return *v;
      }
    }
    return fail(path + "." + key, "expected a number");
  }

  Result<RectMm> box(const toml::table& element, const std::string& path,
                     const BadgeLayout& page) const {
    const auto* array = element["box"].as_array();
    if (array == nullptr || array->size() != 4) {
      return fail(path + ".box", "expected [x, y, width, height] in mm");
    }
    double v[4];
    for (std::size_t i = 0; i < 4; ++i) {
      auto n = (*array)[i].value<double>();
      if (!n || !std::isfinite(*n)) {
        return fail(path + ".box", "expected numbers");
      }
      v[i] = *n;
    }
    const RectMm r{v[0], v[1], v[2], v[3]};
    if (r.w <= 0 || r.h <= 0) {
      return fail(path + ".box", "width and height must be positive");
    }
    if (!RectMm{0, 0, page.widthMm, page.heightMm}.contains(r, kToleranceMm)) {
      return fail(path + ".box", "outside the page");
    }
    return r;
  }

  Result<TextElement> text(const toml::table& element, const std::string& path,
                           const BadgeLayout& page, const std::string& family, Rgb color,
                           bool boldDefault, HAlign halignDefault) const {
    TextElement out;
    auto r = box(element, path, page);
    if (!r) {
      return r.error();
    }
    out.box = *r;
    out.style.family = element["font"].value_or(family);
    out.style.bold = element["bold"].value_or(boldDefault);
    auto maxPt = number(element, "max_pt", path, std::nullopt);
    auto minPt = number(element, "min_pt", path, maxPt ? std::optional<double>(*maxPt) : 0.0);
    auto wrapBelow = number(element, "wrap_below_pt", path, 0.0);
    auto spacing = number(element, "letter_spacing_pt", path, 0.0);
    if (!maxPt || !minPt || !wrapBelow || !spacing) {
      return (!maxPt ? maxPt : !minPt ? minPt : !wrapBelow ? wrapBelow : spacing).error();
    }
    if (*minPt <= 0 || *minPt > *maxPt) {
      return fail(path, "need 0 < min_pt <= max_pt");
    }
    if (*wrapBelow != 0 && (*wrapBelow < *minPt || *wrapBelow > *maxPt)) {
      return fail(path, "wrap_below_pt must lie between min_pt and max_pt");
    }
    out.style.maxPt = *maxPt;
    out.style.minPt = *minPt;
    out.style.wrapBelowPt = *wrapBelow;
    out.style.letterSpacingPt = *spacing;
    const auto lines = element["max_lines"].value_or(std::int64_t{1});
    if (lines < 1 || lines > 4) {
      return fail(path + ".max_lines", "must be 1 to 4");
    }
    out.style.maxLines = static_cast<int>(lines);
    const auto overflow = element["overflow_lines"].value_or(lines);
    if (overflow < lines || overflow > 6) {
      return fail(path + ".overflow_lines", "must be max_lines to 6");
    }
    out.style.overflowLines = static_cast<int>(overflow);
    const std::string align = element["align"].value_or(std::string(
        halignDefault == HAlign::kCenter ? "center"
                                         : (halignDefault == HAlign::kRight ? "right" : "left")));
    if (align == "left") {
      out.style.halign = HAlign::kLeft;
    } else if (align == "center") {
      out.style.halign = HAlign::kCenter;
    } else if (align == "right") {
      out.style.halign = HAlign::kRight;
    } else {
      return fail(path + ".align", "left, center or right");
    }
    const std::string valign = element["valign"].value_or(std::string("middle"));
    if (valign == "top") {
      out.style.valign = VAlign::kTop;
    } else if (valign == "middle") {
      out.style.valign = VAlign::kMiddle;
    } else if (valign == "bottom") {
      out.style.valign = VAlign::kBottom;
    } else {
      return fail(path + ".valign", "top, middle or bottom");
    }
    auto c = this->color(element, "color", path, color);
    if (!c) {
      return c.error();
    }
    out.style.color = *c;
    return out;
  }

  Result<BadgeTemplate> parse(const toml::table& root) const {
    BadgeTemplate t;
    t.name = root["name"].value_or(std::string("badge template"));
    const std::string family = root["font"].value_or(std::string(kDefaultFontFamilies));

    const toml::table* colors = root["colors"].as_table();
    if (colors == nullptr) {
      return fail("colors", "missing table");
    }
    struct {
      const char* key;
      Rgb* out;
    } colorKeys[] = {{"background", &t.background},
                     {"header", &t.header},
                     {"header_text", &t.headerText},
                     {"text", &t.text},
                     {"muted", &t.muted}};
    for (auto& [key, out] : colorKeys) {
      auto c = color(*colors, key, "colors", std::nullopt);
      if (!c) {
        return c.error();
      }
      *out = *c;
    }

    const toml::table* categories = root["categories"].as_table();
    if (categories == nullptr) {
      return fail("categories", "missing table");
    }
    for (const GuestCategory category :
         {GuestCategory::kVip, GuestCategory::kGovernment, GuestCategory::kBusiness,
          GuestCategory::kPress, GuestCategory::kStaff, GuestCategory::kOther}) {
      const std::string key = toString(category);
      const std::string path = "categories." + key;
      const toml::table* entry = (*categories)[key].as_table();
      if (entry == nullptr) {
        return fail(path, "missing table");
      }
      auto fill = color(*entry, "color", path, std::nullopt);
      auto text = color(*entry, "text", path, Rgb{1, 1, 1});
      if (!fill || !text) {
        return (!fill ? fill : text).error();
      }
      t.categories[static_cast<std::size_t>(category)] = CategoryColors{*fill, *text};
    }

    const toml::table* sizes = root["sizes"].as_table();
    if (sizes == nullptr) {
      return fail("sizes", "missing table");
    }
    for (const Stock& stock : kStocks) {
      const std::string key = toString(stock.size);
      const std::string path = "sizes." + key;
      const toml::table* s = (*sizes)[key].as_table();
      if (s == nullptr) {
        return fail(path, "missing table");
      }
      auto layout = parseLayout(*s, path, stock, t, family);
      if (!layout) {
        return layout.error();
      }
      t.layouts[static_cast<std::size_t>(stock.size)] = std::move(*layout);
    }
    return t;
  }

  Result<BadgeLayout> parseLayout(const toml::table& s, const std::string& path, const Stock& stock,
                                  const BadgeTemplate& t, const std::string& family) const {
    BadgeLayout page;
    auto width = number(s, "width_mm", path, std::nullopt);
    auto height = number(s, "height_mm", path, std::nullopt);
    auto corner = number(s, "corner_radius_mm", path, 0.0);
    if (!width || !height || !corner) {
      return (!width ? width : !height ? height : corner).error();
    }
    if (std::abs(*width - stock.widthMm) > kToleranceMm) {
      return fail(path + ".width_mm",
                  "this stock is " + std::to_string(stock.widthMm) + " mm wide");
    }
    if (stock.heightMm > 0 ? std::abs(*height - stock.heightMm) > kToleranceMm
                           : (*height < 20 || *height > 1000)) {
      return fail(path + ".height_mm", "does not match the stock");
    }
    page.widthMm = *width;
    page.heightMm = *height;
    page.cornerRadiusMm = *corner;
    page.media = s["media"].value_or(std::string());

    auto table = [&](const char* key) { return s[key].as_table(); };
    auto plainBox = [&](const char* key, std::optional<RectMm>& out) -> std::optional<Error> {
      if (const toml::table* e = table(key)) {
        auto r = box(*e, path + "." + key, page);
        if (!r) {
          return r.error();
        }
        out = *r;
      }
      return std::nullopt;
    };
    auto textBox = [&](const char* key, std::optional<TextElement>& out, Rgb color, bool bold,
                       HAlign align) -> std::optional<Error> {
      if (const toml::table* e = table(key)) {
        auto r = text(*e, path + "." + key, page, family, color, bold, align);
        if (!r) {
          return r.error();
        }
        out = std::move(*r);
      }
      return std::nullopt;
    };

    if (auto e = plainBox("header", page.header)) {
      return *e;
    }
    if (auto e = plainBox("logo", page.logo)) {
      return *e;
    }
    if (auto e = plainBox("qr", page.qr)) {
      return *e;
    }
    if (auto e = textBox("event", page.event, t.headerText, true, HAlign::kLeft)) {
      return *e;
    }
    if (auto e = textBox("company", page.company, t.text, false, HAlign::kLeft)) {
      return *e;
    }
    if (auto e = textBox("title", page.title, t.muted, false, HAlign::kLeft)) {
      return *e;
    }
    if (auto e = textBox("meeting", page.meeting, t.text, false, HAlign::kLeft)) {
      return *e;
    }
    // The band's text colour comes from the category; the element colour is unused.
    if (auto e = textBox("band", page.band, Rgb{1, 1, 1}, true, HAlign::kCenter)) {
      return *e;
    }
    const toml::table* name = table("name");
    if (name == nullptr) {
      return fail(path + ".name", "missing: every badge shows the guest's name");
    }
    auto nameElement = text(*name, path + ".name", page, family, t.text, true, HAlign::kLeft);
    if (!nameElement) {
      return nameElement.error();
    }
    page.name = std::move(*nameElement);
    if (const toml::table* photo = table("photo")) {
      auto r = box(*photo, path + ".photo", page);
      auto radius = number(*photo, "radius_mm", path + ".photo", 0.0);
      if (!r || !radius) {
        return (!r ? r.error() : radius.error());
      }
      const std::string placeholder = (*photo)["placeholder"].value_or(std::string("initials"));
      if (placeholder != "initials" && placeholder != "none") {
        return fail(path + ".photo.placeholder", "initials or none");
      }
      page.photo = PhotoElement{*r, *radius, placeholder == "initials"};
    }
    return page;
  }

 private:
  std::string origin_;
};

}  // namespace

Result<BadgeTemplate> parseBadgeTemplate(std::string_view text, std::string_view origin) {
  Parser parser{std::string(origin)};
  try {
    const toml::table root = toml::parse(text, origin);
    return parser.parse(root);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
            << e.description();
    return makeError(ErrorKind::kInvalidInput, message.str());
  } catch (const std::exception& e) {
    return makeError(ErrorKind::kInvalidInput, std::string(origin) + ": " + e.what());
  }
}

Result<BadgeTemplate> loadBadgeTemplate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorKind::kNotFound, "cannot open badge template " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseBadgeTemplate(text.str(), path);
}

Result<BadgeTemplate> defaultBadgeTemplate() {
  return parseBadgeTemplate(detail::kDefaultBadgeTemplateToml, "assets/badges/default.toml");
}

}  // namespace kiosk::devices
