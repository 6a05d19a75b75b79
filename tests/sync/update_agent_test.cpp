// The terminal's OS update agent against a real HTTPS server on loopback (cpp-httplib with
// the test PKI; the terminal trusts it the way it trusts central): a bundle downloaded and
// checked, installed only when the terminal is idle, a corrupted or truncated one refused,
// a download cut off mid-way resumed with an HTTP range, and a failed update reported from
// the expectation recorded before the reboot.
//
// `rauc` cannot run outside the image (the qemu boot test runs the real one): the installer
// and the reboot command here are small scripts that record their arguments, and the
// installer also the SHA-256 of the bundle it was given.
#include "kiosk/app/update_agent.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/core/encoding.h"
#include "sync/bundle_server.h"
#include "sync/sync_test_support.h"

namespace kiosk::testing {
namespace {

using app::UpdateAgent;
using app::UpdateAgentOptions;
using cache::api::OsUpdate;
using nlohmann::json;
namespace fs = std::filesystem;

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class UpdateAgentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
  }

  void SetUp() override {
    bundle.resize(300 * 1024);
    for (std::size_t i = 0; i < bundle.size(); ++i) {
      bundle[i] = static_cast<char>((i * 131 + i / 977) & 0xff);
    }
    // The installer: its arguments and the SHA-256 of the bundle it gets, then its own
    // last line (reported by the agent); it fails when told to.
    installer = dir.path() / "installer";
    std::ofstream(installer) << "#!/bin/sh\n"
                                "echo \"$@\" >> '"
                             << (dir.path() / "installed").string()
                             << "'\n"
                                "sha256sum \"$2\" | cut -c1-64 >> '"
                             << (dir.path() / "installed").string()
                             << "'\n"
                                "echo 'rauc: installing slot B'\n"
                                "if [ -e '"
                             << (dir.path() / "installer-fails").string()
                             << "' ]; then echo 'signature does not verify' >&2; exit 3; fi\n";
    reboot = dir.path() / "reboot";
    std::ofstream(reboot) << "#!/bin/sh\necho \"$@\" >> '" << (dir.path() / "rebooted").string()
                          << "'\n";
    fs::permissions(installer, fs::perms::owner_all);
    fs::permissions(reboot, fs::perms::owner_all);
    std::ofstream(dir.path() / "boot_id") << "boot-1\n";
  }

  UpdateAgentOptions options(const std::string& running = "41") {
    UpdateAgentOptions o;
    o.dataDir = dir.path().string();
    o.osVersion = running;
    o.http.caFile = pki->caFile;
    o.http.pinnedPublicKey = pki->pin;
    o.installer = {installer.string(), "install"};
    o.reboot = {reboot.string(), "now"};
    o.rebootWindow = {2 * 60, 5 * 60};
    o.retryAfter = std::chrono::milliseconds(50);
    o.bootIdPath = (dir.path() / "boot_id").string();
    o.log = [](const std::string& line) { std::cerr << "agent: " << line << "\n"; };
    o.event = [this](const std::string& line) { events.push_back(json::parse(line)); };
    return o;
  }

  OsUpdate offerOf(const std::string& url, const std::string& bytes, const std::string& v = "42") {
    return OsUpdate{v, url, sha256Hex(bytes), bytes.size()};
  }

  static bool waitState(UpdateAgent& agent, const std::string& state) {
    return waitFor([&] { return agent.state().state == state; });
  }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::string bundle;
  fs::path installer;
  fs::path reboot;
  std::vector<json> events;
};

TempDir* UpdateAgentTest::pkiDir = nullptr;
Pki* UpdateAgentTest::pki = nullptr;

TEST_F(UpdateAgentTest, DownloadsChecksAndInstallsOnlyBetweenGuestsThenRebootsWhenStaffSaySo) {
  BundleServer server(*pki, bundle);
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "ready")) << agent.state().detail;
  EXPECT_EQ(readFile(dir.path() / "update" / "kiosk.raucb"), bundle);

  // A guest at the terminal: nothing is installed however long it takes.
  for (int i = 0; i < 20; ++i) {
    agent.step(false, 3 * 60);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(agent.state().state, "ready");
  EXPECT_FALSE(fs::exists(dir.path() / "installed"));

  // Idle, outside the reboot window: installed, not rebooted.
  agent.step(true, 12 * 60);
  ASSERT_TRUE(waitState(agent, "installed")) << agent.state().detail;
  const auto installed = readFile(dir.path() / "installed");
  EXPECT_EQ(installed, "install " + (dir.path() / "update" / "kiosk.raucb").string() + "\n" +
                           sha256Hex(bundle) + "\n");
  const auto expected = json::parse(readFile(dir.path() / "update" / "expected.json"));
  EXPECT_EQ(expected["version"], "42");
  EXPECT_EQ(expected["from"], "41");
  EXPECT_EQ(expected["boot_id"], "boot-1");
  agent.step(true, 12 * 60);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(fs::exists(dir.path() / "rebooted"));

  // Staff press "Restart to update" (in their session, not idle): the reboot command runs.
  agent.restartNow();
  agent.step(false, 12 * 60);
  ASSERT_TRUE(waitFor([&] { return fs::exists(dir.path() / "rebooted"); }));
  EXPECT_EQ(readFile(dir.path() / "rebooted"), "now\n");
  std::vector<std::string> names;
  agent.step(false, 12 * 60);
  for (const auto& e : events) {
    names.push_back(e["event"]);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"update_ready", "update_installing",
                                             "update_installed", "update_reboot"}));

  // Restarted before the reboot happened (the same boot): still waiting for it.
  UpdateAgent again(options());
  EXPECT_EQ(again.state().state, "installed");
  EXPECT_EQ(again.state().version, "42");
}

