// A private CUPS scheduler for tests and benchmarks: the real /usr/sbin/cupsd, started
// by the test on 127.0.0.1 at a free port (and on a local socket) with its whole
// configuration, spool, logs and backends in a temporary directory. Stopped and removed
// by the destructor; killed by the kernel if the test process dies (PR_SET_PDEATHSIG).
//
// Backends: one shell script "kiosktest" whose device URI picks the behaviour,
//   kiosktest://<mode>/<capture folder>
//   capture  copies the document to <folder>/job-<id>.pdf (+ .options, .title), exit OK
//   device   the same as job-<id>.prn: what a queue with a driver sends to the printer
//   slow     sleeps 1.5 s, then captures
//   nomedia  "STATE: +media-empty-error", exit CUPS_BACKEND_STOP (queue stops)
//   jam      "STATE: +media-jam-error", exit CUPS_BACKEND_STOP
//   offline  "STATE: +offline-report", then waits (like a backend retrying a dead
//            printer) until cancelled
//   stop     exit CUPS_BACKEND_STOP with no reason (a generic stopped queue)
//   fail     exit CUPS_BACKEND_FAILED (with printer-error-policy=abort-job: job aborted)
// Queues are raw (lpadmin -m raw): CUPS 2.4 still accepts them (with a deprecation
// warning) and passes the PDF to the backend byte for byte. Driver queues
// (addDriverQueue) run the real filter chain of a Debian driver and capture its printer
// language; network queues (addNetworkQueue) use the real ipp backend, e.g. towards an
// emulated IPP Everywhere printer (ipp_everywhere_printer.h).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_port.h"

namespace kiosk::testing {

class PrivateCupsd {
 public:
  // Why a private cupsd cannot run here (not installed), or nullopt.
  static std::optional<std::string> unavailableReason();
  // Starts one; on failure returns nullptr and fills `error` (with the scheduler's log).
  static std::unique_ptr<PrivateCupsd> start(std::string& error);
  ~PrivateCupsd();
  PrivateCupsd(const PrivateCupsd&) = delete;
  PrivateCupsd& operator=(const PrivateCupsd&) = delete;

  int port() const { return port_; }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string socketPath() const { return (root_ / "cups.sock").string(); }
  const std::filesystem::path& root() const { return root_; }
  // Where the capture backends of queue `queue` write.
  std::filesystem::path captureDir(const std::string& queue) const;

  // lpadmin -h 127.0.0.1:PORT -p QUEUE -E -v kiosktest://MODE/DIR -m raw [extra...]
  // Returns an error text or empty.
  std::string addQueue(const std::string& queue, const std::string& mode,
                       const std::vector<std::string>& extra = {});
  // lpadmin ... -v kiosktest://device/DIR -m MODEL [extra...]: a queue with a real driver
  // ("drv:///sample.drv/zebra.ppd", "ptouch:0/ppd/..."); captured(queue, ".prn") holds
  // what the driver sent to the printer.
  std::string addDriverQueue(const std::string& queue, const std::string& model,
                             const std::vector<std::string>& extra = {});
  // lpadmin ... -v URI -m everywhere: a driverless queue for the IPP printer at `uri`.
  std::string addNetworkQueue(const std::string& queue, const std::string& uri,
                              const std::vector<std::string>& extra = {});
  // Changes the backend mode of an existing queue (a printer "repaired").
  std::string setMode(const std::string& queue, const std::string& mode);
  // Runs a CUPS client tool against this server: {"cupsdisable", "q"} -> cupsdisable -h ...
  std::string tool(const std::string& name, const std::vector<std::string>& args);

  // Captured documents of a queue (".pdf" raw, ".prn" driver output), sorted by job id.
  std::vector<std::filesystem::path> captured(const std::string& queue,
                                              const std::string& extension = ".pdf") const;
  std::string errorLog() const;

 private:
  PrivateCupsd() = default;
  bool launch(std::string& error);
  void stop();

  std::filesystem::path root_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Starts argv[0] (an absolute path) with stdout and stderr to `log` and `env`
// ("NAME=value") added; the child is killed when the test process dies. -1 on failure.
pid_t spawnChild(const std::vector<std::string>& argv, const std::filesystem::path& log,
                 const std::vector<std::string>& env);
// SIGTERM, then SIGKILL after 10 s; reaps the child and sets `pid` to -1.
void stopChild(pid_t& pid);

// Text of a file, or empty.
std::string readText(const std::filesystem::path& path);

// pdfinfo / pdftotext (poppler-utils); nullopt when the tool is missing or fails.
struct PdfInfo {
  int pages = 0;
  double widthPt = 0;
  double heightPt = 0;
};
std::optional<PdfInfo> pdfInfo(const std::filesystem::path& pdf);
std::optional<std::string> pdfText(const std::filesystem::path& pdf);

}  // namespace kiosk::testing
