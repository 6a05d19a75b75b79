#include "kiosk/core/guest_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "kiosk/core/encoding.h"

namespace kiosk {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Converts UTF-8 text to another charset with ICU, as Excel would have saved it.
std::string convertFromUtf8(const std::string& utf8, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  const int32_t length =
      ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                   static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::vector<std::string> problemTexts(const GuestCsvResult& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) {
    out.push_back(toString(p));
  }
  return out;
}

std::vector<std::string> warningTexts(const GuestCsvResult& r) {
  std::vector<std::string> out;
  for (const auto& p : r.warnings) {
    out.push_back(toString(p));
  }
  return out;
}

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos;
       pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string join(const std::vector<std::string_view>& parts, char sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out.push_back(sep);
    }
    out.append(parts[i]);
  }
  return out;
}

TEST(GuestCsv, ProblemToString) {
  EXPECT_EQ(toString(CsvProblem{12, 3, "duplicate booking code ABC-123 (first on line 5)"}),
            "12:3: duplicate booking code ABC-123 (first on line 5)");
  EXPECT_EQ(toString(CsvProblem{1, 0, "missing required column name (姓名)"}),
            "1: missing required column name (姓名)");
  EXPECT_EQ(toString(CsvProblem{0, 0, "the file is too large"}), "the file is too large");
}

TEST(GuestCsv, EveryColumnFillsTheGuest) {
  const std::map<std::string_view, std::string_view> values{
      {"booking_code", "vip-0001"},
      {"name", "Maria García López"},
      {"reading", "Maria Garcia Lopez"},
      {"company", "ACME 有限公司"},
      {"title", "CEO"},
      {"category", "VIP"},
      {"language", "es_es"},
      {"phone", "+34 600 123 456"},
      {"email", "maria@example.com"},
      {"diet", "vegetarian"},
      {"allergies", "peanuts"},
      {"accessibility", "wheelchair"},
      {"hotel", "Grand Hotel"},
      {"room", "1208"},
      {"floor", "12"},
      {"checkin_date", "2026/11/23"},
      {"checkout_date", "2026-11-26"},
      {"door_card_pickup", "Front desk"},
      {"wifi", "GH-Guest / welcome"},
      {"breakfast", "\"06:30-10:00, 2F\""},
      {"vehicle", "Shuttle bus 3"},
      {"driver", "刘师傅"},
      {"driver_phone", "139 0000 1111"},
      {"pickup_time", "2026-11-23 08:30"},
      {"pickup_place", "T2 Gate 5"},
      {"flight", "MU5101"},
      {"return_vehicle", "Sedan 沪A·12345"},
      {"return_driver", "王师傅"},
      {"return_driver_phone", "13700000000"},
      {"return_pickup_time", "2026-11-26T14:00+08:00"},
      {"return_pickup_place", "Hotel lobby"},
      {"return_flight", "G7"},
      {"meeting", "Plenary"},
      {"meeting_room", "Hall A"},
      {"meeting_time", "2026/11/24 9:00"},
      {"seat", "A-12"},
      {"host", "陈经理"},
      {"host_contact", "13600000000"},
      {"status", "blocked"},
      {"escort_required", "是"},
  };
  const auto columns = guestCsvColumns();
  ASSERT_EQ(columns.size(), values.size());
  std::vector<std::string_view> row;
  for (auto c : columns) {
    ASSERT_TRUE(values.count(c)) << c;
    row.push_back(values.at(c));
  }
  const std::string csv = join(columns, ',') + "\n" + join(row, ',') + "\n";
  GuestCsvOptions options;
  options.eventId = 77;
  options.utcOffsetMinutes = 480;
  const auto r = parseGuestCsv(csv, options);
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_THAT(r.warnings, IsEmpty());
  EXPECT_EQ(r.rowsRead, 1u);
  EXPECT_EQ(r.detectedEncoding, "UTF-8");
  ASSERT_EQ(r.guests.size(), 1u);
  const Guest& g = r.guests[0];
  EXPECT_EQ(g.id, 0u);
  EXPECT_EQ(g.eventId, 77u);
  EXPECT_EQ(g.bookingCode, "VIP-0001");
  EXPECT_EQ(g.name, "Maria García López");
  EXPECT_EQ(g.nameReading, "Maria Garcia Lopez");
  EXPECT_EQ(g.company, "ACME 有限公司");
  EXPECT_EQ(g.title, "CEO");
  EXPECT_EQ(g.category, GuestCategory::kVip);
  EXPECT_EQ(g.language, "es-ES");
  EXPECT_EQ(g.phone, "+34 600 123 456");
  EXPECT_EQ(g.email, "maria@example.com");
  EXPECT_EQ(g.needs.diet, "vegetarian");
  EXPECT_EQ(g.needs.allergies, "peanuts");
  EXPECT_EQ(g.needs.accessibility, "wheelchair");
  EXPECT_EQ(g.lodging.hotel, "Grand Hotel");
  EXPECT_EQ(g.lodging.room, "1208");
  EXPECT_EQ(g.lodging.floor, "12");
  EXPECT_EQ(g.lodging.checkinDate, "2026-11-23");
  EXPECT_EQ(g.lodging.checkoutDate, "2026-11-26");
  EXPECT_EQ(g.lodging.doorCardPickup, "Front desk");
  EXPECT_EQ(g.lodging.wifi, "GH-Guest / welcome");
  EXPECT_EQ(g.lodging.breakfast, "06:30-10:00, 2F");
  ASSERT_EQ(g.transport.size(), 2u);
  EXPECT_EQ(g.transport[0].vehicle, "Shuttle bus 3");
  EXPECT_EQ(g.transport[0].driver, "刘师傅");
  EXPECT_EQ(g.transport[0].driverPhone, "139 0000 1111");
  ASSERT_TRUE(g.transport[0].pickupTime);
  EXPECT_EQ(formatIso8601(*g.transport[0].pickupTime), "2026-11-23T00:30:00Z");
  EXPECT_EQ(g.transport[0].pickupPlace, "T2 Gate 5");
  EXPECT_EQ(g.transport[0].flight, "MU5101");
  EXPECT_EQ(g.transport[1].vehicle, "Sedan 沪A·12345");
  EXPECT_EQ(g.transport[1].driver, "王师傅");
  EXPECT_EQ(g.transport[1].driverPhone, "13700000000");
  ASSERT_TRUE(g.transport[1].pickupTime);
  EXPECT_EQ(formatIso8601(*g.transport[1].pickupTime), "2026-11-26T06:00:00Z");
  EXPECT_EQ(g.transport[1].pickupPlace, "Hotel lobby");
  EXPECT_EQ(g.transport[1].flight, "G7");
  ASSERT_EQ(g.meetings.size(), 1u);
  EXPECT_EQ(g.meetings[0].name, "Plenary");
  EXPECT_EQ(g.meetings[0].room, "Hall A");
  ASSERT_TRUE(g.meetings[0].startsAt);
  EXPECT_EQ(formatIso8601(*g.meetings[0].startsAt), "2026-11-24T01:00:00Z");
  EXPECT_EQ(g.meetings[0].seat, "A-12");
  EXPECT_EQ(g.host, "陈经理");
  EXPECT_EQ(g.hostContact, "13600000000");
  EXPECT_EQ(g.status, GuestStatus::kBlocked);
  EXPECT_TRUE(g.escortRequired);
}

