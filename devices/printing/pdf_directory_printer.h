// Printing badges as PDF files into a folder: the demo's default when no CUPS queue is
// configured, and a way to collect badges for printing elsewhere.
//
// PdfDirectoryDevice writes "<badgeId>-<attempt>.pdf" (characters other than letters,
// digits, '-' and '_' become '_') whole or not at all (temporary file + rename); a
// folder that does not exist is created. Its state is ready while the folder is
// writable, error otherwise. PdfDirectoryPrinter is a BadgePrinter over one such device,
// with the same threads, print-once and reprint rules as PrintService.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/printing/badge_printer.h"
#include "devices/printing/print_device.h"
#include "devices/printing/print_service.h"

namespace kiosk::devices {

class PdfDirectoryDevice final : public PrintDevice {
 public:
  explicit PdfDirectoryDevice(std::filesystem::path directory);

  // The file a badge's attempt is written to.
  std::filesystem::path fileFor(const std::string& badgeId, int attempt) const;

  std::string name() const override;
  Result<PrinterStatus> queryStatus() override;
  Result<int> submit(const DeviceDocument& document) override;
  Result<DeviceJobStatus> queryJob(int jobId) override;
  Status cancel(int jobId) override;

 private:
  std::filesystem::path directory_;
  int written_ = 0;
};

class PdfDirectoryPrinter final : public BadgePrinter {
 public:
  PdfDirectoryPrinter(std::filesystem::path directory, const Clock& clock,
                      PrintServiceOptions options = {});

  PrintJob submit(PrintRequest request) override { return service_.submit(std::move(request)); }
  PrintJob reprint(PrintRequest request) override { return service_.reprint(std::move(request)); }
  std::optional<PrintJob> retry(const std::string& badgeId) override {
    return service_.retry(badgeId);
  }
  std::optional<PrintJob> cancel(const std::string& badgeId) override {
    return service_.cancel(badgeId);
  }
  std::optional<PrintJob> job(const std::string& badgeId) const override {
    return service_.job(badgeId);
  }
  std::vector<PrintJob> jobs() const override { return service_.jobs(); }
  PrinterStatus printerStatus() const override { return service_.printerStatus(); }
  std::vector<PrinterStatus> printers() const override { return service_.printers(); }

  // See PrintService::waitUntilSettled (not for the UI thread).
  std::optional<PrintJob> waitUntilSettled(const std::string& badgeId, Millis timeout) const {
    return service_.waitUntilSettled(badgeId, timeout);
  }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::filesystem::path directory_;
  PrintService service_;
};

}  // namespace kiosk::devices
