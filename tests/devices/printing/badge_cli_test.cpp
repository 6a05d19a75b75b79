// kioskctl badge end to end: the real binary on a real event database, the badge PDF read
// back with poppler-utils, the QR code on the PNG preview read back with kioskctl decode,
// and printing through the PDF-folder printer and a private cupsd.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "private_cupsd.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using kiosk::testing::CommandResult;
using kiosk::testing::runCommand;
using nlohmann::json;

const std::string kCtl = std::string(KIOSK_BINARY_DIR) + "/kioskctl";
constexpr double kPointsPerMm = 72.0 / 25.4;

class KioskctlBadge : public ::testing::Test {
 protected:
  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), kCtl);
    return runCommand(args, dir.path());
  }

  json ctlJson(std::vector<std::string> args, int expectedStatus = 0) {
    auto r = ctl(std::move(args));
    EXPECT_EQ(r.status, expectedStatus) << r.err;
    const auto lines = r.lines();
    EXPECT_FALSE(lines.empty()) << r.out << r.err;
    return lines.empty() ? json() : json::parse(lines.back());
  }

  void SetUp() override {
    if (!fs::exists(kCtl)) {
      GTEST_SKIP() << "kioskctl is not built in " << KIOSK_BINARY_DIR;
    }
    db = dir.file("event.db");
    ctlJson({"event", "create", "--db", db, "--name", "2026 Global Logistics Summit", "--starts",
             "2026-11-23T09:00", "--ends", "2026-11-25T18:00"});
    std::ofstream(dir.file("guests.csv"))
        << "booking_code,name,company,title,category,meeting,meeting_room,seat\n"
           "ZOE-0001,Zoë 🚀 Müller,Harbour Logistics GmbH,Head of Operations,press,Plenary,"
           "Hall A,12-08\n"
           "RARE-0002,王㛃,上海港务局,副局长,vip,Plenary,Hall A,1-01\n"
           "LONG-0003,Anna-Katharina Maximiliane Elisabetha von "
           "Hohenzollern-Sigmaringen-Liechtenstein,ACME,,business,,,\n";
    ASSERT_EQ(ctlJson({"guests", "import", "--db", db, dir.file("guests.csv")})["imported"], 3);
  }

  kiosk::testing::TempDir dir;
  std::string db;
};

TEST_F(KioskctlBadge, RendersEverySizeFromTheDatabase) {
  const struct {
    const char* size;
    double w, h;
  } sizes[] = {{"cr80", 85.60, 53.98}, {"4x3", 101.6, 76.2}, {"62mm", 62, 100}, {"a6", 105, 148}};
  for (const auto& s : sizes) {
    for (const char* code : {"ZOE-0001", "RARE-0002", "LONG-0003"}) {
      const std::string pdf = dir.file(std::string(code) + "-" + s.size + ".pdf");
      const auto out =
          ctlJson({"badge", "--db", db, "--booking-code", code, "--size", s.size, "--out", pdf});
      EXPECT_EQ(out["missing_glyphs"], 0) << code << " " << s.size;
      EXPECT_EQ(out["name_ellipsized"], false) << code << " " << s.size;
      const auto info = kiosk::testing::pdfInfo(pdf);
      ASSERT_TRUE(info) << "pdfinfo (poppler-utils) missing";
      EXPECT_EQ(info->pages, 1);
      EXPECT_NEAR(info->widthPt, s.w * kPointsPerMm, 0.01) << s.size;
      EXPECT_NEAR(info->heightPt, s.h * kPointsPerMm, 0.01) << s.size;
    }
  }
  const auto text = kiosk::testing::pdfText(dir.file("RARE-0002-cr80.pdf"));
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("王㛃"), std::string::npos) << *text;
}

TEST_F(KioskctlBadge, QrCodeOnTheBadgeIsTheGuestCodeOfTheInvitation) {
  ASSERT_EQ(ctlJson({"codes", "issue", "--db", db, "--out", dir.file("codes")})["issued"], 3);
  std::ifstream csv(dir.file("codes/codes.csv"));
  std::string payload;
  for (std::string line; std::getline(csv, line);) {
    if (line.rfind("ZOE-0001,", 0) == 0) {
      payload = line.substr(9);
      if (!payload.empty() && payload.back() == '\r') {
        payload.pop_back();
      }
    }
  }
  ASSERT_FALSE(payload.empty());
  const auto out =
      ctlJson({"badge", "--db", db, "--booking-code", "zoe-0001", "--size", "4x3", "--out",
               dir.file("b.pdf"), "--png", dir.file("b.png"), "--dpi", "200"});
  EXPECT_EQ(out["qr"], "guest-code");
  const auto decoded = ctlJson({"decode", dir.file("b.png")});
  EXPECT_EQ(decoded["text"], payload);
}

TEST_F(KioskctlBadge, BadInputIsRefused) {
  EXPECT_EQ(
      ctl({"badge", "--db", db, "--booking-code", "NOPE-0009", "--out", dir.file("x.pdf")}).status,
      2);
  EXPECT_EQ(ctl({"badge", "--db", db, "--booking-code", "ZOE-0001", "--size", "a4", "--out",
                 dir.file("x.pdf")})
                .status,
            2);
  EXPECT_FALSE(fs::exists(dir.file("x.pdf")));
}

