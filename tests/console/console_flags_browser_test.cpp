// The console's flags in a real headless Chromium (Debian's), driven by puppeteer-core
// (console_flags_browser.mjs): flags made by real terminals (console_flags_support.h), a
// supervisor resolves one in the page, the decision reaches central's database with its audit
// row; screenshots in en and zh-CN with axe-core on each. Skips with a message when chromium,
// node or node_modules is missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "console/console_browser_support.h"
#include "console/console_flags_support.h"
#include "console/console_test_support.h"
#include "support/run_command.h"

namespace kiosk::central::console {
namespace {

namespace fs = std::filesystem;
using kiosk::testing::CentralFixture;
using kiosk::testing::Pki;
using kiosk::testing::TempDir;
using nlohmann::json;

using kiosk::testing::chromium;
const fs::path& kToolDir = kiosk::testing::kConsoleToolDir;

TEST(ConsoleFlagsBrowserTest, ASupervisorComparesAndResolvesAFlagInBothLanguages) {
  if (const auto why = kiosk::testing::missingBrowserTools(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  TempDir pkiDir;
  const Pki pki = kiosk::testing::makePki(pkiDir.path());
  TempDir dir;
  CentralFixture central(dir.path(), pki, 6);
  central.start();
  kiosk::testing::addAccount(central, "chief", Role::kSupervisor, central.event().id);
  const auto made = kiosk::testing::makeFlags(central, dir.path(), pki);
  ASSERT_FALSE(made.conflictSeq.empty());

  const auto out = fs::path(KIOSK_BINARY_DIR) / "tests" / "console-screens";
  fs::create_directories(out);
  const std::string note = "Guest went out for lunch and came back through lobby-b";
  json setup{{"url", central.url()},
             {"spki", pki.pin.substr(pki.pin.find("//") + 2)},
             {"chromium", chromium()},
             {"account", "chief"},
             {"password", std::string(kiosk::testing::kPassword)},
             {"event", central.event().id},
             {"second", made.second},
             {"skewed", made.skewed},
             {"conflict", made.conflictSeq},
             {"note", note},
             {"out", out.string()},
             {"profile", (dir.path() / "chromium-profile").string()}};
  const auto setupFile = dir.path() / "setup.json";
  std::ofstream(setupFile) << setup.dump();
  const auto result = kiosk::testing::runCommand(
      {"node", (kToolDir / "console_flags_browser.mjs").string(), setupFile.string()}, dir.path());
  std::cout << result.out;
  EXPECT_EQ(result.status, 0) << result.err;

  // What the browser did is in central's database: the resolution row and the audit row.
  auto store = central.open();
  auto s = store->database().prepare(
      "SELECT kind, flag_id, decision, note, account FROM console_flag_resolutions");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnText(0), "second");
  EXPECT_EQ(s.columnText(1), made.second);
  EXPECT_EQ(s.columnText(2), "reentry");
  EXPECT_EQ(s.columnText(3), note);
  EXPECT_EQ(s.columnText(4), "chief");
  EXPECT_FALSE(s.step());
  s.reset();
  auto rows = ConsoleStore(store->database()).listAudit(central.event().id);
  ASSERT_TRUE(rows);
  std::vector<std::string> resolved;
  for (const auto& r : *rows) {
    if (r.action == "flag_resolve") {
      EXPECT_EQ(r.account, "chief");
      resolved.push_back(r.target);
    }
  }
  EXPECT_EQ(resolved, std::vector<std::string>{"second:" + made.second});
  std::cout << "screenshots: " << out.string() << "\n";
}

}  // namespace
}  // namespace kiosk::central::console
