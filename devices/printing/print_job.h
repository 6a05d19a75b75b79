// Printing in kiosk types: badge print requests, the state of a print job as the UI
// sees it, and the state of a printer as guests and staff see it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/time.h"

namespace kiosk::devices {

// What a printer can do right now. A closed set: the UI has a message and an icon for
// each; the detail is in PrinterStatus::reason.
enum class PrinterState {
  kReady,       // idle and accepting jobs
  kPrinting,    // busy with a job
  kOffline,     // not reachable (unplugged, powered off, network down, server down)
  kOutOfMedia,  // cards, labels, paper or ribbon empty
  kJammed,      // media jam
  kPaused,      // stopped or paused by staff or by the spooler after an error; rejecting jobs
  kError,       // any other error that stops printing (cover open, hardware fault)
  kUnknown,     // not asked yet, or the answer made no sense
};

// "ready", "printing", "offline", "out-of-media", "jammed", "paused", "error", "unknown".
const char* toString(PrinterState state);

// Whether a new job sent there now can be expected to print.
bool isUsable(PrinterState state);

// How the stock in a printer fits the badge (see media_match.h).
enum class MediaFit {
  kUnknown,      // the printer reports no media, or the badge's media has no size
  kLoaded,       // a loaded media (media-ready) has the badge's size
  kSupported,    // nothing reported as loaded; the printer takes the badge's size
  kNotLoaded,    // what is loaded is another size: staff change the stock or the badge
  kUnsupported,  // the printer has no media of the badge's size
};

// "unknown", "loaded", "supported", "not-loaded", "unsupported".
const char* toString(MediaFit fit);

struct PrinterStatus {
  std::string printer;  // queue or folder name
  PrinterState state = PrinterState::kUnknown;
  std::string reason;  // for staff, English: "Out of media (media-empty-error): load ..."
  std::vector<std::string> rawReasons;  // IPP printer-state-reasons as reported
  TimePoint checkedAt{};
  // IPP media-ready and media-supported (PWG keywords) as the printer reports them.
  std::vector<std::string> mediaReady;
  std::vector<std::string> mediaSupported;
  // Against the badge stock the service was given (PrintServiceOptions::badgeMedia).
  MediaFit mediaFit = MediaFit::kUnknown;
  std::string badgeMedia;  // the media a badge is sent with on this printer
};

// IPP printer-state (RFC 8011 5.4.11).
enum class IppPrinterState { kIdle = 3, kProcessing = 4, kStopped = 5 };

// Maps what an IPP printer (CUPS queue) reports to a PrinterState and a staff reason.
// Severity suffixes of reasons (-error, -warning, -report) are understood: warnings do
// not stop a printer ("media-low-warning" keeps it ready, noted in the reason), while
// "offline-report" means offline. Precedence when several apply: offline, jammed, out of
// media, other errors, paused/stopped, printing, ready.
//
// Stale reasons: CUPS only learns about a printer while a backend runs a job, and keeps
// what the backend last said (media-empty-error stays after staff refill the printer and
// resume the queue with cupsenable; only a later job clears it). So an idle queue that
// accepts jobs and has none queued (`queuedJobs` == 0) is ready, with the old reasons
// noted. With queued jobs, or `queuedJobs` < 0 (unknown), the reasons count.
PrinterStatus classifyIppPrinter(std::string printer, IppPrinterState state,
                                 const std::vector<std::string>& reasons, bool acceptingJobs,
                                 std::string_view stateMessage, int queuedJobs = -1);

// A badge job as the UI sees it.
enum class PrintJobState {
  kQueued,             // waiting for the print worker
  kSubmitting,         // being handed to a printer
  kAccepted,           // the printer/spooler took it; waiting to print
  kPrinting,           // the printer is processing it
  kCompleted,          // printed (as far as the spooler knows)
  kCancelled,          // cancelled by staff or by the kiosk
  kWaitingForPrinter,  // no usable printer, or the printer gave up: the check-in stands,
                       // the badge needs a retry or reprint once a printer works
};

// "queued", "submitting", "accepted", "printing", "completed", "cancelled",
// "waiting-for-printer".
const char* toString(PrintJobState state);
// Completed, cancelled and waiting-for-printer: the worker does nothing more with the job
// until someone retries or reprints it.
bool isSettled(PrintJobState state);

// A snapshot of one badge's print job. `revision` grows with every change, so a UI
// polling once per frame redraws only on change.
struct PrintJob {
  std::string badgeId;
  int attempt = 1;  // 1 = first print; reprints count up
  PrintJobState state = PrintJobState::kQueued;
  std::string printer;  // where it went (or was last tried)
  int deviceJobId = 0;  // CUPS job id, or a sequence number for a folder
  bool usedFallback = false;
  std::string reason;  // staff-facing detail of the state ("printer-a: out of media ...")
  PrinterState printerState = PrinterState::kUnknown;  // of `printer`, last seen
  TimePoint requestedAt{};
  std::optional<TimePoint> acceptedAt;  // when the printer/spooler took the job
  std::optional<TimePoint> finishedAt;
  std::uint64_t revision = 0;
};

// What the caller hands over: one rendered badge.
struct PrintRequest {
  std::string badgeId;  // stable per guest badge (e.g. "<event>-<guest>"): the print-once key
  std::vector<std::uint8_t> pdf;
  std::string media;  // CUPS media keyword; empty = the printer's default
  std::string title;  // job name shown in the spooler ("Badge Zoë Müller")
  // Only this printer (PrinterStatus::printer), never another: a test page. Empty: the
  // primary, else the fallback.
  std::string printer;
};

}  // namespace kiosk::devices
