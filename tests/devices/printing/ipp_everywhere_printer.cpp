#include "ipp_everywhere_printer.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

#include "private_cupsd.h"

namespace kiosk::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIppEvePrinter = "/usr/sbin/ippeveprinter";
constexpr const char* kDbusDaemon = "/usr/bin/dbus-daemon";

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    out += (out.empty() ? "" : ",") + v;
  }
  return out;
}

// A system bus of our own that anyone on this machine may use (it carries nothing but
// the printer's unanswered Avahi hello).
std::string busConfig(const fs::path& socket) {
  return R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=)" +
         socket.string() + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
)";
}

bool waitFor(const std::function<bool()>& ready, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) {
      return true;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// "iso_a6_105x148mm" -> "{MEMBER integer x-dimension 10500 MEMBER integer y-dimension
// 14800}" (hundredths of millimetres, from the size at the end of a PWG media name).
std::string mediaSize(const std::string& keyword) {
  const std::size_t underscore = keyword.rfind('_');
  const std::size_t x = keyword.find('x', underscore);
  const bool inches = keyword.size() > 2 && keyword.compare(keyword.size() - 2, 2, "in") == 0;
  if (underscore == std::string::npos || x == std::string::npos) {
    return {};
  }
  const double w = std::stod(keyword.substr(underscore + 1, x - underscore - 1));
  const double h = std::stod(keyword.substr(x + 1));
  const double scale = inches ? 2540 : 100;
  return "{MEMBER integer x-dimension " + std::to_string(std::lround(w * scale)) +
         " MEMBER integer y-dimension " + std::to_string(std::lround(h * scale)) + "}";
}

// media-col entries: borderless, as card and label printers print.
std::string mediaCols(const std::vector<std::string>& keywords) {
  std::string out;
  for (const auto& k : keywords) {
    out += (out.empty() ? "" : ",") + std::string("{MEMBER collection media-size ") + mediaSize(k) +
           " MEMBER integer media-bottom-margin 0 MEMBER integer media-left-margin 0"
           " MEMBER integer media-right-margin 0 MEMBER integer media-top-margin 0}";
  }
  return out;
}

}  // namespace

std::optional<std::string> IppEverywherePrinter::unavailableReason() {
  if (::access(kIppEvePrinter, X_OK) != 0) {
    return std::string("ippeveprinter is not installed (Debian package cups-ipp-utils)");
  }
  if (::access(kDbusDaemon, X_OK) != 0) {
    return std::string("dbus-daemon is not installed (Debian package dbus-daemon)");
  }
  return std::nullopt;
}

std::unique_ptr<IppEverywherePrinter> IppEverywherePrinter::start(const IppPrinterSpec& spec,
                                                                  std::string& error) {
  if (auto reason = unavailableReason()) {
    error = *reason;
    return nullptr;
  }
  std::unique_ptr<IppEverywherePrinter> printer(new IppEverywherePrinter());
  std::string pattern = (fs::temp_directory_path() / "kiosk-ippeve-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "mkdtemp failed";
    return nullptr;
  }
  const fs::path r = pattern;
  printer->root_ = r;
  std::error_code ec;
  fs::create_directories(r / "spool", ec);

  const fs::path socket = r / "bus.sock";
  { std::ofstream(r / "bus.conf") << busConfig(socket); }
  printer->bus_ = spawnChild(
      {kDbusDaemon, "--nofork", "--config-file=" + (r / "bus.conf").string()}, r / "bus.log", {});
  if (!waitFor([&] { return fs::exists(socket); }, printer->bus_)) {
    error = "dbus-daemon did not start: " + readText(r / "bus.log");
    return nullptr;
  }

  {
    std::ofstream conf(r / "printer.conf");
    std::string sizes;
    for (const auto& m : spec.mediaSupported) {
      sizes += (sizes.empty() ? "" : ",") + mediaSize(m);
    }
    // The printer checks a job's media-col against media-col-database, and CUPS builds
    // the queue's sizes from it: both the keywords and the collections are needed.
    conf << "ATTR keyword media-supported " << joined(spec.mediaSupported) << "\n"
         << "ATTR keyword media-ready " << joined(spec.mediaReady) << "\n"
         << "ATTR keyword media-default " << spec.mediaDefault << "\n"
         << "ATTR collection media-size-supported " << sizes << "\n"
         << "ATTR collection media-col-database " << mediaCols(spec.mediaSupported) << "\n"
         << "ATTR collection media-col-ready " << mediaCols(spec.mediaReady) << "\n"
         << "ATTR collection media-col-default " << mediaCols({spec.mediaDefault}) << "\n";
    for (const char* edge : {"bottom", "top", "left", "right"}) {
      conf << "ATTR integer media-" << edge << "-margin-supported 0\n";
    }
    conf << "ATTR resolution pwg-raster-document-resolution-supported " << spec.dpi << "dpi\n"
         << "ATTR keyword pwg-raster-document-type-supported black_1,sgray_8\n"
         << "ATTR keyword urf-supported V1.4,CP1,W8,RS" << spec.dpi << "\n";
  }
  // Another process may take the port between the probe and the bind: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    printer->port_ = freeLoopbackPort();
    // -n localhost binds loopback only; -c /bin/true "prints" at once (without a command
    // ippeveprinter pretends to print for 5-15 s); -k keeps the documents in -d.
    printer->printer_ =
        spawnChild({kIppEvePrinter, "-p", std::to_string(printer->port_), "-n", "localhost", "-r",
                    "off", "-d", (r / "spool").string(), "-k", "-c", "/bin/true", "-a",
                    (r / "printer.conf").string(), spec.name},
                   r / "printer.log", {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + socket.string()});
    const int port = printer->port_;
    if (waitFor([&] { return canConnectLoopback(port); }, printer->printer_)) {
      return printer;
    }
    stopChild(printer->printer_);
  }
  error = "ippeveprinter did not listen: " + printer->log();
  return nullptr;
}

IppEverywherePrinter::~IppEverywherePrinter() {
  stopChild(printer_);
  stopChild(bus_);
  std::error_code ec;
  fs::remove_all(root_, ec);
}

std::string IppEverywherePrinter::uri() const {
  return "ipp://localhost:" + std::to_string(port_) + "/ipp/print";
}

std::vector<fs::path> IppEverywherePrinter::documents() const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "spool", ec)) {
    // <job>-<name>.<format> is the document; .prn is what the print command wrote.
    if (entry.is_regular_file() && entry.path().extension() != ".prn") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string IppEverywherePrinter::log() const {
  return readText(root_ / "printer.log");
}

}  // namespace kiosk::testing
