// PrintService: prints badges on a primary printer, with an optional fallback, and
// follows each job to its end on a worker thread.
//
// Owns its devices (PrintDevice: a CUPS queue, a folder) and one std::jthread that does
// all device I/O: submitting, polling job and printer states. The BadgePrinter methods
// only queue work and copy snapshots, so the UI thread can call them every frame.
//
// What happens to a badge:
//   queued -> submitting -> accepted -> printing -> completed
// A printer is used only when it reports ready or printing. When the primary is not
// usable the job goes to the fallback; when a printer that holds the job reports a
// blocking problem (offline, out of media, jam, paused, error) for longer than
// `stuckGrace`, or the job is not done after `jobTimeout`, or the spooler aborts it, the
// job is cancelled there and moved to the next printer. When no printer is left the job
// settles in kWaitingForPrinter (the check-in stands; staff retry or reprint later).
// Moved jobs are cancelled at the spooler on purpose: a badge that comes out minutes
// later at an unattended kiosk would be a duplicate at best and a privacy leak at worst.
//
// Threads: every public method may be called from any thread. The destructor stops the
// worker; it may wait for one device request to time out (CupsPrinterConfig::timeout).
// Jobs already at the spooler stay there.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "devices/printing/badge_printer.h"
#include "devices/printing/print_device.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct PrintServiceOptions {
  Millis pollInterval{200};         // job and printer polling while a job is active
  Millis idleStatusInterval{2000};  // printer polling when no job is active
  Millis stuckGrace{3000};          // a job on a blocked printer waits this long, then moves
  Millis jobTimeout{120000};        // accepted -> completed, else it moves
  // The badge stock's media keyword: each printer's status says whether what it has
  // loaded fits (PrinterStatus::mediaFit); empty = not judged.
  std::string badgeMedia;
};

class PrintService final : public BadgePrinter {
 public:
  // `fallback` may be null. `clock` must outlive the service.
  PrintService(std::unique_ptr<PrintDevice> primary, std::unique_ptr<PrintDevice> fallback,
               const Clock& clock, PrintServiceOptions options = {});
  ~PrintService() override;
  PrintService(const PrintService&) = delete;
  PrintService& operator=(const PrintService&) = delete;

  PrintJob submit(PrintRequest request) override;
  PrintJob reprint(PrintRequest request) override;
  std::optional<PrintJob> retry(const std::string& badgeId) override;
  std::optional<PrintJob> cancel(const std::string& badgeId) override;
  std::optional<PrintJob> job(const std::string& badgeId) const override;
  std::vector<PrintJob> jobs() const override;
  PrinterStatus printerStatus() const override;
  std::vector<PrinterStatus> printers() const override;

  // Blocks until `done(job)` holds for the badge's job or `timeout` passes; returns the
  // last snapshot (nullopt for an unknown badge). For tools, tests and benchmarks:
  // never call it on the UI thread.
  std::optional<PrintJob> waitFor(const std::string& badgeId,
                                  const std::function<bool(const PrintJob&)>& done,
                                  Millis timeout) const;
  std::optional<PrintJob> waitUntilSettled(const std::string& badgeId, Millis timeout) const;

 private:
  struct Record;
  struct Action;

  PrintJob enqueue(PrintRequest request, bool reprint);
  // Per device: true for those a job must not go to (all but `onlyPrinter` when named).
  // Caller holds mutex_.
  std::vector<bool> untried(const std::string& onlyPrinter) const;
  void touch(Record& record);  // bumps the revision; caller holds mutex_
  void run(std::stop_token stop);
  bool runOnce();  // one pass over the jobs; true when jobs are active
  void submitJob(const Action& action);
  void pollJob(const Action& action);
  void cancelJob(const Action& action);
  PrinterStatus refreshStatus(std::size_t device);
  void moveOn(const Action& action, std::string reason);

  std::vector<std::unique_ptr<PrintDevice>> devices_;  // primary, then fallback
  const Clock& clock_;
  const PrintServiceOptions options_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  // any job changed (waitFor)
  std::condition_variable_any wake_;         // new work for the worker
  bool workPending_ = false;
  std::map<std::string, std::unique_ptr<Record>> records_;
  std::vector<std::string> order_;
  std::vector<PrinterStatus> statuses_;
  std::uint64_t revision_ = 0;
  std::uint64_t nextGeneration_ = 1;

  std::jthread worker_;  // last: stopped and joined before the members above go away
};

}  // namespace kiosk::devices
