#include "devices/printing/pdf_directory_printer.h"

#include <unistd.h>

#include <fstream>
#include <system_error>

namespace kiosk::devices {

namespace {
std::string safeFileStem(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("badge") : out;
}

// Badges carry names and photos: a folder the printer creates is its user's only.
void makePrivateDirectory(const std::filesystem::path& directory, std::error_code& ec) {
  if (std::filesystem::create_directories(directory, ec)) {
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all, ec);
  }
}
}  // namespace

PdfDirectoryDevice::PdfDirectoryDevice(std::filesystem::path directory)
    : directory_(std::move(directory)) {}

std::filesystem::path PdfDirectoryDevice::fileFor(const std::string& badgeId, int attempt) const {
  return directory_ / (safeFileStem(badgeId) + "-" + std::to_string(attempt) + ".pdf");
}

std::string PdfDirectoryDevice::name() const {
  return "pdf:" + directory_.string();
}

Result<PrinterStatus> PdfDirectoryDevice::queryStatus() {
  PrinterStatus status;
  status.printer = name();
  std::error_code ec;
  makePrivateDirectory(directory_, ec);
  if (!ec && ::access(directory_.c_str(), W_OK) == 0) {
    status.state = PrinterState::kReady;
    status.reason = name() + ": ready";
  } else {
    status.state = PrinterState::kError;
    status.reason = name() + ": folder missing or not writable";
  }
  return status;
}

Result<int> PdfDirectoryDevice::submit(const DeviceDocument& document) {
  if (document.pdf == nullptr || document.pdf->empty()) {
    return makeError(ErrorKind::kInvalidInput, "empty document");
  }
  std::error_code ec;
  makePrivateDirectory(directory_, ec);
  const std::filesystem::path target = fileFor(document.badgeId, document.attempt);
  std::filesystem::path temp = target;
  temp += ".part";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(document.pdf->data()),
              static_cast<std::streamsize>(document.pdf->size()));
    out.close();
    std::filesystem::permissions(
        temp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (!out) {
      std::filesystem::remove(temp, ec);
      return makeError(ErrorKind::kPermanent, "cannot write " + temp.string());
    }
  }
  std::filesystem::rename(temp, target, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return makeError(ErrorKind::kPermanent, "cannot write " + target.string());
  }
  return ++written_;
}

Result<DeviceJobStatus> PdfDirectoryDevice::queryJob(int /*jobId*/) {
  // The file is complete once submit returned.
  return DeviceJobStatus{DeviceJobState::kCompleted, "written"};
}

Status PdfDirectoryDevice::cancel(int /*jobId*/) {
  return okStatus();
}

PdfDirectoryPrinter::PdfDirectoryPrinter(std::filesystem::path directory, const Clock& clock,
                                         PrintServiceOptions options)
    : directory_(directory),
      service_(std::make_unique<PdfDirectoryDevice>(std::move(directory)), nullptr, clock,
               options) {}

}  // namespace kiosk::devices
