#include "devices/printing/cups_print_device.h"

#include <cups/cups.h>
#include <cups/ipp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace kiosk::devices {

namespace {

using IppPtr = std::unique_ptr<ipp_t, decltype(&ippDelete)>;

// Never prompt on a terminal for a password: a kiosk has nobody to type it.
const char* noPassword(const char* /*prompt*/, http_t* /*http*/, const char* /*method*/,
                       const char* /*resource*/, void* /*data*/) {
  return nullptr;
}

int abortOnTimeout(http_t* /*http*/, void* /*data*/) {
  return 0;  // 0 = give up (the default callback would wait forever)
}

Error ippError(const std::string& what) {
  const ipp_status_t status = cupsLastError();
  const char* text = cupsLastErrorString();
  std::string message = what + ": " + (text != nullptr ? text : ippErrorString(status));
  if (status == IPP_STATUS_ERROR_NOT_FOUND) {
    return makeError(ErrorKind::kNotFound, message);
  }
  if (status == IPP_STATUS_ERROR_NOT_AUTHENTICATED || status == IPP_STATUS_ERROR_FORBIDDEN ||
      status == IPP_STATUS_ERROR_NOT_AUTHORIZED) {
    return makeError(ErrorKind::kUnauthorized, message);
  }
  if (status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL ||
      status == IPP_STATUS_ERROR_BUSY || status == IPP_STATUS_ERROR_TIMEOUT ||
      status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS) {
    return makeError(ErrorKind::kTransient, message);
  }
  return makeError(ErrorKind::kPermanent, message);
}

DeviceJobState jobState(int value) {
  switch (value) {
    case IPP_JSTATE_PENDING:
      return DeviceJobState::kPending;
    case IPP_JSTATE_HELD:
      return DeviceJobState::kHeld;
    case IPP_JSTATE_PROCESSING:
      return DeviceJobState::kProcessing;
    case IPP_JSTATE_STOPPED:
      return DeviceJobState::kStopped;
    case IPP_JSTATE_CANCELED:
      return DeviceJobState::kCancelled;
    case IPP_JSTATE_ABORTED:
      return DeviceJobState::kAborted;
    case IPP_JSTATE_COMPLETED:
      return DeviceJobState::kCompleted;
    default:
      return DeviceJobState::kPending;
  }
}

}  // namespace

struct CupsPrintDevice::Impl {
  CupsPrinterConfig config;
  std::string host;
  int port = 0;
  std::string printerUri;
  std::string resource;
  http_t* http = nullptr;

  ~Impl() { disconnect(); }

  void disconnect() {
    if (http != nullptr) {
      httpClose(http);
      http = nullptr;
    }
  }

  Status connect() {
    if (http != nullptr) {
      return okStatus();
    }
    cupsSetPasswordCB2(noPassword, nullptr);
    const int timeoutMs = static_cast<int>(config.timeout.count());
    http = httpConnect2(host.c_str(), port, nullptr, AF_UNSPEC, cupsEncryption(), 1, timeoutMs,
                        nullptr);
    if (http == nullptr) {
      std::string where = host;
      if (port > 0 && host[0] != '/') {
        where.append(":").append(std::to_string(port));
      }
      return makeError(ErrorKind::kTransient, "cannot reach the CUPS server " + where);
    }
    httpSetTimeout(http, static_cast<double>(config.timeout.count()) / 1000.0, abortOnTimeout,
                   nullptr);
    return okStatus();
  }