TEST_F(UpdateAgentTest, RebootsByItselfOnlyWhenIdleWithinTheWindow) {
  BundleServer server(*pki, bundle);
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "ready"));
  agent.step(true, 12 * 60);
  ASSERT_TRUE(waitState(agent, "installed"));
  agent.step(false, 3 * 60);  // in the window, a guest at the terminal
  agent.step(true, 6 * 60);   // idle, after the window
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(fs::exists(dir.path() / "rebooted"));
  agent.step(true, 3 * 60);
  EXPECT_TRUE(waitFor([&] { return fs::exists(dir.path() / "rebooted"); }));
}

TEST_F(UpdateAgentTest, ResumesADownloadCutOffMidway) {
  BundleServer server(*pki, bundle);
  server.dropFirstAt(100 * 1024);
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "ready")) << agent.state().detail;
  EXPECT_EQ(readFile(dir.path() / "update" / "kiosk.raucb"), bundle);
  const auto ranges = server.ranges();
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], "");
  // The second request asks for what is missing, from where the first one broke off.
  ASSERT_TRUE(ranges[1].starts_with("bytes=")) << ranges[1];
  const auto from = std::stoul(ranges[1].substr(6));
  EXPECT_GT(from, 0u);
  EXPECT_LE(from, 100u * 1024);
}

TEST_F(UpdateAgentTest, RefusesACorruptedBundleAndInstallsNothing) {
  auto corrupted = bundle;
  corrupted[1000] ^= 0x01;
  BundleServer server(*pki, corrupted);
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "failed"));
  EXPECT_EQ(agent.state().version, "42");
  EXPECT_EQ(agent.state().detail, "the bundle's SHA-256 is " + sha256Hex(corrupted) +
                                      "; the offer says " + sha256Hex(bundle));
  agent.step(true, 3 * 60);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(fs::exists(dir.path() / "installed"));
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "kiosk.raucb"));
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "bundle.part"));
  // The same offer again (the next heartbeat) is not downloaded again.
  agent.offer(offerOf(server.url(), bundle));
  EXPECT_EQ(agent.state().state, "failed");
  EXPECT_EQ(server.ranges().size(), 1u);

  // Nor after the terminal restarted, which still reports why.
  BundleServer fixed(*pki, bundle);  // (outlives the agent's connection to it)
  UpdateAgent restarted(options());
  EXPECT_EQ(restarted.state().state, "failed");
  EXPECT_EQ(restarted.state().detail, agent.state().detail);
  restarted.offer(offerOf(server.url(), bundle));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(restarted.state().state, "failed");
  EXPECT_EQ(server.ranges().size(), 1u);
  // A new offer (a fixed bundle) is taken.
  restarted.offer(offerOf(fixed.url(), bundle));
  EXPECT_TRUE(waitState(restarted, "ready")) << restarted.state().detail;
}

// The data partition has room for the check-ins but not for the bundle as well: the
// download waits, says how much is missing, and writes nothing (a real small file system,
// a tmpfs: needs root).
TEST_F(UpdateAgentTest, ADownloadWaitsForSpaceInsteadOfFillingTheDataPartition) {
  const auto data = dir.path() / "data";
  fs::create_directories(data);
  if (::mount("tmpfs", data.c_str(), "tmpfs", 0, "size=16m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    fs::path at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{data};
  BundleServer server(*pki, bundle);
  auto o = options();
  o.dataDir = data.string();
  UpdateAgent agent(o);
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitFor([&] { return !agent.state().detail.empty(); }));
  EXPECT_EQ(agent.state().state, "downloading");
  const auto detail = agent.state().detail;
  EXPECT_TRUE(
      detail.starts_with("waiting for space: the bundle needs 1 MiB more and 64 MiB stay free; 1"))
      << detail;  // 15 or 16 MiB of the 16 MiB file system are free
  EXPECT_TRUE(detail.ends_with(" MiB free in " + (data / "update").string())) << detail;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a few retries
  EXPECT_TRUE(server.ranges().empty()) << "nothing is fetched while there is no room";
  EXPECT_FALSE(fs::exists(data / "update" / "bundle.part"));
}

TEST_F(UpdateAgentTest, RefusesATruncatedBundle) {
  BundleServer server(*pki, bundle.substr(0, 200 * 1024));
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "failed"));
  EXPECT_EQ(agent.state().detail, "the bundle is 204800 bytes; the offer says 307200");
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "kiosk.raucb"));
}