TEST(GuestCsv, JapaneseNameWithItsReading) {
  const std::string csv =
      "booking_code,name,フリガナ,language\n"
      "JP-0001,吉野 太郎,よしの たろう,ja\n"
      "JP-0002,佐藤 健一,,ja\n";
  const auto r = parseGuestCsv(csv, {.eventId = 1});
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_THAT(r.warnings, IsEmpty());
  ASSERT_EQ(r.guests.size(), 2u);
  EXPECT_EQ(r.guests[0].nameReading, "よしの たろう");
  EXPECT_EQ(r.guests[0].language, "ja");
  EXPECT_EQ(r.guests[1].nameReading, "");  // optional
  const auto romaji = parseGuestCsv("code,name,Reading\nJP-0003,吉野家,Yoshinoya\n", {});
  ASSERT_TRUE(romaji.ok()) << formatProblems(romaji);
  ASSERT_EQ(romaji.guests.size(), 1u);
  EXPECT_EQ(romaji.guests[0].nameReading, "Yoshinoya");
}

TEST(GuestCsv, ChineseHeaders) {
  const std::string csv =
      "预订码,姓名,单位,职务,嘉宾类别,语言,手机号,电子邮件,饮食要求,过敏原,无障碍需求,酒店,"
      "房号,楼层,入住日期,退房日期,车辆,司机,司机电话,接车时间,上车地点,航班车次,会议,会议室,"
      "座位号,陪同人\n"
      "ZW-2026,张伟,国家会展中心,处长,政府,中文,138 0013 5678,zw@example.cn,清真,花生,轮椅,"
      "国家会展中心洲际酒店,808,8,2026年11月23日,2026-11-25,沪A·12345,李师傅,13911112222,"
      "2026-11-23 07:45,虹桥T2 出口5,MU5101,开幕式,主会场A,A-01,王主任\n";
  const auto r = parseGuestCsv(csv, {.eventId = 1, .utcOffsetMinutes = 480});
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_THAT(r.warnings, IsEmpty());
  ASSERT_EQ(r.guests.size(), 1u);
  const Guest& g = r.guests[0];
  EXPECT_EQ(g.bookingCode, "ZW-2026");
  EXPECT_EQ(g.name, "张伟");
  EXPECT_EQ(g.company, "国家会展中心");
  EXPECT_EQ(g.title, "处长");
  EXPECT_EQ(g.category, GuestCategory::kGovernment);
  EXPECT_EQ(g.language, "zh-CN");
  EXPECT_EQ(g.phone, "138 0013 5678");
  EXPECT_EQ(g.email, "zw@example.cn");
  EXPECT_EQ(g.needs.diet, "清真");
  EXPECT_EQ(g.needs.allergies, "花生");
  EXPECT_EQ(g.needs.accessibility, "轮椅");
  EXPECT_EQ(g.lodging.hotel, "国家会展中心洲际酒店");
  EXPECT_EQ(g.lodging.room, "808");
  EXPECT_EQ(g.lodging.floor, "8");
  EXPECT_EQ(g.lodging.checkinDate, "2026-11-23");
  EXPECT_EQ(g.lodging.checkoutDate, "2026-11-25");
  ASSERT_EQ(g.transport.size(), 1u);
  EXPECT_EQ(g.transport[0].vehicle, "沪A·12345");
  EXPECT_EQ(g.transport[0].driver, "李师傅");
  EXPECT_EQ(g.transport[0].driverPhone, "13911112222");
  EXPECT_EQ(formatIso8601(*g.transport[0].pickupTime), "2026-11-22T23:45:00Z");
  EXPECT_EQ(g.transport[0].pickupPlace, "虹桥T2 出口5");
  EXPECT_EQ(g.transport[0].flight, "MU5101");
  ASSERT_EQ(g.meetings.size(), 1u);
  EXPECT_EQ(g.meetings[0].name, "开幕式");
  EXPECT_EQ(g.meetings[0].room, "主会场A");
  EXPECT_EQ(g.meetings[0].seat, "A-01");
  EXPECT_EQ(g.host, "王主任");
}