  ipp_t* newRequest(ipp_op_t op) const {
    ipp_t* request = ippNewRequest(op);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
                 printerUri.c_str());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
                 config.user.c_str());
    return request;
  }

  // Sends a request without a document; drops the connection on transport errors so
  // that the next call reconnects.
  Result<IppPtr> call(ipp_t* request, const std::string& what) {
    if (auto status = connect(); !status) {
      ippDelete(request);
      return status.error();
    }
    IppPtr response(cupsDoRequest(http, request, resource.c_str()), &ippDelete);  // frees request
    return finish(std::move(response), what);
  }

  // media-ready of the IPP printer at `deviceUri` (ipp://, ipps://), on a connection of
  // its own; empty for other device URIs or when the printer does not answer in time.
  std::vector<std::string> printerMediaReady(const std::string& deviceUri) const {
    char scheme[32];
    char userpass[256];
    char hostname[256];
    char resourcePath[1024];
    int devicePort = 0;
    if (httpSeparateURI(HTTP_URI_CODING_ALL, deviceUri.c_str(), scheme, sizeof scheme, userpass,
                        sizeof userpass, hostname, sizeof hostname, &devicePort, resourcePath,
                        sizeof resourcePath) < HTTP_URI_STATUS_OK) {
      return {};
    }
    const std::string kind = scheme;
    if (kind != "ipp" && kind != "ipps") {
      return {};
    }
    const int millis = static_cast<int>(std::min<std::int64_t>(config.timeout.count(), 1000));
    std::unique_ptr<http_t, void (*)(http_t*)> printer(
        httpConnect2(hostname, devicePort, nullptr, AF_UNSPEC,
                     kind == "ipps" ? HTTP_ENCRYPTION_ALWAYS : HTTP_ENCRYPTION_IF_REQUESTED, 1,
                     millis, nullptr),
        &httpClose);
    if (!printer) {
      return {};
    }
    httpSetTimeout(printer.get(), static_cast<double>(millis) / 1000.0, abortOnTimeout, nullptr);
    ipp_t* request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
                 deviceUri.c_str());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr,
                 config.user.c_str());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", nullptr,
                 "media-ready");
    IppPtr response(cupsDoRequest(printer.get(), request, resourcePath), &ippDelete);
    std::vector<std::string> ready;
    if (response && ippGetStatusCode(response.get()) <= IPP_STATUS_OK_EVENTS_COMPLETE) {
      if (ipp_attribute_t* a = ippFindAttribute(response.get(), "media-ready", IPP_TAG_ZERO)) {
        for (int i = 0; i < ippGetCount(a); ++i) {
          if (const char* v = ippGetString(a, i, nullptr)) {
            ready.emplace_back(v);
          }
        }
      }
    }
    return ready;
  }

  Result<IppPtr> finish(IppPtr response, const std::string& what) {
    if (!response) {
      Error error = ippError(what);
      if (cupsLastError() >= IPP_STATUS_ERROR_INTERNAL || httpError(http) != 0) {
        error.kind = ErrorKind::kTransient;
      }
      disconnect();
      return error;
    }
    if (ippGetStatusCode(response.get()) > IPP_STATUS_OK_EVENTS_COMPLETE) {
      return ippError(what);
    }
    return response;
  }
};

CupsPrintDevice::CupsPrintDevice(CupsPrinterConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  const std::string& server = impl_->config.server;
  if (server.empty()) {
    impl_->host = cupsServer();
    impl_->port = ippPort();
  } else if (server.front() == '/') {
    impl_->host = server;
    impl_->port = 0;
  } else if (server.front() == '[') {
    // "[::1]" or "[::1]:8631"
    const auto close = server.find(']');
    impl_->host = server.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    impl_->port = close != std::string::npos && server.compare(close + 1, 1, ":") == 0
                      ? std::atoi(server.c_str() + close + 2)
                      : 631;
  } else if (const auto colon = server.find(':');
             colon != std::string::npos && server.find(':', colon + 1) == std::string::npos) {
    impl_->host = server.substr(0, colon);
    impl_->port = std::atoi(server.c_str() + colon + 1);
  } else {
    impl_->host = server;  // a name, an IPv4 address or a bare IPv6 address
    impl_->port = 631;
  }
  char uri[HTTP_MAX_URI];
  // The scheduler finds the queue by the resource path; the host part is not checked.
  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", 0,
                   "/printers/%s", impl_->config.queue.c_str());
  impl_->printerUri = uri;
  impl_->resource = "/printers/" + impl_->config.queue;
}

