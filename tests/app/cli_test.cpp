// kioskctl end to end: the real binary, a real database file, real QR images through the
// real decoder.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace {

using kiosk::testing::CommandResult;
using kiosk::testing::runCommand;
using nlohmann::json;

const std::string kCtl = std::string(KIOSK_BINARY_DIR) + "/kioskctl";

class KioskctlTest : public ::testing::Test {
 protected:
  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), kCtl);
    return runCommand(args, dir.path());
  }

  json ctlJson(std::vector<std::string> args, int expectedStatus = 0) {
    auto r = ctl(std::move(args));
    EXPECT_EQ(r.status, expectedStatus) << r.err;
    const auto lines = r.lines();
    EXPECT_EQ(lines.size(), 1u) << r.out;
    return lines.empty() ? json() : json::parse(lines.back());
  }

  void SetUp() override {
    db = dir.file("event.db");
    ctlJson({"event", "create", "--db", db, "--name", "Test Forum", "--starts",
             "2020-01-01T08:00+08:00", "--ends", "2099-01-01T18:00+08:00"});
    std::ofstream(dir.file("guests.csv"))
        << "booking_code,name,company,category,phone,host\n"
           "ABCD-0001,张伟,Acme,vip,13812345678,Chen Jing\n"
           "ABCD-0002,María García,Ajuntament,government,+34600123456,\n"
           "ABCD-0003,Tom Nguyen,Reuters,press,+85291234567,\n";
    const auto imported = ctlJson({"guests", "import", "--db", db, dir.file("guests.csv")});
    ASSERT_EQ(imported["imported"], 3);
    const auto issued = ctlJson({"codes", "issue", "--db", db, "--out", dir.file("codes")});
    ASSERT_EQ(issued["issued"], 3);
    ASSERT_TRUE(std::filesystem::exists(dir.file("codes/invitations.pdf")));
  }

  std::string payloadOf(const std::string& bookingCode) {
    std::ifstream csv(dir.file("codes/codes.csv"));
    for (std::string line; std::getline(csv, line);) {
      if (line.rfind(bookingCode + ",", 0) == 0) {
        auto payload = line.substr(bookingCode.size() + 1);
        if (!payload.empty() && payload.back() == '\r') {
          payload.pop_back();
        }
        return payload;
      }
    }
    return {};
  }

  kiosk::testing::TempDir dir;
  std::string db;
};