TEST(GuestCsv, OtherChineseAliasesAndHeaderSpelling) {
  const std::string csv =
      "编号（必填）,  姓名* ,电话,邮箱,类别,过敏,无障碍,房间,接站时间,接站地点,航班,座位,接待人\n"
      "A-100,李娜,13800000000,ln@example.com,贵宾,海鲜,助听,1001,2026-11-23 10:00,T1,CA1501,B2,"
      "赵秘书\n";
  const auto r = parseGuestCsv(csv);
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  ASSERT_EQ(r.guests.size(), 1u);
  const Guest& g = r.guests[0];
  EXPECT_EQ(g.bookingCode, "A-100");
  EXPECT_EQ(g.category, GuestCategory::kVip);
  EXPECT_EQ(g.needs.allergies, "海鲜");
  EXPECT_EQ(g.needs.accessibility, "助听");
  EXPECT_EQ(g.lodging.room, "1001");
  EXPECT_EQ(g.transport.at(0).pickupPlace, "T1");
  EXPECT_EQ(g.transport.at(0).flight, "CA1501");
  EXPECT_EQ(g.meetings.at(0).seat, "B2");
  EXPECT_EQ(g.host, "赵秘书");

  const auto english = parseGuestCsv(" Booking Code ,NAME,E-Mail,Mobile\nabcd,Tom,t@x.io,123\n");
  ASSERT_TRUE(english.ok()) << formatProblems(english);
  EXPECT_EQ(english.guests.at(0).bookingCode, "ABCD");
  EXPECT_EQ(english.guests.at(0).email, "t@x.io");
  EXPECT_EQ(english.guests.at(0).phone, "123");
}

TEST(GuestCsv, NoTransportOrMeetingWithoutTheirFields) {
  const auto r = parseGuestCsv("booking_code,name,vehicle,seat\nA001,张伟,,\nA002,李娜,Bus 1,\n");
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  ASSERT_EQ(r.guests.size(), 2u);
  EXPECT_THAT(r.guests[0].transport, IsEmpty());
  EXPECT_THAT(r.guests[0].meetings, IsEmpty());
  ASSERT_EQ(r.guests[1].transport.size(), 1u);
  EXPECT_EQ(r.guests[1].transport[0].vehicle, "Bus 1");
  EXPECT_FALSE(r.guests[1].transport[0].pickupTime);
  EXPECT_THAT(r.guests[1].meetings, IsEmpty());
  EXPECT_EQ(r.guests[0].category, GuestCategory::kOther);  // empty category = other
}

TEST(GuestCsv, Utf8WithBom) {
  const auto r = parseGuestCsv(
      "\xef\xbb\xbf"
      "booking_code,name\nA001,Zoë\n");
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.detectedEncoding, "UTF-8 (BOM)");
  ASSERT_EQ(r.guests.size(), 1u);
  EXPECT_EQ(r.guests[0].name, "Zoë");
}

TEST(GuestCsv, Gb18030AsExcelWritesInChina) {
  const std::string utf8 =
      "预订码,姓名,单位,饮食要求\r\n"
      "A001,张伟,国家会展中心,清真\r\n"
      "A002,欧阳娜娜,上海市政府,素食\r\n"
      "A003,李娜,\"媒体, 新华社\",\r\n"
      "A004,王𠮷,龍記公司,\r\n";  // 𠮷 needs a 4-byte GB18030 sequence
  const std::string gb = convertFromUtf8(utf8, "GB18030");
  ASSERT_FALSE(isValidUtf8(gb));
  const auto r = parseGuestCsv(gb);
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.detectedEncoding, "GB18030");
  ASSERT_EQ(r.guests.size(), 4u);
  EXPECT_EQ(r.guests[0].name, "张伟");
  EXPECT_EQ(r.guests[0].needs.diet, "清真");
  EXPECT_EQ(r.guests[1].name, "欧阳娜娜");
  EXPECT_EQ(r.guests[2].company, "媒体, 新华社");
  EXPECT_EQ(r.guests[3].name, "王𠮷");
  EXPECT_EQ(r.guests[3].company, "龍記公司");
}

