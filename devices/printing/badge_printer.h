// BadgePrinter: the port through which the kiosk prints badges. Implementations:
// PrintService over CUPS queues (cups_print_device.h) and PdfDirectoryPrinter (PDF files
// in a folder, the demo's default).
//
// Contract:
// - Non-blocking: every method returns at once (a mutex held for a copy at most); the
//   work runs on the implementation's worker thread. Safe to call from any thread, made
//   for the UI thread polling once per frame.
// - Print-once: submit() for a badgeId that already has a job returns that job and
//   prints nothing, whatever its state; reprint() prints again (attempt + 1); retry()
//   re-sends a job that is waiting for a printer.
// - A printer problem never fails the check-in: the job ends in kWaitingForPrinter with
//   a reason, and the staff retry or reprint it later.
// - Job records (not their documents, which are dropped once a job completed or was
//   cancelled) are kept in memory for the life of the object; the check-in record in
//   the database is what survives a restart. A UI polls job(badgeId) for the guest at
//   hand and printerStatus(); jobs() copies every record (staff screens).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "devices/printing/print_job.h"

namespace kiosk::devices {

class BadgePrinter {
 public:
  virtual ~BadgePrinter() = default;

  // Queues the badge unless a job with the same badgeId exists (then returns it as is).
  virtual PrintJob submit(PrintRequest request) = 0;
  // Queues the badge again as a new attempt, even if it printed.
  virtual PrintJob reprint(PrintRequest request) = 0;
  // Re-queues a job in kWaitingForPrinter with the document it had; nullopt when there
  // is no such job or it is not waiting.
  virtual std::optional<PrintJob> retry(const std::string& badgeId) = 0;
  // Cancels a job that has not settled yet (also at the spooler); nullopt when unknown.
  virtual std::optional<PrintJob> cancel(const std::string& badgeId) = 0;

  virtual std::optional<PrintJob> job(const std::string& badgeId) const = 0;
  // All jobs, oldest first.
  virtual std::vector<PrintJob> jobs() const = 0;
  // The printer a new badge would go to (the primary, else a usable fallback), as last
  // seen by the worker.
  virtual PrinterStatus printerStatus() const = 0;
  // Every configured printer, primary first.
  virtual std::vector<PrinterStatus> printers() const = 0;
};

}  // namespace kiosk::devices
