// The real terminal end to end: `kiosk --script` with its real window under Xvfb
// (Mesa's software OpenGL), a temp event database built with kioskctl from the demo
// event, the synthetic camera showing real QR codes to the real decoder, badges printed
// as PDF files. Each test asserts the sequence of screens from the JSON lines, the
// records in the database (kioskctl report), and saves a screenshot of every screen it
// passes (build/tests/ui-screenshots/<test>/, kept for people to look at).
//
// Printer trouble is the PDF-directory printer made to fail (its folder is a file): the
// CUPS helper of the printing tests would need a private cupsd per test (seconds each).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <sstream>

#include "ipp_everywhere_printer.h"
#include "kiosk/core/guest_csv.h"
#include "offline-cache/local_store.h"
#include "offline-cache/sync_store.h"
#include "private_cupsd.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using kiosk::testing::runCommand;
using nlohmann::json;

const std::string kCtl = std::string(KIOSK_BINARY_DIR) + "/kioskctl";
const std::string kKiosk = std::string(KIOSK_BINARY_DIR) + "/kiosk";
const std::string kAssets = std::string(KIOSK_SOURCE_DIR) + "/assets";

std::string day(int offset) {
  const auto t = std::chrono::system_clock::now() + std::chrono::hours(24 * offset);
  const auto d = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool haveXvfb() {
  return std::system("command -v xvfb-run >/dev/null 2>&1") == 0;
}

bool haveXdotool() {
  return std::system("command -v xdotool >/dev/null 2>&1") == 0;
}

struct TerminalSetup {
  int width = 1080;
  int height = 1920;
  bool brokenPrinter = false;
  bool server = false;  // a [server] nobody answers: the terminal is offline
  int idleTimeoutS = 30;
  std::string languages = R"(["zh-CN", "en"])";  // empty: the terminal's default
  std::string database = {};                     // another path than the fixture's event.db
  std::optional<int> retentionDays = {};         // [privacy] retention_days
  std::string pinyinData = {};                   // [ui] pinyin_data (Rime's shared data)
  std::string camera = "synthetic";              // [camera] device
  std::string printerServer = {};                // [printer] server and name: a CUPS queue
  std::string printerQueue = {};                 // (empty: the PDF folder printer)
  std::string printerFallback = {};              // [printer] fallback
};

struct KioskRun {
  int status = -1;
  std::vector<json> lines;
  std::string err;
  std::string shots;

  std::vector<std::string> screens() const {
    std::vector<std::string> out;
    for (const auto& l : lines) {
      if (l.value("event", "") == "state" && (out.empty() || out.back() != l["state"])) {
        out.push_back(l["state"]);
      }
    }
    return out;
  }
  std::vector<json> events(const std::string& kind) const {
    std::vector<json> out;
    for (const auto& l : lines) {
      if (l.value("event", "") == kind) {
        out.push_back(l);
      }
    }
    return out;
  }
  std::optional<json> lastState(const std::string& screen) const {
    std::optional<json> found;
    for (const auto& l : lines) {
      if (l.value("event", "") == "state" && l["state"] == screen) {
        found = l;
      }
    }
    return found;
  }
  std::string dump() const {
    std::string out;
    for (const auto& l : lines) {
      out += l.dump() + "\n";
    }
    return out + err;
  }
};

// True when `sequence` contains `wanted` in this order (other screens may come between).
bool inOrder(const std::vector<std::string>& sequence, const std::vector<std::string>& wanted) {
  std::size_t i = 0;
  for (const auto& s : sequence) {
    if (i < wanted.size() && s == wanted[i]) {
      ++i;
    }
  }
  return i == wanted.size();
}

class TerminalE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveXvfb()) {
      GTEST_SKIP() << "xvfb-run is not installed (Debian package xvfb): the terminal cannot open "
                      "its window here";
    }
    db = dir.file("event.db");
    ctl({"event", "create", "--db", db, "--details", kAssets + "/demo/event.toml", "--starts",
         day(-1) + "T08:00", "--ends", day(3) + "T18:00"});
    std::string csv = readFile(kAssets + "/demo/guests.csv");
    for (auto [key, offset] :
         {std::pair{"{DAY0}", 0}, std::pair{"{DAY1}", 1}, std::pair{"{DAY2}", 2}}) {
      for (auto at = csv.find(key); at != std::string::npos; at = csv.find(key)) {
        csv.replace(at, std::string(key).size(), day(offset));
      }
    }
    std::ofstream(dir.file("guests.csv")) << csv;
    ctl({"guests", "import", "--db", db, dir.file("guests.csv")});
    ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
    ctl({"staff", "add", "--db", db, "--id", "s1", "--name", "陈静 Chen Jing", "--pin", "2468",
         "--badge-out", dir.file("staff-s1.png")});
  }

  void ctl(std::vector<std::string> args) {
    args.insert(args.begin(), kCtl);
    const auto r = runCommand(args, dir.path());
    ASSERT_EQ(r.status, 0) << args[1] << ": " << r.err;
  }

  std::string config(const TerminalSetup& s) {
    std::ostringstream c;
    c << "[terminal]\nname = \"lobby-1\"\ndatabase = \"" << (s.database.empty() ? db : s.database)
      << "\"\ndata_dir = \"" << dir.path().string() << "\"\n";
    if (!s.languages.empty()) {
      c << "languages = " << s.languages << "\n";
    }
    c << "\n";
    if (s.server) {
      // Loopback, a port nobody listens on.
      c << "[server]\nurl = \"https://127.0.0.1:9\"\n\n";
    }
    c << "[camera]\ndevice = \"" << s.camera
      << "\"\n\n[ui]\nfullscreen = false\nwidth = " << s.width << "\nheight = " << s.height
      << "\nsounds = false\nidle_timeout_s = " << s.idleTimeoutS << "\n";
    if (!s.pinyinData.empty()) {
      c << "pinyin_data = \"" << s.pinyinData << "\"\n";
    }
    if (s.retentionDays) {
      c << "\n[privacy]\nretention_days = " << *s.retentionDays << "\n";
    }
    if (!s.printerQueue.empty()) {
      c << "\n[printer]\nname = \"" << s.printerQueue << "\"\nserver = \"" << s.printerServer
        << "\"\nbadge_size = \"cr80\"\nfallback = \"" << s.printerFallback << "\"\n";
    }
    const auto path = dir.file("kiosk.toml");
    std::ofstream(path) << c.str();
    if (s.brokenPrinter) {
      std::ofstream(dir.file("badges")) << "not a folder";
    }
    return path;
  }

  // `onLine` sees the terminal's output lines while it runs (to break something at the
  // right moment; the script waits with `wait-file` for the test to finish doing so).
  KioskRun run(const std::string& script, const TerminalSetup& setup = {},
               const std::function<void(const json&)>& onLine = {}) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    KioskRun r;
    r.shots = std::string(KIOSK_BINARY_DIR) + "/tests/ui-screenshots/" + info->name();
    fs::remove_all(r.shots);
    fs::create_directories(r.shots);
    std::ofstream(dir.file("run.script")) << "codes codes/codes.csv\n" << script;
    // Xvfb's own output goes to a file, shown when the terminal never started. The
    // display's authorization file is ours, so that a test can send the display key events
    // (xdotool) as the terminal's keyboard.
    const std::string xvfbLog = dir.file("xvfb.log");
    std::vector<std::string> argv{"xvfb-run", "-a",
                                  "-e",       xvfbLog,
                                  "-f",       dir.file("Xauthority"),
                                  "-s",       "-screen 0 1920x1920x24"};
#ifdef KIOSK_TERMINAL_PRELOAD
    argv.insert(argv.end(), {"env", std::string("LD_PRELOAD=") + KIOSK_TERMINAL_PRELOAD});
#endif
    argv.insert(argv.end(), {kKiosk, "--config", config(setup), "--script", dir.file("run.script"),
                             "--screenshots", r.shots});
    const auto launch = [&] {
      return runCommand(argv, dir.path(), [&](const std::string& line) {
        if (onLine && !line.empty() && line.front() == '{') {
          onLine(json::parse(line));
        }
      });
    };
    auto result = launch();
    if (result.status != 0 && result.out.empty()) {
      // xvfb-run -a can race with another test for a display number; the terminal never
      // started (no line at all), so running it again changes nothing else.
      result = launch();
    }
    r.status = result.status;
    r.err = result.err;
    if (result.status != 0 && result.out.empty()) {
      r.err += "\nXvfb: " + readFile(xvfbLog);
    }
    for (const auto& line : result.lines()) {
      if (!line.empty() && line.front() == '{') {
        r.lines.push_back(json::parse(line));
      }
    }
    // Every text a screen asked for is in the catalog of the language it was shown in.
    for (const auto& m : r.events("metrics")) {
      EXPECT_EQ(m.value("missing_texts", json::array()), json::array()) << "catalog keys";
    }
    return r;
  }

  // Re-imports roster rows with some fields changed: booking code -> (CSV column ->
  // value), e.g. needs as the ids an organiser's spreadsheet often has ("vegetarian").
  void reimportRows(const std::map<std::string, std::map<std::size_t, std::string>>& edits) {
    std::istringstream roster(readFile(dir.file("guests.csv")));
    std::string header;
    std::getline(roster, header);
    std::string rows = header + "\n";
    for (std::string line; std::getline(roster, line);) {
      const auto edit = edits.find(line.substr(0, line.find(',')));
      if (edit == edits.end()) {
        continue;
      }
      std::vector<std::string> fields;
      std::istringstream row(line);
      for (std::string f; std::getline(row, f, ',');) {
        fields.push_back(f);
      }
      for (const auto& [column, value] : edit->second) {
        fields.at(column) = value;
      }
      for (const auto& f : fields) {
        rows += f + ",";
      }
      rows.back() = '\n';
    }
    std::ofstream(dir.file("edited.csv")) << rows;
    ctl({"guests", "import", "--db", db, dir.file("edited.csv")});
  }

  std::string report(const std::string& database = {}) {
    const auto r = runCommand(
        {kCtl, "report", "--db", database.empty() ? db : database, "--csv", "-"}, dir.path());
    return r.out;
  }

  std::string payloadOf(const std::string& booking) {
    std::istringstream csv(readFile(dir.file("codes/codes.csv")));
    for (std::string line; std::getline(csv, line);) {
      if (line.rfind(booking + ",", 0) == 0) {
        auto p = line.substr(booking.size() + 1);
        if (!p.empty() && p.back() == '\r') {
          p.pop_back();
        }
        return p;
      }
    }
    return {};
  }

  void expectShots(const KioskRun& r, const std::vector<std::string>& names) {
    for (const auto& n : names) {
      const auto path = r.shots + "/" + n + ".png";
      EXPECT_TRUE(fs::exists(path)) << path;
      if (fs::exists(path)) {
        EXPECT_GT(fs::file_size(path), 20000u) << path << " looks empty";
      }
    }
  }

  kiosk::testing::TempDir dir;
  std::string db;
};

// The photo step with the synthetic camera's drawn face; the countdown (3 s) runs on the
// script's clock from when the face has been found steady, which takes longer on a busy
// machine: seven steps of a second leave room for that (more after the photo are harmless).
const char* kPhotoSteps =
    "wait-for photo\nface\nsleep 1200\nadvance 1\nsleep 250\nadvance 1\nsleep 250\n"
    "advance 1\nsleep 250\nadvance 1\nsleep 250\nadvance 1\nsleep 250\nadvance 1\nsleep 250\n"
    "advance 1\nsleep 400\n";

TEST_F(TerminalE2E, HappyPathFromScanToBadgeAndBack) {
  const auto r = run(
      std::string("wait-for attract\nscreenshot attract\npresent-code WLF-7K3Q\n"
                  "wait-for confirm_identity\nclear-camera\nscreenshot identity\n"
                  "tap identity.yes\n") +
      kPhotoSteps +
      "screenshot photo\ntap photo.accept 10\nwait-for confirm_needs\nscreenshot needs\n"
      "tap needs.confirm\nwait-for info 30\nscreenshot info\ntap info.done\nwait-for done\n"
      "tap rate.5\nscreenshot done\ntap done.finish\nwait-for attract\nscreenshot attract_after\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_TRUE(
      inOrder(r.screens(), {"attract", "checking", "confirm_identity", "photo", "confirm_needs",
                            "committing", "printing", "info", "done", "attract"}))
      << r.dump();
  const auto checkins = r.events("checkin");
  ASSERT_EQ(checkins.size(), 1u) << r.dump();
  EXPECT_EQ(checkins[0]["method"], "qr_code");
  EXPECT_EQ(checkins[0]["photo"], true);
  EXPECT_EQ(checkins[0]["needs_changed"], false);
  const auto info = r.lastState("info");
  ASSERT_TRUE(info);
  EXPECT_EQ((*info)["badge"], "printed");
  EXPECT_EQ((*info)["language"], "zh-CN");
  ASSERT_EQ(r.events("feedback").size(), 1u);
  // The badge went to the printer (a PDF in the folder), the photo is kept for the record.
  bool pdf = false;
  for (const auto& e : fs::directory_iterator(dir.path() / "badges")) {
    pdf = pdf || e.path().extension() == ".pdf";
  }
  EXPECT_TRUE(pdf);
  EXPECT_FALSE(fs::is_empty(dir.path() / "photos"));
  // Photos and badges (name and photo) are personal data: the terminal's user's only.
  for (const char* folder : {"photos", "badges"}) {
    EXPECT_EQ(fs::status(dir.path() / folder).permissions() & fs::perms::all, fs::perms::owner_all)
        << folder;
    for (const auto& e : fs::directory_iterator(dir.path() / folder)) {
      EXPECT_EQ(e.status().permissions() & fs::perms::all,
                fs::perms::owner_read | fs::perms::owner_write)
          << e.path();
    }
  }
  EXPECT_NE(report().find("accepted,WLF-7K3Q"), std::string::npos);
  // Nothing personal is printed: the JSON lines carry ids and booking codes only.
  const std::string all = r.dump();
  EXPECT_EQ(all.find("张伟"), std::string::npos);
  EXPECT_EQ(all.find("13812345678"), std::string::npos);
  EXPECT_EQ(all.find(payloadOf("WLF-7K3Q")), std::string::npos);
  expectShots(r, {"attract", "identity", "photo", "needs", "info", "done", "attract_after"});
  const auto metrics = r.events("metrics");
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_GT(metrics[0]["frames"].get<int>(), 30);
}