TEST_F(KioskctlTest, FullPathFromTheShell) {
  const auto png = dir.file("codes/ABCD-0001.png");
  const auto accepted = ctlJson({"checkin", "--db", db, "--image", png, "--terminal", "lobby-1"});
  EXPECT_EQ(accepted["outcome"], "accepted");
  EXPECT_EQ(accepted["booking_code"], "ABCD-0001");
  EXPECT_EQ(accepted["method"], "qr_code");

  const auto again = ctlJson({"checkin", "--db", db, "--image", png, "--terminal", "lobby-2"}, 1);
  EXPECT_EQ(again["outcome"], "already_checked_in");
  EXPECT_EQ(again["checked_in_terminal"], "lobby-1");
  EXPECT_EQ(again["checked_in_at"], accepted["scanned_at"]);

  std::string altered = payloadOf("ABCD-0002");
  ASSERT_FALSE(altered.empty());
  altered[40] = altered[40] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", altered}, 1)["outcome"], "bad_signature");

  const auto revoked = ctlJson({"codes", "revoke", "--db", db, "--code", payloadOf("ABCD-0003"),
                                "--reason", "lost phone, new code sent"});
  EXPECT_TRUE(revoked.contains("revoked_token"));
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", payloadOf("ABCD-0003")}, 1)["outcome"],
            "revoked");

  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", "NOPE-1234"}, 1)["outcome"], "unknown_code");
  // The plain booking code works too.
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", "abcd-0002"})["outcome"], "accepted");

  const auto report = ctlJson({"report", "--db", db, "--csv", dir.file("report.csv")});
  EXPECT_EQ(report["rows"], 6);
  EXPECT_EQ(report["accepted"], 2);
  std::ifstream in(dir.file("report.csv"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* expected : {"accepted", "already_checked_in", "bad_signature", "revoked",
                               "unknown_code", "ABCD-0001", "lobby-1", "张伟"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
}

TEST_F(KioskctlTest, InvitationsCarryEveryGuestAndTheirCode) {
  const auto text =
      runCommand({"pdftotext", "-layout", dir.file("codes/invitations.pdf"), "-"}, dir.path());
  if (text.status != 0) {
    GTEST_SKIP() << "pdftotext (poppler-utils) is not available: " << text.err;
  }
  for (const char* expected : {"张伟", "María García", "Tom Nguyen", "ABCD-0001", "ABCD-0003",
                               "Test Forum", "Show this code at the lobby check-in terminal"}) {
    EXPECT_NE(text.out.find(expected), std::string::npos) << expected;
  }
  const auto pages = runCommand({"pdfinfo", dir.file("codes/invitations.pdf")}, dir.path());
  EXPECT_TRUE(std::regex_search(pages.out, std::regex("Pages:\\s+3\\n"))) << pages.out;
  // The QR code printed on the invitation decodes to the guest's signed code.
  const auto png = runCommand({"pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1",
                               dir.file("codes/invitations.pdf"), dir.file("page")},
                              dir.path());
  ASSERT_EQ(png.status, 0) << png.err;
  const auto decoded = ctl({"decode", dir.file("page-1.png")});
  EXPECT_NE(decoded.out.find(payloadOf("ABCD-0001")), std::string::npos) << decoded.out;
}

// A run of the size an event office prints: a page per guest, each page's QR code (as a
// printer would rasterise it) carrying that guest's code, each font in the file once, the
// names of every script drawn, progress reported when asked.
TEST_F(KioskctlTest, InvitationsForManyGuestsHaveAPageAndAScannableCodeEach) {
  if (runCommand({"pdffonts", "-v"}, dir.path()).status != 0) {
    GTEST_SKIP() << "pdffonts/pdftoppm (poppler-utils) are not available";
  }
  const std::vector<std::string> names = {"王小明",     "山田太郎",      "김민준",
                                          "محمد العلي", "Ольга Иванова", "María García"};
  constexpr int kGuests = 60;
  {
    std::ofstream csv(dir.file("many.csv"));
    csv << "booking_code,name,company\n";
    for (int i = 0; i < kGuests; ++i) {
      csv << "MANY-" << 1000 + i << "," << names[i % names.size()] << ",Company " << i << "\n";
    }
  }
  ASSERT_EQ(ctlJson({"guests", "import", "--db", db, dir.file("many.csv")})["imported"], kGuests);
  const auto issued = ctl({"codes", "issue", "--db", db, "--out", dir.file("many"), "--progress"});
  ASSERT_EQ(issued.status, 0) << issued.err;
  const int total = kGuests + 3;
  EXPECT_EQ(json::parse(issued.lines().back())["issued"], total);
  EXPECT_NE(issued.err.find(std::to_string(total) + "/" + std::to_string(total) + " invitations"),
            std::string::npos)
      << issued.err;

  const auto pdf = dir.file("many/invitations.pdf");
  const auto info = runCommand({"pdfinfo", pdf}, dir.path());
  EXPECT_TRUE(std::regex_search(info.out, std::regex("Pages:\\s+" + std::to_string(total) + "\\n")))
      << info.out;

  // Every font once: no (font, type) pair twice, whatever the number of pages.
  const auto fonts = runCommand({"pdffonts", pdf}, dir.path());
  ASSERT_EQ(fonts.status, 0) << fonts.err;
  std::set<std::string> seen;
  int fontCount = 0;
  for (const auto& line : fonts.lines()) {
    std::smatch m;
    // "ABCDEF+NotoSans-Bold   CID TrueType   Identity-H  yes yes yes  12  0"
    if (!std::regex_search(line, m,
                           std::regex("^(?:[A-Z]{6}\\+)?(\\S+)\\s+(.+?)\\s+\\S+\\s+yes"))) {
      continue;
    }
    ++fontCount;
    EXPECT_TRUE(seen.insert(m[1].str() + " / " + m[2].str()).second) << "twice: " << line;
  }
  EXPECT_GT(fontCount, 0) << fonts.out;
  EXPECT_LE(fontCount, 12) << fonts.out;

  // Drawn, not boxes: the text of every script comes back out of the PDF.
  const auto text = runCommand({"pdftotext", pdf, "-"}, dir.path());
  for (const auto& name : {"王小明", "山田太郎", "김민준", "Ольга Иванова", "María García"}) {
    EXPECT_NE(text.out.find(name), std::string::npos) << name;
  }
  EXPECT_NE(fonts.out.find("NotoSansArabic"), std::string::npos) << fonts.out;

  // A sample of pages, rasterised at 150 dpi, read back by the product's decoder.
  std::map<int, std::string> codeOfPage;  // guests are issued in the order they were added
  for (int page : {4, 5, 7, 8, 33, total}) {
    codeOfPage[page] = "MANY-" + std::to_string(1000 + page - 4);
  }
  codeOfPage[1] = "ABCD-0001";
  for (const auto& [page, bookingCode] : codeOfPage) {
    const auto prefix = dir.file("sample-" + std::to_string(page));
    const auto png = runCommand({"pdftoppm", "-png", "-r", "150", "-singlefile", "-f",
                                 std::to_string(page), "-l", std::to_string(page), pdf, prefix},
                                dir.path());
    ASSERT_EQ(png.status, 0) << png.err;
    const auto decoded = ctl({"decode", prefix + ".png"});
    std::ifstream csv(dir.file("many/codes.csv"));
    std::string payload;
    for (std::string line; std::getline(csv, line);) {
      if (line.rfind(bookingCode + ",", 0) == 0) {
        payload = line.substr(bookingCode.size() + 1);
        payload.erase(payload.find_last_not_of('\r') + 1);
      }
    }
    ASSERT_FALSE(payload.empty()) << bookingCode;
    EXPECT_EQ(json::parse(decoded.out)["text"], payload) << "page " << page << ": " << decoded.out;
  }
}

TEST_F(KioskctlTest, ImageWithoutCodeIsAClearErrorAndRecordsNothing) {
  {
    std::ofstream pgm(dir.file("blank.pgm"));
    pgm << "P2\n64 64\n255\n";
    for (int i = 0; i < 64 * 64; ++i) {
      pgm << (i % 7 == 0 ? "40 " : "230 ");
    }
  }
  const auto r = ctl({"checkin", "--db", db, "--image", dir.file("blank.pgm")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no QR code"), std::string::npos) << r.err;
  const auto report = ctlJson({"report", "--db", db, "--csv", dir.file("report.csv")});
  EXPECT_EQ(report["rows"], 0);
}

TEST_F(KioskctlTest, BadCsvIsRefusedWholeWithEveryProblem) {
  std::ofstream(dir.file("bad.csv")) << "booking_code,name,checkin_date\n"
                                        "GOOD-0001,Good Guest,2026-11-24\n"
                                        ",Missing Code,2026-11-24\n"
                                        "BAD-DATE1,Bad Date,2026-02-30\n"
                                        "GOOD-0001,Duplicate,2026-11-24\n"
                                        "SHORT-01\n";
  const auto r = ctl({"guests", "import", "--db", db, dir.file("bad.csv")});
  EXPECT_EQ(r.status, 1);
  for (const char* expected : {"3:1:", "4:3:", "5:1:", "6:"}) {
    EXPECT_NE(r.err.find(expected), std::string::npos) << expected << " in\n" << r.err;
  }
  EXPECT_NE(r.err.find("nothing was imported"), std::string::npos);
  // Nothing written: the three original guests remain.
  EXPECT_EQ(ctl({"guests", "list", "--db", db}).lines().size(), 3u);

  const auto partial = ctlJson({"guests", "import", "--db", db, "--skip-bad", dir.file("bad.csv")});
  EXPECT_EQ(partial["skipped"], 5);
  EXPECT_EQ(partial["imported"], 0);
}

// Each change kioskctl makes is written with its audit row in one transaction: when the
// audit row cannot be written (the disk fills between the two), the change is not made.
TEST_F(KioskctlTest, AChangeWhoseAuditRowFailsIsNotMade) {
  const auto trigger = runCommand(
      {"sqlite3", db,
       "CREATE TRIGGER audit_fails BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no room "
       "for the audit row'); END"},
      dir.path());
  ASSERT_EQ(trigger.status, 0) << trigger.err;

  std::ofstream(dir.file("more.csv")) << "booking_code,name\nABCD-0009,Ada Lovelace\n";
  const auto imported = ctl({"guests", "import", "--db", db, dir.file("more.csv")});
  EXPECT_NE(imported.status, 0);
  EXPECT_NE(imported.err.find("no room for the audit row"), std::string::npos) << imported.err;
  EXPECT_EQ(ctl({"guests", "list", "--db", db}).lines().size(), 3u) << "imported without audit";

  const auto revoked =
      ctl({"codes", "revoke", "--db", db, "--booking-code", "ABCD-0002", "--reason", "test"});
  EXPECT_NE(revoked.status, 0);
  const auto list = ctl({"guests", "list", "--db", db}).out;
  EXPECT_EQ(list.find("cancelled"), std::string::npos) << "cancelled without audit:\n" << list;

  const auto created = ctl({"event", "create", "--db", db, "--name", "Second Forum", "--starts",
                            "2020-01-01T08:00+08:00", "--ends", "2099-01-01T18:00+08:00"});
  EXPECT_NE(created.status, 0);
  // Still the only event of the database.
  const auto shown = ctl({"event", "show", "--db", db});
  EXPECT_EQ(shown.status, 0) << "event created without audit: " << shown.err;
}

// Admission codes are bearer credentials and reports carry names: whatever the umask,
// kioskctl writes them for its owner only (also into a folder that was already there).
TEST_F(KioskctlTest, CodesInvitationsAndReportsAreTheOwnersOnly) {
  namespace fs = std::filesystem;
  const mode_t old = ::umask(022);
  fs::create_directories(dir.file("sheet"));
  fs::permissions(dir.file("sheet"), fs::perms::owner_all | fs::perms::group_read |
                                         fs::perms::group_exec | fs::perms::others_read |
                                         fs::perms::others_exec);
  const auto issued = ctlJson({"codes", "issue", "--db", db, "--out", dir.file("sheet")});
  const auto reported = ctl({"report", "--db", db, "--csv", dir.file("report.csv")});
  const auto staff = ctl({"staff", "add", "--db", db, "--id", "s9", "--name", "Lee", "--pin",
                          "1357", "--badge-out", dir.file("staff-s9.png")});
  ::umask(old);
  ASSERT_EQ(issued["issued"], 3);
  ASSERT_EQ(reported.status, 0) << reported.err;
  ASSERT_EQ(staff.status, 0) << staff.err;
  auto mode = [](const std::string& path) {
    return fs::status(path).permissions() & fs::perms::all;
  };
  EXPECT_EQ(mode(dir.file("sheet")), fs::perms::owner_all);
  for (const auto* file : {"sheet/codes.csv", "sheet/ABCD-0001.png", "sheet/invitations.pdf",
                           "report.csv", "staff-s9.png"}) {
    EXPECT_EQ(mode(dir.file(file)), fs::perms::owner_read | fs::perms::owner_write) << file;
  }
}

// Argument mistakes are refused with a message that names them and one exit status (2),
// whichever part of the command line or of the request is wrong.
TEST_F(KioskctlTest, NonsenseIsRefusedWithOneExitStatus) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"codes", "issue", "--db", db, "--out", dir.file("x"), "--valid-from", "2030-01-02T00:00",
        "--valid-until", "2030-01-01T00:00"},
       "before they become valid"},
      {{"codes", "issue", "--db", db, "--out", dir.file("x"), "--booking-code", "NOPE-0000"},
       "no guest with booking code NOPE-0000"},
      {{"codes", "revoke", "--db", db, "--token-id", "not-a-token", "--reason", "x"},
       "16 hex digits"},
      {{"codes", "revoke", "--db", db, "--token-id", "0123456789abcdef"}, "--reason"},
      {{"checkin", "--db", db, "--code", ""}, "--code is empty"},
      {{"guests", "list", "--db", db, "--frobnicate"}, "frobnicate"},
      {{"event", "show"}, "--db"},
  };
  for (const auto& c : cases) {
    const auto r = ctl(c.args);
    EXPECT_EQ(r.status, 2) << c.args[0] << " " << c.args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("x/codes.csv")));
}

