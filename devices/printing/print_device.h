// PrintDevice: one place a badge can be printed (a CUPS queue, a folder of PDFs), as
// PrintService drives it. Synchronous and called only from PrintService's worker thread
// (one device object per service; implementations need no locking).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "devices/printing/print_job.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

// A job as the device reports it (IPP job-state, RFC 8011 5.3.7).
enum class DeviceJobState {
  kPending,
  kHeld,
  kProcessing,
  kStopped,
  kCancelled,
  kAborted,
  kCompleted
};

struct DeviceJobStatus {
  DeviceJobState state = DeviceJobState::kPending;
  std::string message;  // job-printer-state-message or job-state-reasons
};

struct DeviceDocument {
  std::string badgeId;
  int attempt = 1;
  std::string title;
  std::string media;
  const std::vector<std::uint8_t>* pdf = nullptr;
};

class PrintDevice {
 public:
  virtual ~PrintDevice() = default;
  virtual std::string name() const = 0;
  // kTransient when the device cannot be asked (server down): the service shows offline.
  virtual Result<PrinterStatus> queryStatus() = 0;
  // Hands the document over; returns the device's job id once it has accepted it.
  virtual Result<int> submit(const DeviceDocument& document) = 0;
  virtual Result<DeviceJobStatus> queryJob(int jobId) = 0;
  virtual Status cancel(int jobId) = 0;
};

}  // namespace kiosk::devices
