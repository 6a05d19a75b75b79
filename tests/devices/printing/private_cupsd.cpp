#include "private_cupsd.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/run_command.h"

namespace kiosk::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCupsd = "/usr/sbin/cupsd";
constexpr const char* kSystemServerBin = "/usr/lib/cups";

const char* const kBackendScript = R"(#!/bin/sh
# Test backend of the kiosk print tests; see tests/devices/printing/private_cupsd.h.
if [ $# -eq 0 ]; then
  echo 'direct kiosktest "Kiosk" "Kiosk test backend"'
  exit 0
fi
rest=${DEVICE_URI#kiosktest://}
mode=${rest%%/*}
dir=/${rest#*/}
capture() {
  if [ $# -ge 6 ]; then cat "$6" > "$dir/job-$1.part"; else cat > "$dir/job-$1.part"; fi
  printf '%s\n' "$5" > "$dir/job-$1.options"
  printf '%s\n' "$3" > "$dir/job-$1.title"
  mv "$dir/job-$1.part" "$dir/job-$1.$ext"
}
ext=pdf
case "$mode" in
  capture) capture "$@"; exit 0 ;;
  device) ext=prn; capture "$@"; exit 0 ;;
  slow) sleep 1.5; capture "$@"; exit 0 ;;
  nomedia) echo "STATE: +media-empty-error" >&2; echo "ERROR: out of cards" >&2; exit 4 ;;
  jam) echo "STATE: +media-jam-error" >&2; echo "ERROR: card jam" >&2; exit 4 ;;
  offline)
    echo "STATE: +offline-report" >&2
    echo "INFO: printer not responding, retrying" >&2
    trap 'exit 0' TERM INT
    i=0
    while [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
    exit 6 ;;
  stop) echo "ERROR: printer stopped" >&2; exit 4 ;;
  fail) echo "ERROR: printer failed" >&2; exit 1 ;;
esac
echo "ERROR: unknown mode $mode" >&2
exit 1
)";

}  // namespace

