// Guest lists as organisers keep them: a CSV file saved from Excel or WPS, read into
// Guest values plus a list of everything wrong with the file.
//
// parseGuestCsv() is a pure function (bytes in, guests and problems out) over untrusted
// input: it never throws, never crashes and runs in time linear in the input on any bytes.
// Callable from any thread; the only shared state is ICU's converter cache (thread-safe).
//
// Columns. The header row names the columns in any order and any subset, but
// booking_code and name must be there. Names are matched case-insensitively with
// surrounding spaces trimmed; ' ', '-' and '_' are interchangeable ("Booking Code"), a
// trailing "*" or "(必填)" marker is ignored, and Chinese aliases are accepted:
//   booking_code 预订码 预约码 编号 预订号 邀请码 确认码 | name 姓名 名字 嘉宾姓名
//   reading furigana kana romaji フリガナ ふりがな 読み 读音 (how the name is read: kana or
//     romaji for a Japanese name in kanji, 吉野 太郎 -> よしの たろう; searched, never shown)
//   company 单位 公司 工作单位 | title 职务 职位 职称 | category 类别 嘉宾类别 类型
//   language 语言 语种 | phone 电话 手机 手机号 手机号码 联系电话 | email 邮箱 电子邮件
//   diet 饮食 饮食要求 忌口 | allergies 过敏 过敏原 | accessibility 无障碍 无障碍需求
//   hotel 酒店 入住酒店 | room 房间 房号 房间号 | floor 楼层
//   checkin_date 入住日期 | checkout_date 退房日期 离店日期
//   door_card_pickup 房卡领取 | wifi 无线网络 | breakfast 早餐
//   vehicle 车辆 车牌号 | driver 司机 | driver_phone 司机电话 | pickup_time 接站时间 接车时间
//   pickup_place 接站地点 上车地点 | flight 航班 车次 航班车次 航班号
//   return_vehicle 送站车辆 | return_driver 送站司机 | return_driver_phone 送站司机电话
//   return_pickup_time 送站时间 | return_pickup_place 送站地点 | return_flight 返程航班 返程车次
//   meeting 会议 会议名称 | meeting_room 会议室 会场 | meeting_time 会议时间 | seat 座位 座位号
//   host 接待人 陪同人 联络人 | host_contact 接待人电话 陪同人电话 | status 状态
//   escort_required 需陪同 需要陪同
// (guestCsvColumns() lists the canonical names; the .cpp has every alias.) The return_*
// columns are the departure drop-off (送站), the usual second transport leg.
//
// Unknown columns are WARNINGS, not problems, and their values are ignored: organisers'
// sheets routinely carry columns the kiosk has no use for (序号, 备注, 性别, 身份证号), and
// making them delete columns before every import helps nobody; not storing an ID-card
// column is what we want anyway. A header that looks like a misspelt column name
// ("emial", "phnoe": edit distance 1-2 from a known name) IS a problem, because its data
// was clearly meant to be imported. A repeated column is a problem too. A column with an
// empty header is ignored silently while empty and warned about once if it has values.
// Up to five title rows above the header (a single non-empty cell, like "2026年会嘉宾名单")
// are skipped with a warning.
//
// Encodings: UTF-8 BOM -> UTF-8; UTF-16LE/BE BOM -> UTF-16 (Excel "Unicode text");
// valid UTF-8 -> UTF-8; mostly valid UTF-8 with a few broken sequences -> UTF-8 with an
// "invalid UTF-8" problem on each affected field; otherwise GB18030 (a superset of GBK, what
// Excel writes in China) through ICU, or code page 936 ("GBK": Excel on Chinese Windows,
// which puts the euro sign at 0x80 where GB18030 has nothing; accepted only when no byte
// decodes to a private-use character, as unassigned bytes do there); if that fails too,
// one problem naming the line of the first unreadable byte and nothing else is parsed.
//
// Dialect: RFC 4180 (quoted fields, "" escapes, separators and line breaks inside quotes),
// LF, CRLF or CR line ends; blank lines and rows of empty cells (",,,,") are skipped. The
// separator is ',', ';' or tab, whichever the first non-blank line uses most (comma wins
// ties); an Excel "sep=;" first line is honoured. Like Excel, text after a closing quote
// is kept (`"a"b` is `ab`) and a quote inside an unquoted field is literal. Values are
// trimmed of spaces (including U+3000 and NBSP). Line breaks inside quoted values become
// "\n".
//
// Values. Booking codes are normalized (kiosk::normalizeBookingCode) and full-width
// characters (ＡＢＣ１２３) are folded to ASCII in codes, phones, e-mails, dates, times,
// rooms, floors, seats and flights. Dates are YYYY-MM-DD, also as Excel shows them in
// China (2026/11/3, 2026.11.3, 2026年11月3日); times are ISO 8601 date-times or
// "YYYY-MM-DD HH:MM" (also "2026/11/3 9:30") read in options.utcOffsetMinutes when they
// carry no offset. category: kiosk::parseGuestCategory, empty = other. status:
// kiosk::parseGuestStatus or 正常/有效, 暂停/待核实 (blocked), 取消/已取消. escort_required:
// yes/no, true/false, 1/0, y/n, 是/否, 需要/不需要, empty = no. language: a BCP 47 tag
// ("zh-CN", "en"; "zh_CN" is accepted) or a common Chinese or English language name (中文,
// 英文, English, 日语, ...), stored as a tag. Length limits are in characters (code points):
// 200 for names and most text, 500 for diet/allergies/accessibility, 32 for phones, rooms,
// floors, seats and flights, 254 for e-mails.
//
// Result. guests holds the GOOD rows only, in file order; a row with any problem is left
// out entirely (all of its problems are listed). For a duplicate booking code EVERY row
// using it is bad: the kiosk cannot know which guest owns the code. Problems on the header
// line are about the file, not a row: when a required column is missing no row is read;
// otherwise the rows are still parsed without the faulty column. So an import without
// --skip-bad writes only when ok(); with --skip-bad it writes `guests` and reports
// `problems`. Guests have id 0 (the caller assigns ids) and options.eventId. Rows with the
// wrong number of fields or an unterminated quote are not validated further (their
// columns are probably shifted) and take no part in the duplicate check.
//
// Limits, so that hostile input stays cheap: at most 256 MB and 1024 columns (a file-level
// problem beyond); problems and warnings are listed up to options.maxProblems, the rest
// counted in problemsOmitted. A phone Excel turned into "1.38001E+10" gets a hint.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"