TEST_F(UpdateAgentTest, RefusesABundleLargerThanOffered) {
  BundleServer server(*pki, bundle + "more");
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "failed"));
  EXPECT_EQ(agent.state().detail, "the bundle is larger than the offer's 307200 bytes");
}

TEST_F(UpdateAgentTest, AFailingInstallerIsReportedWithItsLastLine) {
  std::ofstream(dir.path() / "installer-fails") << "";
  BundleServer server(*pki, bundle);
  UpdateAgent agent(options());
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitState(agent, "ready"));
  agent.step(true, 12 * 60);
  ASSERT_TRUE(waitState(agent, "failed"));
  EXPECT_EQ(agent.state().detail, "the installer (" + installer.string() +
                                      " install) exited with status 3: signature does not verify");
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "expected.json"));
}

TEST_F(UpdateAgentTest, AServerOfAnotherAuthorityIsNotTrusted) {
  TempDir otherDir;
  Pki other = *pki;
  other.certFile = pki->otherCertFile;
  other.keyFile = pki->otherKeyFile;
  BundleServer server(other, bundle);
  auto o = options();
  o.http.pinnedPublicKey.clear();  // the CA alone refuses it
  UpdateAgent agent(o);
  agent.offer(offerOf(server.url(), bundle));
  ASSERT_TRUE(waitFor([&] { return !agent.state().detail.empty(); }));
  EXPECT_EQ(agent.state().state, "downloading");
  EXPECT_NE(agent.state().detail.find("trying again"), std::string::npos) << agent.state().detail;
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "kiosk.raucb"));
}

TEST_F(UpdateAgentTest, AnUpdateThatDidNotComeUpIsReportedAfterTheOldSlotBootsAgain) {
  // Installed in boot-1, expecting 42; this boot (boot-2) runs 41 again: the boot counting
  // gave up on the new slot.
  fs::create_directories(dir.path() / "update");
  std::ofstream(dir.path() / "update" / "expected.json")
      << R"({"version": "42", "from": "41", "boot_id": "boot-1"})";
  std::ofstream(dir.path() / "boot_id") << "boot-2\n";
  BundleServer server(*pki, bundle);
  UpdateAgent agent(options("41"));
  EXPECT_EQ(agent.state(),
            (cache::api::UpdateState{"failed", "42", "did not come up healthy; back on 41"}));
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "expected.json"));
  const auto failed = json::parse(readFile(dir.path() / "update" / "failed.json"));
  EXPECT_EQ(failed["version"], "42");
  // Central offers 42 again: not taken.
  agent.offer(offerOf(server.url(), bundle));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(agent.state().state, "failed");
  EXPECT_TRUE(server.ranges().empty());
  agent.step(true, 12 * 60);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event"], "update_failed");
}

TEST_F(UpdateAgentTest, AnUpdateThatCameUpIsDone) {
  fs::create_directories(dir.path() / "update");
  std::ofstream(dir.path() / "update" / "expected.json")
      << R"({"version": "42", "from": "41", "boot_id": "boot-1"})";
  std::ofstream(dir.path() / "boot_id") << "boot-2\n";
  UpdateAgent agent(options("42"));
  EXPECT_EQ(agent.state(), (cache::api::UpdateState{"idle", "42", "updated from 41"}));
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "expected.json"));
  EXPECT_FALSE(fs::exists(dir.path() / "update" / "failed.json"));
}

TEST_F(UpdateAgentTest, TheOsVersionComesFromTheImagesOsRelease) {
  std::ofstream(dir.path() / "os-release") << "NAME=\"Debian GNU/Linux\"\nIMAGE_ID=kiosk\n"
                                              "IMAGE_VERSION=\"v1.4-12-gabc\"\n";
  EXPECT_EQ(app::readOsVersion((dir.path() / "os-release").string()), "v1.4-12-gabc");
  std::ofstream(dir.path() / "plain") << "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n";
  EXPECT_EQ(app::readOsVersion((dir.path() / "plain").string()), "");
  EXPECT_EQ(app::readOsVersion((dir.path() / "missing").string()), "");
  // Outside the image nothing is taken.
  BundleServer server(*pki, bundle);
  UpdateAgent agent(options(""));
  agent.offer(offerOf(server.url(), bundle));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(agent.state().state, "idle");
  EXPECT_TRUE(server.ranges().empty());
}

}  // namespace
}  // namespace kiosk::testing