CupsPrintDevice::~CupsPrintDevice() = default;

std::string CupsPrintDevice::name() const {
  return impl_->config.queue;
}

Result<PrinterStatus> CupsPrintDevice::queryStatus() {
  ipp_t* request = impl_->newRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
  static const char* const kAttributes[] = {"printer-state",
                                            "printer-state-reasons",
                                            "printer-state-message",
                                            "printer-is-accepting-jobs",
                                            "queued-job-count",
                                            "media-supported",
                                            "device-uri"};
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                sizeof kAttributes / sizeof kAttributes[0], nullptr, kAttributes);
  auto response = impl_->call(request, "printer " + impl_->config.queue);
  if (!response) {
    if (response.error().kind == ErrorKind::kNotFound) {
      PrinterStatus status;
      status.printer = impl_->config.queue;
      status.state = PrinterState::kError;
      status.reason = impl_->config.queue + ": no such queue on the CUPS server";
      return status;
    }
    return response.error();
  }
  ipp_t* r = response->get();
  int state = IPP_PSTATE_IDLE;
  if (ipp_attribute_t* a = ippFindAttribute(r, "printer-state", IPP_TAG_ENUM)) {
    state = ippGetInteger(a, 0);
  }
  std::vector<std::string> reasons;
  if (ipp_attribute_t* a = ippFindAttribute(r, "printer-state-reasons", IPP_TAG_KEYWORD)) {
    for (int i = 0; i < ippGetCount(a); ++i) {
      if (const char* v = ippGetString(a, i, nullptr)) {
        reasons.emplace_back(v);
      }
    }
  }
  std::string message;
  if (ipp_attribute_t* a = ippFindAttribute(r, "printer-state-message", IPP_TAG_TEXT)) {
    if (const char* v = ippGetString(a, 0, nullptr)) {
      message = v;
    }
  }
  bool accepting = true;
  if (ipp_attribute_t* a = ippFindAttribute(r, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)) {
    accepting = ippGetBoolean(a, 0) != 0;
  }
  int queued = -1;
  if (ipp_attribute_t* a = ippFindAttribute(r, "queued-job-count", IPP_TAG_INTEGER)) {
    queued = ippGetInteger(a, 0);
  }
  IppPrinterState ippState = IppPrinterState::kIdle;
  if (state == IPP_PSTATE_PROCESSING) {
    ippState = IppPrinterState::kProcessing;
  } else if (state == IPP_PSTATE_STOPPED) {
    ippState = IppPrinterState::kStopped;
  }
  PrinterStatus status =
      classifyIppPrinter(impl_->config.queue, ippState, reasons, accepting, message, queued);
  auto keywords = [&](const char* name) {
    std::vector<std::string> out;
    // Keywords, or names for media a printer describes in words.
    if (ipp_attribute_t* a = ippFindAttribute(r, name, IPP_TAG_ZERO)) {
      for (int i = 0; i < ippGetCount(a); ++i) {
        if (const char* v = ippGetString(a, i, nullptr)) {
          out.emplace_back(v);
        }
      }
    }
    return out;
  };
  status.mediaSupported = keywords("media-supported");
  // The scheduler's media-ready of a local queue is its default paper size, not what is
  // loaded; only the printer knows that. A network printer (driverless IPP) is asked.
  // Only a usable queue's printer is asked, and briefly: a printer that is down must not
  // hold up every status check and submit by a connect timeout.
  ipp_attribute_t* device = ippFindAttribute(r, "device-uri", IPP_TAG_URI);
  if (device != nullptr && isUsable(status.state)) {
    if (const char* uri = ippGetString(device, 0, nullptr)) {
      status.mediaReady = impl_->printerMediaReady(uri);
    }
  }
  return status;
}

