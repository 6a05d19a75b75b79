#include "kiosk/core/guest_csv.h"

#include <unicode/ucnv.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>

#include "kiosk/core/encoding.h"

namespace kiosk {

namespace {

// ---------------------------------------------------------------------------------------
// UTF-8 helpers

bool isAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = lowerAscii(c);
  }
  return out;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool isAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Trims ASCII white space, U+00A0 (NBSP), U+3000 (ideographic space) and U+FEFF at both
// ends: Excel cells often carry them from copy-and-paste.
std::string_view trimValue(std::string_view s) {
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                       s.front() == '\r' || s.front() == '\v' || s.front() == '\f')) {
      s.remove_prefix(1);
    } else if (s.starts_with("\xc2\xa0")) {
      s.remove_prefix(2);
    } else if (s.starts_with("\xe3\x80\x80") || s.starts_with("\xef\xbb\xbf")) {
      s.remove_prefix(3);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                       s.back() == '\r' || s.back() == '\v' || s.back() == '\f')) {
      s.remove_suffix(1);
    } else if (s.ends_with("\xc2\xa0")) {
      s.remove_suffix(2);
    } else if (s.ends_with("\xe3\x80\x80") || s.ends_with("\xef\xbb\xbf")) {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

// Full-width ASCII (U+FF01..U+FF5E) and U+3000 to their ASCII forms: Chinese input
// methods produce "ＡＢＣ１２３" in codes and phone numbers.
std::string halfWidth(std::string_view s) {
  if (s.find('\xef') == std::string_view::npos && s.find('\xe3') == std::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t start = pos;
    const std::int32_t cp = nextCodePoint(s, pos);
    if (cp >= 0xff01 && cp <= 0xff5e) {
      out.push_back(static_cast<char>(cp - 0xfee0));
    } else if (cp == 0x3000) {
      out.push_back(' ');
    } else {
      out.append(s.substr(start, pos - start));
    }
  }
  return out;
}

// A value as it may appear inside a problem message: at most 40 characters, control
// characters and broken UTF-8 replaced, so that a hostile file cannot send escape
// sequences to the organiser's terminal.
std::string preview(std::string_view s) {
  constexpr std::size_t kMaxChars = 40;
  std::string out = "\"";
  std::size_t pos = 0;
  std::size_t chars = 0;
  while (pos < s.size()) {
    if (chars == kMaxChars) {
      out += "...";
      break;
    }
    const std::size_t start = pos;
    const std::int32_t cp = nextCodePoint(s, pos);
    // C0/C1 controls and bidirectional overrides could drive or disguise terminal output.
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069)) {
      out.push_back('?');
    } else {
      out.append(s.substr(start, pos - start));
    }
    ++chars;
  }
  out.push_back('"');
  return out;
}

struct FieldScan {
  std::size_t chars = 0;
  bool control = false;  // C0 control other than tab/newline, or DEL
  bool newline = false;
  bool invalidUtf8 = false;
};

FieldScan scanField(std::string_view s, bool checkUtf8) {
  FieldScan scan;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xc0) != 0x80) {
      ++scan.chars;
    }
    if (c < 0x20 || c == 0x7f) {
      if (c == '\n') {
        scan.newline = true;
      } else if (c != '\t') {
        scan.control = true;
      }
    }
  }
  if (checkUtf8) {
    std::size_t pos = 0;
    while (pos < s.size()) {
      if (nextCodePoint(s, pos) < 0) {
        scan.invalidUtf8 = true;
        break;
      }
    }
  }
  return scan;
}

// ---------------------------------------------------------------------------------------
// Encoding detection

struct Decoded {
  std::string owned;
  std::string_view text;
  std::string encoding;
  bool checkFieldsUtf8 = false;  // some UTF-8 sequences are broken: check each field
  std::optional<CsvProblem> failure;
};

// Physical line (1-based) of a byte offset in single-byte-newline text (UTF-8, GB18030).
std::size_t lineOfByte(std::string_view bytes, std::size_t offset) {
  std::size_t line = 1;
  offset = std::min(offset, bytes.size());
  for (std::size_t i = 0; i < offset; ++i) {
    // LF, CRLF (counted at its LF) and a lone CR each end a line.
    const bool loneCr = bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n');
    if (bytes[i] == '\n' || loneCr) {
      ++line;
    }
  }
  return line;
}

