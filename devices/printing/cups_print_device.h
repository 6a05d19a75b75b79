// CupsPrintDevice: one CUPS queue as a PrintDevice, spoken to over IPP with libcups.
//
// Owns one HTTP connection to the CUPS server, opened on first use and reopened after a
// failure. Thread rules: one thread at a time (PrintService's worker). No process-wide
// CUPS state is changed: the server is passed to httpConnect2 on every (re)connect
// rather than set with cupsSetServer, and the user travels in requesting-user-name
// rather than cupsSetUser, so several devices on several threads, each with its own
// server, do not interfere. The one libcups setting touched, the password callback
// (to fail instead of prompting on a terminal), is per thread in CUPS 2.x.
//
// Failures: server unreachable or a request that times out is kTransient (the printer
// shows offline); an unknown queue is kNotFound; refused authentication kUnauthorized;
// any other IPP error kPermanent.
//
// Media: queryStatus reports the queue's media-supported, and as media-ready what the
// printer itself says is loaded when the queue's device is an IPP printer (driverless
// queues; asked only while the queue is usable, for at most a second); the scheduler's own
// media-ready is only its default paper size.
//
// Queues: any CUPS queue that takes application/pdf. Raw queues (lpadmin -m raw) pass
// the PDF through untouched; CUPS 2.4 still supports them but warns that they are
// deprecated. Driverless IPP printers (lpadmin -m everywhere) take PDF as well.
#pragma once

#include <memory>
#include <string>

#include "devices/printing/print_device.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct CupsPrinterConfig {
  // "host:port", "host" (port 631) or the path of the scheduler's local socket
  // ("/run/cups/cups.sock"); empty = libcups' default (CUPS_SERVER, client.conf, local).
  std::string server;
  std::string queue;           // the CUPS printer (queue) name
  std::string user = "kiosk";  // requesting-user-name: owner of the jobs (may cancel them)
  Millis timeout{5000};        // connect, and each request
};

class CupsPrintDevice final : public PrintDevice {
 public:
  explicit CupsPrintDevice(CupsPrinterConfig config);
  ~CupsPrintDevice() override;
  CupsPrintDevice(const CupsPrintDevice&) = delete;
  CupsPrintDevice& operator=(const CupsPrintDevice&) = delete;

  std::string name() const override;
  Result<PrinterStatus> queryStatus() override;
  Result<int> submit(const DeviceDocument& document) override;
  Result<DeviceJobStatus> queryJob(int jobId) override;
  Status cancel(int jobId) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::devices