Result<int> CupsPrintDevice::submit(const DeviceDocument& document) {
  if (document.pdf == nullptr || document.pdf->empty()) {
    return makeError(ErrorKind::kInvalidInput, "empty document");
  }
  if (auto status = impl_->connect(); !status) {
    return status.error();
  }
  IppPtr request(impl_->newRequest(IPP_OP_PRINT_JOB), &ippDelete);
  ippAddString(request.get(), IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr,
               document.title.c_str());
  ippAddString(request.get(), IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", nullptr,
               "application/pdf");
  if (!document.media.empty()) {
    ippAddString(request.get(), IPP_TAG_JOB, IPP_TAG_KEYWORD, "media", nullptr,
                 document.media.c_str());
  }
  // The document goes through an anonymous in-memory file: cupsDoIORequest is the
  // path libcups' own printing functions use (it handles 100-continue and early server
  // answers), and it needs a file descriptor.
  const int fd = ::memfd_create("kiosk-badge", MFD_CLOEXEC);
  if (fd < 0) {
    return makeError(ErrorKind::kTransient, "memfd_create failed");
  }
  std::size_t written = 0;
  while (written < document.pdf->size()) {
    const ssize_t n = ::write(fd, document.pdf->data() + written, document.pdf->size() - written);
    if (n <= 0) {
      ::close(fd);
      return makeError(ErrorKind::kTransient, "cannot buffer the document");
    }
    written += static_cast<std::size_t>(n);
  }
  ::lseek(fd, 0, SEEK_SET);
  IppPtr response(cupsDoIORequest(impl_->http, request.release(), impl_->resource.c_str(), fd, -1),
                  &ippDelete);  // frees the request
  ::close(fd);
  auto checked = impl_->finish(std::move(response), "print on " + impl_->config.queue);
  if (!checked) {
    return checked.error();
  }
  ipp_attribute_t* id = ippFindAttribute(checked->get(), "job-id", IPP_TAG_INTEGER);
  if (id == nullptr) {
    return makeError(ErrorKind::kPermanent, impl_->config.queue + ": no job-id in the answer");
  }
  return ippGetInteger(id, 0);
}

Result<DeviceJobStatus> CupsPrintDevice::queryJob(int jobId) {
  ipp_t* request = impl_->newRequest(IPP_OP_GET_JOB_ATTRIBUTES);
  ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", jobId);
  static const char* const kAttributes[] = {"job-state", "job-state-reasons",
                                            "job-printer-state-message"};
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                sizeof kAttributes / sizeof kAttributes[0], nullptr, kAttributes);
  auto response = impl_->call(request, "job " + std::to_string(jobId));
  if (!response) {
    return response.error();
  }
  DeviceJobStatus status;
  if (ipp_attribute_t* a = ippFindAttribute(response->get(), "job-state", IPP_TAG_ENUM)) {
    status.state = jobState(ippGetInteger(a, 0));
  }
  if (ipp_attribute_t* a =
          ippFindAttribute(response->get(), "job-printer-state-message", IPP_TAG_TEXT)) {
    if (const char* v = ippGetString(a, 0, nullptr)) {
      status.message = v;
    }
  }
  if (status.message.empty()) {
    if (ipp_attribute_t* a =
            ippFindAttribute(response->get(), "job-state-reasons", IPP_TAG_KEYWORD)) {
      if (const char* v = ippGetString(a, 0, nullptr)) {
        status.message = v;
      }
    }
  }
  return status;
}

Status CupsPrintDevice::cancel(int jobId) {
  ipp_t* request = impl_->newRequest(IPP_OP_CANCEL_JOB);
  ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", jobId);
  auto response = impl_->call(request, "cancel job " + std::to_string(jobId));
  if (!response) {
    return response.error();
  }
  return okStatus();
}

}  // namespace kiosk::devices