std::size_t lineOfUtf16Unit(std::string_view bytes, std::size_t offset, bool littleEndian) {
  std::size_t line = 1;
  offset = std::min(offset, bytes.size());
  auto unitAt = [&](std::size_t i) -> unsigned {
    const auto a = static_cast<unsigned char>(bytes[i]);
    const auto b = static_cast<unsigned char>(bytes[i + 1]);
    return littleEndian ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (std::size_t i = 0; i + 1 < offset; i += 2) {
    const unsigned u = unitAt(i);
    const bool loneCr = u == '\r' && (i + 3 >= bytes.size() || unitAt(i + 2) != '\n');
    if (u == '\n' || loneCr) {
      ++line;
    }
  }
  return line;
}

struct ConvertResult {
  bool ok = false;
  std::string utf8;
  std::size_t errorOffset = 0;  // byte offset of the first unreadable sequence
  unsigned errorByte = 0;
};

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Strict conversion to UTF-8 through ICU: stops at the first illegal or truncated
// sequence instead of substituting, so that a wrong guess of the encoding is noticed.
ConvertResult convertToUtf8(std::string_view bytes, const char* charset) {
  ConvertResult result;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> from(ucnv_open(charset, &status));
  std::unique_ptr<UConverter, ConverterCloser> to(ucnv_open("UTF-8", &status));
  if (U_FAILURE(status) || !from || !to) {
    return result;
  }
  ucnv_setToUCallBack(from.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  ucnv_setFromUCallBack(to.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) {
    return result;
  }
  // Straight to UTF-8 through a small pivot buffer: no UTF-16 copy of the whole file.
  // UTF-8 needs at most 1.5 times the bytes of GB18030 (2 -> 3) or UTF-16 (2 -> 3).
  result.utf8.resize(bytes.size() + bytes.size() / 2 + 16);
  char* target = result.utf8.data();
  const char* source = bytes.data();
  std::array<UChar, 4096> pivot{};
  UChar* pivotSource = pivot.data();
  UChar* pivotTarget = pivot.data();
  ucnv_convertEx(to.get(), from.get(), &target, result.utf8.data() + result.utf8.size(), &source,
                 bytes.data() + bytes.size(), pivot.data(), &pivotSource, &pivotTarget,
                 pivot.data() + pivot.size(), /*reset=*/1, /*flush=*/1, &status);
  if (U_FAILURE(status)) {
    char invalid[32];
    int8_t invalidLength = sizeof invalid;
    UErrorCode invalidStatus = U_ZERO_ERROR;
    ucnv_getInvalidChars(from.get(), invalid, &invalidLength, &invalidStatus);
    if (U_FAILURE(invalidStatus)) {
      invalidLength = 0;
    }
    const auto consumed = static_cast<std::size_t>(source - bytes.data());
    result.errorOffset = consumed - std::min(consumed, static_cast<std::size_t>(invalidLength));
    if (result.errorOffset < bytes.size()) {
      result.errorByte = static_cast<unsigned char>(bytes[result.errorOffset]);
    }
    result.utf8.clear();
    return result;
  }
  result.utf8.resize(static_cast<std::size_t>(target - result.utf8.data()));
  result.ok = true;
  return result;
}

// ICU's code page 936 maps unassigned bytes (0xFF, ...) to private-use characters
// instead of failing; a real guest list has none, so they mean "not GBK".
bool hasPrivateUseCharacter(std::string_view utf8) {
  // U+E000..U+F8FF is EE 80 80 .. EF A3 BF in UTF-8.
  for (std::size_t i = 0; i + 2 < utf8.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    const auto b1 = static_cast<unsigned char>(utf8[i + 1]);
    if (b0 == 0xee || (b0 == 0xef && b1 <= 0xa3)) {
      return true;
    }
  }
  return false;
}

Decoded decode(std::string_view bytes) {
  Decoded d;
  // Far beyond any guest list (100,000 rows are ~20 MB); keeps ICU's int32 sizes safe.
  constexpr std::size_t kMaxBytes = std::size_t{256} << 20;
  if (bytes.size() > kMaxBytes) {
    d.encoding = "unknown";
    d.failure = CsvProblem{0, 0, "the file is too large (more than 256 MB)"};
    return d;
  }
  if (bytes.starts_with("\xef\xbb\xbf")) {
    d.text = bytes.substr(3);
    d.encoding = "UTF-8 (BOM)";
    // With a BOM the file says what it is: broken sequences are field problems, never a
    // reason to guess GB18030.
    std::size_t pos = 0;
    while (pos < d.text.size()) {
      if (nextCodePoint(d.text, pos) < 0) {
        d.checkFieldsUtf8 = true;
        break;
      }
    }
    return d;
  }
  const bool utf16le = bytes.starts_with("\xff\xfe");
  const bool utf16be = bytes.starts_with("\xfe\xff");
  if (utf16le || utf16be) {
    const std::string_view body = bytes.substr(2);
    d.encoding = utf16le ? "UTF-16LE" : "UTF-16BE";
    ConvertResult conv = convertToUtf8(body, utf16le ? "UTF-16LE" : "UTF-16BE");
    if (!conv.ok) {
      d.encoding = "unknown";
      d.failure = CsvProblem{lineOfUtf16Unit(body, conv.errorOffset, utf16le), 0,
                             "the file starts with a UTF-16 byte order mark but is not valid "
                             "UTF-16; save it from Excel as \"CSV UTF-8\""};
      return d;
    }
    d.owned = std::move(conv.utf8);
    d.text = d.owned;
    return d;
  }
  std::size_t multibyte = 0;
  std::size_t invalid = 0;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::int32_t cp = nextCodePoint(bytes, pos);
    if (cp < 0) {
      ++invalid;
    } else if (cp >= 0x80) {
      ++multibyte;
    }
  }
  if (invalid == 0) {
    d.text = bytes;
    d.encoding = "UTF-8";
    return d;
  }
  // GBK text read as UTF-8 has far more broken sequences than valid ones (a valid one
  // is a coincidence); UTF-8 with a few damaged bytes is the other way round. Testing this
  // first matters: UTF-8 Chinese often decodes "successfully" as GB18030 mojibake.
  if (multibyte >= 4 * invalid) {
    d.text = bytes;
    d.encoding = "UTF-8";
    d.checkFieldsUtf8 = true;
    return d;
  }
  ConvertResult conv = convertToUtf8(bytes, "GB18030");
  d.encoding = "GB18030";
  if (!conv.ok) {
    // Excel on Chinese Windows writes code page 936, which has the euro sign at 0x80
    // where GB18030 has nothing.
    if (ConvertResult cp936 = convertToUtf8(bytes, "GBK");
        cp936.ok && !hasPrivateUseCharacter(cp936.utf8)) {
      conv = std::move(cp936);
      d.encoding = "GBK";
    }
  }
  if (!conv.ok) {
    char reason[200];
    std::snprintf(reason, sizeof reason,
                  "the file is neither UTF-8 nor GB18030/GBK (byte 0x%02X cannot be read); "
                  "save it from Excel as \"CSV UTF-8\"",
                  conv.errorByte);
    d.encoding = "unknown";
    d.failure = CsvProblem{lineOfByte(bytes, conv.errorOffset), 0, reason};
    return d;
  }
  d.owned = std::move(conv.utf8);
  d.text = d.owned;
  if (d.text.starts_with("\xef\xbb\xbf")) {
    d.text.remove_prefix(3);
  }
  return d;
}

// ---------------------------------------------------------------------------------------
// CSV records

// Skips an Excel "sep=;" line and picks the separator the first non-blank line uses most.
char detectSeparator(std::string_view text, std::size_t& skipBytes, std::size_t& skipLines) {
  skipBytes = 0;
  skipLines = 0;
  const std::size_t firstEnd = text.find_first_of("\r\n");
  const std::string_view first = text.substr(0, firstEnd);
  if (first.size() == 5 && lowerAscii(first.substr(0, 4)) == "sep=" &&
      (first[4] == ',' || first[4] == ';' || first[4] == '\t')) {
    skipBytes = firstEnd == std::string_view::npos ? text.size() : firstEnd + 1;
    if (firstEnd != std::string_view::npos && text[firstEnd] == '\r' && skipBytes < text.size() &&
        text[skipBytes] == '\n') {
      ++skipBytes;
    }
    skipLines = 1;
    return first[4];
  }
  std::size_t comma = 0;
  std::size_t semicolon = 0;
  std::size_t tab = 0;
  bool inQuotes = false;
  // Bounded look-ahead: the decision needs one line, and a hostile file must not make
  // this scan the whole input more than once.
  const std::size_t limit = std::min<std::size_t>(text.size(), 1 << 20);
  for (std::size_t i = 0; i < limit; ++i) {
    const char c = text[i];
    if (c == '"') {
      inQuotes = !inQuotes;
    } else if (inQuotes) {
      continue;
    } else if (c == ',') {
      ++comma;
    } else if (c == ';') {
      ++semicolon;
    } else if (c == '\t') {
      ++tab;
    } else if (c == '\n' || c == '\r') {
      if (comma + semicolon + tab > 0) {
        break;
      }
    }
  }
  if (semicolon > comma && semicolon >= tab) {
    return ';';
  }
  if (tab > comma && tab > semicolon) {
    return '\t';
  }
  return ',';
}

struct Record {
  std::vector<std::string_view> fields;
  std::size_t line = 0;
  std::size_t unterminatedField = 0;  // 1-based field whose quote never closes; 0 = none
  std::size_t unterminatedLine = 0;   // line of that opening quote
};

class CsvReader {
 public:
  CsvReader(std::string_view text, char separator, std::size_t firstLine)
      : text_(text), sep_(separator), line_(firstLine) {}

  // Reads the next record; false at the end of the input. The fields stay valid until the
  // next call.
  bool next(Record& record) {
    if (pos_ >= text_.size()) {
      return false;
    }
    record.line = line_;
    record.unterminatedField = 0;
    record.unterminatedLine = 0;
    arena_.clear();
    spans_.clear();
    const std::size_t n = text_.size();
    for (;;) {
      std::size_t p = pos_;
      while (p < n && (text_[p] == ' ' || (text_[p] == '\t' && sep_ != '\t'))) {
        ++p;
      }
      if (p < n && text_[p] == '"') {
        readQuoted(p + 1, record);
      } else {
        std::size_t q = pos_;
        while (q < n && text_[q] != sep_ && text_[q] != '\n' && text_[q] != '\r') {
          ++q;
        }
        spans_.push_back(Span{false, pos_, q - pos_});
        pos_ = q;
      }
      if (pos_ < n && text_[pos_] == sep_) {
        ++pos_;
        continue;
      }
      if (pos_ < n) {
        if (text_[pos_] == '\r') {
          ++pos_;
          if (pos_ < n && text_[pos_] == '\n') {
            ++pos_;
          }
        } else {
          ++pos_;
        }
        ++line_;
      }
      break;
    }
    record.fields.clear();
    for (const Span& s : spans_) {
      record.fields.push_back(s.inArena ? std::string_view(arena_).substr(s.offset, s.length)
                                        : text_.substr(s.offset, s.length));
    }
    return true;
  }

 private:
  struct Span {
    bool inArena;
    std::size_t offset;
    std::size_t length;
  };

  // Reads a quoted field whose content starts at `start`; leaves pos_ at the separator,
  // the line end or the end of the input. The value is a view of the input unless it
  // needs unescaping ("" or CRLF inside), then it is copied to the arena.
  void readQuoted(std::size_t start, Record& record) {
    const std::size_t n = text_.size();
    const std::size_t openLine = line_;
    bool inArena = false;
    std::size_t arenaStart = 0;
    std::size_t segment = start;
    auto toArena = [&](std::size_t end) {
      if (!inArena) {
        inArena = true;
        arenaStart = arena_.size();
      }
      arena_.append(text_.substr(segment, end - segment));
    };
    std::size_t q = start;
    bool closed = false;
    while (q < n) {
      const char c = text_[q];
      if (c == '"') {
        if (q + 1 < n && text_[q + 1] == '"') {
          toArena(q + 1);  // keeps one quote
          q += 2;
          segment = q;
          continue;
        }
        closed = true;
        break;
      }
      if (c == '\n') {
        ++line_;
      } else if (c == '\r') {
        ++line_;
        toArena(q);
        arena_.push_back('\n');
        q += (q + 1 < n && text_[q + 1] == '\n') ? 2 : 1;
        segment = q;
        continue;
      }
      ++q;
    }
    if (!closed) {
      if (inArena) {
        toArena(n);
      }
      record.unterminatedField = spans_.size() + 1;
      record.unterminatedLine = openLine;
      spans_.push_back(inArena ? Span{true, arenaStart, arena_.size() - arenaStart}
                               : Span{false, start, n - start});
      pos_ = n;
      return;
    }
    // q is at the closing quote. Like Excel, text between it and the separator is kept.
    std::size_t after = q + 1;
    std::size_t end = after;
    while (end < n && text_[end] != sep_ && text_[end] != '\n' && text_[end] != '\r') {
      ++end;
    }
    const std::string_view trailing = text_.substr(after, end - after);
    if (trimValue(trailing).empty()) {
      if (inArena) {
        toArena(q);
      }
    } else {
      toArena(q);
      arena_.append(trailing);
    }
    spans_.push_back(inArena ? Span{true, arenaStart, arena_.size() - arenaStart}
                             : Span{false, start, q - start});
    pos_ = end;
  }

  std::string_view text_;
  char sep_;
  std::size_t line_;
  std::size_t pos_ = 0;
  std::string arena_;
  std::vector<Span> spans_;
};

bool isBlankRecord(const Record& r) {
  if (r.unterminatedField != 0) {
    return false;
  }
  return std::all_of(r.fields.begin(), r.fields.end(),
                     [](std::string_view f) { return trimValue(f).empty(); });
}

// ---------------------------------------------------------------------------------------
// Columns

enum class Kind {
  kCode,
  kName,
  kText,  // free text; may span lines
  kLine,  // single-line text
  kPhone,
  kEmail,
  kDate,
  kTime,
  kCategory,
  kLanguage,
  kStatus,
  kBool,
};

enum class Col {
  kBookingCode,
  kName,
  kNameReading,
  kCompany,
  kTitle,
  kCategory,
  kLanguage,
  kPhone,
  kEmail,
  kDiet,
  kAllergies,
  kAccessibility,
  kHotel,
  kRoom,
  kFloor,
  kCheckinDate,
  kCheckoutDate,
  kDoorCardPickup,
  kWifi,
  kBreakfast,
  kVehicle,
  kDriver,
  kDriverPhone,
  kPickupTime,
  kPickupPlace,
  kFlight,
  kReturnVehicle,
  kReturnDriver,
  kReturnDriverPhone,
  kReturnPickupTime,
  kReturnPickupPlace,
  kReturnFlight,
  kMeeting,
  kMeetingRoom,
  kMeetingTime,
  kSeat,
  kHost,
  kHostContact,
  kStatus,
  kEscortRequired,
  kCount,
};

constexpr auto kColumnCount = static_cast<std::size_t>(Col::kCount);

struct ColumnSpec {
  Col col;
  std::string_view name;
  Kind kind;
  std::size_t maxChars;
  bool halfWidth;  // fold full-width ASCII before validating
  // '|'-separated, already in normalizeHeader() form.
  std::string_view aliases;
};

// clang-format off
constexpr std::array<ColumnSpec, kColumnCount> kColumns{{
  {Col::kBookingCode, "booking_code", Kind::kCode, 64, true,
   "code|booking|booking_no|booking_number|reservation_code|预订码|预约码|编号|预订号|预约号|邀请码|确认码|参会码"},
  {Col::kName, "name", Kind::kName, 200, false,
   "full_name|guest_name|姓名|名字|嘉宾姓名"},
  {Col::kNameReading, "reading", Kind::kName, 200, false,
   "name_reading|furigana|kana|romaji|yomi|フリガナ|ふりがな|読み|よみがな|读音|姓名读音"},
  {Col::kCompany, "company", Kind::kText, 200, false,
   "company_name|organization|organisation|organization_name|organisation_name|单位|公司|工作单位|单位名称|公司名称|机构"},
  {Col::kTitle, "title", Kind::kText, 200, false,
   "job_title|position|职务|职位|职称|头衔"},
  {Col::kCategory, "category", Kind::kCategory, 64, true,
   "type|guest_type|guest_category|类别|嘉宾类别|类型|嘉宾类型"},
  {Col::kLanguage, "language", Kind::kLanguage, 64, true,
   "lang|locale|语言|语种"},
  {Col::kPhone, "phone", Kind::kPhone, 32, true,
   "mobile|mobile_phone|cellphone|tel|telephone|phone_number|phone_no|mobile_number|cell|电话|手机|手机号|手机号码|联系电话|电话号码"},
  {Col::kEmail, "email", Kind::kEmail, 254, true,
   "e_mail|mail|email_address|邮箱|电子邮件|电子邮箱|邮件"},
  {Col::kDiet, "diet", Kind::kText, 500, false,
   "dietary|dietary_requirements|dietary_needs|饮食|饮食要求|饮食习惯|餐饮要求|忌口"},
  {Col::kAllergies, "allergies", Kind::kText, 500, false,
   "allergy|allergens|过敏|过敏原|过敏史|过敏信息"},
  {Col::kAccessibility, "accessibility", Kind::kText, 500, false,
   "accessibility_needs|disability|无障碍|无障碍需求"},
  {Col::kHotel, "hotel", Kind::kText, 200, false, "hotel_name|酒店|入住酒店|住宿酒店"},
  {Col::kRoom, "room", Kind::kLine, 32, true, "room_number|room_no|房间|房号|房间号"},
  {Col::kFloor, "floor", Kind::kLine, 32, true, "楼层"},
  {Col::kCheckinDate, "checkin_date", Kind::kDate, 64, true,
   "check_in|checkin|check_in_date|arrival_date|入住日期|入住"},
  {Col::kCheckoutDate, "checkout_date", Kind::kDate, 64, true,
   "check_out|checkout|check_out_date|departure_date|退房日期|离店日期|退房"},
  {Col::kDoorCardPickup, "door_card_pickup", Kind::kText, 200, false,
   "door_card|key_card|房卡领取|房卡领取地点|房卡"},
  {Col::kWifi, "wifi", Kind::kText, 200, false, "wi_fi|无线网络"},
  {Col::kBreakfast, "breakfast", Kind::kText, 200, false, "早餐"},
  {Col::kVehicle, "vehicle", Kind::kText, 100, false, "car|车辆|车牌|车牌号|接站车辆"},
  {Col::kDriver, "driver", Kind::kText, 100, false, "driver_name|司机|司机姓名"},
  {Col::kDriverPhone, "driver_phone", Kind::kPhone, 32, true, "司机电话|司机手机|司机手机号"},
  {Col::kPickupTime, "pickup_time", Kind::kTime, 64, true,
   "pickup|pick_up_time|接站时间|接车时间|接机时间"},
  {Col::kPickupPlace, "pickup_place", Kind::kText, 200, false,
   "pick_up_place|pickup_location|接站地点|上车地点|接机地点"},
  {Col::kFlight, "flight", Kind::kLine, 32, true,
   "flight_number|flight_no|train|航班|车次|航班车次|航班/车次|航班号|抵达航班"},
  {Col::kReturnVehicle, "return_vehicle", Kind::kText, 100, false, "送站车辆"},
  {Col::kReturnDriver, "return_driver", Kind::kText, 100, false, "送站司机"},
  {Col::kReturnDriverPhone, "return_driver_phone", Kind::kPhone, 32, true, "送站司机电话"},
  {Col::kReturnPickupTime, "return_pickup_time", Kind::kTime, 64, true,
   "return_time|送站时间|送机时间"},
  {Col::kReturnPickupPlace, "return_pickup_place", Kind::kText, 200, false,
   "return_place|送站地点|送机地点"},
  {Col::kReturnFlight, "return_flight", Kind::kLine, 32, true,
   "返程航班|返程车次|返程航班车次|离开航班"},
  {Col::kMeeting, "meeting", Kind::kText, 200, false, "meeting_name|session|会议|会议名称"},
  {Col::kMeetingRoom, "meeting_room", Kind::kText, 100, false, "会议室|会场"},
  {Col::kMeetingTime, "meeting_time", Kind::kTime, 64, true,
   "meeting_start|会议时间|开会时间"},
  {Col::kSeat, "seat", Kind::kLine, 32, true, "seat_number|seat_no|座位|座位号|座次"},
  {Col::kHost, "host", Kind::kText, 100, false, "host_name|接待人|陪同人|联络人"},
  {Col::kHostContact, "host_contact", Kind::kLine, 254, true,
   "host_phone|接待人电话|陪同人电话|接待人联系方式|联络人电话"},
  {Col::kStatus, "status", Kind::kStatus, 64, true, "状态"},
  {Col::kEscortRequired, "escort_required", Kind::kBool, 64, true,
   "escort|需陪同|需要陪同|是否陪同"},
}};
// clang-format on

const ColumnSpec& specOf(Col col) {
  return kColumns[static_cast<std::size_t>(col)];
}

// The form header names and aliases are compared in: trimmed, full-width folded, lower
// case, " "/"-"/"_" runs as one "_", a trailing "*" or "(必填)"-style marker removed.
std::string normalizeHeader(std::string_view raw) {
  std::string s = halfWidth(trimValue(raw));
  static constexpr std::array<std::string_view, 7> kMarkers{
      "*", "(必填)", "(选填)", "(可选)", "(required)", "(optional)", "(必需)"};
  for (bool changed = true; changed;) {
    changed = false;
    const std::string_view t = trimValue(s);
    if (t.size() != s.size()) {
      s = std::string(t);
    }
    const std::string lower = lowerAscii(s);
    for (std::string_view marker : kMarkers) {
      if (lower.size() > marker.size() && std::string_view(lower).ends_with(marker)) {
        s.resize(s.size() - marker.size());
        changed = true;
        break;
      }
    }
  }
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' || c == '-' || c == '_' || c == '\t') {
      if (!out.empty() && out.back() != '_') {
        out.push_back('_');
      }
    } else {
      out.push_back(lowerAscii(c));
    }
  }
  while (!out.empty() && out.back() == '_') {
    out.pop_back();
  }
  return out;
}