TEST(GuestCsv, GbkWithFewChineseCharactersIsStillGbk) {
  // Mostly ASCII: one Chinese name whose GBK bytes happen to include a valid UTF-8 pair.
  const std::string utf8 =
      "booking_code,name,company\nA001,Tom Smith,ACME\nA002,张伟,ACME\nA003,Ann Lee,ACME\n";
  const auto r = parseGuestCsv(convertFromUtf8(utf8, "GBK"));
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.detectedEncoding, "GB18030");
  EXPECT_EQ(r.guests.at(1).name, "张伟");
}

TEST(GuestCsv, Cp936WithEuroSign) {
  // Code page 936 (Excel on Chinese Windows) has € at 0x80; GB18030 has no 0x80.
  const std::string bytes = convertFromUtf8("booking_code,name,diet\nA001,张伟,€50 餐标\n", "GBK");
  ASSERT_NE(bytes.find('\x80'), std::string::npos);
  const auto r = parseGuestCsv(bytes);
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.detectedEncoding, "GBK");
  EXPECT_EQ(r.guests.at(0).needs.diet, "€50 餐标");
}

TEST(GuestCsv, Utf16LeWithBomAndTabs) {
  const std::string utf8 = "booking_code\tname\tcompany\r\nA001\t张伟\tACME, Inc\r\n";
  const std::string bytes = "\xff\xfe" + convertFromUtf8(utf8, "UTF-16LE");
  const auto r = parseGuestCsv(bytes);
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.detectedEncoding, "UTF-16LE");
  EXPECT_EQ(r.separator, '\t');
  ASSERT_EQ(r.guests.size(), 1u);
  EXPECT_EQ(r.guests[0].name, "张伟");
  EXPECT_EQ(r.guests[0].company, "ACME, Inc");
}

TEST(GuestCsv, BrokenUtf16IsAFileProblem) {
  std::string bytes = "\xff\xfe" + convertFromUtf8("booking_code,name\nA001,X\n", "UTF-16LE");
  bytes += std::string("\x00\xd8", 2);  // a lone high surrogate at the end, on line 3
  const auto r = parseGuestCsv(bytes);
  EXPECT_EQ(r.detectedEncoding, "unknown");
  EXPECT_THAT(r.guests, IsEmpty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 3u);
  EXPECT_THAT(r.problems[0].reason, HasSubstr("not valid UTF-16"));
}

TEST(GuestCsv, DamagedUtf8IsReportedPerField) {
  std::string csv = "booking_code,name,company\n";
  for (int i = 0; i < 20; ++i) {
    csv += "A" + std::to_string(1000 + i) + ",张伟,国家会展中心\n";
  }
  csv += "B0001,李\xff娜,ACME\n";  // line 22
  const auto r = parseGuestCsv(csv);
  EXPECT_EQ(r.detectedEncoding, "UTF-8");
  EXPECT_THAT(problemTexts(r), ElementsAre("22:2: invalid UTF-8 in name"));
  EXPECT_EQ(r.guests.size(), 20u);
  EXPECT_EQ(r.badRows, 1u);
}

TEST(GuestCsv, UnreadableEncodingIsOneProblemWithItsLine) {
  const auto r = parseGuestCsv("booking_code,name\nA001,ok\nA002,\xff\xfe\xfd\n");
  EXPECT_EQ(r.detectedEncoding, "unknown");
  EXPECT_THAT(r.guests, IsEmpty());
  EXPECT_THAT(problemTexts(r),
              ElementsAre("3: the file is neither UTF-8 nor GB18030/GBK (byte 0xFF cannot be "
                          "read); save it from Excel as \"CSV UTF-8\""));
}

TEST(GuestCsv, QuotedFieldsWithSeparatorsNewlinesAndQuotes) {
  const std::string lf =
      "booking_code,name,allergies,company\n"
      "A001,\"Smith, John\",\"peanuts,\n"
      "shellfish \"\"severe\"\"\",ACME\n"
      "A002,李娜,,\"Foo \"\"Bar\"\" Ltd\"\n"
      ",no code,,\n";
  for (const std::string& csv : {lf, replaceAll(lf, "\n", "\r\n"), replaceAll(lf, "\n", "\r")}) {
    const auto r = parseGuestCsv(csv);
    ASSERT_EQ(r.guests.size(), 2u) << formatProblems(r);
    EXPECT_EQ(r.guests[0].name, "Smith, John");
    EXPECT_EQ(r.guests[0].needs.allergies, "peanuts,\nshellfish \"severe\"");
    EXPECT_EQ(r.guests[0].company, "ACME");
    EXPECT_EQ(r.guests[1].company, "Foo \"Bar\" Ltd");
    // The multi-line record counts as two physical lines.
    EXPECT_THAT(problemTexts(r), ElementsAre("5:1: missing booking code"));
    EXPECT_EQ(r.rowsRead, 3u);
  }
}

TEST(GuestCsv, ProblemInMultiLineRecordIsReportedOnItsFirstLine) {
  const auto r = parseGuestCsv(
      "booking_code,name,diet,category\n"
      "A001,\"张\n伟\",\"素食\n无蛋\",bogus\n");
  EXPECT_THAT(problemTexts(r),
              ElementsAre("2:2: name must be on one line", HasSubstr("2:4: unknown category")));
}