// A staff member's language is a tag a terminal catalog answers to; a malformed or
// unknown one is refused (exit 2, the value named) and the record keeps its language.
TEST_F(KioskctlTest, AStaffLanguageIsCheckedAndKeptOnUpdate) {
  const auto added = ctlJson({"staff", "add", "--db", db, "--id", "s9", "--name", "Lee", "--pin",
                              "1357", "--language", "zh_cn"});
  EXPECT_EQ(added["language"], "zh-CN");
  for (const char* tag : {"klingon", "fr", "e", "zh-CN!", "中文 please"}) {
    const auto r = ctl({"staff", "add", "--db", db, "--id", "s9", "--name", "Lee", "--pin", "1357",
                        "--language", tag});
    EXPECT_EQ(r.status, 2) << tag;
    EXPECT_NE(r.err.find(std::string("\"") + tag + "\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--language"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // An update without --language keeps it; --language "" gives the terminal's default.
  EXPECT_EQ(ctlJson({"staff", "add", "--db", db, "--id", "s9", "--name", "Lee Min", "--pin",
                     "1357"})["language"],
            "zh-CN");
  EXPECT_EQ(ctlJson({"staff", "add", "--db", db, "--id", "s9", "--name", "Lee Min", "--pin", "1357",
                     "--language", ""})["language"],
            "");
}

// Revoking a code and issuing the guest's code again gives a new code that works; the
// revoked one stays refused.
TEST_F(KioskctlTest, IssuingAgainAfterARevocationGivesANewValidCode) {
  const auto old = payloadOf("ABCD-0001");
  ASSERT_FALSE(old.empty());
  ctlJson({"codes", "revoke", "--db", db, "--code", old, "--reason", "phone stolen"});
  const auto reissued = ctlJson(
      {"codes", "issue", "--db", db, "--out", dir.file("codes"), "--booking-code", "ABCD-0001"});
  EXPECT_EQ(reissued["issued"], 1);
  const auto fresh = payloadOf("ABCD-0001");
  ASSERT_FALSE(fresh.empty());
  EXPECT_NE(fresh, old) << "the revoked code was written again";
  const auto refused = ctlJson({"checkin", "--db", db, "--code", old}, 1);
  EXPECT_EQ(refused["outcome"], "revoked");
  const auto accepted = ctlJson({"checkin", "--db", db, "--code", fresh});
  EXPECT_EQ(accepted["outcome"], "accepted");
}

// The booking code is printed on the invitation beside the QR code: once the guest's code
// is revoked (a lost or copied invitation), it is refused too; the new code works.
TEST_F(KioskctlTest, TheBookingCodeOfAGuestWhoseCodeWasRevokedIsRefused) {
  ctlJson({"codes", "revoke", "--db", db, "--code", payloadOf("ABCD-0002"), "--reason", "lost"});
  const auto refused = ctlJson({"checkin", "--db", db, "--code", "ABCD-0002"}, 1);
  EXPECT_EQ(refused["outcome"], "revoked");
  ctlJson(
      {"codes", "issue", "--db", db, "--out", dir.file("codes"), "--booking-code", "ABCD-0002"});
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", "ABCD-0002"}, 1)["outcome"], "revoked")
      << "the booking code on the lost invitation is the same";
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", payloadOf("ABCD-0002")})["outcome"],
            "accepted");
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", "ABCD-0003"})["outcome"], "accepted")
      << "other guests' booking codes still admit";
}

// A retired key's codes are refused; the event's last valid key cannot be retired.
TEST_F(KioskctlTest, ARetiredKeysCodesAreRefused) {
  const auto old = payloadOf("ABCD-0001");
  const auto lastKey = ctl({"event", "retire-key", "--db", db, "--key-id", "1", "--reason", "x"});
  EXPECT_EQ(lastKey.status, 2) << lastKey.out;
  EXPECT_NE(lastKey.err.find("only valid key"), std::string::npos) << lastKey.err;
  EXPECT_EQ(ctlJson({"event", "rotate-key", "--db", db})["key_id"], 2);
  EXPECT_EQ(ctl({"event", "retire-key", "--db", db, "--key-id", "7", "--reason", "x"}).status, 2);
  EXPECT_EQ(ctlJson({"event", "retire-key", "--db", db, "--key-id", "1", "--reason",
                     "key file copied"})["retired_key"],
            1);
  const auto refused = ctlJson({"checkin", "--db", db, "--code", old}, 1);
  EXPECT_EQ(refused["outcome"], "revoked");
  EXPECT_NE(refused.dump().find("retired"), std::string::npos) << refused.dump();
  // Codes issued now are signed with the new key and admit.
  const auto issued = ctlJson(
      {"codes", "issue", "--db", db, "--out", dir.file("codes"), "--booking-code", "ABCD-0001"});
  EXPECT_EQ(issued["key_id"], 2);
  EXPECT_EQ(ctlJson({"checkin", "--db", db, "--code", payloadOf("ABCD-0001")})["outcome"],
            "accepted");
}

TEST_F(KioskctlTest, HelpForEverySubcommand) {
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"event", "create", "--help"},
                                             {"guests", "import", "--help"},
                                             {"codes", "issue", "--help"},
                                             {"checkin", "--help"},
                                             {"report", "--help"},
                                             {"decode", "--help"},
                                             {"badge", "--help"}}) {
    auto r = ctl(cmd);
    EXPECT_EQ(r.status, 0) << cmd.front();
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd.front();
  }
}

