#include "devices/printing/print_job.h"

#include <array>
#include <utility>

namespace kiosk::devices {

namespace {

struct ReasonRule {
  std::string_view keyword;  // without severity suffix
  PrinterState state;
  std::string_view advice;
};

// Only reasons that stop printing are listed; everything else with an "-error" suffix is
// a generic error, and warnings or reports are noted in the reason text only.
constexpr std::array<ReasonRule, 22> kRules{{
    {"offline", PrinterState::kOffline, "printer offline: check its power and cable"},
    {"timed-out", PrinterState::kOffline, "printer not answering: check its power and cable"},
    {"shutdown", PrinterState::kOffline, "printer shut down"},
    {"media-jam", PrinterState::kJammed, "media jam: open the printer and clear it"},
    {"media-empty", PrinterState::kOutOfMedia, "out of media: load cards, labels or paper"},
    {"media-needed", PrinterState::kOutOfMedia, "media needed: load cards, labels or paper"},
    {"input-tray-missing", PrinterState::kOutOfMedia, "input tray missing"},
    {"marker-supply-empty", PrinterState::kOutOfMedia, "ribbon or ink empty: replace it"},
    {"toner-empty", PrinterState::kOutOfMedia, "toner empty: replace it"},
    {"cover-open", PrinterState::kError, "cover open: close it"},
    {"door-open", PrinterState::kError, "door open: close it"},
    {"interlock-open", PrinterState::kError, "interlock open: close the printer"},
    {"output-area-full", PrinterState::kError, "output tray full: take the badges out"},
    {"output-tray-missing", PrinterState::kError, "output tray missing"},
    {"fuser-over-temp", PrinterState::kError, "printer overheated"},
    {"cups-missing-filter", PrinterState::kError, "CUPS has no filter for this printer"},
    {"cups-insecure-filter", PrinterState::kError, "CUPS refused an insecure filter"},
    {"spool-area-full", PrinterState::kError, "spooler disk full"},
    {"paused", PrinterState::kPaused, "queue paused: resume it with cupsenable"},
    {"moving-to-paused", PrinterState::kPaused, "queue pausing"},
    {"stopped-partly", PrinterState::kPaused, "printer partly stopped"},
    {"hold-new-jobs", PrinterState::kPaused, "queue holds new jobs: release them"},
}};

int rank(PrinterState state) {
  switch (state) {
    case PrinterState::kOffline:
      return 7;
    case PrinterState::kJammed:
      return 6;
    case PrinterState::kOutOfMedia:
      return 5;
    case PrinterState::kError:
      return 4;
    case PrinterState::kPaused:
      return 3;
    case PrinterState::kPrinting:
      return 2;
    case PrinterState::kReady:
      return 1;
    case PrinterState::kUnknown:
      return 0;
  }
  return 0;
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const char* toString(MediaFit fit) {
  switch (fit) {
    case MediaFit::kUnknown:
      return "unknown";
    case MediaFit::kLoaded:
      return "loaded";
    case MediaFit::kSupported:
      return "supported";
    case MediaFit::kNotLoaded:
      return "not-loaded";
    case MediaFit::kUnsupported:
      return "unsupported";
  }
  return "unknown";
}

const char* toString(PrinterState state) {
  switch (state) {
    case PrinterState::kReady:
      return "ready";
    case PrinterState::kPrinting:
      return "printing";
    case PrinterState::kOffline:
      return "offline";
    case PrinterState::kOutOfMedia:
      return "out-of-media";
    case PrinterState::kJammed:
      return "jammed";
    case PrinterState::kPaused:
      return "paused";
    case PrinterState::kError:
      return "error";
    case PrinterState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

bool isUsable(PrinterState state) {
  return state == PrinterState::kReady || state == PrinterState::kPrinting;
}

const char* toString(PrintJobState state) {
  switch (state) {
    case PrintJobState::kQueued:
      return "queued";
    case PrintJobState::kSubmitting:
      return "submitting";
    case PrintJobState::kAccepted:
      return "accepted";
    case PrintJobState::kPrinting:
      return "printing";
    case PrintJobState::kCompleted:
      return "completed";
    case PrintJobState::kCancelled:
      return "cancelled";
    case PrintJobState::kWaitingForPrinter:
      return "waiting-for-printer";
  }
  return "queued";
}

bool isSettled(PrintJobState state) {
  return state == PrintJobState::kCompleted || state == PrintJobState::kCancelled ||
         state == PrintJobState::kWaitingForPrinter;
}

PrinterStatus classifyIppPrinter(std::string printer, IppPrinterState state,
                                 const std::vector<std::string>& reasons, bool acceptingJobs,
                                 std::string_view stateMessage, int queuedJobs) {
  PrinterStatus status;
  status.printer = std::move(printer);
  status.rawReasons = reasons;
  switch (state) {
    case IppPrinterState::kIdle:
      status.state = PrinterState::kReady;
      break;
    case IppPrinterState::kProcessing:
      status.state = PrinterState::kPrinting;
      break;
    case IppPrinterState::kStopped:
      status.state = PrinterState::kPaused;
      break;
    default:
      status.state = PrinterState::kUnknown;
      break;
  }
  std::string advice = state == IppPrinterState::kStopped ? "queue stopped" : "";
  std::string notes;
  auto raise = [&](PrinterState to, std::string_view why, const std::string& keyword) {
    if (rank(to) > rank(status.state) ||
        (rank(to) == rank(status.state) && (advice.empty() || advice == "queue stopped"))) {
      status.state = to;
      advice = std::string(why) + " (" + keyword + ")";
    }
  };
  for (const std::string& keyword : reasons) {
    if (keyword.empty() || keyword == "none") {
      continue;
    }
    std::string_view base = keyword;
    enum class Severity { kError, kWarning, kReport } severity = Severity::kError;
    if (endsWith(base, "-error")) {
      base.remove_suffix(6);
    } else if (endsWith(base, "-warning")) {
      base.remove_suffix(8);
      severity = Severity::kWarning;
    } else if (endsWith(base, "-report")) {
      base.remove_suffix(7);
      severity = Severity::kReport;
    }
    const ReasonRule* rule = nullptr;
    for (const ReasonRule& r : kRules) {
      if (r.keyword == base) {
        rule = &r;
        break;
      }
    }
    // "offline-report" is how CUPS backends say the device is gone; the other reports
    // and all warnings are informational.
    const bool stops =
        rule != nullptr && (severity == Severity::kError || rule->state == PrinterState::kOffline);
    if (stops) {
      raise(rule->state, rule->advice, keyword);
    } else if (severity == Severity::kError && rule == nullptr && keyword.rfind("cups-", 0) != 0 &&
               endsWith(keyword, "-error")) {
      raise(PrinterState::kError, "printer error", keyword);
    } else {
      notes += (notes.empty() ? "" : ", ") + keyword;
    }
  }
  const bool stale = state == IppPrinterState::kIdle && acceptingJobs && queuedJobs == 0 &&
                     status.state != PrinterState::kReady;
  if (stale) {
    // See the header: what the last job's backend said, not what the printer says now.
    notes = "last job reported " + advice + (notes.empty() ? "" : ", " + notes);
    status.state = PrinterState::kReady;
    advice = "ready";
  }
  if (!acceptingJobs && rank(status.state) < rank(PrinterState::kPaused)) {
    status.state = PrinterState::kPaused;
    advice = "queue rejects jobs: enable it with cupsaccept";
  }
  if (advice.empty()) {
    advice = status.state == PrinterState::kPrinting ? "printing" : "ready";
  }
  status.reason = status.printer + ": " + advice;
  if (!stateMessage.empty()) {
    status.reason += "; printer says \"" + std::string(stateMessage) + "\"";
  }
  if (!notes.empty()) {
    status.reason += "; also " + notes;
  }
  return status;
}

}  // namespace kiosk::devices