TEST(GuestCsv, BlankLinesEmptyRowsAndTrailingNewlines) {
  const auto r =
      parseGuestCsv("\n\nbooking_code,name\r\n\r\nA001,张伟\r\n,,\r\n  \r\nA002,\r\n\r\n");
  EXPECT_EQ(r.rowsRead, 2u);
  EXPECT_THAT(problemTexts(r), ElementsAre("8:2: missing name"));
  ASSERT_EQ(r.guests.size(), 1u);
  EXPECT_EQ(r.guests[0].bookingCode, "A001");
}

TEST(GuestCsv, EachKindOfBadRowWithItsLineAndColumn) {
  const std::string csv =
      "booking_code,name,category,phone,email,checkin_date,checkout_date,pickup_time\n"
      "A001,张伟,vip,13800135678,zw@example.com,2026-11-23,2026-11-25,2026-11-23 08:30\n"
      ",李娜,,,,,,\n"
      "a b,王芳,,,,,,\n"
      "A004,,,,,,,\n"
      "A005,赵敏,vip,,,2026-02-30,,\n"
      "A006,钱强,,,,2026-11-25,2026-11-23,\n"
      "A007,孙丽,,,,,,tomorrow\n"
      "A008,周杰,guest,,,,,\n"
      "A009,吴霞,,138abcd5678,,,,\n"
      "A010,郑涛,,,not-an-email,,,\n"
      "A011," +
      std::string(201, 'a') +
      ",,,,,,\n"
      "A012,冯超,,,,,\n"
      "A013,陈刚,,,,,,,\n"
      ",,bogus,,,,,\n"
      "A015,Tab\x01name,,,,,,\n"
      "A016,何平,,12,,,,2026-11-23\n";
  const auto r = parseGuestCsv(csv);
  EXPECT_THAT(
      problemTexts(r),
      ElementsAre(
          "3:1: missing booking code",
          "4:1: invalid booking code \"a b\" (4-32 characters: letters A-Z, digits, '-')",
          "5:2: missing name", "6:6: bad checkin_date \"2026-02-30\" (expected YYYY-MM-DD)",
          "7:7: checkout_date 2026-11-23 is before checkin_date 2026-11-25",
          "8:8: bad pickup_time \"tomorrow\" (expected YYYY-MM-DD HH:MM, optionally with an "
          "offset like +08:00)",
          "9:3: unknown category \"guest\" (expected vip, government, business, press, staff, "
          "other or 贵宾, 政府, 商务, 媒体, 工作人员, 其他)",
          "10:4: phone \"138abcd5678\" contains letters",
          "11:5: email \"not-an-email\" is not an e-mail address",
          "12:2: name is too long (201 characters, at most 200)",
          "13:8: wrong number of fields: 7, the header has 8",
          "14:9: wrong number of fields: 9, the header has 8", "15:1: missing booking code",
          "15:2: missing name", HasSubstr("15:3: unknown category \"bogus\""),
          "16:2: name contains a control character", "17:4: phone \"12\" has too few digits",
          "17:8: bad pickup_time \"2026-11-23\" (expected YYYY-MM-DD HH:MM, optionally with an "
          "offset like +08:00)"));
  EXPECT_EQ(r.rowsRead, 16u);
  EXPECT_EQ(r.badRows, 15u);
  ASSERT_EQ(r.guests.size(), 1u);
  EXPECT_EQ(r.guests[0].bookingCode, "A001");
  EXPECT_FALSE(r.ok());
}

TEST(GuestCsv, PhoneMangledByExcelGetsAHint) {
  EXPECT_THAT(problemTexts(parseGuestCsv("booking_code,name,phone\nA001,张伟,1.38001E+10\n")),
              ElementsAre("2:3: phone \"1.38001E+10\" was turned into a number by Excel; format "
                          "the column as text and save again"));
}

TEST(GuestCsv, NameLimitCountsCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 200; ++i) {
    name += "张";
  }
  const auto ok = parseGuestCsv("booking_code,name\nA001," + name + "\n");
  EXPECT_TRUE(ok.ok()) << formatProblems(ok);
  const auto bad = parseGuestCsv("booking_code,name\nA001," + name + "张\n");
  EXPECT_THAT(problemTexts(bad),
              ElementsAre("2:2: name is too long (201 characters, at most 200)"));
}

TEST(GuestCsv, DuplicateBookingCodesMarkEveryRowUsingThem) {
  const auto r = parseGuestCsv(
      "booking_code,name\n"
      "ABC-123,张伟\n"
      "XYZ-999,李娜\n"
      "abc-123 ,王芳\n"
      "ABC-123,赵敏\n");
  EXPECT_THAT(problemTexts(r),
              ElementsAre("2:1: booking code ABC-123 is used again on line 4",
                          "4:1: duplicate booking code ABC-123 (first on line 2)",
                          "5:1: duplicate booking code ABC-123 (first on line 2)"));
  ASSERT_EQ(r.guests.size(), 1u);
  EXPECT_EQ(r.guests[0].bookingCode, "XYZ-999");
  EXPECT_EQ(r.badRows, 3u);
  EXPECT_EQ(r.rowsRead, 4u);
}