namespace kiosk {

struct CsvProblem {
  std::size_t line = 0;    // 1-based physical line (a record's first line); 0 = the whole file
  std::size_t column = 0;  // 1-based field index; 0 = the whole line
  std::string reason;
  bool operator==(const CsvProblem&) const = default;
};

// "12:3: duplicate booking code ABC-123 (first on line 5)"; "1: reason" without a column;
// "reason" without a line. Values quoted in reasons are cut to 40 characters and control
// characters replaced, so the text is safe to print on a terminal.
std::string toString(const CsvProblem& problem);

struct GuestCsvOptions {
  EventId eventId = 0;  // copied into every guest
  // Minutes east of UTC for times written without an offset. Pass the event's offset
  // (480 for Asia/Shanghai); the default 0 reads them as UTC.
  int utcOffsetMinutes = 0;
  // At most this many problems (and as many warnings) are listed; the rest are counted.
  std::size_t maxProblems = 1000;
};

struct GuestCsvResult {
  std::vector<Guest> guests;         // good rows only, in file order, id = 0
  std::vector<CsvProblem> problems;  // sorted by line, then column
  std::vector<CsvProblem> warnings;  // ignored columns, skipped title rows; never block
  std::size_t rowsRead = 0;          // data rows after the header (blank rows not counted)
  std::size_t badRows = 0;           // rows left out of guests
  std::size_t problemsOmitted = 0;   // problems beyond options.maxProblems
  std::string detectedEncoding;      // "UTF-8", "UTF-8 (BOM)", "GB18030", "GBK",
                                     // "UTF-16LE", "UTF-16BE"; "unknown" when unreadable
  char separator = ',';

  bool ok() const { return problems.empty() && problemsOmitted == 0; }
};

// The one entry point: any bytes in, never throws.
GuestCsvResult parseGuestCsv(std::string_view bytes, const GuestCsvOptions& options = {});

// All problems, one per line, then "... and N more problems" when some were omitted.
std::string formatProblems(const GuestCsvResult& result);

// A language cell as the CSV reads it: a BCP 47 tag in its usual spelling ("zh_cn" ->
// "zh-CN") or a common Chinese or English language name ("中文" -> "zh-CN");
// nullopt when it is neither. Staff records take their language the same way.
std::optional<std::string> normalizeLanguage(std::string_view value);

// Canonical column names in the documented order (booking_code, name, ...): for help
// texts, templates and exports.
std::vector<std::string_view> guestCsvColumns();

}  // namespace kiosk