// The words on a badge are the terminal's, in the guest's roster language: a Chinese
// guest's badge says 房间 and 座位, not "Room" and "Seat"; a room that already says
// what it is ("Room 3") is not labelled twice in any language.
TEST_F(KioskctlBadge, WordsAreInTheGuestsLanguage) {
  std::ofstream(dir.file("more.csv"))
      << "booking_code,name,company,title,category,meeting,meeting_room,seat,language\n"
         "LINA-0004,李娜,中国国际航空,经理,vip,全体会议,3,A-12,zh-CN\n"
         "KIM-0005,김민준,Hanjin,Manager,business,Plenary,Hall B,B-07,ko-KR\n"
         "TOM-0006,Tom Baker,ACME,,business,Plenary,Room 3,C-01,en-GB\n"
         "WANG-0007,王伟,上海港务局,,vip,全体会议,Room 3,D-02,zh\n";
  ASSERT_EQ(ctlJson({"guests", "import", "--db", db, dir.file("more.csv")})["imported"], 4);
  const auto badgeText = [&](const std::string& code, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"badge",  "--db", db,      "--booking-code",       code,
                                  "--size", "a6",   "--out", dir.file(code + ".pdf")};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto out = ctlJson(args);
    auto text = kiosk::testing::pdfText(dir.file(code + ".pdf"));
    EXPECT_TRUE(text) << "pdftotext (poppler-utils) missing";
    return std::pair{out, text.value_or("")};
  };

  const auto [lina, linaText] = badgeText("LINA-0004");
  EXPECT_EQ(lina["language"], "zh-CN");
  EXPECT_EQ(lina["missing_glyphs"], 0);
  EXPECT_NE(linaText.find("房间"), std::string::npos) << linaText;
  EXPECT_NE(linaText.find("座位"), std::string::npos) << linaText;
  EXPECT_NE(linaText.find("贵宾"), std::string::npos) << linaText;
  for (const char* english : {"Room", "Seat", "VIP"}) {
    EXPECT_EQ(linaText.find(english), std::string::npos) << english << " in:\n" << linaText;
  }

  const auto [kim, kimText] = badgeText("KIM-0005");
  EXPECT_EQ(kim["language"], "ko");
  EXPECT_NE(kimText.find("회의실"), std::string::npos) << kimText;
  EXPECT_EQ(kimText.find("Room"), std::string::npos) << kimText;

  // "Room 3" keeps its own word: neither "Room Room 3" nor "房间 Room 3".
  const auto [tom, tomText] = badgeText("TOM-0006");
  EXPECT_EQ(tom["language"], "en");
  EXPECT_NE(tomText.find("Room 3"), std::string::npos) << tomText;
  EXPECT_EQ(tomText.find("Room Room"), std::string::npos) << tomText;
  const auto [wang, wangText] = badgeText("WANG-0007");
  EXPECT_EQ(wang["language"], "zh-CN");
  EXPECT_NE(wangText.find("Room 3"), std::string::npos) << wangText;
  EXPECT_EQ(wangText.find("房间"), std::string::npos) << wangText;
  EXPECT_NE(wangText.find("座位"), std::string::npos) << wangText;

  // --language overrides the roster; a language without a catalog is refused.
  const auto [english, englishText] = badgeText("LINA-0004", {"--language", "en"});
  EXPECT_EQ(english["language"], "en");
  EXPECT_NE(englishText.find("Room"), std::string::npos) << englishText;
  EXPECT_EQ(englishText.find("房间"), std::string::npos) << englishText;
  EXPECT_EQ(ctl({"badge", "--db", db, "--booking-code", "LINA-0004", "--language", "es", "--out",
                 dir.file("es.pdf")})
                .status,
            2);
  EXPECT_FALSE(fs::exists(dir.file("es.pdf")));
}

TEST_F(KioskctlBadge, PrintsToAFolderAndToACupsQueue) {
  const auto folder = ctlJson({"badge", "--db", db, "--booking-code", "ZOE-0001", "--out",
                               dir.file("f.pdf"), "--print", "pdf:" + dir.file("printed")});
  EXPECT_EQ(folder["print"]["state"], "completed");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.file("printed")), fs::directory_iterator()),
            1);

  if (auto reason = kiosk::testing::PrivateCupsd::unavailableReason()) {
    GTEST_SKIP() << "CUPS part skipped: " << *reason;
  }
  std::string error;
  auto cupsd = kiosk::testing::PrivateCupsd::start(error);
  ASSERT_NE(cupsd, nullptr) << error;
  ASSERT_EQ(cupsd->addQueue("lobby", "capture"), "");
  const auto printed =
      ctlJson({"badge", "--db", db, "--booking-code", "RARE-0002", "--size", "a6", "--out",
               dir.file("p.pdf"), "--print", "lobby", "--cups-server", cupsd->server()});
  EXPECT_EQ(printed["print"]["state"], "completed") << printed.dump();
  EXPECT_EQ(printed["print"]["media"], "iso_a6_105x148mm");
  ASSERT_EQ(cupsd->captured("lobby").size(), 1u);

  ASSERT_EQ(cupsd->addQueue("empty", "nomedia"), "");
  const auto waiting =
      ctlJson({"badge", "--db", db, "--booking-code", "RARE-0002", "--out", dir.file("q.pdf"),
               "--print", "empty", "--cups-server", cupsd->socketPath()},
              1);
  EXPECT_EQ(waiting["print"]["state"], "waiting-for-printer") << waiting.dump();
  EXPECT_EQ(waiting["print"]["printer_state"], "out-of-media") << waiting.dump();
}

}  // namespace