template <typename F>
void forEachAlias(const ColumnSpec& spec, F&& f) {
  f(spec.name);
  std::string_view rest = spec.aliases;
  while (!rest.empty()) {
    const std::size_t bar = rest.find('|');
    f(rest.substr(0, bar));
    if (bar == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(bar + 1);
  }
}

std::optional<Col> lookupColumn(std::string_view normalized) {
  for (const ColumnSpec& spec : kColumns) {
    bool found = false;
    forEachAlias(spec, [&](std::string_view alias) { found = found || alias == normalized; });
    if (found) {
      return spec.col;
    }
  }
  return std::nullopt;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
// neighbours ("phnoe") each cost 1. Only called on short header names.
std::size_t editDistance(std::string_view a, std::string_view b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) {
    at(i, 0) = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    at(0, j) = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

// A known column an unknown ASCII header is probably a misspelling of.
std::optional<Col> misspeltColumn(std::string_view normalized) {
  if (normalized.size() < 3 || normalized.size() > 40 || !isAscii(normalized)) {
    return std::nullopt;
  }
  const std::size_t allowed = normalized.size() <= 5 ? 1 : 2;
  for (const ColumnSpec& spec : kColumns) {
    bool close = false;
    forEachAlias(spec, [&](std::string_view alias) {
      close = close ||
              (isAscii(alias) && alias.size() >= 3 && editDistance(normalized, alias) <= allowed);
    });
    if (close) {
      return spec.col;
    }
  }
  return std::nullopt;
}

// A known Chinese alias the unknown header contains or is contained in ("嘉宾手机" ->
// phone): only a hint, a real sheet has "备用电话" beside "电话".
std::optional<std::pair<Col, std::string_view>> similarChineseColumn(std::string_view normalized) {
  if (isAscii(normalized) || normalized.size() > 120) {
    return std::nullopt;
  }
  std::optional<std::pair<Col, std::string_view>> best;
  for (const ColumnSpec& spec : kColumns) {
    forEachAlias(spec, [&](std::string_view alias) {
      if (!isAscii(alias) && alias.size() >= 6 &&
          (normalized.find(alias) != std::string_view::npos ||
           (normalized.size() >= 6 && alias.find(normalized) != std::string_view::npos))) {
        if (!best || alias.size() > best->second.size()) {
          best = std::make_pair(spec.col, alias);
        }
      }
    });
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Values

// "2026-11-03", "2026/11/3", "2026.11.3", "2026年11月3日" -> "2026-11-03" when the date
// exists.
std::optional<std::string> normalizeDate(std::string_view s) {
  std::size_t pos = 0;
  auto readNumber = [&](std::size_t minDigits, std::size_t maxDigits) -> std::optional<int> {
    std::size_t digits = 0;
    int value = 0;
    while (pos < s.size() && isDigit(s[pos]) && digits < maxDigits) {
      value = value * 10 + (s[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits < minDigits) {
      return std::nullopt;
    }
    return value;
  };
  auto readSeparator = [&](std::string_view expected) {
    if (s.substr(pos).starts_with(expected)) {
      pos += expected.size();
      return true;
    }
    return false;
  };
  const auto year = readNumber(4, 4);
  if (!year) {
    return std::nullopt;
  }
  std::string_view sep2;
  bool chinese = false;
  if (readSeparator("-")) {
    sep2 = "-";
  } else if (readSeparator("/")) {
    sep2 = "/";
  } else if (readSeparator(".")) {
    sep2 = ".";
  } else if (readSeparator("年")) {
    sep2 = "月";
    chinese = true;
  } else {
    return std::nullopt;
  }
  const auto month = readNumber(1, 2);
  if (!month || !readSeparator(sep2)) {
    return std::nullopt;
  }
  const auto day = readNumber(1, 2);
  if (!day) {
    return std::nullopt;
  }
  if (chinese) {
    readSeparator("日");
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  // Written by hand: snprintf was a visible share of a 100,000-row import.
  std::string out = "0000-00-00";
  auto put = [&](std::size_t at, int value, int digits) {
    for (int k = digits - 1; k >= 0; --k) {
      out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, *year, 4);
  put(5, *month, 2);
  put(8, *day, 2);
  if (!parseDate(out)) {
    return std::nullopt;
  }
  return out;
}

// A date-time with a time of day: ISO 8601 or "2026/11/3 9:30"; read in the given offset
// when it has none.
std::optional<TimePoint> parseDateTime(std::string_view s, int offsetMinutes) {
  std::size_t split = s.find_first_of(" T");
  if (split == std::string_view::npos) {
    return std::nullopt;  // a pickup needs a time of day, not only a date
  }
  const auto date = normalizeDate(s.substr(0, split));
  if (!date) {
    return std::nullopt;
  }
  std::string_view time = trimValue(s.substr(split + 1));
  std::string iso = *date;
  iso.push_back('T');
  if (time.size() >= 2 && isDigit(time[0]) && time[1] == ':') {
    iso.push_back('0');  // "9:30" as Excel writes it
  }
  iso.append(time);
  return parseIso8601(iso, offsetMinutes);
}

}  // namespace

std::optional<std::string> normalizeLanguage(std::string_view value) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 30> kNames{{
      {"中文", "zh-CN"},     {"汉语", "zh-CN"},    {"普通话", "zh-CN"}, {"简体中文", "zh-CN"},
      {"繁体中文", "zh-TW"}, {"粤语", "yue"},      {"英文", "en"},      {"英语", "en"},
      {"english", "en"},     {"chinese", "zh-CN"}, {"日语", "ja"},      {"日文", "ja"},
      {"japanese", "ja"},    {"韩语", "ko"},       {"韩文", "ko"},      {"korean", "ko"},
      {"法语", "fr"},        {"french", "fr"},     {"德语", "de"},      {"german", "de"},
      {"俄语", "ru"},        {"russian", "ru"},    {"西班牙语", "es"},  {"spanish", "es"},
      {"阿拉伯语", "ar"},    {"arabic", "ar"},     {"葡萄牙语", "pt"},  {"portuguese", "pt"},
      {"意大利语", "it"},    {"italian", "it"},
  }};
  const std::string lower = lowerAscii(value);
  for (const auto& [name, tag] : kNames) {
    if (lower == name) {
      return std::string(tag);
    }
  }
  // BCP 47 shape: a 2-3 letter language, then subtags of 1-8 letters or digits.
  std::string tag;
  std::size_t index = 0;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t end = value.find_first_of("-_", pos);
    if (end == std::string_view::npos) {
      end = value.size();
    }
    const std::string_view sub = value.substr(pos, end - pos);
    if (sub.empty() || sub.size() > 8) {
      return std::nullopt;
    }
    for (char c : sub) {
      if (!isAsciiLetter(c) && !(index > 0 && isDigit(c))) {
        return std::nullopt;
      }
    }
    if (index == 0) {
      if (sub.size() < 2 || sub.size() > 3) {
        return std::nullopt;
      }
      tag = lowerAscii(sub);
    } else {
      tag.push_back('-');
      std::string part = lowerAscii(sub);
      if (part.size() == 2 && isAsciiLetter(part[0])) {
        for (char& c : part) {
          c = static_cast<char>(c - 'a' + 'A');  // region: "CN"
        }
      } else if (part.size() == 4 && isAsciiLetter(part[0])) {
        part[0] = static_cast<char>(part[0] - 'a' + 'A');  // script: "Hans"
      }
      tag += part;
    }
    ++index;
    pos = end + 1;
    if (end == value.size()) {
      break;
    }
  }
  return tag;
}

namespace {

std::optional<GuestStatus> parseStatus(std::string_view value) {
  if (auto status = parseGuestStatus(value)) {
    return status;
  }
  if (value == "正常" || value == "有效") {
    return GuestStatus::kActive;
  }
  if (value == "暂停" || value == "待核实" || value == "锁定") {
    return GuestStatus::kBlocked;
  }
  if (value == "取消" || value == "已取消") {
    return GuestStatus::kCancelled;
  }
  return std::nullopt;
}

std::optional<bool> parseBool(std::string_view value) {
  const std::string lower = lowerAscii(value);
  static constexpr std::array<std::string_view, 10> kYes{"yes",  "y",  "true", "1", "是",
                                                         "需要", "要", "x",    "√", "✓"};
  static constexpr std::array<std::string_view, 6> kNo{"no", "n", "false", "0", "否", "不需要"};
  if (lower.empty() || std::find(kNo.begin(), kNo.end(), lower) != kNo.end()) {
    return false;
  }
  if (std::find(kYes.begin(), kYes.end(), lower) != kYes.end()) {
    return true;
  }
  return std::nullopt;
}

// Returns the problem with a phone number, or an empty string.
// "1.38001E+10": what Excel writes for a phone number in a cell formatted as a number.
bool looksLikeExcelNumber(std::string_view s) {
  const std::size_t e = s.find_first_of("Ee");
  if (e == std::string_view::npos || e == 0 || e + 2 >= s.size() || s[e + 1] != '+') {
    return false;
  }
  const std::string_view mantissa = s.substr(0, e);
  const std::string_view exponent = s.substr(e + 2);
  return std::all_of(mantissa.begin(), mantissa.end(),
                     [](char c) { return isDigit(c) || c == '.'; }) &&
         std::all_of(exponent.begin(), exponent.end(), isDigit);
}

std::string phoneProblem(std::string_view name, std::string_view phone) {
  if (looksLikeExcelNumber(phone)) {
    return std::string(name) + " " + preview(phone) +
           " was turned into a number by Excel; format the column as text and save again";
  }
  std::size_t digits = 0;
  for (char c : phone) {
    if (isDigit(c)) {
      ++digits;
    } else if (isAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80) {
      return std::string(name) + " " + preview(phone) + " contains letters";
    } else if (std::string_view(" +-().#*/").find(c) == std::string_view::npos) {
      return std::string(name) + " " + preview(phone) +
             " may contain only digits, spaces and + - ( ) . / # *";
    }
  }
  if (digits < 3) {
    return std::string(name) + " " + preview(phone) + " has too few digits";
  }
  if (digits > 20) {
    return std::string(name) + " " + preview(phone) + " has too many digits";
  }
  return {};
}

bool looksLikeEmail(std::string_view email) {
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return false;
  }
  return std::none_of(email.begin(), email.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ';' || c == '<' || c == '>';
  });
}

// ---------------------------------------------------------------------------------------
// The parse

// Far more than any guest list has; bounds the work spent on a hostile header (each
// header cell is compared with every alias).
constexpr std::size_t kMaxColumns = 1024;
constexpr std::size_t kMaxHeaderBytes = 256;

class Parser {
 public:
  Parser(std::string_view bytes, const GuestCsvOptions& options)
      : bytes_(bytes), options_(options) {}

  GuestCsvResult run() {
    Decoded decoded = decode(bytes_);
    result_.detectedEncoding = decoded.encoding;
    if (decoded.failure) {
      addProblem(decoded.failure->line, 0, decoded.failure->reason);
      return finish();
    }
    checkUtf8_ = decoded.checkFieldsUtf8;
    std::size_t skipBytes = 0;
    std::size_t skipLines = 0;
    const char sep = detectSeparator(decoded.text, skipBytes, skipLines);
    result_.separator = sep;
    const std::string_view text = decoded.text.substr(skipBytes);
    // At most one guest per non-empty line. Reserving up front keeps 100,000 Guests
    // (~700 bytes each) from being moved through vector growth; the cap keeps a hostile
    // file of short lines from reserving gigabytes.
    std::size_t lines = 1;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
      if (text[i] == '\n' && text[i + 1] != '\n' && text[i + 1] != '\r') {
        ++lines;
      }
    }
    result_.guests.reserve(std::min<std::size_t>(lines, 200'000));
    rows_.reserve(std::min<std::size_t>(lines, 200'000));
    CsvReader reader(text, sep, 1 + skipLines);
    Record record;
    if (!readHeader(reader, record)) {
      return finish();
    }
    while (reader.next(record)) {
      if (isBlankRecord(record)) {
        continue;
      }
      ++result_.rowsRead;
      readRow(record);
    }
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i].emptyWithData) {
        addWarning(headerLine_, i + 1,
                   "column " + std::to_string(i + 1) + " has values but no header; ignored");
      }
    }
    return finish();
  }

 private:
  struct HeaderColumn {
    std::optional<Col> col;
    bool emptyHeader = false;
    bool emptyWithData = false;
  };

  // Per row of result_.guests while parsing (bad rows are removed at the end).
  struct RowInfo {
    std::size_t line = 0;
    bool bad = false;
  };

  void addProblem(std::size_t line, std::size_t column, std::string reason) {
    ++problemCount_;
    if (result_.problems.size() < options_.maxProblems) {
      result_.problems.push_back(CsvProblem{line, column, std::move(reason)});
    }
  }

  void addWarning(std::size_t line, std::size_t column, std::string reason) {
    if (result_.warnings.size() < options_.maxProblems) {
      result_.warnings.push_back(CsvProblem{line, column, std::move(reason)});
    }
  }

  bool readHeader(CsvReader& reader, Record& record) {
    std::size_t titleRows = 0;
    for (;;) {
      if (!reader.next(record)) {
        addProblem(1, 0,
                   titleRows == 0 ? "the file is empty: expected a header line naming the columns"
                                  : "no header line: expected columns booking_code (预订码) and "
                                    "name (姓名)");
        return false;
      }
      if (isBlankRecord(record)) {
        continue;
      }
      std::size_t nonEmpty = 0;
      std::string_view text;
      for (std::string_view f : record.fields) {
        if (!trimValue(f).empty()) {
          text = f;
          if (++nonEmpty > 1) {
            break;
          }
        }
      }
      if (nonEmpty == 1 && titleRows < 5 && record.unterminatedField == 0 &&
          !knownHeader(trimValue(text))) {
        ++titleRows;
        addWarning(record.line, 0, "skipped title line " + preview(trimValue(text)));
        continue;
      }
      break;
    }
    headerLine_ = record.line;
    if (record.unterminatedField != 0) {
      addProblem(record.line, record.unterminatedField,
                 "unterminated quoted field (the quote opened on line " +
                     std::to_string(record.unterminatedLine) + " is never closed)");
      return false;
    }
    if (record.fields.size() > kMaxColumns) {
      addProblem(record.line, 0,
                 "the header has " + std::to_string(record.fields.size()) +
                     " columns; a guest list may have at most " + std::to_string(kMaxColumns));
      return false;
    }
    header_.resize(record.fields.size());
    columnIndex_.fill(0);
    std::vector<std::pair<std::size_t, std::string>> unknown;
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      const std::string_view raw = trimValue(record.fields[i]);
      if (raw.empty()) {
        header_[i].emptyHeader = true;
        continue;
      }
      const std::string normalized = raw.size() <= kMaxHeaderBytes ? normalizeHeader(raw) : "";
      const auto col = lookupColumn(normalized);
      if (!col) {
        unknown.emplace_back(i, normalized);
        continue;
      }
      std::size_t& index = columnIndex_[static_cast<std::size_t>(*col)];
      if (index != 0) {
        addProblem(record.line, i + 1,
                   "column " + preview(raw) + " repeats " + std::string(specOf(*col).name) +
                       " (already column " + std::to_string(index) + ")");
        continue;
      }
      index = i + 1;
      header_[i].col = col;
    }
    std::size_t analysed = 0;
    for (const auto& [i, normalized] : unknown) {
      const std::string_view raw = trimValue(record.fields[i]);
      // Spelling checks compare with every alias; a real sheet has a handful of extra
      // columns, a hostile one thousands.
      const bool analyse = ++analysed <= 64;
      const auto misspelt = analyse ? misspeltColumn(normalized) : std::nullopt;
      if (misspelt && columnIndex_[static_cast<std::size_t>(*misspelt)] == 0) {
        addProblem(record.line, i + 1,
                   "unknown column " + preview(raw) + " (did you mean " +
                       std::string(specOf(*misspelt).name) + "?)");
        continue;
      }
      std::string reason = "unknown column " + preview(raw) + " ignored";
      if (const auto similar = analyse ? similarChineseColumn(normalized) : std::nullopt) {
        reason += " (to import it as " + std::string(specOf(similar->first).name) +
                  ", name the column " + std::string(similar->second) + ")";
      }
      addWarning(record.line, i + 1, std::move(reason));
    }
    bool complete = true;
    for (Col required : {Col::kBookingCode, Col::kName}) {
      if (columnIndex_[static_cast<std::size_t>(required)] == 0) {
        const std::string_view name = specOf(required).name;
        addProblem(record.line, 0,
                   "missing required column " + std::string(name) +
                       (required == Col::kBookingCode ? " (预订码)" : " (姓名)"));
        complete = false;
      }
    }
    return complete;
  }

  static bool knownHeader(std::string_view raw) {
    return raw.size() <= kMaxHeaderBytes && lookupColumn(normalizeHeader(raw)).has_value();
  }

  void readRow(const Record& record) {
    const std::size_t line = record.line;
    if (record.unterminatedField != 0) {
      addProblem(line, record.unterminatedField,
                 "unterminated quoted field (the quote opened on line " +
                     std::to_string(record.unterminatedLine) + " is never closed)");
      ++wrongShapeRows_;
      return;
    }
    if (record.fields.size() != header_.size()) {
      const std::size_t column = std::min(record.fields.size(), header_.size()) + 1;
      addProblem(line, column,
                 "wrong number of fields: " + std::to_string(record.fields.size()) +
                     ", the header has " + std::to_string(header_.size()));
      ++wrongShapeRows_;
      return;
    }
    // Built in place: a Guest is ~700 bytes, and moving 100,000 of them through
    // temporaries and vector growth cost more than the parsing itself.
    Guest& guest = result_.guests.emplace_back();
    rows_.push_back(RowInfo{line, false});
    RowInfo& info = rows_.back();
    guest.eventId = options_.eventId;
    TransportLeg arrival;
    TransportLeg departure;
    Meeting meeting;
    bool hasArrival = false;
    bool hasDeparture = false;
    bool hasMeeting = false;
    std::string checkin;
    std::string checkout;
    auto problem = [&](std::size_t column, std::string reason) {
      info.bad = true;
      addProblem(line, column, std::move(reason));
    };

    for (std::size_t i = 0; i < header_.size(); ++i) {
      const std::string_view raw = trimValue(record.fields[i]);
      if (!header_[i].col) {
        if (header_[i].emptyHeader && !raw.empty()) {
          header_[i].emptyWithData = true;
        }
        continue;
      }
      const Col col = *header_[i].col;
      const ColumnSpec& spec = specOf(col);
      const std::size_t column = i + 1;
      if (raw.empty()) {
        if (col == Col::kBookingCode) {
          problem(column, "missing booking code");
        } else if (col == Col::kName) {
          problem(column, "missing name");
        }
        continue;
      }
      const FieldScan scan = scanField(raw, checkUtf8_);
      if (scan.invalidUtf8) {
        problem(column, "invalid UTF-8 in " + std::string(spec.name));
        continue;
      }
      if (scan.control) {
        problem(column, std::string(spec.name) + " contains a control character");
        continue;
      }
      if (scan.chars > spec.maxChars) {
        problem(column, std::string(spec.name) + " is too long (" + std::to_string(scan.chars) +
                            " characters, at most " + std::to_string(spec.maxChars) + ")");
        continue;
      }
      if (scan.newline && spec.kind != Kind::kText) {
        problem(column, std::string(spec.name) + " must be on one line");
        continue;
      }
      std::string value = spec.halfWidth ? halfWidth(raw) : std::string(raw);
      switch (spec.kind) {
        case Kind::kCode:
          if (auto code = normalizeBookingCode(value)) {
            guest.bookingCode = std::move(*code);
          } else {
            problem(column, "invalid booking code " + preview(value) +
                                " (4-32 characters: letters A-Z, digits, '-')");
          }
          continue;
        case Kind::kName:
        case Kind::kText:
        case Kind::kLine:
          break;
        case Kind::kPhone:
          if (std::string why = phoneProblem(spec.name, value); !why.empty()) {
            problem(column, std::move(why));
            continue;
          }
          break;
        case Kind::kEmail:
          if (!looksLikeEmail(value)) {
            problem(column, "email " + preview(value) + " is not an e-mail address");
            continue;
          }
          break;
        case Kind::kDate:
          if (auto date = normalizeDate(value)) {
            value = std::move(*date);
          } else {
            problem(column, "bad " + std::string(spec.name) + " " + preview(value) +
                                " (expected YYYY-MM-DD)");
            continue;
          }
          break;
        case Kind::kTime:
          if (auto t = parseDateTime(value, options_.utcOffsetMinutes)) {
            if (col == Col::kPickupTime) {
              arrival.pickupTime = *t;
            } else if (col == Col::kReturnPickupTime) {
              departure.pickupTime = *t;
            } else {
              meeting.startsAt = *t;
            }
          } else {
            problem(column, "bad " + std::string(spec.name) + " " + preview(value) +
                                " (expected YYYY-MM-DD HH:MM, optionally with an offset "
                                "like +08:00)");
            continue;
          }
          break;
        case Kind::kCategory:
          if (auto category = parseGuestCategory(value)) {
            guest.category = *category;
          } else {
            problem(column, "unknown category " + preview(value) +
                                " (expected vip, government, business, press, staff, other "
                                "or 贵宾, 政府, 商务, 媒体, 工作人员, 其他)");
            continue;
          }
          break;
        case Kind::kLanguage:
          if (auto tag = normalizeLanguage(value)) {
            guest.language = std::move(*tag);
          } else {
            problem(column, "unknown language " + preview(value) +
                                " (expected a tag like zh-CN or en, or a name like 中文)");
            continue;
          }
          break;
        case Kind::kStatus:
          if (auto status = parseStatus(value)) {
            guest.status = *status;
          } else {
            problem(column, "unknown status " + preview(value) +
                                " (expected active, blocked, cancelled or 正常, 暂停, 取消)");
            continue;
          }
          break;
        case Kind::kBool:
          if (auto flag = parseBool(value)) {
            guest.escortRequired = *flag;
          } else {
            problem(column, "bad " + std::string(spec.name) + " " + preview(value) +
                                " (expected yes or no)");
            continue;
          }
          break;
      }
      switch (col) {
        case Col::kName:
          guest.name = std::move(value);
          break;
        case Col::kNameReading:
          guest.nameReading = std::move(value);
          break;
        case Col::kCompany:
          guest.company = std::move(value);
          break;
        case Col::kTitle:
          guest.title = std::move(value);
          break;
        case Col::kPhone:
          guest.phone = std::move(value);
          break;
        case Col::kEmail:
          guest.email = std::move(value);
          break;
        case Col::kDiet:
          guest.needs.diet = std::move(value);
          break;
        case Col::kAllergies:
          guest.needs.allergies = std::move(value);
          break;
        case Col::kAccessibility:
          guest.needs.accessibility = std::move(value);
          break;
        case Col::kHotel:
          guest.lodging.hotel = std::move(value);
          break;
        case Col::kRoom:
          guest.lodging.room = std::move(value);
          break;
        case Col::kFloor:
          guest.lodging.floor = std::move(value);
          break;
        case Col::kCheckinDate:
          checkin = value;
          guest.lodging.checkinDate = std::move(value);
          break;
        case Col::kCheckoutDate:
          checkout = value;
          guest.lodging.checkoutDate = std::move(value);
          break;
        case Col::kDoorCardPickup:
          guest.lodging.doorCardPickup = std::move(value);
          break;
        case Col::kWifi:
          guest.lodging.wifi = std::move(value);
          break;
        case Col::kBreakfast:
          guest.lodging.breakfast = std::move(value);
          break;
        case Col::kVehicle:
          arrival.vehicle = std::move(value);
          hasArrival = true;
          break;
        case Col::kDriver:
          arrival.driver = std::move(value);
          hasArrival = true;
          break;
        case Col::kDriverPhone:
          arrival.driverPhone = std::move(value);
          hasArrival = true;
          break;
        case Col::kPickupTime:
          hasArrival = true;
          break;
        case Col::kPickupPlace:
          arrival.pickupPlace = std::move(value);
          hasArrival = true;
          break;
        case Col::kFlight:
          arrival.flight = std::move(value);
          hasArrival = true;
          break;
        case Col::kReturnVehicle:
          departure.vehicle = std::move(value);
          hasDeparture = true;
          break;
        case Col::kReturnDriver:
          departure.driver = std::move(value);
          hasDeparture = true;
          break;
        case Col::kReturnDriverPhone:
          departure.driverPhone = std::move(value);
          hasDeparture = true;
          break;
        case Col::kReturnPickupTime:
          hasDeparture = true;
          break;
        case Col::kReturnPickupPlace:
          departure.pickupPlace = std::move(value);
          hasDeparture = true;
          break;
        case Col::kReturnFlight:
          departure.flight = std::move(value);
          hasDeparture = true;
          break;
        case Col::kMeeting:
          meeting.name = std::move(value);
          hasMeeting = true;
          break;
        case Col::kMeetingRoom:
          meeting.room = std::move(value);
          hasMeeting = true;
          break;
        case Col::kMeetingTime:
          hasMeeting = true;
          break;
        case Col::kSeat:
          meeting.seat = std::move(value);
          hasMeeting = true;
          break;
        case Col::kHost:
          guest.host = std::move(value);
          break;
        case Col::kHostContact:
          guest.hostContact = std::move(value);
          break;
        case Col::kBookingCode:
        case Col::kCategory:
        case Col::kLanguage:
        case Col::kStatus:
        case Col::kEscortRequired:
        case Col::kCount:
          break;
      }
    }
    if (!checkin.empty() && !checkout.empty() && checkout < checkin) {
      problem(columnIndex_[static_cast<std::size_t>(Col::kCheckoutDate)],
              "checkout_date " + checkout + " is before checkin_date " + checkin);
    }
    if (hasArrival) {
      guest.transport.push_back(std::move(arrival));
    }
    if (hasDeparture) {
      guest.transport.push_back(std::move(departure));
    }
    if (hasMeeting) {
      guest.meetings.push_back(std::move(meeting));
    }
  }

  // Every row using a booking code more than once is bad. Sorting row indexes by code
  // finds them without a hash map of 100,000 strings.
  void markDuplicateCodes() {
    std::vector<Guest>& guests = result_.guests;
    std::vector<std::uint32_t> order;
    order.reserve(guests.size());
    for (std::size_t i = 0; i < guests.size(); ++i) {
      if (!guests[i].bookingCode.empty()) {
        order.push_back(static_cast<std::uint32_t>(i));
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return guests[a].bookingCode < guests[b].bookingCode;
    });
    const std::size_t codeColumn = columnIndex_[static_cast<std::size_t>(Col::kBookingCode)];
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = begin + 1;
      const std::string& code = guests[order[begin]].bookingCode;
      while (end < order.size() && guests[order[end]].bookingCode == code) {
        ++end;
      }
      if (end - begin > 1) {
        // stable_sort kept file order inside the group: order[begin] is the first use.
        RowInfo& first = rows_[order[begin]];
        first.bad = true;
        addProblem(first.line, codeColumn,
                   "booking code " + code + " is used again on line " +
                       std::to_string(rows_[order[begin + 1]].line));
        for (std::size_t k = begin + 1; k < end; ++k) {
          rows_[order[k]].bad = true;
          addProblem(rows_[order[k]].line, codeColumn,
                     "duplicate booking code " + code + " (first on line " +
                         std::to_string(first.line) + ")");
        }
      }
      begin = end;
    }
  }

  GuestCsvResult finish() {
    markDuplicateCodes();
    std::vector<Guest>& guests = result_.guests;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < guests.size(); ++i) {
      if (!rows_[i].bad) {
        if (kept != i) {
          guests[kept] = std::move(guests[i]);
        }
        ++kept;
      }
    }
    result_.badRows = wrongShapeRows_ + (guests.size() - kept);
    guests.erase(guests.begin() + static_cast<std::ptrdiff_t>(kept), guests.end());
    result_.problemsOmitted = problemCount_ - result_.problems.size();
    auto byPosition = [](const CsvProblem& a, const CsvProblem& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    };
    std::stable_sort(result_.problems.begin(), result_.problems.end(), byPosition);
    std::stable_sort(result_.warnings.begin(), result_.warnings.end(), byPosition);
    return std::move(result_);
  }

  std::string_view bytes_;
  const GuestCsvOptions& options_;
  GuestCsvResult result_;
  bool checkUtf8_ = false;
  std::size_t headerLine_ = 0;
  std::vector<HeaderColumn> header_;
  std::array<std::size_t, kColumnCount> columnIndex_{};  // 1-based field index; 0 = absent
  std::vector<RowInfo> rows_;
  std::size_t problemCount_ = 0;
  std::size_t wrongShapeRows_ = 0;
};

}  // namespace

std::string toString(const CsvProblem& problem) {
  if (problem.line == 0) {
    return problem.reason;
  }
  std::string out = std::to_string(problem.line);
  if (problem.column != 0) {
    out += ':';
    out += std::to_string(problem.column);
  }
  out += ": ";
  out += problem.reason;
  return out;
}

GuestCsvResult parseGuestCsv(std::string_view bytes, const GuestCsvOptions& options) {
  try {
    return Parser(bytes, options).run();
  } catch (const std::exception& e) {
    // Only allocation failure can get here; exceptions never cross the core's API.
    GuestCsvResult result;
    result.detectedEncoding = "unknown";
    result.problems.push_back(CsvProblem{0, 0, std::string("cannot read the file: ") + e.what()});
    return result;
  }
}

std::string formatProblems(const GuestCsvResult& result) {
  std::string out;
  for (const CsvProblem& p : result.problems) {
    out += toString(p);
    out += '\n';
  }
  if (result.problemsOmitted > 0) {
    out += "... and " + std::to_string(result.problemsOmitted) + " more problems\n";
  }
  return out;
}

std::vector<std::string_view> guestCsvColumns() {
  std::vector<std::string_view> names;
  names.reserve(kColumns.size());
  for (const ColumnSpec& spec : kColumns) {
    names.push_back(spec.name);
  }
  return names;
}

}  // namespace kiosk
