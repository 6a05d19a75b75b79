// An emulated driverless (IPP Everywhere) printer for tests: CUPS's own ippeveprinter,
// started by the test on localhost at a free port, keeping every document it receives.
//
// ippeveprinter always opens an Avahi client, which fails without a D-Bus system bus; a
// private dbus-daemon (its socket in the printer's temporary directory) gives it one with
// no Avahi daemon behind it, so nothing is announced by DNS-SD ("-r off" as well). The
// printer's attributes (media-supported, media-ready, resolutions) come from a
// configuration file written by the test (ippeveprinter -a).
//
// Both processes die with the test process (PR_SET_PDEATHSIG); the destructor stops
// them and removes the directory.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::testing {

struct IppPrinterSpec {
  std::string name = "KioskCard";
  std::vector<std::string> mediaSupported;  // PWG media keywords
  std::vector<std::string> mediaReady;      // what is loaded
  std::string mediaDefault;
  int dpi = 300;  // pwg-raster-document-resolution-supported
};

class IppEverywherePrinter {
 public:
  // Why one cannot run here (ippeveprinter or dbus-daemon missing), or nullopt.
  static std::optional<std::string> unavailableReason();
  static std::unique_ptr<IppEverywherePrinter> start(const IppPrinterSpec& spec,
                                                     std::string& error);
  ~IppEverywherePrinter();
  IppEverywherePrinter(const IppEverywherePrinter&) = delete;
  IppEverywherePrinter& operator=(const IppEverywherePrinter&) = delete;

  // ipp://localhost:PORT/ipp/print
  std::string uri() const;
  // Documents the printer received and kept (as sent: .pwg or .urf), oldest first.
  std::vector<std::filesystem::path> documents() const;
  std::string log() const;

 private:
  IppEverywherePrinter() = default;

  std::filesystem::path root_;
  int port_ = 0;
  pid_t bus_ = -1;
  pid_t printer_ = -1;
};

}  // namespace kiosk::testing