namespace {

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

bool onPath(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (::access((fs::path(dir) / tool).c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> PrivateCupsd::unavailableReason() {
  if (::access(kCupsd, X_OK) != 0) {
    return std::string("cupsd is not installed (Debian package cups-daemon)");
  }
  if (!onPath("lpadmin") || !onPath("cupsdisable")) {
    return std::string("lpadmin/cupsdisable are not installed (Debian package cups-client)");
  }
  if (::access((fs::path(kSystemServerBin) / "daemon" / "cups-exec").c_str(), X_OK) != 0) {
    return std::string("/usr/lib/cups/daemon/cups-exec is missing (cups-daemon)");
  }
  return std::nullopt;
}

std::unique_ptr<PrivateCupsd> PrivateCupsd::start(std::string& error) {
  if (auto reason = unavailableReason()) {
    error = *reason;
    return nullptr;
  }
  std::unique_ptr<PrivateCupsd> cupsd(new PrivateCupsd());
  std::string pattern = (fs::temp_directory_path() / "kiosk-cupsd-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "mkdtemp failed";
    return nullptr;
  }
  cupsd->root_ = pattern;
  // Another process may take the port between the probe and cupsd's bind: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (cupsd->launch(error)) {
      return cupsd;
    }
  }
  return nullptr;
}

bool PrivateCupsd::launch(std::string& error) {
  const fs::path& r = root_;
  std::error_code ec;
  for (const char* dir : {"spool/temp", "cache", "state", "log", "bin/backend", "capture"}) {
    fs::create_directories(r / dir, ec);
  }
  // cupsd (as root) runs backends that are not group/world executable as root, so the
  // capture backend can write into this root-only temp directory.
  fs::permissions(r, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                         fs::perms::others_read | fs::perms::others_exec);
  for (const char* dir : {"filter", "daemon", "cgi-bin", "notifier", "monitor", "driver"}) {
    const fs::path system = fs::path(kSystemServerBin) / dir;
    if (fs::exists(system) && !fs::exists(r / "bin" / dir)) {
      fs::create_directory_symlink(system, r / "bin" / dir, ec);
    }
  }
  // The real IPP backend, for queues of (emulated) network printers.
  const fs::path ipp = fs::path(kSystemServerBin) / "backend" / "ipp";
  if (fs::exists(ipp) && !fs::exists(r / "bin" / "backend" / "ipp")) {
    fs::create_symlink(ipp, r / "bin" / "backend" / "ipp", ec);
  }
  const fs::path backend = r / "bin" / "backend" / "kiosktest";
  writeFile(backend, kBackendScript);
  ::chmod(backend.c_str(), 0700);

  port_ = freeLoopbackPort();
  std::ostringstream files;
  files << "ServerRoot " << r.string() << "\n"
        << "RequestRoot " << (r / "spool").string() << "\n"
        << "TempDir " << (r / "spool/temp").string() << "\n"
        << "CacheDir " << (r / "cache").string() << "\n"
        << "StateDir " << (r / "state").string() << "\n"
        << "ServerBin " << (r / "bin").string() << "\n"
        << "AccessLog " << (r / "log/access_log").string() << "\n"
        << "ErrorLog " << (r / "log/error_log").string() << "\n"
        << "PageLog " << (r / "log/page_log").string() << "\n"
        << "FileDevice No\n"
        // cupsd 2.4.2-3+deb12u11 and later refuse a bare "Printcap" (no value); a file of
        // its own keeps the system's /etc/printcap untouched on every version.
        << "Printcap " << (r / "printcap").string() << "\n";
  if (::geteuid() != 0) {
    // Unprivileged: cupsd and its backends run as this user.
    if (const passwd* pw = ::getpwuid(::geteuid())) {
      files << "User " << pw->pw_name << "\n";
    }
    if (const group* gr = ::getgrgid(::getegid())) {
      files << "Group " << gr->gr_name << "\n";
    }
  }
  writeFile(r / "cups-files.conf", files.str());
  std::ostringstream conf;
  conf << "Listen 127.0.0.1:" << port_ << "\n"
       << "Listen " << socketPath() << "\n"
       << "LogLevel debug\n"
       << "Browsing No\n"
       << "BrowseLocalProtocols none\n"
       << "DefaultAuthType None\n"
       << "WebInterface No\n"
       << "JobRetryInterval 1\n"
       << "PreserveJobHistory Yes\n"
       << "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
       << "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n";
  writeFile(r / "cupsd.conf", conf.str());

  const std::string log = (r / "log/cupsd.out").string();
  const std::string confPath = (r / "cupsd.conf").string();
  const std::string filesPath = (r / "cups-files.conf").string();
  pid_ = spawnChild({kCupsd, "-f", "-c", confPath, "-s", filesPath}, log, {});
  if (pid_ < 0) {
    error = "fork failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (canConnectLoopback(port_) && fs::exists(socketPath())) {
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error = "cupsd exited at start: " + readText(r / "log/cupsd.out") + errorLog();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error = "cupsd did not listen within 20 s: " + errorLog();
  stop();
  return false;
}

void stopChild(pid_t& pid) {
  if (pid <= 0) {
    return;
  }
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  pid = -1;
}

pid_t spawnChild(const std::vector<std::string>& argv, const fs::path& log,
                 const std::vector<std::string>& env) {
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  // Built before fork: the child of a threaded process must not allocate.
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    envp.push_back(*e);
  }
  for (const auto& e : env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Child: dies with the test process, even when the test crashes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127);
    }
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

void PrivateCupsd::stop() {
  stopChild(pid_);
}

PrivateCupsd::~PrivateCupsd() {
  stop();
  std::error_code ec;
  fs::remove_all(root_, ec);
}

fs::path PrivateCupsd::captureDir(const std::string& queue) const {
  return root_ / "capture" / queue;
}

std::string PrivateCupsd::addQueue(const std::string& queue, const std::string& mode,
                                   const std::vector<std::string>& extra) {
  std::error_code ec;
  fs::create_directories(captureDir(queue), ec);
  std::vector<std::string> argv{
      "lpadmin", "-h", server(), "-p",
      queue,     "-E", "-v",     "kiosktest://" + mode + captureDir(queue).string(),
      "-m",      "raw"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto result = runCommand(argv, root_);
  if (result.status != 0) {
    return "lpadmin failed (" + std::to_string(result.status) + "): " + result.err;
  }
  return {};
}

std::string PrivateCupsd::addDriverQueue(const std::string& queue, const std::string& model,
                                         const std::vector<std::string>& extra) {
  std::error_code ec;
  fs::create_directories(captureDir(queue), ec);
  std::vector<std::string> argv{
      "lpadmin", "-h", server(), "-p",
      queue,     "-E", "-v",     "kiosktest://device" + captureDir(queue).string(),
      "-m",      model};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto result = runCommand(argv, root_);
  if (result.status != 0) {
    return "lpadmin failed (" + std::to_string(result.status) + "): " + result.err;
  }
  return {};
}

std::string PrivateCupsd::addNetworkQueue(const std::string& queue, const std::string& uri,
                                          const std::vector<std::string>& extra) {
  std::vector<std::string> argv{"lpadmin", "-h", server(), "-p", queue,
                                "-E",      "-v", uri,      "-m", "everywhere"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto result = runCommand(argv, root_);
  if (result.status != 0) {
    return "lpadmin failed (" + std::to_string(result.status) + "): " + result.err;
  }
  return {};
}

std::string PrivateCupsd::setMode(const std::string& queue, const std::string& mode) {
  const auto result = runCommand({"lpadmin", "-h", server(), "-p", queue, "-v",
                                  "kiosktest://" + mode + captureDir(queue).string()},
                                 root_);
  if (result.status != 0) {
    return "lpadmin failed (" + std::to_string(result.status) + "): " + result.err;
  }
  return {};
}

std::string PrivateCupsd::tool(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> argv{name, "-h", server()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = runCommand(argv, root_);
  if (result.status != 0) {
    return name + " failed (" + std::to_string(result.status) + "): " + result.err;
  }
  return {};
}

std::vector<fs::path> PrivateCupsd::captured(const std::string& queue,
                                             const std::string& extension) const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(captureDir(queue), ec)) {
    if (entry.path().extension() == extension) {
      files.push_back(entry.path());
    }
  }
  auto jobId = [](const fs::path& p) {
    return std::atoi(p.stem().string().c_str() + 4);  // "job-<id>"
  };
  std::sort(files.begin(), files.end(),
            [&](const fs::path& a, const fs::path& b) { return jobId(a) < jobId(b); });
  return files;
}

std::string PrivateCupsd::errorLog() const {
  std::string text = readText(root_ / "log/error_log");
  // The interesting part is at the end; keep the report readable.
  if (text.size() > 6000) {
    text = "...\n" + text.substr(text.size() - 6000);
  }
  return text;
}

std::optional<PdfInfo> pdfInfo(const fs::path& pdf) {
  if (!onPath("pdfinfo")) {
    return std::nullopt;
  }
  const auto result = runCommand({"pdfinfo", pdf.string()}, pdf.parent_path());
  if (result.status != 0) {
    return std::nullopt;
  }
  PdfInfo info;
  std::smatch m;
  static const std::regex pages(R"(Pages:\s+(\d+))");
  static const std::regex size(R"(Page size:\s+([0-9.]+) x ([0-9.]+) pts)");
  if (std::regex_search(result.out, m, pages)) {
    info.pages = std::stoi(m[1]);
  }
  if (std::regex_search(result.out, m, size)) {
    info.widthPt = std::stod(m[1]);
    info.heightPt = std::stod(m[2]);
  }
  return info;
}

std::optional<std::string> pdfText(const fs::path& pdf) {
  if (!onPath("pdftotext")) {
    return std::nullopt;
  }
  const auto result =
      runCommand({"pdftotext", "-enc", "UTF-8", pdf.string(), "-"}, pdf.parent_path());
  if (result.status != 0) {
    return std::nullopt;
  }
  return result.out;
}

}  // namespace kiosk::testing