TEST(GuestCsv, FullWidthCodesAndPhonesAreFolded) {
  const auto r = parseGuestCsv(
      "booking_code,name,phone,room\nＡＢＣ－１２３,张伟,１３８００１３５６７８,８０８\n");
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.guests.at(0).bookingCode, "ABC-123");
  EXPECT_EQ(r.guests.at(0).phone, "13800135678");
  EXPECT_EQ(r.guests.at(0).lodging.room, "808");
}

TEST(GuestCsv, ValuesAreTrimmedIncludingIdeographicSpace) {
  const auto r =
      parseGuestCsv("booking_code,name,company\n  A001 ,\xe3\x80\x80张伟\xe3\x80\x80, \"ACME\" \n");
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_EQ(r.guests.at(0).name, "张伟");
  EXPECT_EQ(r.guests.at(0).company, "ACME");
}

TEST(GuestCsv, TimesUseTheEventOffsetUnlessTheyCarryOne) {
  const std::string csv =
      "booking_code,name,pickup_time\n"
      "A001,a,2026-11-23 08:30\n"
      "A002,b,2026/11/23 8:30\n"
      "A003,c,2026-11-23T08:30:00+09:00\n"
      "A004,d,2026-11-23T08:30Z\n";
  const auto r = parseGuestCsv(csv, {.utcOffsetMinutes = 480});
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  ASSERT_EQ(r.guests.size(), 4u);
  EXPECT_EQ(formatIso8601(*r.guests[0].transport[0].pickupTime), "2026-11-23T00:30:00Z");
  EXPECT_EQ(formatIso8601(*r.guests[1].transport[0].pickupTime), "2026-11-23T00:30:00Z");
  EXPECT_EQ(formatIso8601(*r.guests[2].transport[0].pickupTime), "2026-11-22T23:30:00Z");
  EXPECT_EQ(formatIso8601(*r.guests[3].transport[0].pickupTime), "2026-11-23T08:30:00Z");
}

TEST(GuestCsv, DatesAsExcelShowsThem) {
  const auto r = parseGuestCsv(
      "booking_code,name,checkin_date,checkout_date\n"
      "A001,a,2026/11/3,2026.11.05\n"
      "A002,b,2026年11月3日,2026-11-3\n"
      "A003,c,11/03/2026,2026-11-05\n");
  ASSERT_EQ(r.guests.size(), 2u);
  EXPECT_EQ(r.guests[0].lodging.checkinDate, "2026-11-03");
  EXPECT_EQ(r.guests[0].lodging.checkoutDate, "2026-11-05");
  EXPECT_EQ(r.guests[1].lodging.checkinDate, "2026-11-03");
  EXPECT_EQ(r.guests[1].lodging.checkoutDate, "2026-11-03");
  EXPECT_THAT(problemTexts(r),
              ElementsAre("4:3: bad checkin_date \"11/03/2026\" (expected YYYY-MM-DD)"));
}

TEST(GuestCsv, StatusEscortAndLanguageValues) {
  const auto r = parseGuestCsv(
      "booking_code,name,status,escort_required,language\n"
      "A001,a,已取消,否,英文\n"
      "A002,b,正常,yes,zh-hans-cn\n"
      "A003,c,,,\n"
      "A004,d,gone,maybe,klingon\n");
  ASSERT_EQ(r.guests.size(), 3u);
  EXPECT_EQ(r.guests[0].status, GuestStatus::kCancelled);
  EXPECT_FALSE(r.guests[0].escortRequired);
  EXPECT_EQ(r.guests[0].language, "en");
  EXPECT_EQ(r.guests[1].status, GuestStatus::kActive);
  EXPECT_TRUE(r.guests[1].escortRequired);
  EXPECT_EQ(r.guests[1].language, "zh-Hans-CN");
  EXPECT_EQ(r.guests[2].status, GuestStatus::kActive);
  EXPECT_EQ(r.guests[2].language, "");
  EXPECT_THAT(problemTexts(r),
              ElementsAre(HasSubstr("5:3: unknown status \"gone\""),
                          "5:4: bad escort_required \"maybe\" (expected yes or no)",
                          HasSubstr("5:5: unknown language \"klingon\"")));
}

TEST(GuestCsv, UnknownColumnsAreWarningsButMisspellingsAreProblems) {
  const auto r = parseGuestCsv(
      "序号,booking_code,name,备注,phnoe,身份证号,,嘉宾手机,\n"
      "1,A001,张伟,VIP客人,138,110101199001011234,,13800000000,\n"
      "2,A002,李娜,,,,,,x\n");
  EXPECT_THAT(problemTexts(r), ElementsAre("1:5: unknown column \"phnoe\" (did you mean phone?)"));
  EXPECT_THAT(
      warningTexts(r),
      ElementsAre("1:1: unknown column \"序号\" ignored", "1:4: unknown column \"备注\" ignored",
                  "1:6: unknown column \"身份证号\" ignored",
                  "1:8: unknown column \"嘉宾手机\" ignored (to import it as phone, name "
                  "the column 手机)",
                  "1:9: column 9 has values but no header; ignored"));
  // Header problems are about the file: the rows themselves are fine.
  EXPECT_EQ(r.guests.size(), 2u);
  EXPECT_EQ(r.badRows, 0u);
  EXPECT_FALSE(r.ok());
}