TEST_F(KioskctlTest, MissingDatabaseIsAClearError) {
  const auto r = ctl({"checkin", "--db", dir.file("nope.db"), "--code", "ABCD-0001"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("nope.db"), std::string::npos) << r.err;
}

}  // namespace

// kioskctl and kiosk-central share `event create` and the choice of event (kiosk/admin): both
// name the flag to blame and save nothing, and both list the events to choose from.
TEST(SharedEventAdministration, BothToolsCheckEventsAndChooseTheSameWay) {
  kiosk::testing::TempDir dir;
  for (const std::string& tool : {kCtl, std::string(KIOSK_BINARY_DIR) + "/kiosk-central"}) {
    SCOPED_TRACE(tool);
    const std::string db = dir.file(tool == kCtl ? "terminal.db" : "central.db");
    const std::string name = tool == kCtl ? "kioskctl" : "kiosk-central";
    auto run = [&](std::vector<std::string> args) {
      args.insert(args.begin(), tool);
      return runCommand(args, dir.path());
    };
    const auto badStart = run({"event", "create", "--db", db, "--name", "Forum", "--starts",
                               "24/11/2026", "--ends", "2026-11-26T18:00+08:00"});
    EXPECT_EQ(badStart.status, 2);
    EXPECT_NE(badStart.err.find(name + ": --starts: '24/11/2026' is not an ISO 8601 date-time"),
              std::string::npos)
        << badStart.err;
    const auto backwards = run({"event", "create", "--db", db, "--name", "Forum", "--starts",
                                "2026-11-26T08:00+08:00", "--ends", "2026-11-24T18:00+08:00"});
    EXPECT_EQ(backwards.status, 2);
    EXPECT_NE(backwards.err.find("event create: the event must end after it starts"),
              std::string::npos)
        << backwards.err;

    std::ofstream(dir.file("none.csv")) << "booking_code,name\nABCD-0001,Zhang Wei\n";
    // An empty file is an empty database (kiosk-central's commands want an existing file).
    std::ofstream(db).close();
    ::chmod(db.c_str(), 0600);
    const auto noEvent = run({"guests", "import", "--db", db, dir.file("none.csv")});
    EXPECT_EQ(noEvent.status, 2);
    EXPECT_NE(
        noEvent.err.find("no event in " + db + "; create one with '" + name + " event create'"),
        std::string::npos)
        << noEvent.err;

    for (const char* forum : {"First Forum", "Second Forum"}) {
      EXPECT_EQ(run({"event", "create", "--db", db, "--name", forum, "--starts",
                     "2026-11-24T08:00+08:00", "--ends", "2026-11-26T18:00+08:00"})
                    .status,
                0);
    }
    const auto several = run({"guests", "import", "--db", db, dir.file("none.csv")});
    EXPECT_EQ(several.status, 2);
    EXPECT_NE(several.err.find("several events in " + db + "; choose one with --event:"),
              std::string::npos)
        << several.err;
    EXPECT_NE(several.err.find("First Forum"), std::string::npos) << several.err;
    EXPECT_NE(several.err.find("Second Forum"), std::string::npos) << several.err;
  }
}