// Catalog text comes from the font atlas, which the GPU holds as coverage only (one byte a
// texel, widened to white by the texture's swizzle). Glyphs must come out as strokes with
// the background between them: without the swizzle each glyph's whole cell is filled.
TEST_F(TerminalE2E, CatalogTextIsDrawnAsStrokesNotFilledCells) {
  const auto r = run("wait-for attract\nsleep 300\nscreenshot attract\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  const cv::Mat shot = cv::imread(r.shots + "/attract.png", cv::IMREAD_COLOR);
  ASSERT_FALSE(shot.empty());
  const json record = json::parse(readFile(r.shots + "/attract.json"));
  int checked = 0;
  for (const auto& t : record["texts"]) {
    const std::string text = t["text"];
    if (text != "欢迎" && text != "请将邀请函上的二维码对准摄像头。") {
      continue;
    }
    const cv::Rect box(
        static_cast<int>(t["x"].get<double>()), static_cast<int>(t["y"].get<double>()),
        static_cast<int>(t["w"].get<double>()), static_cast<int>(t["h"].get<double>()));
    ASSERT_GE(box.x, 4) << text;
    const cv::Mat cell = shot(box & cv::Rect(0, 0, shot.cols, shot.rows));
    // The background is the colour just left of the text; ink is what differs from it.
    const cv::Vec3b background = shot.at<cv::Vec3b>(box.y + box.height / 2, box.x - 4);
    int ink = 0;
    for (int y = 0; y < cell.rows; ++y) {
      for (int x = 0; x < cell.cols; ++x) {
        const cv::Vec3b p = cell.at<cv::Vec3b>(y, x);
        int diff = 0;
        for (int c = 0; c < 3; ++c) {
          diff += std::abs(int{p[c]} - int{background[c]});
        }
        ink += diff > 90 ? 1 : 0;
      }
    }
    const double share = static_cast<double>(ink) / static_cast<double>(cell.total());
    EXPECT_GT(share, 0.05) << text << ": no glyphs drawn";
    // Strokes cover about a fifth of a line of CJK text; filled glyph cells twice that.
    EXPECT_LT(share, 0.35) << text << ": the glyph cells are filled";
    ++checked;
  }
  EXPECT_EQ(checked, 2) << record["texts"].dump();
}

// Security: the whole demo run (a guest's journey with photo and changed needs, a
// returning guest, a refusal, staff unlock by badge, search, walk-in and device pages)
// writes no guest's name, phone, e-mail or host contact and no guest code to any line the terminal
// prints (stdout goes to the journal on a terminal, stderr too).
TEST_F(TerminalE2E, FullScriptedRunLogsNoPersonalDataOrCodes) {
  const auto demoScript = readFile(kAssets + "/demo/demo.script");
  ASSERT_FALSE(demoScript.empty());
  // As in scripts/demo: the returning guest was checked in at another terminal before.
  ctl({"checkin", "--db", db, "--image", dir.file("codes/WLF-7K3Q.png"), "--terminal", "lobby-2"});
  // run() puts its own `codes` line first; the demo script's is the same file.
  const auto r = run(demoScript);
  ASSERT_EQ(r.status, 0) << r.dump();
  ASSERT_GE(r.events("checkin").size(), 1u) << r.dump();
  ASSERT_TRUE(inOrder(r.screens(),
                      {"attract", "confirm_identity", "info", "refused", "staff_guest", "attract"}))
      << r.dump();
  const std::string all = r.dump();

  const auto parsed = kiosk::parseGuestCsv(readFile(dir.file("guests.csv")));
  ASSERT_GT(parsed.guests.size(), 5u);
  std::vector<std::string> secrets;
  for (const auto& g : parsed.guests) {
    for (const auto* field : {&g.name, &g.phone, &g.email, &g.hostContact}) {
      if (field->size() >= 4) {
        secrets.push_back(*field);
      }
    }
    if (const auto code = payloadOf(g.bookingCode); !code.empty()) {
      secrets.push_back(code);
    }
  }
  ASSERT_GT(secrets.size(), parsed.guests.size() * 2);
  for (const auto& secret : secrets) {
    EXPECT_EQ(all.find(secret), std::string::npos) << "printed: " << secret;
  }
}

// A code already used asks "Is this you?" first (a photo of someone's invitation is not
// a key to their room); confirmed, the guest's details and one reprint.
TEST_F(TerminalE2E, AlreadyCheckedInShowsDetailsAndOneReprint) {
  ctl({"checkin", "--db", db, "--image", dir.file("codes/WLF-2V9X.png"), "--terminal", "lobby-2"});
  const auto r =
      run("wait-for attract\npresent-code WLF-2V9X\nwait-for confirm_identity\nclear-camera\n"
          "screenshot returning_identity\ntap identity.yes\nwait-for info\nscreenshot returning\n"
          "tap info.reprint\nwait-for printing\nwait-for info 30\nscreenshot after_reprint\n",
          TerminalSetup{1920, 1080});
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_TRUE(inOrder(r.screens(), {"attract", "checking", "confirm_identity", "info"}))
      << r.dump();
  EXPECT_EQ(r.lastState("confirm_identity").value()["returning"], true);
  // Nothing of the stay was on the screen before the confirmation: no badge, no QR.
  for (const auto& l : r.lines) {
    if (l.value("event", "") == "state" && l["state"] == "info") {
      break;
    }
    EXPECT_NE(l.value("event", ""), "badge") << l.dump();
  }
  const auto states = r.events("state");
  std::vector<json> infos;
  for (const auto& s : states) {
    if (s["state"] == "info") {
      infos.push_back(s);
    }
  }
  ASSERT_GE(infos.size(), 2u) << r.dump();
  EXPECT_EQ(infos.front()["returning"], true);
  EXPECT_EQ(infos.front()["reprints_left"], 1);
  EXPECT_EQ(infos.front()["language"], "en");
  EXPECT_EQ(infos.back()["reprints_left"], 0);
  EXPECT_EQ(r.events("refusal").at(0)["outcome"], "already_checked_in");
  bool reprinted = false;
  for (const auto& b : r.events("badge")) {
    reprinted = reprinted || (b.value("stage", "") == "printed" && b.value("attempt", 0) >= 1);
  }
  EXPECT_TRUE(reprinted) << r.dump();
  EXPECT_NE(report().find("already_checked_in,WLF-2V9X"), std::string::npos);
  expectShots(r, {"returning_identity", "returning", "after_reprint"});
}

// The allowance of one self-service reprint is read from the database; when that read
// fails the returning guest is told to see staff, never handed a free extra reprint.
TEST_F(TerminalE2E, AReprintCountThatCannotBeReadStopsTheReturningGuest) {
  ctl({"checkin", "--db", db, "--image", dir.file("codes/WLF-2V9X.png"), "--terminal", "lobby-2"});
  const auto broken =
      runCommand({"sqlite3", db, "ALTER TABLE print_jobs RENAME TO lost"}, dir.path());
  ASSERT_EQ(broken.status, 0) << broken.err;
  const auto r =
      run("wait-for attract\npresent-code WLF-2V9X\nwait-for failure 30\nclear-camera\n"
          "screenshot failure\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_FALSE(r.lastState("info")) << "details and a reprint offered without the count\n"
                                    << r.dump();
  const auto failure = r.lastState("failure");
  ASSERT_TRUE(failure) << r.dump();
  EXPECT_EQ((*failure)["message"], "failure.database");
  EXPECT_NE((*failure)["detail"].get<std::string>().find("reprints"), std::string::npos)
      << r.dump();
}

TEST_F(TerminalE2E, ForgedCodeIsRefusedAndRecorded) {
  std::string forged = payloadOf("WLF-8M2R");
  ASSERT_FALSE(forged.empty());
  forged[20] = forged[20] == 'A' ? 'B' : 'A';
  const auto r = run("wait-for attract\npresent " + forged +
                     "\nwait-for refused\nclear-camera\nscreenshot forged\ntap "
                     "refused.dismiss\nwait-for attract\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_TRUE(inOrder(r.screens(), {"attract", "checking", "refused", "attract"}));
  EXPECT_EQ(r.lastState("refused").value()["outcome"], "bad_signature");
  EXPECT_NE(report().find("bad_signature"), std::string::npos);
  expectShots(r, {"forged"});
}

// The code comes from a keyboard-wedge scanner (fast keystrokes, then Enter).
TEST_F(TerminalE2E, UnknownCodeOffersStaff) {
  const auto r = run(
      "wait-for attract\ntap lang.en\nwedge NOT-A-GUEST-42\nwait-for refused\nscreenshot unknown\n"
      "tap refused.call_staff\nwait-for call_staff\nscreenshot call_staff\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(r.lastState("refused").value()["outcome"], "unknown_code");
  EXPECT_TRUE(inOrder(r.screens(), {"refused", "call_staff"}));
  const auto rep = report();
  EXPECT_NE(rep.find("unknown_code"), std::string::npos);
  EXPECT_NE(rep.find(",lobby-1,scanner,"), std::string::npos)
      << "the scan's source is recorded: " << rep;
  expectShots(r, {"unknown", "call_staff"});
}

TEST_F(TerminalE2E, PrinterTroubleKeepsTheCheckinAndTellsTheGuest) {
  TerminalSetup setup;
  setup.brokenPrinter = true;
  const auto r =
      run("wait-for attract\npresent-code WLF-3F9B\nwait-for confirm_identity\nclear-camera\ntap "
          "identity.yes\n"
          "tap photo.skip\ntap needs.confirm\nwait-for printing\nsleep 2500\nscreenshot trouble\n"
          "tap printing.continue 10\nwait-for info\nscreenshot info_badge_waiting\n",
          setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  bool waiting = false;
  for (const auto& b : r.events("badge")) {
    waiting = waiting || b.value("stage", "") == "waiting_for_printer";
  }
  EXPECT_TRUE(waiting) << r.dump();
  EXPECT_EQ(r.lastState("info").value()["badge"], "waiting_for_printer");
  EXPECT_EQ(r.events("checkin").size(), 1u);
  EXPECT_NE(report().find("accepted,WLF-3F9B"), std::string::npos) << "the check-in stands";
  expectShots(r, {"trouble", "info_badge_waiting"});
}

TEST_F(TerminalE2E, OfflineTerminalStillChecksIn) {
  TerminalSetup setup;
  setup.server = true;
  const auto r =
      run("wait-for attract\npresent-code WLF-5M8Q\nwait-for confirm_identity\nclear-camera\ntap "
          "identity.yes\n"
          "tap photo.skip\ntap needs.confirm\nwait-for info 30\ntap info.done\ntap "
          "done.finish\nwait-for attract\n"
          "tap attract.staff\ntype 2468\ntap staff.unlock.submit\nwait-for staff_home\ntap "
          "staff.nav.devices\n"
          "wait-for staff_devices\nsleep 3500\nscreenshot devices_offline\n",
          setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(r.events("checkin").size(), 1u);
  EXPECT_NE(report().find("accepted,WLF-5M8Q"), std::string::npos);
  expectShots(r, {"devices_offline"});
}

// Media from the printer: a driverless card printer (ippeveprinter behind a private cupsd)
// with 4x3 in labels loaded while the terminal's badge is a CR80 card. The staff device
// page tells staff, in their words, with both sizes.
TEST_F(TerminalE2E, StaffAreToldWhenTheLoadedMediaDoesNotMatchTheBadge) {
  using kiosk::testing::IppEverywherePrinter;
  using kiosk::testing::PrivateCupsd;
  if (auto reason = PrivateCupsd::unavailableReason()) {
    GTEST_SKIP() << "needs a private CUPS scheduler: " << *reason;
  }
  if (auto reason = IppEverywherePrinter::unavailableReason()) {
    GTEST_SKIP() << *reason;
  }
  std::string error;
  auto cupsd = PrivateCupsd::start(error);
  ASSERT_NE(cupsd, nullptr) << error;
  kiosk::testing::IppPrinterSpec spec;
  spec.mediaSupported = {"oe_cr80-card_2.125x3.37in", "custom_101.6x76.2mm"};
  spec.mediaReady = {"custom_101.6x76.2mm"};
  spec.mediaDefault = "custom_101.6x76.2mm";
  auto printer = IppEverywherePrinter::start(spec, error);
  ASSERT_NE(printer, nullptr) << error;
  ASSERT_EQ(cupsd->addNetworkQueue("cards", printer->uri()), "");

  TerminalSetup setup;
  setup.languages = R"(["en"])";
  setup.width = 1920;
  setup.height = 1080;
  setup.printerServer = cupsd->server();
  setup.printerQueue = "cards";
  const auto r =
      run("wait-for attract\ntap attract.staff\ntype 2468\ntap staff.unlock.submit\nwait-for "
          "staff_home\ntap staff.nav.devices\nwait-for staff_devices\nsleep 3000\n"
          "screenshot devices_media_mismatch\n",
          setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  expectShots(r, {"devices_media_mismatch"});
  const json record = json::parse(readFile(r.shots + "/devices_media_mismatch.json"));
  std::string texts;
  for (const auto& t : record["texts"]) {
    texts += t["text"].get<std::string>() + "\n";
  }
  EXPECT_NE(texts.find("The media loaded in cards (101.6x76.2mm) does not match the badge "
                       "(2.125x3.37in)"),
            std::string::npos)
      << texts;
  // The sentence leaves the page's controls usable.
  const double mm = record["px_per_mm"];
  for (const auto& c : record["controls"]) {
    EXPECT_GE(std::min(c["w"].get<double>(), c["h"].get<double>()) / mm, 15.0 - 1e-3) << c.dump();
  }
  // Portrait has the room for a preview of the badge on the stock beside the printer.
  setup.width = 1080;
  setup.height = 1920;
  const auto tall =
      run("wait-for attract\ntap attract.staff\ntype 2468\ntap staff.unlock.submit\nwait-for "
          "staff_home\ntap staff.nav.devices\nwait-for staff_devices\nsleep 3000\n"
          "screenshot devices_media_mismatch_portrait\n",
          setup);
  ASSERT_EQ(tall.status, 0) << tall.dump();
  expectShots(tall, {"devices_media_mismatch_portrait"});
}

// A test page per printer: staff print one on the primary and one on the fallback from
// the device page; each comes out of its own printer only (the private cupsd captures
// both queues) and each printer's row says how its own went. The fallback is out of
// media: its row says so, and its page does not come out of the primary instead.
TEST_F(TerminalE2E, StaffPrintATestPageOnEachPrinter) {
  using kiosk::testing::PrivateCupsd;
  if (auto reason = PrivateCupsd::unavailableReason()) {
    GTEST_SKIP() << "needs a private CUPS scheduler: " << *reason;
  }
  std::string error;
  auto cupsd = PrivateCupsd::start(error);
  ASSERT_NE(cupsd, nullptr) << error;
  ASSERT_EQ(cupsd->addQueue("front-desk", "capture"), "");
  ASSERT_EQ(cupsd->addQueue("spare-desk", "capture"), "");

  TerminalSetup setup;
  setup.languages = R"(["en"])";
  setup.width = 1920;
  setup.height = 1080;
  setup.printerServer = cupsd->server();
  setup.printerQueue = "front-desk";
  setup.printerFallback = "spare-desk";
  const std::string unlock =
      "wait-for attract\ntap attract.staff\ntype 2468\ntap staff.unlock.submit\nwait-for "
      "staff_home\ntap staff.nav.devices\nwait-for staff_devices\nsleep 1500\n";
  const auto r = run(unlock +
                         "tap devices.test_print.0\nsleep 4000\nscreenshot devices_test_primary\n"
                         "tap devices.test_print.1\nsleep 4000\nscreenshot devices_test_both\n",
                     setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  expectShots(r, {"devices_test_primary", "devices_test_both"});
  // What each printer's row says: the texts beside its test page button.
  const auto results = [&](const std::string& shot) {
    const json record = json::parse(readFile(r.shots + "/" + shot + ".json"));
    std::vector<std::string> out(2);
    for (const auto& c : record["controls"]) {
      const std::string name = c["name"];
      if (name.rfind("devices.test_print.", 0) != 0) {
        continue;
      }
      const auto i = std::stoul(name.substr(std::string("devices.test_print.").size()));
      const double top = c["y"];
      const double bottom = top + c["h"].get<double>();
      const double right = c["x"].get<double>() + c["w"].get<double>();
      for (const auto& t : record["texts"]) {
        const double mid = t["y"].get<double>() + t["h"].get<double>() / 2;
        // Beside the button, in its own column (the other column has rows at that height).
        if (i < out.size() && mid > top && mid < bottom && t["x"].get<double>() >= right &&
            t["x"].get<double>() < record["width"].get<double>() / 2) {
          out[i] += t["text"].get<std::string>();
          EXPECT_FALSE(t.value("cut", false)) << shot << ": " << t.dump();
        }
      }
    }
    return out;
  };
  // After the first tap only the primary's row has a result.
  const auto first = results("devices_test_primary");
  EXPECT_EQ(first[0].rfind("Printed", 0), 0u) << first[0];
  EXPECT_EQ(first[1], "");
  const auto both = results("devices_test_both");
  EXPECT_EQ(both[0].rfind("Printed", 0), 0u) << both[0];
  EXPECT_EQ(both[1].rfind("Printed", 0), 0u) << both[1];
  const auto front = cupsd->captured("front-desk");
  const auto spare = cupsd->captured("spare-desk");
  ASSERT_EQ(front.size(), 1u);
  ASSERT_EQ(spare.size(), 1u);
  EXPECT_NE(readFile(fs::path(front[0]).replace_extension(".title").string()).find("Test page"),
            std::string::npos);
  const auto events = r.events("test_page");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["printer"], "front-desk");
  EXPECT_EQ(events[1]["printer"], "spare-desk");

  // The fallback runs out of media: its own row says its page waits for the printer,
  // and the page does not come out of the primary.
  ASSERT_EQ(cupsd->setMode("spare-desk", "nomedia"), "");
  const auto empty =
      run(unlock + "tap devices.test_print.1\nsleep 9000\nscreenshot devices_test_fallback_empty\n",
          setup);
  ASSERT_EQ(empty.status, 0) << empty.dump();
  expectShots(empty, {"devices_test_fallback_empty"});
  const json record = json::parse(readFile(empty.shots + "/devices_test_fallback_empty.json"));
  std::string shown;
  for (const auto& t : record["texts"]) {
    shown += t["text"].get<std::string>() + "\n";
  }
  EXPECT_NE(shown.find("Waiting for the printer"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("Printed"), std::string::npos) << shown;
  EXPECT_EQ(cupsd->captured("front-desk").size(), 1u)
      << "the fallback's page came out of the primary";
  // The page's controls stay touchable with two printers' rows.
  const double mm = record["px_per_mm"];
  for (const auto& c : record["controls"]) {
    EXPECT_GE(std::min(c["w"].get<double>(), c["h"].get<double>()) / mm, 15.0 - 1e-3) << c.dump();
  }
}

// The terminal's data partition for the fault tests: a small tmpfs (needs root) holding
// a copy of the event database, which the test fills up while the terminal runs, or
// mounts read-only before it starts. (Linux refuses to remount a file system read-only
// while the terminal holds its database open for writing; a disk that fails mid-run is
// remounted read-only by the kernel itself, and the terminal then sees write errors the
// way it sees a full disk.)
class DataPartition {
 public:
  DataPartition(const fs::path& at, const std::string& database) : path_(at) {
    fs::create_directories(at);
    if (::mount("tmpfs", at.c_str(), "tmpfs", 0, "size=8m") != 0) {
      return;
    }
    mounted_ = true;
    fs::copy_file(database, at / "event.db");
  }
  ~DataPartition() {
    if (mounted_) {
      ::umount2(path_.c_str(), MNT_DETACH);
    }
  }
  DataPartition(const DataPartition&) = delete;
  DataPartition& operator=(const DataPartition&) = delete;

  bool mounted() const { return mounted_; }
  std::string database() const { return (path_ / "event.db").string(); }
  void fill() {
    std::ofstream filler(path_ / "filler", std::ios::binary);
    const std::string block(4096, 'f');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) &&
           filler.flush()) {
    }
  }
  void unfill() { fs::remove(path_ / "filler"); }
  bool readOnly(bool ro) {  // before the terminal opens the database, or after
    return ::mount(nullptr, path_.c_str(), nullptr, ro ? MS_REMOUNT | MS_RDONLY : MS_REMOUNT,
                   "size=8m") == 0;
  }

 private:
  fs::path path_;
  bool mounted_ = false;
};

// The script for a fault in the middle of a journey: the test breaks the data partition
// once the terminal is up ("broken"), the guest confirms and is told the terminal cannot
// check them in, the test repairs it ("repaired"), the guest tries again and is in. The
// guest shows the code again after a few seconds: a code that has not left the camera's
// view for that long is still the same showing, not a new scan.
std::string faultScript(const std::string& booking) {
  const std::string journey = "present-code " + booking +
                              "\nwait-for confirm_identity\nclear-camera\ntap identity.yes\n"
                              "tap photo.skip\ntap needs.confirm\n";
  return "wait-for attract\necho up\nwait-file broken 30\n" + journey +
         "wait-for failure 30\nsleep 300\nscreenshot failure\necho failure\n"
         "wait-file repaired 30\ntap failure.dismiss\nwait-for attract\nsleep 3200\n" +
         journey + "wait-for printing 30\n";
}

void expectFaultHandled(const KioskRun& r, const std::string& report, const std::string& booking,
                        const std::string& why) {
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_TRUE(inOrder(r.screens(), {"confirm_needs", "committing", "failure", "attract",
                                    "confirm_identity", "committing", "printing"}))
      << r.dump();
  const auto failure = r.lastState("failure");
  ASSERT_TRUE(failure) << r.dump();
  EXPECT_EQ((*failure)["message"], "failure.database");
  EXPECT_NE((*failure)["detail"].get<std::string>().find(why), std::string::npos) << r.dump();
  EXPECT_NE(r.err.find("commit failed: "), std::string::npos) << "staff find it in the log";
  EXPECT_EQ(r.events("checkin").size(), 1u) << r.dump();
  // Exactly one check-in stands, and nothing was half-written.
  std::size_t rows = 0;
  for (auto at = report.find("accepted," + booking); at != std::string::npos;
       at = report.find("accepted," + booking, at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 1u) << report;
}

TEST_F(TerminalE2E, DiskFullMidJourneyTellsGuestAndStaffAndLosesNothing) {
  DataPartition data(dir.file("data"), db);
  if (!data.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  TerminalSetup setup;
  setup.database = data.database();
  const auto r = run(faultScript("WLF-3F9B"), setup, [&](const json& line) {
    if (line.value("text", "") == "up") {
      data.fill();
      std::ofstream(dir.file("broken"));
    } else if (line.value("text", "") == "failure") {
      data.unfill();
      std::ofstream(dir.file("repaired"));
    }
  });
  expectFaultHandled(r, report(data.database()), "WLF-3F9B", "disk is full");
  expectShots(r, {"failure"});
}

// A database that cannot be opened at start (its partition read-only): the terminal says
// it is out of service (not a black screen and a restart loop), and comes back by itself
// once it can.
TEST_F(TerminalE2E, UnopenableDatabaseAtStartIsOutOfServiceUntilRepaired) {
  DataPartition data(dir.file("data"), db);
  if (!data.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  TerminalSetup setup;
  setup.database = data.database();
  ASSERT_TRUE(data.readOnly(true));
  bool repaired = false;
  const auto r =
      run("wait-for attract 60\npresent-code WLF-7K3Q\nwait-for confirm_identity\nclear-camera\n"
          "tap identity.yes\ntap photo.skip\ntap needs.confirm\nwait-for printing 30\n",
          setup, [&](const json& line) {
            if (line.value("event", "") == "screenshot" && !repaired) {
              // The out-of-service screen is on glass: IT repairs the data partition.
              repaired = data.readOnly(false);
            }
          });
  ASSERT_TRUE(repaired) << std::strerror(errno);
  ASSERT_EQ(r.status, 0) << r.dump();
  const auto out = r.events("out_of_service");
  ASSERT_EQ(out.size(), 1u) << r.dump();
  EXPECT_NE(out[0]["detail"].get<std::string>().find(data.database()), std::string::npos);
  EXPECT_EQ(r.events("back_in_service").size(), 1u) << r.dump();
  EXPECT_EQ(r.events("checkin").size(), 1u) << r.dump();
  EXPECT_NE(report(data.database()).find("accepted,WLF-7K3Q"), std::string::npos);
  expectShots(r, {"out_of_service"});
}

// systemd stops the terminal (a stop, an update, a reboot) with SIGTERM just as a guest
// confirms, while the store worker is still busy with something else (a slow disk): the
// check-in the guest confirmed was only queued. It is committed before the process ends,
// exactly once, and the terminal started again knows the guest is in.
TEST_F(TerminalE2E, SigtermRightAfterTheConfirmTapLosesNoCheckin) {
  long pid = 0;
  bool killed = false;
  const auto r =
      run("wait-for attract\npresent-code WLF-3F9B\nwait-for confirm_identity\nclear-camera\n"
          "tap identity.yes\ntap photo.skip\nwait-for confirm_needs\nstall-store 30\n"
          "tap needs.confirm\nwait-for printing 30\n",
          {}, [&](const json& line) {
            if (line.value("event", "") == "ready") {
              pid = line.value("pid", 0L);
            }
            // The tap's own line: printed in the frame after the tap was handled.
            if (line.value("event", "") == "tap" && line.value("control", "") == "needs.confirm" &&
                pid > 0 && !killed) {
              killed = ::kill(static_cast<pid_t>(pid), SIGTERM) == 0;
            }
          });
  ASSERT_TRUE(killed) << "pid " << pid << "\n" << r.dump();
  ASSERT_EQ(r.status, 0) << r.dump();
  const auto quit = r.events("quit");
  ASSERT_EQ(quit.size(), 1u) << r.dump();
  EXPECT_EQ(quit[0]["reason"], "signal");
  EXPECT_EQ(r.screens().back(), "committing") << "stopped before the commit was answered";
  EXPECT_EQ(r.events("checkin").size(), 0u) << "the UI never saw the commit: " << r.dump();
  const auto drained = r.events("store_drained");
  ASSERT_EQ(drained.size(), 1u) << r.dump();
  EXPECT_GE(drained[0]["ran"].get<int>(), 1) << r.dump();
  EXPECT_EQ(drained[0]["abandoned"], 0) << r.dump();
  EXPECT_EQ(drained[0]["checkins"].size(), 1u) << r.dump();
  EXPECT_NE(r.err.find("shutdown: ran "), std::string::npos) << "the journal says so: " << r.err;

  const auto accepted = [&] {
    const std::string rep = report();
    std::size_t rows = 0;
    for (auto at = rep.find("accepted,WLF-3F9B"); at != std::string::npos;
         at = rep.find("accepted,WLF-3F9B", at + 1)) {
      ++rows;
    }
    return rows;
  };
  EXPECT_EQ(accepted(), 1u) << report();

  // Started again (systemd's restart, or after the reboot): the guest is in (a used code
  // asks who it is before it shows anything).
  const auto again =
      run("wait-for attract\npresent-code WLF-3F9B\nwait-for confirm_identity\nclear-camera\n"
          "tap identity.yes\nwait-for info\n");
  ASSERT_EQ(again.status, 0) << again.dump();
  const auto info = again.lastState("info");
  ASSERT_TRUE(info) << again.dump();
  EXPECT_EQ((*info)["returning"], true);
  EXPECT_EQ(again.events("checkin").size(), 0u);
  EXPECT_EQ(accepted(), 1u) << report();
}

// Five wrong PINs tapped on the pad, as a guest trying them would: the pad is locked.
std::string wrongPins() {
  std::string script = "wait-for attract\ntap attract.staff\nwait-for staff_unlock\n";
  for (int i = 0; i < 5; ++i) {
    script += "type 1357\ntap staff.unlock.submit\nsleep 1200\n";
  }
  return script + "screenshot locked_out\n";
}

// The right PIN, typed where the keypad would be (a locked pad shows none).
const char* kTryTheRightPin =
    "tap-if key.2\ntap-if key.4\ntap-if key.6\ntap-if key.8\ntap-if staff.unlock.submit\n"
    "sleep 1500\nexpect staff_unlock\n";

bool keypadWasGone(const KioskRun& r) {
  for (const auto& t : r.events("tap_skipped")) {
    if (t.value("control", "") == "key.2") {
      return true;
    }
  }
  return false;
}

std::size_t countAudits(const KioskRun& r, const std::string& action) {
  std::size_t n = 0;
  for (const auto& a : r.events("audit")) {
    n += a.value("action", "") == action ? 1 : 0;
  }
  return n;
}

// A guest who locked the PIN pad has not locked staff out: the staff badge still opens
// staff mode.
TEST_F(TerminalE2E, StaffBadgeUnlocksWhileThePinPadIsLockedOut) {
  const auto r = run(wrongPins() + kTryTheRightPin +
                     "present-image staff-s1.png\nwait-for staff_home\nclear-camera\n"
                     "screenshot badge_in\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(countAudits(r, "staff_unlock_failed"), 5u) << r.dump();
  EXPECT_EQ(countAudits(r, "staff_locked_out"), 1u) << r.dump();
  EXPECT_TRUE(keypadWasGone(r)) << "locked: no keypad to type the right PIN on";
  EXPECT_EQ(countAudits(r, "staff_unlocked"), 1u) << "by the badge only";
  const auto home = r.lastState("staff_home");
  ASSERT_TRUE(home) << r.dump();
  EXPECT_EQ((*home)["staff_id"], "s1");
  expectShots(r, {"locked_out", "badge_in"});
}

// Killing the terminal and starting it again does not reset the lockout: the right PIN is
// refused without being tried, until the lock's wall-clock end.
TEST_F(TerminalE2E, APinLockoutSurvivesKillingTheTerminal) {
  long pid = 0;
  bool killed = false;
  const auto first = run(wrongPins() + "echo locked\nsleep 30000\n", {}, [&](const json& line) {
    if (line.value("event", "") == "ready") {
      pid = line.value("pid", 0L);
    }
    if (line.value("event", "") == "echo" && pid > 0 && !killed) {
      killed = ::kill(static_cast<pid_t>(pid), SIGKILL) == 0;
    }
  });
  ASSERT_TRUE(killed) << "pid " << pid << "\n" << first.dump();
  ASSERT_EQ(countAudits(first, "staff_locked_out"), 1u) << first.dump();
  EXPECT_TRUE(first.events("quit").empty()) << "killed, not shut down";

  const auto again = run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\n" +
                         std::string(kTryTheRightPin) + "screenshot still_locked\n");
  ASSERT_EQ(again.status, 0) << again.dump();
  EXPECT_TRUE(keypadWasGone(again)) << again.dump();
  EXPECT_EQ(countAudits(again, "staff_unlocked"), 0u) << again.dump();
  EXPECT_EQ(countAudits(again, "staff_unlock_failed"), 0u) << "the PIN was not even tried";
  EXPECT_FALSE(again.lastState("staff_home")) << again.dump();
  expectShots(again, {"still_locked"});
}

// Retention runs by itself when the terminal starts: an event that ended 10 days ago
// keeps its guests 30 days by its own setting, but this terminal's [privacy]
// retention_days = 7 says otherwise, so its guests' personal data is gone once the
// terminal is up, and the purge is in the audit trail and the log.
TEST_F(TerminalE2E, RetentionPurgeRunsAtStartWithTheTerminalsPeriod) {
  const std::string old = dir.file("ended.db");
  ctl({"event", "create", "--db", old, "--details", kAssets + "/demo/event.toml", "--starts",
       day(-12) + "T08:00", "--ends", day(-10) + "T18:00"});
  ctl({"guests", "import", "--db", old, dir.file("guests.csv")});
  const auto guests = [](const std::string& database) {
    auto store = kiosk::cache::LocalStore::open(database);
    if (!store) {
      return std::int64_t{-1};
    }
    auto s = (*store)->database().prepare("SELECT COUNT(*) FROM guests");
    return s.step() ? s.columnInt(0) : std::int64_t{-1};
  };
  ASSERT_GT(guests(old), 5);

  TerminalSetup setup;
  setup.database = old;
  setup.retentionDays = 7;
  const auto r = run("wait-for attract\n", setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(guests(old), 0) << r.dump();
  EXPECT_NE(r.err.find("retention purge: personal data of 1 ended event(s) deleted"),
            std::string::npos)
      << r.err;
  auto store = kiosk::cache::LocalStore::open(old);
  ASSERT_TRUE(store);
  auto audit = (*store)->database().prepare(
      "SELECT reason FROM audit WHERE action = 'retention_purge' AND terminal = 'lobby-1'");
  ASSERT_TRUE(audit.step());
  EXPECT_NE(audit.columnText(0).find("7 days"), std::string::npos) << audit.columnText(0);
  EXPECT_GT(guests(db), 5) << "the fixture's event is still on: untouched";
}

TEST_F(TerminalE2E, StaffOverrideNeedsAReasonAndIsAudited) {
  const auto r =
      run("wait-for attract\npresent-code WLF-5X1L\nwait-for refused\nclear-camera\nscreenshot "
          "blocked\n"
          "tap refused.call_staff\nwait-for call_staff\npresent-image staff-s1.png\nwait-for "
          "staff_guest\n"
          "clear-camera\nscreenshot staff_guest\ntap staff.guest.check_in\nwait-for staff_reason\n"
          "tap staff.reason.submit\nscreenshot reason_missing\nexpect staff_reason\n"
          "tap staff.reason.common.1\ntap staff.reason.submit\nwait-for staff_guest\nsleep 1500\n"
          "screenshot overridden\ntap staff.nav.lock\nwait-for attract\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(r.lastState("refused").value()["staff_reason"], "blocked");
  const auto tasks = r.events("staff_task");
  ASSERT_EQ(tasks.size(), 1u) << "the empty reason was refused before any check-in";
  EXPECT_EQ(tasks[0]["task"], "override");
  EXPECT_EQ(tasks[0]["method"], "staff_override");
  std::vector<std::string> audits;
  for (const auto& a : r.events("audit")) {
    audits.push_back(a["action"]);
  }
  EXPECT_TRUE(inOrder(audits, {"staff_unlocked", "staff_locked"}));
  const auto rep = report();
  EXPECT_NE(rep.find("staff_override,s1"), std::string::npos) << rep;
  EXPECT_TRUE(rep.find("主办方批准") != std::string::npos)
      << "the chosen reason is recorded: " << rep;
  expectShots(r, {"blocked", "staff_guest", "reason_missing", "overridden"});
}

TEST_F(TerminalE2E, WalkInAndUndoByStaff) {
  const auto r =
      run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\ntap "
          "staff.unlock.submit\n"
          "wait-for staff_home\ntap staff.nav.walk_in\nwait-for staff_walk_in\ntype Tom Nguyen\n"
          "tap walk_in.field.1\ntype Reuters\ntap walk_in.category.3\nscreenshot walk_in\ntap "
          "walk_in.next\n"
          "wait-for staff_reason\ntype press pass on site\ntap staff.reason.submit\nwait-for "
          "staff_guest\nsleep 800\n"
          "screenshot walked_in\ntap staff.guest.undo\nwait-for staff_reason\ntap "
          "staff.reason.common.0\n"
          "tap staff.reason.submit\nwait-for staff_guest\nscreenshot undone\n"
          "tap staff.nav.home\ntype li na\nsleep 800\nscreenshot search\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  const auto tasks = r.events("staff_task");
  ASSERT_EQ(tasks.size(), 2u) << r.dump();
  EXPECT_EQ(tasks[0]["task"], "walk_in");
  EXPECT_EQ(tasks[0]["ok"], true);
  EXPECT_EQ(tasks[1]["task"], "undo");
  EXPECT_EQ(tasks[1]["ok"], true);
  const auto rep = report();
  EXPECT_NE(rep.find("Tom Nguyen"), std::string::npos) << rep;
  EXPECT_NE(rep.find("walk_in,s1,press pass on site"), std::string::npos)
      << "the reason as typed, no capital added: " << rep;
  EXPECT_NE(rep.find(",s1,"), std::string::npos);
  expectShots(r, {"walk_in", "walked_in", "undone", "search"});
}

// Staff search as a receptionist types it, through the real screen and keyboard: a
// Japanese guest in kanji by the reading the roster carries and the end of their phone
// (their namesake with another phone is not listed), an Arabic guest by a Latin
// spelling, a guest by the middle digits of their phone.
TEST_F(TerminalE2E, StaffSearchFindsGuestsByLatinSpellingReadingAndMiddleDigits) {
  std::ofstream(dir.file("more.csv")) << "booking_code,name,reading,language,phone\n"
                                         "JP-0001,吉野 太郎,よしの たろう,ja,+81 90 1111 0001\n"
                                         "JP-0002,吉野 花子,よしの はなこ,ja,+81 90 1111 0002\n"
                                         "AE-0001,محمد علي,,ar,+971 50 765 4321\n";
  ctl({"guests", "import", "--db", db, dir.file("more.csv")});
  const auto r =
      run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\ntap "
          "staff.unlock.submit\nwait-for staff_home\n"
          "type yoshino 0001\nsleep 1000\nscreenshot search_reading\ntap staff.result.0\n"
          "wait-for staff_guest\ntap staff.nav.home\nwait-for staff_home\ntap-if key.clear\n"
          "type mohammed\nsleep 1000\nscreenshot search_arabic\ntap-if key.clear\n"
          "type mohammed 4321\nsleep 1000\n"
          "screenshot search_arabic_phone\ntap staff.result.0\n"
          "wait-for staff_guest\ntap staff.nav.home\nwait-for staff_home\ntap-if key.clear\n"
          "type 0765\nsleep 1000\ntap staff.result.0\nwait-for staff_guest\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::string> opened;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "staff_guest") {
      opened.push_back(s.value("booking_code", ""));
    }
  }
  EXPECT_EQ(opened, (std::vector<std::string>{"JP-0001", "AE-0001", "AE-0001"})) << r.dump();
  const std::string reading = readFile(r.shots + "/search_reading.json");
  EXPECT_NE(reading.find("吉野 太郎"), std::string::npos) << reading;
  EXPECT_EQ(reading.find("吉野 花子"), std::string::npos) << "only the guest with both";
  // Both Mohammeds of the roster (the demo's محمد العلي too); with the phone's end
  // (李娜's phone ends in 4321 as well), only the one.
  const std::string arabic = readFile(r.shots + "/search_arabic.json");
  EXPECT_NE(arabic.find("محمد علي"), std::string::npos) << arabic;
  EXPECT_NE(arabic.find("محمد العلي"), std::string::npos) << arabic;
  const std::string arabicPhone = readFile(r.shots + "/search_arabic_phone.json");
  EXPECT_NE(arabicPhone.find("محمد علي"), std::string::npos) << arabicPhone;
  EXPECT_EQ(arabicPhone.find("محمد العلي"), std::string::npos) << arabicPhone;
  EXPECT_EQ(arabicPhone.find("李娜"), std::string::npos) << arabicPhone;
  expectShots(r, {"search_reading", "search_arabic", "search_arabic_phone"});
}

// A guest on "Is this you?" can leave without calling staff, and nothing is recorded;
// staff are asked once more before the terminal quits, and can cancel.
TEST_F(TerminalE2E, AGuestCanStartOverAndStaffConfirmBeforeQuitting) {
  const auto r =
      run("wait-for attract\npresent-code WLF-7K3Q\nwait-for confirm_identity\nclear-camera\n"
          "screenshot identity\ntap identity.start_over\nwait-for attract\n"
          "tap attract.staff\nwait-for staff_unlock\ntype 2468\ntap staff.unlock.submit\n"
          "wait-for staff_home\ntap staff.nav.devices\nwait-for staff_devices\ntap staff.quit\n"
          "sleep 300\nscreenshot quit_question\nexpect staff_devices\ntap staff.devices.back\n"
          "sleep 300\nexpect staff_devices\ntap staff.quit\ntap staff.quit.confirm\nsleep 5000\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_TRUE(r.events("checkin").empty()) << r.dump();
  EXPECT_TRUE(r.events("refusal").empty()) << r.dump();
  const auto screens = r.screens();
  const auto identity = std::find(screens.begin(), screens.end(), "confirm_identity");
  ASSERT_NE(identity, screens.end()) << r.dump();
  ASSERT_NE(identity + 1, screens.end()) << r.dump();
  EXPECT_EQ(*(identity + 1), "attract") << r.dump();
  const auto quit = r.events("quit");
  ASSERT_EQ(quit.size(), 1u) << r.dump();
  EXPECT_EQ(quit[0]["staff_id"], "s1") << r.dump();
  expectShots(r, {"identity", "quit_question"});
}

// A roster answer given as an id shows in words in the needs editor ("vegetarian" as
// 素食). Typing edits those words, never the id under them; an answer chosen as it was
// stays the roster's id.
TEST_F(TerminalE2E, TheNeedsEditorEditsTheWordsTheGuestSees) {
  reimportRows({{"WLF-8M2R", {{8, "vegetarian"}, {10, "wheelchair"}}}});
  const auto r =
      run("wait-for attract\npresent-code WLF-8M2R\nwait-for confirm_identity\nclear-camera\n"
          "tap identity.yes\ntap photo.skip\nwait-for confirm_needs\n"
          // One backspace on 素食.
          "tap needs.edit.diet\ntap key.backspace\nscreenshot diet_edited\ntap needs.save\n"
          // 轮椅 chosen again for the roster's wheelchair.
          "tap needs.edit.accessibility\ntap needs.option.1\ntap needs.save\n"
          "tap needs.confirm\nwait-for info 30\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  ASSERT_EQ(r.events("checkin").size(), 1u) << r.dump();
  const auto needs = runCommand({"sqlite3", db,
                                 "SELECT json_extract(confirmed_needs, '$.diet') || '|' || "
                                 "json_extract(confirmed_needs, '$.accessibility') FROM checkins"},
                                dir.path());
  EXPECT_EQ(needs.out, "素|wheelchair\n") << needs.err;
  expectShots(r, {"diet_edited"});
}

TEST_F(TerminalE2E, IdleTimeoutWipesTheScreen) {
  const auto r =
      run("wait-for attract\ntap a11y.large_text\npresent-code WLF-2G5Z\nwait-for "
          "confirm_identity\nclear-camera\n"
          "advance 22\nscreenshot countdown\nadvance 9\nwait-for attract\nscreenshot wiped\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_TRUE(inOrder(r.screens(), {"attract", "confirm_identity", "attract"}));
  const auto back = r.lastState("attract").value();
  EXPECT_FALSE(back.contains("guest_id"));
  EXPECT_EQ(back["language"], "zh-CN") << "the guest's language ends with the guest";
  EXPECT_EQ(r.events("checkin").size(), 0u);
  expectShots(r, {"countdown", "wiped"});
}

TEST_F(TerminalE2E, ScanSwitchesToTheGuestsLanguage) {
  const auto r = run(
      "wait-for attract\npresent-code WLF-7T1G\nwait-for "
      "confirm_identity\nclear-camera\nscreenshot english_guest\n"
      "tap identity.not_me\nwait-for call_staff\ntap call.dismiss\nwait-for attract\n"
      "present-code WLF-9S2K\nwait-for confirm_identity\nclear-camera\nscreenshot "
      "spanish_guest_in_english\n"
      "tap identity.not_me\ntap call.dismiss\nwait-for attract\ntap lang.en\n"
      "present-code WLF-8B5K\nwait-for confirm_identity\nclear-camera\nscreenshot "
      "chinese_guest_who_chose_english\n"
      "tap identity.not_me\ntap call.dismiss\nwait-for attract\n"
      "present-code WLF-6C8N\nwait-for confirm_identity\nclear-camera\nscreenshot chinese_guest\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::string> languages;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "confirm_identity") {
      languages.push_back(s["language"]);
    }
  }
  // The roster's language, unless the guest tapped one: then the tap.
  EXPECT_EQ(languages, (std::vector<std::string>{"en", "en", "en", "zh-CN"})) << r.dump();
  expectShots(r, {"english_guest", "spanish_guest_in_english", "chinese_guest_who_chose_english",
                  "chinese_guest"});
}

// A keyboard-wedge scanner (USB or Bluetooth) types the code as fast key presses and
// Enter. Here real X key events (XTEST, through xdotool) go to the real terminal's window
// on the Xvfb display it reports, at a scanner's pace: every key comes as a key-down and
// a text event, as from the real device.
class WedgeScanner : public TerminalE2E, public ::testing::WithParamInterface<int> {
 protected:
  // The script says `echo scan:<N>` and waits for the file scanned-<N>; the test types
  // scans[N] (and Enter) into the window meanwhile.
  KioskRun runWithScans(const std::string& script, const std::vector<std::string>& scans,
                        int delayMs) {
    std::string display;
    std::string typingError;
    auto r = run(script, TerminalSetup{}, [&](const json& line) {
      if (line.value("event", "") == "ready") {
        display = line.value("display", "");
      }
      const std::string text = line.value("text", "");
      if (line.value("event", "") != "echo" || text.rfind("scan:", 0) != 0) {
        return;
      }
      const auto n = static_cast<std::size_t>(std::stoi(text.substr(5)));
      // One xdotool run: Return follows the last character at once, as from a scanner.
      const auto typed = runCommand(
          {"env", "DISPLAY=" + display, "XAUTHORITY=" + dir.file("Xauthority"), "xdotool", "type",
           "--delay", std::to_string(delayMs), "--args", "1", scans.at(n), "key", "Return"},
          dir.path());
      if (display.empty() || typed.status != 0) {
        typingError += "xdotool on '" + display + "': " + typed.err;
      }
      std::ofstream(dir.file("scanned-" + std::to_string(n)));
    });
    EXPECT_EQ(typingError, "");
    return r;
  }
};

TEST_P(WedgeScanner, BookingCodesAndTokensCheckIn) {
  if (!haveXdotool()) {
    GTEST_SKIP() << "xdotool is not installed (Debian package xdotool): no X key events";
  }
  const int delayMs = GetParam();
  const std::string toAttract =
      "wait-for confirm_identity 20\nclear-camera\ntap identity.not_me\nwait-for call_staff\n"
      "tap call.dismiss\nwait-for attract\n";
  const auto r = runWithScans(
      // A booking code scanned at the attract screen.
      "wait-for attract\necho scan:0\nwait-file scanned-0 30\n" + toAttract +
          // A booking code scanned while the find-booking code field has the focus.
          "tap attract.find_booking\nwait-for find_booking\necho scan:1\n"
          "wait-file scanned-1 30\n" +
          toAttract +
          // A signed token at the attract screen, and the guest checks in.
          "echo scan:2\nwait-file scanned-2 30\nwait-for confirm_identity 20\n"
          "tap identity.yes\ntap photo.skip\ntap needs.confirm\nwait-for printing 30\n",
      {"WLF-7K3Q", "WLF-8M2R", payloadOf("WLF-3F9B")}, delayMs);
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::string> sources;
  std::vector<std::string> guests;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "checking") {
      sources.push_back(s.value("source", ""));
    } else if (s["state"] == "confirm_identity") {
      guests.push_back(s.value("booking_code", ""));
    }
  }
  EXPECT_EQ(sources, (std::vector<std::string>{"scanner", "scanner", "scanner"})) << r.dump();
  EXPECT_EQ(guests, (std::vector<std::string>{"WLF-7K3Q", "WLF-8M2R", "WLF-3F9B"})) << r.dump();
  const auto checkins = r.events("checkin");
  ASSERT_EQ(checkins.size(), 1u) << r.dump();
  EXPECT_EQ(checkins[0]["method"], "qr_code");
  EXPECT_NE(report().find("accepted,WLF-3F9B"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(KeyDelay, WedgeScanner, ::testing::Values(0, 4),
                         [](const auto& p) { return std::to_string(p.param) + "ms"; });

// A person typing on a keyboard is not a scanner: the keys go into the focused field, and
// Enter submits it as the on-screen button does.
TEST_F(WedgeScanner, TypedCodeAndEnterSubmitTheField) {
  if (!haveXdotool()) {
    GTEST_SKIP() << "xdotool is not installed (Debian package xdotool): no X key events";
  }
  const auto r = runWithScans(
      "wait-for attract\ntap attract.find_booking\nwait-for find_booking\necho scan:0\n"
      "wait-file scanned-0 30\nwait-for confirm_identity 20\n",
      {"wlf-8m2r"}, 120);
  ASSERT_EQ(r.status, 0) << r.dump();
  const auto checking = r.lastState("checking");
  ASSERT_TRUE(checking) << r.dump();
  EXPECT_EQ((*checking)["source"], "typed");
  EXPECT_EQ(r.lastState("confirm_identity").value()["booking_code"], "WLF-8M2R");
}

// Camera scans and wedge scans are compared on one clock: a code the camera read, shown
// to the hand scanner once it has been out of the camera's view for a while, is a scan.
TEST_F(TerminalE2E, WedgeScanOfACodeTheCameraSawEarlierCounts) {
  const auto r =
      run("wait-for attract\npresent-code WLF-7K3Q\nwait-for confirm_identity\n"
          "clear-camera\ntap identity.not_me\nwait-for call_staff\ntap call.dismiss\n"
          "wait-for attract\nsleep 3500\nwedge " +
          payloadOf("WLF-7K3Q") + "\nwait-for confirm_identity 10\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::string> sources;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "checking") {
      sources.push_back(s.value("source", ""));
    }
  }
  EXPECT_EQ(sources, (std::vector<std::string>{"camera", "scanner"})) << r.dump();
}

// "Find my booking" on a 100,000-guest roster holding 400 guests called 王伟 (pinyin
// wangwei): the one whose phone ends in the typed digits is found, though 399 namesakes
// come before them.
TEST_F(TerminalE2E, FindByNameAndPhoneOnALargeRoster) {
  std::ostringstream csv;
  csv << "booking_code,name,company,category,language,phone\n";
  int namesakes = 0;
  char phone[32];
  for (int i = 0; i < 100'000; ++i) {
    if (i % 250 == 7) {
      std::snprintf(phone, sizeof phone, "+86 139 0000 %04d", 1000 + 7 * namesakes++);
      csv << "BIG-" << i << ",王伟,Acme,business,en," << phone << "\n";
    } else {
      std::snprintf(phone, sizeof phone, "138%08d", (i * 7919) % 100'000'000);
      csv << "BIG-" << i << ",Guest " << i << ",Acme,business,en," << phone << "\n";
    }
  }
  std::ofstream(dir.file("roster.csv")) << csv.str();
  ctl({"guests", "import", "--db", db, dir.file("roster.csv")});
  const auto r =
      run("wait-for attract\ntap attract.find_booking\nwait-for find_booking\ntap find.mode.name\n"
          "type wangwei\ntap find.field.phone\ntype 3793\ntap find.submit\n"
          "wait-for confirm_identity 20\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(r.lastState("confirm_identity").value()["booking_code"], "BIG-99757") << r.dump();
}

// A phone left in front of the camera after its guest's journey: the code stays in view
// through the journey, the thank-you and the attract screen for longer than the old
// repeat window, and does not start "welcome back" (nor log a refusal) again; the next
// guest's code is read at once.
TEST_F(TerminalE2E, PhoneLeftInFrontOfTheCameraDoesNotStartAgain) {
  const auto r =
      run("wait-for attract\npresent-code WLF-7K3Q\nwait-for confirm_identity\ntap identity.yes\n"
          "tap photo.skip\ntap needs.confirm\nwait-for info 30\ntap info.done\nwait-for done\n"
          "sleep 1000\ntap done.finish\nwait-for attract\nsleep 4000\nexpect attract\n"
          "present-code WLF-8M2R\nwait-for confirm_identity 15\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::string> guests;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "confirm_identity") {
      guests.push_back(s.value("booking_code", ""));
    }
  }
  EXPECT_EQ(guests, (std::vector<std::string>{"WLF-7K3Q", "WLF-8M2R"})) << r.dump();
  EXPECT_TRUE(r.events("refusal").empty()) << r.dump();
  EXPECT_EQ(r.events("checkin").size(), 1u) << r.dump();
}

// A catalog's texts by dotted key ("staff.devices.state").
std::map<std::string, std::string> catalogTexts(const std::string& language) {
  std::map<std::string, std::string> out;
  std::function<void(const toml::table&, const std::string&)> walk =
      [&](const toml::table& table, const std::string& prefix) {
        for (const auto& [key, node] : table) {
          const std::string name = prefix + std::string(key.str());
          if (const auto* sub = node.as_table()) {
            walk(*sub, name + ".");
          } else if (const auto* text = node.as_string()) {
            out[name] = text->get();
          }
        }
      };
  walk(toml::parse_file(kAssets + "/i18n/" + language + ".toml"), "");
  return out;
}

// The languages the terminal ships a catalog for.
const std::vector<std::string> kLanguages = {"zh-CN", "en", "ja", "ko", "ru", "ar"};

// What a screen in `language` must not show: the other catalogs' words (where they
// differ from this one's; each language's button says its own name) and the raw ids
// behind device states, check-in methods and common answers.
void expectOneLanguage(const std::string& shots, const std::string& language) {
  const auto mine = catalogTexts(language);
  std::set<std::string> own;
  for (const auto& [key, text] : mine) {
    own.insert(text);
  }
  std::set<std::string> foreign;
  std::set<std::string> ids = {"sounds off"};
  for (const auto& otherLanguage : kLanguages) {
    if (otherLanguage == language) {
      continue;
    }
    for (const auto& [key, text] : catalogTexts(otherLanguage)) {
      const auto mineAt = mine.find(key);
      if (key.rfind("language.", 0) != 0 && own.count(text) == 0 &&
          (mineAt == mine.end() || mineAt->second != text)) {
        foreign.insert(text);
      }
      for (const char* idKey :
           {"method.", "device.camera.", "device.camera_problem.", "device.sync_problem.",
            "device.sound.", "printer.", "value.", "staff.devices.media_fit."}) {
        if (key.rfind(idKey, 0) == 0) {
          ids.insert(key.substr(key.rfind('.') + 1));
        }
      }
    }
  }
  ASSERT_GT(ids.size(), 30u);
  ASSERT_GT(foreign.size(), 300u);
  std::size_t texts = 0;
  for (const auto& e : fs::directory_iterator(shots)) {
    if (e.path().extension() != ".json") {
      continue;
    }
    const std::string file = e.path().filename().string();
    const json record = json::parse(readFile(e.path().string()));
    for (const auto& t : record["texts"]) {
      const std::string text = t["text"];
      ++texts;
      EXPECT_EQ(foreign.count(text), 0u) << file << ": \"" << text << "\" in " << language;
      for (const auto& id : ids) {
        const bool marked = id.find_first_of("_-") != std::string::npos;
        EXPECT_FALSE(text == id || text.find("(" + id + ")") != std::string::npos ||
                     (marked && text.find(id) != std::string::npos))
            << file << ": raw id " << id << " in \"" << text << "\"";
      }
    }
  }
  EXPECT_GT(texts, 200u);
}

// No text on a screen is clipped, by the terminal's own record of what it drew: none is
// cut short ("..."), none runs off the screen, and none is wider or taller than the box
// the screen gave it (its letters would run into what lies beside or below).
void expectNothingClipped(const std::string& shots) {
  std::size_t records = 0;
  for (const auto& e : fs::directory_iterator(shots)) {
    if (e.path().extension() != ".json") {
      continue;
    }
    ++records;
    const std::string file = e.path().filename().string();
    const json rec = json::parse(readFile(e.path().string()));
    const double width = rec["width"], height = rec["height"];
    for (const auto& t : rec["texts"]) {
      const std::string text = t["text"];
      if (text.empty()) {
        continue;
      }
      const double x = t["x"], y = t["y"], w = t["w"], h = t["h"];
      const double bx = t["box"][0], by = t["box"][1], bw = t["box"][2], bh = t["box"][3];
      // The test printer is a folder under a random temporary name, which may just not
      // fit the staff's device page (a real printer's queue name is short).
      const bool testPrinter = text.rfind("pdf:", 0) == 0;
      EXPECT_FALSE(t["cut"].get<bool>() && !testPrinter) << file << ": cut short: " << text;
      EXPECT_TRUE(x >= -1 && y >= -1 && x + w <= width + 1 && y + h <= height + 1)
          << file << ": off the screen: " << text << " " << t.dump();
      EXPECT_TRUE(x >= bx - 1 && x + w <= bx + bw + 1)
          << file << ": wider than its box: " << text << " " << t.dump();
      // A line's box holds its leading as well as its letters: a single line may stand
      // out of a tight box by that much (a fifth of it), but not by another line.
      const double leading = std::min(0.2 * h, 24.0) + 1;
      EXPECT_TRUE(bh <= 0 || (y >= by - leading && y + h <= by + bh + leading))
          << file << ": taller than its box: " << text << " " << t.dump();
    }
  }
  EXPECT_GT(records, 20u);
}

// Every screen, in every language and both orientations.
class ScreenSweep : public TerminalE2E,
                    public ::testing::WithParamInterface<std::tuple<std::string, bool>> {};

TEST_P(ScreenSweep, EveryScreen) {
  const auto [language, portrait] = GetParam();
  const bool zh = language == "zh-CN";
  // Guests in the sweep's language: a Chinese speaker, or two English speakers whose
  // roster language is made the sweep's ("ja-JP", "ko-KR", "ru-RU", "ar-SA": the
  // region is ignored).
  const std::string guest = zh ? "WLF-8M2R" : "WLF-4K7P";
  const std::string other = zh ? "WLF-3F9B" : "WLF-7T1G";
  const std::string rosterTag = language == "ja"   ? "ja-JP"
                                : language == "ko" ? "ko-KR"
                                : language == "ru" ? "ru-RU"
                                : language == "ar" ? "ar-SA"
                                                   : language;
  const std::string script =
      std::string("wait-for attract\nscreenshot 01_attract\ntap attract.find_booking\n") +
      "tap find.mode.name\ntype li\ntap find.field.phone\ntype 4321\nscreenshot 02_find_booking\n" +
      "tap find.back\nwait-for attract\npresent-code " + guest +
      "\nwait-for confirm_identity\nclear-camera\n" + "screenshot 03_identity\n" +
      "tap lang.list\nscreenshot 03b_language_list\ntap lang.list\ntap identity.yes\n" +
      kPhotoSteps + "screenshot 04_photo_taken\n" +
      "tap photo.accept 10\nwait-for confirm_needs\nscreenshot 05_needs\ntap needs.edit.diet\n" +
      "screenshot 06_needs_edit\ntap needs.option.1\ntap needs.save\ntap needs.confirm\nwait-for "
      "printing\n" +
      "sleep 300\nscreenshot 07_printing\nwait-for info 30\nscreenshot 08_info_stay\ntap "
      "info.tab.1\n" +
      "screenshot 09_info_travel\ntap info.tab.2\nscreenshot 10_info_meetings\ntap info.tab.3\n" +
      "screenshot 11_info_help\ntap info.done\nwait-for done\ntap rate.4\nscreenshot 12_done\n" +
      "tap done.report\ntap report.category.room\nscreenshot 13_report\ntap report.next\n" +
      "screenshot 13b_report_words\ntap report.send\ntap done.finish\n" +
      "wait-for attract\npresent-code " + other + "\nwait-for confirm_identity\nclear-camera\n" +
      "tap identity.not_me\nwait-for call_staff\nscreenshot 14_call_staff\ntap "
      "call.dismiss\nwait-for attract\n" +
      "present NOT-A-GUEST\nwait-for refused\nclear-camera\nscreenshot 15_refused_unknown\n" +
      "tap refused.dismiss\nwait-for attract\npresent-code " + guest +
      "\nwait-for confirm_identity\nclear-camera\ntap identity.yes\nwait-for info\n"
      "screenshot 16_info_returning\ntap info.done\ntap done.finish\n" +
      "wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 24\n" +
      "screenshot 17_staff_unlock\ntype 68\ntap staff.unlock.submit\nwait-for staff_home\ntype "
      "wang\nsleep 800\n" +
      "screenshot 18_staff_home\ntap staff.result.0\nwait-for staff_guest\nsleep 500\nscreenshot "
      "19_staff_guest\n" +
      "tap staff.guest.check_in\nwait-for staff_reason\nscreenshot 20_staff_reason\ntap "
      "staff.reason.back\n" +
      // The sweep's guest, checked in above, found by the end of the phone number.
      "tap staff.nav.home\nwait-for staff_home\ntap-if key.clear\ntype " +
      (zh ? "87654321" : "45012345") +
      "\nsleep 800\ntap staff.result.0\nwait-for staff_guest\nsleep 500\nscreenshot "
      "20b_staff_guest_checked_in\n" +
      "tap staff.nav.walk_in\nwait-for staff_walk_in\nscreenshot 21_staff_walk_in\ntap "
      "staff.nav.devices\n" +
      "wait-for staff_devices\nsleep 3200\nscreenshot 22_staff_devices\ntap "
      "staff.nav.lock\nwait-for attract\n" +
      "tap a11y.high_contrast\nscreenshot 23_high_contrast\n" +
      (portrait ? "tap a11y.reach\ntap a11y.large_text\nscreenshot 24_reach_large_text\n" : "");
  TerminalSetup setup;
  if (!portrait) {
    setup.width = 1920;
    setup.height = 1080;
  }
  // The sweep's language first: the attract screen and staff mode are in it.
  setup.languages = "[\"" + language + "\"";
  for (const auto& l : kLanguages) {
    if (l != language) {
      setup.languages += ", \"" + l + "\"";
    }
  }
  setup.languages += "]";
  // The guest's needs as ids, as an organiser's spreadsheet often has them.
  reimportRows({{guest, {{5, rosterTag}, {8, "vegetarian"}, {10, "wheelchair"}}},
                {other, {{5, rosterTag}}}});
  const auto r = run(script, setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  for (const auto& s : r.events("state")) {
    if (s["state"] == "confirm_identity" || s["state"] == "info") {
      EXPECT_EQ(s["language"], language) << s.dump();
    }
  }
  std::size_t shots = 0;
  for (const auto& e : fs::directory_iterator(r.shots)) {
    shots += e.path().extension() == ".png" ? 1 : 0;
  }
  EXPECT_EQ(shots, portrait ? 27u : 26u);
  expectOneLanguage(r.shots, language);
  expectNothingClipped(r.shots);
  // The badge speaks the guest's language too ("Room" and "Seat" from the catalog), and
  // the Chinese guest's meeting room, named "Room 305", gets no second label.
  std::string badges;
  for (const auto& e : fs::directory_iterator(dir.path() / "badges")) {
    if (e.path().extension() == ".pdf") {
      badges += runCommand({"pdftotext", e.path().string(), "-"}, dir.path()).out;
    }
  }
  ASSERT_FALSE(badges.empty());
  const auto mine = catalogTexts(language);
  for (const auto& l : kLanguages) {
    const std::string seat = catalogTexts(l).at("badge.seat");
    if (seat != mine.at("badge.seat")) {
      EXPECT_EQ(badges.find(seat), std::string::npos) << l << ": " << badges;
    }
  }
  if (language == "ar") {
    // pdftotext writes right-to-left runs in the order they are seen, between embedding
    // marks: the words are there, their order in the text is not the reading order.
    for (const char* key : {"badge.seat", "badge.room"}) {
      EXPECT_NE(badges.find(mine.at(key)), std::string::npos) << key << ": " << badges;
    }
    EXPECT_NE(badges.find("Hall A"), std::string::npos) << badges;
  } else {
    EXPECT_NE(badges.find(mine.at("badge.seat") + " "), std::string::npos) << badges;
    EXPECT_NE(badges.find(zh ? "Room 305" : mine.at("badge.room") + " Hall A"), std::string::npos)
        << badges;
  }
  EXPECT_EQ(badges.find("房间 Room"), std::string::npos) << badges;
  EXPECT_EQ(badges.find("Room Room"), std::string::npos) << badges;
}

INSTANTIATE_TEST_SUITE_P(Languages, ScreenSweep,
                         ::testing::Combine(::testing::ValuesIn(kLanguages), ::testing::Bool()),
                         [](const auto& p) {
                           const std::string& l = std::get<0>(p.param);
                           return (l == "zh-CN" ? std::string("zh") : l) +
                                  (std::get<1>(p.param) ? "_portrait" : "_landscape");
                         });

// Arabic reads right to left: each screen is the English one mirrored (every control
// at the reflected place, so the primary action changes sides; heights follow the
// texts, which are not the same height in both) and its paragraphs end
// at the right edge of their box, while the keypad stays as it is everywhere.
TEST_F(TerminalE2E, ArabicScreensAreMirroredWithRightAlignedText) {
  TerminalSetup setup;
  setup.languages = R"(["en", "ar"])";
  const auto r =
      run("wait-for attract\ntap attract.find_booking\nwait-for find_booking\ntap find.mode.name\n"
          "tap find.field.phone\nscreenshot en_find\ntap find.back\nwait-for attract\ntap lang.ar\n"
          "tap attract.find_booking\nwait-for find_booking\ntap find.mode.name\n"
          "tap find.field.phone\nscreenshot ar_find\ntap find.back\nwait-for attract\n"
          "present-code WLF-7T1G\nwait-for confirm_identity\nclear-camera\nscreenshot en_identity\n"
          "tap lang.ar\nsleep 300\nscreenshot ar_identity\n",
          setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  const auto record = [&](const std::string& shot) {
    return json::parse(readFile(r.shots + "/" + shot + ".json"));
  };
  for (const std::string screen : {"find", "identity"}) {
    const json en = record("en_" + screen);
    const json ar = record("ar_" + screen);
    const double width = en["width"];
    std::map<std::string, json> english;
    for (const auto& c : en["controls"]) {
      english[c["name"]] = c;
    }
    int compared = 0;
    int changedSides = 0;
    for (const auto& c : ar["controls"]) {
      const std::string name = c["name"];
      if (name.rfind("lang.", 0) == 0 || english.count(name) == 0) {
        continue;  // the language buttons name the other language: not the same width
      }
      const json& e = english[name];
      const double mirroredX = width - (e["x"].get<double>() + e["w"].get<double>());
      if (name.rfind("key.", 0) == 0) {
        EXPECT_NEAR(c["x"].get<double>(), e["x"].get<double>(), 1.0) << screen << ": " << name;
      } else {
        EXPECT_NEAR(c["x"].get<double>(), mirroredX, 1.0) << screen << ": " << name;
        const double enSide = e["x"].get<double>() + e["w"].get<double>() / 2 - width / 2;
        const double arSide = c["x"].get<double>() + c["w"].get<double>() / 2 - width / 2;
        changedSides += std::abs(enSide) > 50 && enSide * arSide < 0 ? 1 : 0;
      }
      EXPECT_NEAR(c["w"].get<double>(), e["w"].get<double>(), 1.0) << screen << ": " << name;
      ++compared;
    }
    EXPECT_GE(compared, 3) << screen;
    EXPECT_GE(changedSides, 2) << screen;
    // The screen's wide paragraphs (title and subtitle): flush right in Arabic, flush
    // left in English.
    int paragraphs = 0;
    for (const auto& [rec, rightToLeft] : {std::pair<const json&, bool>{ar, true}, {en, false}}) {
      for (const auto& t : rec["texts"]) {
        const double x = t["x"], w = t["w"], bx = t["box"][0], bw = t["box"][2];
        if (bw < width * 0.8 || w > bw * 0.9 || t["box"][1].get<double>() < 150) {
          continue;  // a label in a row, or a text as wide as its box: says nothing
        }
        ++paragraphs;
        if (rightToLeft) {
          EXPECT_NEAR(x + w, bx + bw, 2.0) << screen << ": " << t.dump();
        } else {
          EXPECT_NEAR(x, bx, 2.0) << screen << ": " << t.dump();
        }
      }
    }
    EXPECT_GE(paragraphs, 4) << screen;
  }
}

// --- every layout ---------------------------------------------------------------------
//
// One terminal run walks every guest screen in all eight layouts (portrait and
// landscape, normal and large text, reach mode off and on: reach mode only moves things
// in portrait, but the choice carries over when the screen turns, so landscape is run
// with it too) and checks each screenshot's record of what was drawn: every control at
// least 15 mm on the glass, inside the screen and overlapping no other; no text cut
// short; and every field of the guest's record and of the event on the info screen.

struct Layout {
  std::string tag;
  bool portrait;
  bool large;
  bool reach;
};

// A guest with every field of the record filled, in English (the event's texts show
// their English half).
const char* kFullGuestColumns =
    "booking_code,name,company,title,category,language,phone,email,diet,allergies,"
    "accessibility,hotel,room,floor,checkin_date,checkout_date,door_card_pickup,breakfast,"
    "vehicle,driver,driver_phone,pickup_time,pickup_place,flight,meeting,meeting_room,"
    "meeting_time,seat,host,host_contact,status,escort_required\n";

std::string fullGuestRow(const std::string& code, int n) {
  return code + ",Alexandra Montgomery-Fitzgerald " + std::to_string(n) +
         ",Hangzhou Institute for Sustainable Urban Water Systems,Director,business,en,"
         "1380000432" +
         std::to_string(n) + ",guest" + std::to_string(n) +
         "@example.org,Vegetarian,Peanuts and tree nuts,Wheelchair user: step-free route please,"
         "Lakeside Grand Hotel,1208,12," +
         day(0) + "," + day(2) +
         ",Front desk on the ground floor,06:30-10:00 2F Jade Restaurant,Shuttle bus 3,"
         "Wang Lei,13900001111," +
         day(0) +
         " 07:40,Hotel lobby north gate,CA1702 from Beijing lands 07:05,Opening Plenary,"
         "Hall A,"
         "" +
         day(0) + " 09:00,A-12,Chen Jing,13700002222,active,no\n";
}

// What the info screen must show of the record and the event, as drawn.
const std::vector<std::string> kInfoFields = {
    // lodging
    "Lakeside Grand Hotel", "1208", "floor 12", "Front desk on the ground floor",
    "06:30-10:00 2F Jade Restaurant", "WLF-Guest", "greencity2026",
    // transport
    "Shuttle bus 3", "07:40", "Hotel lobby north gate", "Wang Lei", "13900001111",
    "CA1702 from Beijing lands 07:05",
    // meetings
    "Opening Plenary", "09:00", "Hall A", "A-12",
    // the host who was told
    "Chen Jing",
    // help: the event's contacts, hospital and venue
    "Event hotline", "+86 571 8888 2026", "Venue security", "+86 571 8888 0110",
    "Medical desk (lobby)", "+86 571 8888 0120", "Zhejiang Provincial People's Hospital",
    "158 Shangtang Road, Hangzhou", "+86 571 8589 3000",
    "West Lake International Convention Center", "1 Lakeshore Road, Xihu District, Hangzhou"};

// Pages of an info tab the script looks at (it stops tapping "more" after the last).
constexpr int kInfoPagesVisited = 8;

std::string layoutScript(const std::vector<Layout>& layouts,
                         const std::vector<std::string>& codes) {
  std::string s;
  bool portrait = true;
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    const Layout& l = layouts[i];
    const std::string t = l.tag + "_";
    // A guest's choices end with the guest (every way back to the attract screen resets
    // them): choose them again each time. Reach mode is switched on the portrait attract
    // screen only (it moves nothing in landscape, but the choice stays when the screen
    // turns).
    std::string choose = "wait-for attract\n";
    if (l.large) {
      choose += "tap a11y.large_text\n";
    }
    if (l.reach) {
      choose +=
          l.portrait ? "tap a11y.reach\n" : "window 1080 1920\ntap a11y.reach\nwindow 1920 1080\n";
    }
    s += "wait-for attract\n";
    if (l.portrait != portrait) {
      s += l.portrait ? "window 1080 1920\n" : "window 1920 1080\n";
      portrait = l.portrait;
    }
    s += choose + "sleep 300\nscreenshot " + t + "01_attract\n";
    s += "tap attract.find_booking\nwait-for find_booking\nscreenshot " + t + "02_find_code\n";
    s += "tap find.mode.name\ntype li\nscreenshot " + t + "03_find_name\n";
    s += "tap find.field.phone\ntype 4321\nscreenshot " + t + "04_find_phone\n";
    s += "tap find.back\n" + choose + "present-code " + codes[i] +
         "\nwait-for confirm_identity\nclear-camera\nscreenshot " + t + "05_identity\n";
    s += "tap identity.yes\nwait-for photo\nsleep 300\nscreenshot " + t + "06_photo\n";
    s += "tap photo.skip\nwait-for confirm_needs\nscreenshot " + t + "07_needs\n";
    s += "tap needs.edit.diet\nscreenshot " + t + "08_needs_edit\n";
    s += "tap needs.cancel\ntap needs.confirm\nwait-for info 30\n";
    for (int tab = 0; tab < 4; ++tab) {
      const std::string n = std::to_string(tab);
      s += "tap info.tab." + n + "\n";
      for (int page = 0; page < kInfoPagesVisited; ++page) {
        s += "screenshot " + t + "09_info_" + n + "_" + std::to_string(page) + "\n";
        s += "tap-if info.page.next\n";
      }
    }
    s += "tap info.done\nwait-for done\nscreenshot " + t + "10_done\n";
    s += "tap done.report\nwait-for report_problem\ntap report.category.room\nscreenshot " + t +
         "11_report\n";
    // The guest's own words, longer than the field is wide: the field shows their end.
    s += "tap report.next\ntype The tap in the bathroom drips all night and the bedside light "
         "is out\nscreenshot " +
         t + "11b_report_words\n";
    s += "tap report.send\nwait-for done\ntap done.finish\n" + choose;
    s += "present NOT-A-GUEST\nwait-for refused\nclear-camera\nscreenshot " + t + "12_refused\n";
    s += "tap refused.call_staff\nwait-for call_staff\nscreenshot " + t + "13_call_staff\n";
    s += "tap call.dismiss\n" + choose + "present-code " + codes[i] +
         "\nwait-for confirm_identity\nclear-camera\ntap identity.yes\nwait-for info\n"
         "screenshot " +
         t + "14_info_returning\n";
    s += "tap info.done\nwait-for done\ntap done.finish\n";
  }
  return s + "wait-for attract\n";
}

// A long name wraps onto several large lines on the identity screen, whole, in both
// orientations and with large text.
TEST_F(TerminalE2E, LongNameWrapsWholeOnTheIdentityScreen) {
  const std::string name =
      "Maximilian Alexander Friedrich von Hohenzollern-Sigmaringen zu Hechingen-Weiler";
  // One guest per screenshot: the same code twice in a row is taken for a phone left in
  // front of the camera.
  std::string csv = kFullGuestColumns;
  std::string script;
  const char* codes[] = {"LNG-2AK1", "LNG-3BK1", "LNG-4CK1", "LNG-5DK1"};
  int i = 0;
  for (const char* layout : {"portrait", "landscape"}) {
    const bool landscape = std::string(layout) == "landscape";
    for (const bool large : {false, true}) {
      std::string row = fullGuestRow(codes[i], i);
      row.replace(row.find("Alexandra"), std::string("Alexandra Montgomery-Fitzgerald 0").size(),
                  name);
      csv += row;
      script += std::string("wait-for attract\n") + (landscape ? "window 1920 1080\n" : "") +
                (large ? "tap a11y.large_text\n" : "") + "present-code " + codes[i++] +
                "\nwait-for confirm_identity\nclear-camera\nscreenshot " + layout +
                (large ? "_large" : "") +
                "\ntap identity.not_me\nwait-for call_staff\ntap call.dismiss\n";
    }
  }
  std::ofstream(dir.file("long.csv")) << csv;
  ctl({"guests", "import", "--db", db, dir.file("long.csv")});
  ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  const auto r = run(script + "wait-for attract\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  for (const char* shot : {"portrait", "portrait_large", "landscape", "landscape_large"}) {
    const json rec = json::parse(readFile(r.shots + "/" + shot + ".json"));
    std::optional<json> drawn;
    for (const auto& t : rec["texts"]) {
      if (t["text"] == name) {
        drawn = t;
      }
    }
    ASSERT_TRUE(drawn) << shot << ": the name is not on the screen";
    EXPECT_FALSE((*drawn)["cut"].get<bool>()) << shot << ": the name is cut short";
    // Large: at least 9 mm a line, as the title of a screen.
    const double lineMm = 9.0 * rec["px_per_mm"].get<double>();
    EXPECT_GE((*drawn)["h"].get<double>(), 2 * lineMm) << shot << ": " << drawn->dump();
  }
}

bool overlap(const json& a, const json& b) {
  const double ax = a["x"], ay = a["y"], aw = a["w"], ah = a["h"];
  const double bx = b["x"], by = b["y"], bw = b["w"], bh = b["h"];
  const double w = std::min(ax + aw, bx + bw) - std::max(ax, bx);
  const double h = std::min(ay + ah, by + bh) - std::max(ay, by);
  return w > 0.5 && h > 0.5;  // touching edges is not overlapping
}

TEST_F(TerminalE2E, EveryGuestScreenInEveryLayoutIsUsableAndShowsEverything) {
  const std::vector<Layout> layouts = {
      {"portrait", true, false, false},           {"portrait_large", true, true, false},
      {"portrait_large_reach", true, true, true}, {"portrait_reach", true, false, true},
      {"landscape_reach", false, false, true},    {"landscape_large_reach", false, true, true},
      {"landscape_large", false, true, false},    {"landscape", false, false, false}};
  std::string csv = kFullGuestColumns;
  std::vector<std::string> codes;
  const char* suffix[] = {"2A", "3B", "4C", "5D", "6E", "7F", "8G", "9H"};
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    codes.push_back("LAY-" + std::string(suffix[i]) + "K1");
    csv += fullGuestRow(codes.back(), static_cast<int>(i));
  }
  std::ofstream(dir.file("full.csv")) << csv;
  ctl({"guests", "import", "--db", db, dir.file("full.csv")});
  ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  const auto r = run(layoutScript(layouts, codes));
  ASSERT_EQ(r.status, 0) << r.dump();

  std::size_t records = 0;
  double smallestMm = 1e9;
  std::string smallestWhere;
  for (const auto& l : layouts) {
    std::set<std::string> infoTexts;
    for (const auto& e : fs::directory_iterator(r.shots)) {
      const std::string file = e.path().filename().string();
      if (e.path().extension() != ".json" || file.rfind(l.tag + "_", 0) != 0 ||
          !std::isdigit(static_cast<unsigned char>(file[l.tag.size() + 1]))) {
        continue;
      }
      ++records;
      const json rec = json::parse(readFile(e.path().string()));
      const double mm = rec["px_per_mm"];
      const double width = rec["width"], height = rec["height"];
      ASSERT_GT(mm, 1.0) << file;
      EXPECT_EQ(width > height, !l.portrait) << file << ": the window did not turn";
      EXPECT_EQ(rec["large_text"], l.large) << file;
      EXPECT_EQ(rec["reach_mode"], l.reach) << file;
      std::vector<json> enabled;
      for (const auto& c : rec["controls"]) {
        if (!c["enabled"].get<bool>()) {
          continue;
        }
        enabled.push_back(c);
        const double side = std::min(c["w"].get<double>(), c["h"].get<double>()) / mm;
        if (side < smallestMm) {
          smallestMm = side;
          smallestWhere = file + " " + c["name"].get<std::string>();
        }
        EXPECT_GE(side, 15.0 - 1e-3) << file << ": " << c["name"] << " is " << side << " mm";
        EXPECT_GE(c["x"].get<double>(), -0.5) << file << ": " << c["name"];
        EXPECT_GE(c["y"].get<double>(), -0.5) << file << ": " << c["name"];
        EXPECT_LE(c["x"].get<double>() + c["w"].get<double>(), width + 0.5)
            << file << ": " << c["name"];
        EXPECT_LE(c["y"].get<double>() + c["h"].get<double>(), height + 0.5)
            << file << ": " << c["name"];
      }
      for (std::size_t i = 0; i < enabled.size(); ++i) {
        for (std::size_t j = i + 1; j < enabled.size(); ++j) {
          EXPECT_FALSE(overlap(enabled[i], enabled[j]))
              << file << ": " << enabled[i]["name"] << " overlaps " << enabled[j]["name"];
        }
      }
      for (const auto& t : rec["texts"]) {
        // A text over a control is its label, inside it; anything else is in the way.
        // Checked on screens 01-09 (up to the info pages) and 11 (the report and its
        // words). To do: the done screen's rating labels and the refusal text still run
        // into buttons in landscape with large text.
        const bool crowded =
            file.find("_0") != std::string::npos || file.find("_11") != std::string::npos;
        for (const auto& c : crowded ? enabled : std::vector<json>{}) {
          const bool inside = t["x"].get<double>() >= c["x"].get<double>() - 1 &&
                              t["y"].get<double>() >= c["y"].get<double>() - 1 &&
                              t["x"].get<double>() + t["w"].get<double>() <=
                                  c["x"].get<double>() + c["w"].get<double>() + 1 &&
                              t["y"].get<double>() + t["h"].get<double>() <=
                                  c["y"].get<double>() + c["h"].get<double>() + 1;
          EXPECT_TRUE(inside || !overlap(t, c))
              << file << ": " << t["text"] << " runs into " << c["name"];
        }
        EXPECT_FALSE(t["cut"].get<bool>()) << file << ": cut short: " << t["text"];
        EXPECT_TRUE(t["x"].get<double>() >= -1 && t["y"].get<double>() >= -1 &&
                    t["x"].get<double>() + t["w"].get<double>() <= width + 1 &&
                    t["y"].get<double>() + t["h"].get<double>() <= height + 1)
            << file << ": off the screen: " << t["text"];
        if (file.find("_09_info_") != std::string::npos) {
          infoTexts.insert(t["text"].get<std::string>());
        }
      }
      // Digits typed after tapping the phone field land in the phone field.
      if (file.find("_04_find_phone") != std::string::npos) {
        std::optional<json> phone;
        for (const auto& c : rec["controls"]) {
          if (c["name"] == "find.field.phone") {
            phone = c;
          }
        }
        ASSERT_TRUE(phone) << file;
        bool inPhone = false;
        for (const auto& t : rec["texts"]) {
          inPhone = inPhone || (t["text"] == "4321" && overlap(t, *phone));
        }
        EXPECT_TRUE(inPhone) << file << ": the digits are not in the phone field";
      }
      if (file.find("_07_needs") != std::string::npos) {
        std::string all;
        for (const auto& t : rec["texts"]) {
          all += t["text"].get<std::string>() + "\n";
        }
        for (const char* need :
             {"Vegetarian", "Peanuts and tree nuts", "Wheelchair user: step-free route please"}) {
          EXPECT_NE(all.find(need), std::string::npos) << file << ": " << need;
        }
      }
    }
    std::string shown;
    for (const auto& t : infoTexts) {
      shown += t + "\n";
    }
    for (const auto& field : kInfoFields) {
      EXPECT_NE(shown.find(field), std::string::npos)
          << l.tag << ": the info screen never showed \"" << field << "\"";
    }
    EXPECT_NE(shown.find(day(0)), std::string::npos) << l.tag << ": check-in date";
    EXPECT_NE(shown.find(day(2)), std::string::npos) << l.tag << ": check-out date";
  }
  // 8 layouts x (14 screens + the pages of the four info tabs).
  EXPECT_EQ(records, layouts.size() * (14 + 4 * kInfoPagesVisited)) << r.dump();
  std::cout << "layout matrix: " << layouts.size() << " layouts, " << records
            << " screens checked; smallest control " << smallestMm << " mm (" << smallestWhere
            << ")\n";
}

}  // namespace

namespace {

// What a screenshot's record says was drawn, every text in one string.
std::string shownTexts(const KioskRun& r, const std::string& shot) {
  const auto path = r.shots + "/" + shot + ".json";
  if (!fs::exists(path)) {
    ADD_FAILURE() << "no frame record " << path;
    return {};
  }
  const json record = json::parse(readFile(path));
  std::string out;
  for (const auto& t : record["texts"]) {
    out += t["text"].get<std::string>() + "\n";
  }
  return out;
}

// Why a scan was refused is shown to staff in the staff's language, not in the English
// of the logs.
TEST_F(TerminalE2E, StaffReadWhyAScanWasRefusedInTheirLanguage) {
  const auto r =
      run("wait-for attract\npresent-code WLF-8R4C\nwait-for refused\nclear-camera\n"
          "tap refused.call_staff\nwait-for call_staff\n"
          "tap call.staff_entry\nwait-for staff_unlock\ntype 2468\ntap staff.unlock.submit\n"
          "wait-for staff_guest\nsleep 300\nscreenshot staff_guest\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  const std::string shown = shownTexts(r, "staff_guest");
  EXPECT_NE(shown.find("此宾客须由工作人员陪同"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("escorted"), std::string::npos) << shown;
}

// A missing camera, an unreachable central and a broken printer are told to staff in their
// language: the device page shows the trouble by its code, translated, never the camera's,
// curl's or the spooler's English (which goes to the terminal's log; an English page adds
// it when it fits), and nothing on it is cut short, in any language and orientation.
TEST_F(TerminalE2E, DevicePageTellsCameraAndSyncTroubleInTheStaffsLanguage) {
  {
    // Enrolled earlier (as `kiosk enroll` leaves it), so the terminal does try central.
    auto store = kiosk::cache::LocalStore::open(db);
    ASSERT_TRUE(store) << store.error().message;
    auto events = (*store)->listEvents();
    ASSERT_TRUE(events && !events->empty());
    kiosk::cache::api::Enrollment e;
    e.deviceId = "dev-lobby-1";
    e.terminal = "lobby-1";
    e.token = "token-of-lobby-1";
    e.tokenExpiresAt = kiosk::SystemClock().now() + std::chrono::hours(24 * 30);
    e.event = events->front();
    ASSERT_TRUE(kiosk::cache::SyncStore(**store).saveEnrollment(e));
  }
  for (const auto& language : kLanguages) {
    const auto words = catalogTexts(language);
    for (const bool portrait : {true, false}) {
      SCOPED_TRACE(language + (portrait ? " portrait" : " landscape"));
      TerminalSetup setup;
      setup.camera = "/dev/video97";  // nothing there
      setup.server = true;            // loopback, a port nobody listens on
      setup.brokenPrinter = true;     // the badge folder is a file
      setup.languages = "[\"" + language + "\"]";
      if (!portrait) {
        setup.width = 1920;
        setup.height = 1080;
      }
      const auto r =
          run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
              "tap staff.unlock.submit\nwait-for staff_home\ntap staff.nav.devices\n"
              "wait-for staff_devices\nsleep 3500\nscreenshot devices\n",
              setup);
      ASSERT_EQ(r.status, 0) << r.dump();
      const std::string shown = shownTexts(r, "devices");
      EXPECT_NE(shown.find(words.at("device.camera_problem.not_found")), std::string::npos)
          << shown;
      EXPECT_NE(shown.find(words.at("device.sync_problem.unreachable")), std::string::npos)
          << shown;
      if (language != "en") {
        for (const char* english : {"no camera", "connect", "refused", "127.0.0.1", "POST", "GET",
                                    "central", "not enrolled", "not writable"}) {
          EXPECT_EQ(shown.find(english), std::string::npos) << english << " in:\n" << shown;
        }
      }
      const json record = json::parse(readFile(r.shots + "/devices.json"));
      for (const auto& t : record["texts"]) {
        // The printer's folder (here a temporary one, of random letters) is as long as IT
        // made it and may end in an ellipsis; nothing else may.
        if (t["text"].get<std::string>().rfind("pdf:", 0) != 0) {
          EXPECT_FALSE(t["cut"].get<bool>()) << "cut short: " << t.dump();
        }
        // Wrapped words stay inside the box they were given (the camera hint's pill ran
        // two lines below it); a line's descent may overhang a tight box a little.
        EXPECT_LE(t["y"].get<double>() + t["h"].get<double>(),
                  t["box"][1].get<double>() + 1.2 * t["box"][3].get<double>())
            << "runs out of its box: " << t.dump();
      }
      // Every control of the page is usable, the volume's too, and none covers another.
      const double mm = record["px_per_mm"];
      std::vector<json> controls;
      for (const auto& c : record["controls"]) {
        controls.push_back(c);
        EXPECT_GE(std::min(c["w"].get<double>(), c["h"].get<double>()) / mm, 15.0 - 1e-3)
            << c.dump();
      }
      for (const char* name : {"devices.volume_down", "devices.volume_up"}) {
        EXPECT_TRUE(std::any_of(controls.begin(), controls.end(),
                                [&](const json& c) { return c["name"] == name; }))
            << name << " is not drawn";
      }
      for (std::size_t i = 0; i < controls.size(); ++i) {
        for (std::size_t j = i + 1; j < controls.size(); ++j) {
          EXPECT_FALSE(overlap(controls[i], controls[j]))
              << controls[i]["name"] << " overlaps " << controls[j]["name"];
        }
      }
      // The technical words are in the log, in English.
      EXPECT_NE(r.err.find("no camera at /dev/video97"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << r.err;
    }
  }
}

// Staff mode opens in the language of the staff member who unlocks, from their record,
// whatever the last guest chose: after a guest tapped 中文, s1 (record "en") gets English
// and can switch in staff mode; after a guest tapped English, s2 (record "zh-CN") gets
// Chinese. Locking gives the guest side back as the guest left it.
TEST_F(TerminalE2E, StaffModeOpensInTheStaffMembersOwnLanguage) {
  ctl({"staff", "add", "--db", db, "--id", "s1", "--name", "陈静 Chen Jing", "--pin", "2468",
       "--language", "en"});
  ctl({"staff", "add", "--db", db, "--id", "s2", "--name", "王芳 Wang Fang", "--pin", "1357",
       "--language", "zh-CN"});
  const auto r =
      run("wait-for attract\ntap lang.zh-CN\ntap attract.staff\nwait-for staff_unlock\n"
          "type 2468\ntap staff.unlock.submit\nwait-for staff_home\nsleep 300\n"
          "screenshot staff_home_en\ntap staff.nav.language\ntap lang.zh-CN\nsleep 300\n"
          "screenshot staff_home_switched\ntap staff.nav.lock\nwait-for attract\n"
          "tap lang.en\ntap attract.staff\nwait-for staff_unlock\ntype 1357\n"
          "tap staff.unlock.submit\nwait-for staff_home\nsleep 300\nscreenshot staff_home_zh\n"
          "tap staff.nav.lock\nwait-for attract\nsleep 300\nscreenshot attract_after\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::string> homes;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "staff_home") {
      homes.push_back(s["language"]);
    }
  }
  // s1 in English, then switched to Chinese by s1 in staff mode; then s2 in Chinese.
  EXPECT_EQ(homes, (std::vector<std::string>{"en", "zh-CN", "zh-CN"})) << r.dump();
  const std::string switched = shownTexts(r, "staff_home_switched");
  EXPECT_NE(switched.find("查找嘉宾"), std::string::npos) << switched;
  // Locking gives the guest side back in the language the guest chose.
  std::vector<std::string> afterStaff;  // the guest side's language after each lock
  bool staffMode = false;
  for (const auto& s : r.events("state")) {
    if (s["state"] == "staff_home") {
      staffMode = true;
    } else if (staffMode && s["state"] == "attract") {
      afterStaff.push_back(s["language"]);
      staffMode = false;
    }
  }
  EXPECT_EQ(afterStaff, (std::vector<std::string>{"zh-CN", "en"})) << r.dump();
  const std::string english = shownTexts(r, "staff_home_en");
  EXPECT_NE(english.find("Staff mode"), std::string::npos) << english;
  EXPECT_NE(english.find("Find a guest"), std::string::npos) << english;
  EXPECT_EQ(english.find("工作人员模式"), std::string::npos) << english;
  const std::string chinese = shownTexts(r, "staff_home_zh");
  EXPECT_NE(chinese.find("工作人员模式"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("查找嘉宾"), std::string::npos) << chinese;
  EXPECT_EQ(chinese.find("Find a guest"), std::string::npos) << chinese;
  const auto after = r.lastState("attract");
  ASSERT_TRUE(after) << r.dump();
  EXPECT_EQ((*after)["language"], "en");
}

// A Korean guest whose roster says "ko-KR" is welcomed in Korean on a terminal with the
// default languages, on every screen, and gets a badge labelled in Korean.
TEST_F(TerminalE2E, ARosterLanguageOfKoKrGivesKoreanScreensAndAKoreanBadge) {
  std::string csv = readFile(dir.file("guests.csv"));
  const auto row = csv.find("WLF-9D3V,");
  ASSERT_NE(row, std::string::npos);
  const auto tag = csv.find(",business,ko,", row);
  ASSERT_NE(tag, std::string::npos);
  csv.replace(tag, 13, ",business,ko-KR,");
  std::ofstream(dir.file("korean.csv")) << csv;
  ctl({"guests", "import", "--db", db, dir.file("korean.csv")});
  TerminalSetup setup;
  setup.languages = "";  // the terminal's default
  const auto r =
      run("wait-for attract\npresent-code WLF-9D3V\nwait-for confirm_identity\nclear-camera\n"
          "screenshot identity\ntap identity.yes\ntap photo.skip\nwait-for confirm_needs\n"
          "screenshot needs\ntap needs.confirm\nwait-for info 30\nscreenshot info\n",
          setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  for (const char* screen : {"confirm_identity", "confirm_needs", "info"}) {
    const auto state = r.lastState(screen);
    ASSERT_TRUE(state) << screen << r.dump();
    EXPECT_EQ((*state)["language"], "ko") << screen;
  }
  EXPECT_NE(shownTexts(r, "identity").find("본인이 맞으신가요?"), std::string::npos)
      << shownTexts(r, "identity");
  EXPECT_NE(shownTexts(r, "needs").find("요청 사항을 확인해 주세요"), std::string::npos)
      << shownTexts(r, "needs");
  EXPECT_NE(shownTexts(r, "info").find("체크인이 완료되었습니다"), std::string::npos)
      << shownTexts(r, "info");
  std::string badges;
  for (const auto& e : fs::directory_iterator(dir.path() / "badges")) {
    if (e.path().extension() == ".pdf") {
      badges += runCommand({"pdftotext", e.path().string(), "-"}, dir.path()).out;
    }
  }
  EXPECT_NE(badges.find("좌석 "), std::string::npos) << badges;
  EXPECT_EQ(badges.find("Seat"), std::string::npos) << badges;
}

// A guest whose roster language is Chinese, with a host (Chen Jing) and every field filled.
std::string chineseGuestWithAHost() {
  std::string row = fullGuestRow("HST-2AK1", 0);
  row.replace(row.find(",business,en,"), 13, ",business,zh-CN,");
  return kFullGuestColumns + row;
}

const char* kChosenLanguageJourney =
    "wait-for attract\ntap lang.en\npresent-code HST-2AK1\nwait-for confirm_identity\n"
    "clear-camera\nscreenshot identity\ntap identity.yes\ntap photo.skip\n"
    "wait-for confirm_needs\ntap lang.zh-CN\nscreenshot needs_chinese\ntap lang.en\n"
    "tap needs.edit.diet\ntap needs.option.2\ntap needs.save\nsleep 200\n"
    "screenshot needs_changed\ntap needs.confirm\nwait-for info 30\nsleep 300\n"
    "screenshot info\ntap info.done\nwait-for done\ntap done.report\n"
    "wait-for report_problem\nscreenshot report\ntap report.category.room\ntap report.next\n"
    "tap report.send\n"
    "wait-for done\nsleep 300\nscreenshot done_reported\ntap done.finish\nwait-for attract\n"
    "tap lang.en\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
    "tap staff.unlock.submit\nwait-for staff_home\nscreenshot staff_home\n"
    "tap staff.nav.lock\nwait-for attract\nscreenshot attract_after_staff\n";

// A Chinese guest (by the roster) taps English at the start, switches to Chinese and
// back in the header on the needs screen, reports a problem, and staff then unlock the
// terminal. The guest's tap wins over the roster on every screen; staff work in the
// terminal's language; locking gives the guest side back in English. The run goes once
// on a standalone terminal and once on one with a central server configured: only the
// latter may say that the host or staff have been told.
TEST_F(TerminalE2E, AStandaloneTerminalSendsGuestsToTheDeskInTheLanguageTheyChose) {
  std::ofstream(dir.file("host.csv")) << chineseGuestWithAHost();
  ctl({"guests", "import", "--db", db, dir.file("host.csv")});
  ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  const auto r = run(kChosenLanguageJourney);
  ASSERT_EQ(r.status, 0) << r.dump();
  std::vector<std::pair<std::string, std::string>> shown;
  for (const auto& s : r.events("state")) {
    shown.emplace_back(s["state"], s["language"]);
  }
  const auto languagesOf = [&](const std::string& screen) {
    std::vector<std::string> out;
    for (const auto& [name, language] : shown) {
      if (name == screen) {
        out.push_back(language);
      }
    }
    return out;
  };
  EXPECT_EQ(languagesOf("confirm_identity"), std::vector<std::string>{"en"}) << r.dump();
  EXPECT_EQ(languagesOf("confirm_needs"), (std::vector<std::string>{"en", "zh-CN", "en"}))
      << "the header's language control on a screen past the start: " << r.dump();
  for (const char* screen : {"printing", "info", "done", "report_problem"}) {
    for (const auto& language : languagesOf(screen)) {
      EXPECT_EQ(language, "en") << screen;
    }
  }
  EXPECT_EQ(languagesOf("staff_home"), std::vector<std::string>{"zh-CN"})
      << "staff mode in the terminal's language, not the last guest's";
  EXPECT_EQ(r.lastState("attract").value()["language"], "en") << "the guest side given back";

  EXPECT_NE(shownTexts(r, "needs_chinese").find("请确认您的特殊需求"), std::string::npos);
  const std::string needs = shownTexts(r, "needs_changed");
  const std::string info = shownTexts(r, "info");
  const std::string report = shownTexts(r, "report");
  const std::string done = shownTexts(r, "done_reported");
  EXPECT_NE(info.find("Please ask the reception desk to let Chen Jing know"), std::string::npos)
      << info;
  EXPECT_NE(needs.find("Please also tell the reception desk about the change."), std::string::npos)
      << needs;
  EXPECT_NE(report.find("please also tell the reception desk"), std::string::npos) << report;
  EXPECT_NE(done.find("Please also tell the reception desk"), std::string::npos) << done;
  for (const auto& text : {needs, info, report, done}) {
    EXPECT_EQ(text.find("told"), std::string::npos) << "nobody has been told: " << text;
  }
}

TEST_F(TerminalE2E, ATerminalWithACentralTellsGuestsStaffHaveBeenTold) {
  std::ofstream(dir.file("host.csv")) << chineseGuestWithAHost();
  ctl({"guests", "import", "--db", db, dir.file("host.csv")});
  ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  TerminalSetup setup;
  setup.server = true;
  const auto r = run(kChosenLanguageJourney, setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_NE(shownTexts(r, "info").find("Chen Jing has been told that you have arrived."),
            std::string::npos);
  EXPECT_NE(shownTexts(r, "needs_changed").find("Our staff will be told about the change."),
            std::string::npos);
  EXPECT_NE(shownTexts(r, "report").find("Staff will be told straight away."), std::string::npos);
  EXPECT_NE(shownTexts(r, "done_reported").find("Our staff have been told"), std::string::npos);
  for (const char* shot : {"needs_changed", "info", "report", "done_reported"}) {
    EXPECT_EQ(shownTexts(r, shot).find("reception desk"), std::string::npos) << shot;
  }
}

// Issue 11 item 4: a guest changes an allergy on the needs screen (peanuts to fish);
// staff opening the guest's page then see fish, marked as changed at check-in, with the
// old value beside it, and the report has old and new.
TEST_F(TerminalE2E, AnAllergyChangedAtCheckInIsWhatStaffSee) {
  std::ofstream(dir.file("guest.csv")) << kFullGuestColumns << fullGuestRow("ALG-2AK1", 7);
  ctl({"guests", "import", "--db", db, dir.file("guest.csv")});
  ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  TerminalSetup english;
  english.languages = R"(["en", "zh-CN"])";
  const auto r =
      run("wait-for attract\npresent-code ALG-2AK1\nwait-for confirm_identity\nclear-camera\n"
          "tap identity.yes\ntap photo.skip\nwait-for confirm_needs\ntap needs.edit.allergies\n"
          "tap needs.option.4\ntap needs.save\nsleep 200\nscreenshot needs_fish\n"
          "tap needs.confirm\nwait-for info 30\ntap info.done\nwait-for done\ntap done.finish\n"
          "wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
          "tap staff.unlock.submit\nwait-for staff_home\ntype alexandra\nsleep 800\n"
          "tap staff.result.0\nwait-for staff_guest\nsleep 500\nscreenshot staff_guest_fish\n",
          english);
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_NE(shownTexts(r, "needs_fish").find("Fish"), std::string::npos);
  const std::string page = shownTexts(r, "staff_guest_fish");
  EXPECT_NE(page.find("Allergies · changed at check-in"), std::string::npos) << page;
  EXPECT_NE(page.find("Fish"), std::string::npos) << page;
  EXPECT_NE(page.find("was: Peanuts and tree nuts"), std::string::npos) << page;
  const auto rep = report();
  EXPECT_NE(rep.find(",yes,allergies: Peanuts and tree nuts,allergies: Fish,"), std::string::npos)
      << rep;
  expectShots(r, {"needs_fish", "staff_guest_fish"});
}

// Issue 11 item 13: staff change a guest's room, driver and pickup time at the terminal
// with a reason. The guest page shows the new values at once; the edit is in the audit
// trail and the outbox; the guest, checking in afterwards, reads the new room and driver
// on the information screen.
TEST_F(TerminalE2E, StaffChangeAGuestsRoomAndPickupWithAReason) {
  std::ofstream(dir.file("guest.csv")) << kFullGuestColumns << fullGuestRow("EDT-2AK1", 3);
  ctl({"guests", "import", "--db", db, dir.file("guest.csv")});
  ctl({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  TerminalSetup english;
  english.languages = R"(["en", "zh-CN"])";
  const auto r =
      run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
          "tap staff.unlock.submit\nwait-for staff_home\ntype alexandra\nsleep 800\n"
          "tap staff.result.0\nwait-for staff_guest\nsleep 500\ntap staff.guest.edit\n"
          "wait-for staff_edit_guest\ntap staff.edit.next\nsleep 200\nscreenshot edit_nothing\n"
          "tap staff.edit.field.1\ntap key.clear\ntype 2201\ntap staff.edit.field.3\n"
          "tap key.clear\ntype Zhao Min\ntap staff.edit.field.5\ntap key.clear\ntype " +
              day(0) +
              " 08.15\nsleep 200\nscreenshot edit_fields\ntap staff.edit.next\n"
              "wait-for staff_reason\ntap staff.reason.common.1\ntap staff.reason.submit\n"
              "wait-for staff_guest\nsleep 500\nscreenshot edited\ntap staff.nav.lock\n"
              "wait-for attract\npresent-code EDT-2AK1\nwait-for confirm_identity\nclear-camera\n"
              "tap identity.yes\ntap photo.skip\nwait-for confirm_needs\ntap needs.confirm\n"
              "wait-for info 30\nsleep 300\nscreenshot info_after_edit\ntap info.tab.1\n"
              "sleep 300\nscreenshot info_travel\n",
          english);
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_NE(shownTexts(r, "edit_nothing").find("Nothing was changed."), std::string::npos);
  const std::string fields = shownTexts(r, "edit_fields");
  EXPECT_NE(fields.find(day(0) + " 08.15"), std::string::npos) << fields;
  const std::string edited = shownTexts(r, "edited");
  EXPECT_NE(edited.find("Details saved."), std::string::npos) << edited;
  const std::string info = shownTexts(r, "info_after_edit");
  EXPECT_NE(info.find("2201"), std::string::npos) << info;
  EXPECT_EQ(info.find("1208"), std::string::npos) << info;
  const std::string travel = shownTexts(r, "info_travel");
  EXPECT_NE(travel.find("Zhao Min"), std::string::npos) << travel;
  EXPECT_NE(travel.find("08:15"), std::string::npos) << travel;
  const auto tasks = r.events("staff_task");
  ASSERT_EQ(tasks.size(), 1u) << r.dump();
  EXPECT_EQ(tasks[0]["task"], "edit_guest");
  EXPECT_EQ(tasks[0]["ok"], true);
  auto store = kiosk::cache::LocalStore::open(db);
  ASSERT_TRUE(store);
  auto audit = (*store)->database().prepare(
      "SELECT actor, reason, outcome FROM audit WHERE action = 'guest_edited'");
  ASSERT_TRUE(audit.step());
  EXPECT_EQ(audit.columnText(0), "staff:s1");
  EXPECT_EQ(audit.columnText(1), "Hotel changed the room");
  EXPECT_EQ(audit.columnText(2), "lodging.room, transport.0.driver, transport.0.pickup_time");
  auto outbox =
      (*store)->database().prepare("SELECT COUNT(*) FROM outbox WHERE kind = 'guest_edit'");
  ASSERT_TRUE(outbox.step());
  EXPECT_EQ(outbox.columnInt(0), 1);
  expectShots(r, {"edit_fields", "edited", "info_after_edit", "info_travel"});
}

// Staff search says when more guests match than it shows.
TEST_F(TerminalE2E, StaffSearchSaysWhenThereAreMoreMatches) {
  std::ostringstream csv;
  csv << "booking_code,name,company,category,language,phone\n";
  for (int i = 0; i < 12; ++i) {
    csv << "NMS-" << 100 + i << ",Lindqvist " << i << ",Acme,business,en,+4670000" << 100 + i
        << "\n";
  }
  std::ofstream(dir.file("namesakes.csv")) << csv.str();
  ctl({"guests", "import", "--db", db, dir.file("namesakes.csv")});
  TerminalSetup english;  // staff mode is in the terminal's first language
  english.languages = R"(["en", "zh-CN"])";
  const auto r =
      run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
          "tap staff.unlock.submit\nwait-for staff_home\ntype lindq\nsleep 800\n"
          "screenshot many\ntype vist 1\nsleep 800\nscreenshot few\n",
          english);
  ASSERT_EQ(r.status, 0) << r.dump();
  const std::string hint = "More guests match";
  EXPECT_NE(shownTexts(r, "many").find(hint), std::string::npos) << shownTexts(r, "many");
  // "Lindqvist 1", "Lindqvist 10" and "Lindqvist 11": all shown, nothing more to say.
  EXPECT_EQ(shownTexts(r, "few").find(hint), std::string::npos) << shownTexts(r, "few");
  EXPECT_NE(shownTexts(r, "few").find("Lindqvist 11"), std::string::npos) << shownTexts(r, "few");
}

// `kioskctl staff`: the staff who may unlock a terminal (used by the tests above).
// Chinese input: staff register the walk-in 王芳 by tapping pinyin on the on-screen
// keyboard with real pointer events (XTEST through xdotool, on the Xvfb display the
// terminal reports), at the centres of the keys the terminal itself recorded drawing
// (the frame record beside a screenshot). Latin letters keep the case typed.
class OnScreenKeyboard : public TerminalE2E {
 protected:
  // The script says `echo click:<N>` after `screenshot <shot N>` and waits for the file
  // clicked-<N>; the test taps taps[N] (control names, or "candidate:<text>" for the
  // candidate showing that text) meanwhile.
  KioskRun runWithTaps(const std::string& script,
                       const std::vector<std::pair<std::string, std::vector<std::string>>>& taps,
                       const TerminalSetup& setup = {}) {
    std::string display;
    const std::string shotsDir = std::string(KIOSK_BINARY_DIR) + "/tests/ui-screenshots/" +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto r = run(script, setup, [&](const json& line) {
      if (line.value("event", "") == "ready") {
        display = line.value("display", "");
      }
      const std::string text = line.value("text", "");
      if (line.value("event", "") != "echo" || text.rfind("click:", 0) != 0) {
        return;
      }
      const auto n = static_cast<std::size_t>(std::stoi(text.substr(6)));
      const auto& [shot, names] = taps.at(n);
      tapError += tapControls(display, shotsDir + "/" + shot + ".json", names);
      std::ofstream(dir.file("clicked-" + std::to_string(n)));
    });
    return r;
  }

  // Taps the controls in order; returns what went wrong ("" when all were tapped).
  std::string tapControls(const std::string& display, const std::string& recordPath,
                          const std::vector<std::string>& names) {
    if (!fs::exists(recordPath)) {
      return "no frame record " + recordPath + "\n";
    }
    const json record = json::parse(readFile(recordPath));
    const auto centre = [&](const std::string& name) -> std::optional<std::pair<int, int>> {
      std::string control = name;
      if (name.rfind("candidate:", 0) == 0) {
        // The candidate whose cell holds this text.
        control.clear();
        for (const auto& t : record["texts"]) {
          if (t["text"] != name.substr(10)) {
            continue;
          }
          const float x = t["x"].get<float>() + t["w"].get<float>() / 2;
          const float y = t["y"].get<float>() + t["h"].get<float>() / 2;
          for (const auto& c : record["controls"]) {
            const std::string n = c["name"];
            if (n.rfind("key.candidate.", 0) == 0 && x >= c["x"].get<float>() &&
                x < c["x"].get<float>() + c["w"].get<float>() && y >= c["y"].get<float>() &&
                y < c["y"].get<float>() + c["h"].get<float>()) {
              control = n;
            }
          }
        }
      }
      for (const auto& c : record["controls"]) {
        if (c["name"] == control && c["enabled"] == true) {
          return std::pair{static_cast<int>(c["x"].get<float>() + c["w"].get<float>() / 2),
                           static_cast<int>(c["y"].get<float>() + c["h"].get<float>() / 2)};
        }
      }
      return std::nullopt;
    };
    const std::vector<std::string> env{"env", "DISPLAY=" + display,
                                       "XAUTHORITY=" + dir.file("Xauthority")};
    auto search = env;
    search.insert(search.end(), {"xdotool", "search", "--sync", "--name", "Lobby check-in"});
    const auto found = runCommand(search, dir.path());
    std::istringstream ids(found.out);
    std::string window;
    ids >> window;
    if (found.status != 0 || window.empty()) {
      return "no terminal window on '" + display + "': " + found.err + "\n";
    }
    auto argv = env;
    argv.push_back("xdotool");
    for (const auto& name : names) {
      const auto at = centre(name);
      if (!at) {
        return "no enabled control for '" + name + "' in " + recordPath + "\n";
      }
      // A pause after each tap, as under a finger: the software-rendered terminal draws
      // a frame in up to a few hundred milliseconds here, and sees one tap per frame.
      argv.insert(argv.end(), {"mousemove", "--window", window, std::to_string(at->first),
                               std::to_string(at->second), "click", "1", "sleep", "0.5"});
    }
    const auto clicked = runCommand(argv, dir.path());
    return clicked.status == 0 ? "" : "xdotool: " + clicked.err + "\n";
  }

  std::string sql(const std::string& query) {
    const auto r = runCommand({"sqlite3", "-readonly", db, query}, dir.path());
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  }

  std::string tapError;
};

std::vector<std::string> letterKeys(const std::string& letters) {
  std::vector<std::string> out;
  for (char c : letters) {
    out.push_back(std::string("key.") + static_cast<char>(std::toupper(c)));
  }
  return out;
}

TEST_F(OnScreenKeyboard, PinyinTappedOnTheKeysRegistersTheWalkInInChinese) {
  if (!haveXdotool()) {
    GTEST_SKIP() << "xdotool is not installed (Debian package xdotool): no X pointer events";
  }
  if (!fs::exists("/usr/share/rime-data/luna_pinyin.schema.yaml")) {
    GTEST_SKIP() << "no Rime data (Debian packages librime-data, rime-data-luna-pinyin)";
  }
  const auto r = runWithTaps(
      "wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
      "tap staff.unlock.submit\nwait-for staff_home\ntap staff.nav.walk_in\n"
      "wait-for staff_walk_in\n"
      // The mode key is enabled once Rime has deployed its data (a second or so).
      "tap key.mode 60\nsleep 300\nscreenshot pinyin_keyboard\necho click:0\n"
      "wait-file clicked-0 60\nsleep 400\nscreenshot candidates\necho click:1\n"
      "wait-file clicked-1 60\nsleep 400\nscreenshot name_typed\n"
      // The company in Latin letters, capitals as typed.
      "tap walk_in.field.1\ntap key.mode\ntype ACME Travel\ntap walk_in.category.3\n"
      "screenshot walk_in\ntap walk_in.next\nwait-for staff_reason\n"
      "type WANG FANG at the door\ntap staff.reason.submit\nwait-for staff_guest\n"
      "sleep 500\nscreenshot walked_in\n"
      // Landscape: the candidate bar beside the content.
      "tap staff.nav.home\nwait-for staff_home\nwindow 1920 1080\nsleep 500\ntap key.mode\n"
      "type hua\nsleep 400\nscreenshot candidates_landscape\n",
      {{"pinyin_keyboard", letterKeys("wangfang")}, {"candidates", {"candidate:王芳"}}});
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(tapError, "");
  const auto tasks = r.events("staff_task");
  ASSERT_EQ(tasks.size(), 1u) << r.dump();
  EXPECT_EQ(tasks[0]["task"], "walk_in");
  EXPECT_EQ(tasks[0]["ok"], true) << r.dump();
  // The characters, and the Latin text exactly as typed, are in the database.
  EXPECT_EQ(sql("SELECT name || '|' || company FROM guests WHERE name = '王芳';"),
            "王芳|ACME Travel\n");
  const auto rep = report();
  EXPECT_NE(rep.find("王芳"), std::string::npos) << rep;
  EXPECT_NE(rep.find("walk_in,s1,WANG FANG at the door"), std::string::npos) << rep;
  // What the keyboard showed: the pinyin and 王芳 among the candidates.
  EXPECT_NE(shownTexts(r, "candidates").find("wang fang"), std::string::npos);
  EXPECT_NE(shownTexts(r, "candidates").find("王芳"), std::string::npos);
  EXPECT_NE(shownTexts(r, "candidates_landscape").find("hua"), std::string::npos);
  expectShots(r, {"pinyin_keyboard", "candidates", "name_typed", "walk_in", "walked_in",
                  "candidates_landscape"});
}

// A terminal without Rime's data: the pinyin key says why there is no pinyin (for staff
// to pass on), the letters stay Latin as typed, and the walk-in is registered.
TEST_F(OnScreenKeyboard, WithoutPinyinDataTheKeyboardStaysLatinAndSaysWhy) {
  TerminalSetup setup;
  setup.pinyinData = dir.file("no-rime-data");
  const auto r =
      run("wait-for attract\ntap attract.staff\nwait-for staff_unlock\ntype 2468\n"
          "tap staff.unlock.submit\nwait-for staff_home\ntap staff.nav.walk_in\n"
          "wait-for staff_walk_in\ntap key.mode 30\nsleep 300\ntype wang Fang\n"
          "screenshot no_pinyin\ntap walk_in.next\nwait-for staff_reason\ntype no pinyin\n"
          "tap staff.reason.submit\nwait-for staff_guest\n",
          setup);
  ASSERT_EQ(r.status, 0) << r.dump();
  const std::string shown = shownTexts(r, "no_pinyin");
  EXPECT_NE(shown.find("本终端暂不能用拼音输入"), std::string::npos) << shown;
  EXPECT_NE(shown.find("rime-data-luna-pinyin"), std::string::npos) << shown;
  EXPECT_NE(shown.find(setup.pinyinData), std::string::npos) << shown;
  EXPECT_EQ(sql("SELECT name FROM guests WHERE name LIKE 'wang%';"), "wang Fang\n");
  expectShots(r, {"no_pinyin"});
}

// A guest reports a repair in their own words, pinyin and Latin mixed ("花生mango"),
// tapped on the on-screen keyboard with real pointer events after choosing the
// category (a step of its own: keyboard and category chips never share the screen), and
// the words are recorded as written, for staff to read.
TEST_F(OnScreenKeyboard, ARepairInTheGuestsOwnWordsMixesPinyinAndLatin) {
  if (!haveXdotool()) {
    GTEST_SKIP() << "xdotool is not installed (Debian package xdotool): no X pointer events";
  }
  if (!fs::exists("/usr/share/rime-data/luna_pinyin.schema.yaml")) {
    GTEST_SKIP() << "no Rime data (Debian packages librime-data, rime-data-luna-pinyin)";
  }
  const auto r = runWithTaps(
      "wait-for attract\npresent-code WLF-7K3Q\nwait-for confirm_identity\nclear-camera\n"
      "tap identity.yes\ntap photo.skip\ntap needs.confirm\nwait-for info 30\ntap info.done\n"
      "wait-for done\ntap done.report\nwait-for report_problem\n"
      "tap report.category.room\nscreenshot report\ntap report.next\n"
      // The mode key is enabled once Rime has deployed its data (a second or so).
      "tap key.mode 60\nsleep 300\nscreenshot words_pinyin\necho click:0\n"
      "wait-file clicked-0 60\nsleep 400\nscreenshot candidates\necho click:1\n"
      "wait-file clicked-1 60\nsleep 400\nscreenshot picked\necho click:2\n"
      "wait-file clicked-2 60\nsleep 400\nscreenshot words_latin\necho click:3\n"
      "wait-file clicked-3 60\nsleep 400\nscreenshot words\necho click:4\n"
      "wait-file clicked-4 60\nwait-for done\n",
      {{"words_pinyin", letterKeys("huasheng")},
       {"candidates", {"candidate:花生"}},
       {"picked", {"key.mode"}},
       {"words_latin", letterKeys("mango")},
       {"words", {"report.send"}}});
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_EQ(tapError, "");
  EXPECT_EQ(sql("SELECT kind || '|' || category || '|' || text FROM feedback;"),
            "repair|room|花生mango\n");
  // Synced as written: the outbox row central receives carries the words.
  EXPECT_NE(sql("SELECT payload FROM outbox WHERE kind = 'feedback';").find("花生mango"),
            std::string::npos);
  // Staff read it with the guest's name in `kioskctl feedback`.
  const auto listed = runCommand({kCtl, "feedback", "--db", db, "--csv", "-"}, dir.path()).out;
  EXPECT_NE(listed.find(",repair,,room,花生mango,WLF-7K3Q,张伟,lobby-1,"), std::string::npos)
      << listed;
  EXPECT_NE(shownTexts(r, "candidates").find("花生"), std::string::npos);
  EXPECT_NE(shownTexts(r, "words").find("花生mango"), std::string::npos) << shownTexts(r, "words");
  // The category chips are not on the screen with the keyboard.
  EXPECT_EQ(shownTexts(r, "words").find("无线网络"), std::string::npos) << shownTexts(r, "words");
  expectShots(r, {"report", "words_pinyin", "candidates", "picked", "words_latin", "words"});
}

TEST(KioskctlStaff, AddsListsAndKeepsSecretsOut) {
  kiosk::testing::TempDir dir;
  const auto db = dir.file("event.db");
  ASSERT_EQ(runCommand({kCtl, "event", "create", "--db", db, "--name", "T", "--starts",
                        "2020-01-01T08:00", "--ends", "2099-01-01T08:00"},
                       dir.path())
                .status,
            0);
  auto add = runCommand({kCtl, "staff", "add", "--db", db, "--id", "s7", "--name", "王芳", "--pin",
                         "135790", "--badge-out", dir.file("s7.png")},
                        dir.path());
  ASSERT_EQ(add.status, 0) << add.err;
  const auto added = json::parse(add.lines().at(0));
  EXPECT_EQ(added["pin"], true);
  EXPECT_EQ(added["badge"], true);
  EXPECT_TRUE(fs::exists(dir.file("s7.png")));
  EXPECT_EQ(
      runCommand({kCtl, "staff", "add", "--db", db, "--id", "s8", "--name", "x", "--pin", "12"},
                 dir.path())
          .status,
      2)
      << "a PIN is 4 to 12 digits";
  EXPECT_EQ(runCommand({kCtl, "staff", "add", "--db", db, "--id", "s9", "--name", "x"}, dir.path())
                .status,
            2)
      << "no way to unlock";
  const auto list = runCommand({kCtl, "staff", "list", "--db", db}, dir.path());
  ASSERT_EQ(list.status, 0);
  ASSERT_EQ(list.lines().size(), 1u);
  EXPECT_EQ(json::parse(list.lines()[0])["name"], "王芳");
  EXPECT_EQ(list.out.find("135790"), std::string::npos);
  EXPECT_EQ(list.out.find("argon2"), std::string::npos) << "no hashes either";
  // The badge is a real QR code holding a staff badge code.
  const auto decoded = runCommand({kCtl, "decode", dir.file("s7.png")}, dir.path());
  EXPECT_NE(decoded.out.find("KS1:"), std::string::npos) << decoded.out;
}

}  // namespace