TEST(GuestCsv, RepeatedColumnIsAProblem) {
  const auto r = parseGuestCsv("booking_code,name,电话,手机\nA001,张伟,010-1234567,13800000000\n");
  EXPECT_THAT(problemTexts(r),
              ElementsAre("1:4: column \"手机\" repeats phone (already column 3)"));
  ASSERT_EQ(r.guests.size(), 1u);
  EXPECT_EQ(r.guests[0].phone, "010-1234567");
}

TEST(GuestCsv, MissingRequiredColumns) {
  const auto r = parseGuestCsv("name,phone\n张伟,13800000000\n");
  EXPECT_THAT(problemTexts(r), ElementsAre("1: missing required column booking_code (预订码)"));
  EXPECT_THAT(r.guests, IsEmpty());
  const auto both = parseGuestCsv("phone,email\n1,2\n");
  EXPECT_EQ(both.problems.size(), 2u);
}

TEST(GuestCsv, TitleRowAboveTheHeaderIsSkipped) {
  const auto r =
      parseGuestCsv("2026年会嘉宾名单,,\nbooking_code,name,phone\nA001,张伟,13800000000\n");
  ASSERT_TRUE(r.ok()) << formatProblems(r);
  EXPECT_THAT(warningTexts(r), ElementsAre("1: skipped title line \"2026年会嘉宾名单\""));
  ASSERT_EQ(r.guests.size(), 1u);
}

TEST(GuestCsv, EmptyFileAndHeaderOnly) {
  for (std::string_view empty : {"", "\n\n", "  \r\n\t\r\n", "\xef\xbb\xbf"}) {
    const auto r = parseGuestCsv(empty);
    EXPECT_THAT(problemTexts(r),
                ElementsAre("1: the file is empty: expected a header line naming the columns"));
    EXPECT_THAT(r.guests, IsEmpty());
  }
  const auto headerOnly = parseGuestCsv("booking_code,name,phone\n");
  EXPECT_TRUE(headerOnly.ok());
  EXPECT_THAT(headerOnly.guests, IsEmpty());
  EXPECT_EQ(headerOnly.rowsRead, 0u);
  const auto noNewline = parseGuestCsv("booking_code,name");
  EXPECT_TRUE(noNewline.ok());
}

TEST(GuestCsv, UnterminatedQuote) {
  const auto r =
      parseGuestCsv("booking_code,name,company\nA001,张伟,ACME\nA002,李娜,\"never\nclosed\n");
  EXPECT_THAT(problemTexts(r),
              ElementsAre("3:3: unterminated quoted field (the quote opened on line 3 is never "
                          "closed)"));
  ASSERT_EQ(r.guests.size(), 1u);
}

TEST(GuestCsv, SemicolonTabAndSepLine) {
  const auto semi = parseGuestCsv("booking_code;name;company\nA001;Smith, John;\"ACME; Inc\"\n");
  ASSERT_TRUE(semi.ok()) << formatProblems(semi);
  EXPECT_EQ(semi.separator, ';');
  EXPECT_EQ(semi.guests.at(0).name, "Smith, John");
  EXPECT_EQ(semi.guests.at(0).company, "ACME; Inc");

  const auto tab = parseGuestCsv("booking_code\tname\nA001\t张伟\n");
  ASSERT_TRUE(tab.ok()) << formatProblems(tab);
  EXPECT_EQ(tab.separator, '\t');
  EXPECT_EQ(tab.guests.at(0).name, "张伟");

  const auto sep = parseGuestCsv("sep=;\r\nbooking_code;name\r\nA001;a,b\r\n;x\r\n");
  EXPECT_EQ(sep.separator, ';');
  ASSERT_EQ(sep.guests.size(), 1u);
  EXPECT_EQ(sep.guests[0].name, "a,b");
  EXPECT_THAT(problemTexts(sep), ElementsAre("4:1: missing booking code"));
}

TEST(GuestCsv, ProblemsAreCapped) {
  std::string csv = "booking_code,name\n";
  for (int i = 0; i < 1500; ++i) {
    csv += "C" + std::to_string(10000 + i) + ",\n";
  }
  const auto r = parseGuestCsv(csv);
  EXPECT_EQ(r.problems.size(), 1000u);
  EXPECT_EQ(r.problemsOmitted, 500u);
  EXPECT_EQ(r.badRows, 1500u);
  EXPECT_EQ(toString(r.problems.front()), "2:2: missing name");
  const std::string text = formatProblems(r);
  EXPECT_THAT(text, HasSubstr("1001:2: missing name\n... and 500 more problems\n"));
}

TEST(GuestCsv, ProblemMessagesDoNotCarryControlCharacters) {
  // C0 controls are rejected without echoing the value; C1 controls (U+009B is CSI on
  // some terminals) and bidi overrides are replaced where a value is quoted.
  const auto r = parseGuestCsv(
      "booking_code,name\n\x1b[31mEVIL,x\n\xc2\x9b"
      "31mEVIL,y\n\xe2\x80\xae"
      "LIVE,z\n");
  EXPECT_THAT(problemTexts(r), ElementsAre("2:1: booking_code contains a control character",
                                           HasSubstr("3:1: invalid booking code \"?31mEVIL\""),
                                           HasSubstr("4:1: invalid booking code \"?LIVE\"")));
  for (const auto& p : r.problems) {
    EXPECT_EQ(p.reason.find('\x1b'), std::string::npos);
    EXPECT_EQ(p.reason.find("\xc2\x9b"), std::string::npos);
  }
}

TEST(GuestCsv, HostileShapesAreHandledInLinearTime) {
  std::string wide = "booking_code,name";
  for (int i = 0; i < 5000; ++i) {
    wide += ",c" + std::to_string(i);
  }
  EXPECT_THAT(problemTexts(parseGuestCsv(wide + "\nA001,x\n")),
              ElementsAre("1: the header has 5002 columns; a guest list may have at most 1024"));

  const auto longCell =
      parseGuestCsv("booking_code,name," + std::string(100'000, '*') + "\nA001,x,y\n");
  EXPECT_EQ(longCell.guests.size(), 1u);
  EXPECT_EQ(longCell.warnings.size(), 1u);

  std::string manyUnknown = "booking_code,name";
  std::string row = "A001,x";
  for (int i = 0; i < 1000; ++i) {
    manyUnknown += ",notes" + std::to_string(i);
    row += ",v";
  }
  const auto unknown = parseGuestCsv(manyUnknown + "\n" + row + "\n");
  EXPECT_EQ(unknown.guests.size(), 1u);
  EXPECT_EQ(unknown.warnings.size(), 1000u);

  EXPECT_THAT(problemTexts(parseGuestCsv(std::string(1'000'000, '\n'))),
              ElementsAre("1: the file is empty: expected a header line naming the columns"));

  std::string longRow = "booking_code,name\n";
  for (int i = 0; i < 100'000; ++i) {
    longRow += "x,";
  }
  EXPECT_THAT(problemTexts(parseGuestCsv(longRow)),
              ElementsAre("2:3: wrong number of fields: 100001, the header has 2"));
}

// Checks what must hold for any input.
void expectConsistent(const GuestCsvResult& r, std::string_view input) {
  std::size_t lines = 1;
  for (char c : input) {
    lines += c == '\n' || c == '\r' ? 1 : 0;
  }
  for (const auto& p : r.problems) {
    EXPECT_LE(p.line, lines);
    EXPECT_FALSE(p.reason.empty());
  }
  if (r.detectedEncoding != "unknown") {
    EXPECT_EQ(r.guests.size() + r.badRows, r.rowsRead);
  }
  // Rows were read, so each is either a guest or has a problem.
  EXPECT_FALSE(r.rowsRead > 0 && r.guests.empty() && r.problems.empty());
  for (const auto& g : r.guests) {
    EXPECT_EQ(normalizeBookingCode(g.bookingCode).value_or(""), g.bookingCode);
    EXPECT_FALSE(g.name.empty());
    EXPECT_TRUE(isValidUtf8(g.name));
  }
}

TEST(GuestCsv, RandomBytesNeverCrash) {
  for (unsigned seed = 1; seed <= 32; ++seed) {
    std::mt19937 rng(seed);
    std::string bytes(4096, '\0');
    for (char& c : bytes) {
      c = static_cast<char>(rng() & 0xff);
    }
    const auto r = parseGuestCsv(bytes);
    EXPECT_FALSE(r.ok()) << seed;
    EXPECT_THAT(r.guests, IsEmpty());
    expectConsistent(r, bytes);
  }
}

TEST(GuestCsv, RandomCsvLikeInputKeepsItsInvariants) {
  // Bytes drawn from what CSV parsers trip over, after a valid header, so that the row
  // code (not just the decoder) sees the noise.
  static constexpr std::string_view kAlphabet[] = {
      ",",  ",",          "\"",   "\"\"", "\n", "\r\n",         "\r",   " ",    "A",    "b",
      "0",  "7",          "-",    "张",   "伟", "\xe3\x80\x80", "ＡＢ", "\xff", "\x01", ";",
      "\t", "2026-11-23", "A001", "@",    "."};
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    std::string csv = "booking_code,name,phone,email,checkin_date,pickup_time,category\n";
    while (csv.size() < 4096) {
      csv += kAlphabet[rng() % std::size(kAlphabet)];
    }
    const auto r = parseGuestCsv(csv);
    expectConsistent(r, csv);
  }
}

TEST(GuestCsv, MutatedValidFileKeepsItsInvariants) {
  const std::string valid =
      "booking_code,name,company,phone,pickup_time,allergies\n"
      "A001,张伟,\"ACME, Inc\",13800135678,2026-11-23 08:30,\"peanuts\nshellfish\"\n"
      "A002,María López,ACME,+34 600 000 000,2026-11-23T09:30+01:00,\n";
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    std::string csv = valid;
    for (int k = 0; k < 3; ++k) {
      csv[rng() % csv.size()] = static_cast<char>(rng() & 0xff);
    }
    expectConsistent(parseGuestCsv(csv), csv);
  }
}

}  // namespace
}  // namespace kiosk
