// A web server for OS update bundles in tests: HTTPS on loopback (cpp-httplib with the test
// PKI), one file at /kiosk.raucb.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sync/sync_test_support.h"

namespace kiosk::testing {

// A web server holding one bundle at /kiosk.raucb, honouring "Range: bytes=N-". With
// `dropFirstAt`, the first answer stops after that many bytes and closes the connection.
class BundleServer {
 public:
  BundleServer(const Pki& pki, std::string bundle)
      : server_(pki.certFile.c_str(), pki.keyFile.c_str()), bundle_(std::move(bundle)) {
    server_.Get("/kiosk.raucb", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mutex_);
        ranges_.push_back(req.get_header_value("Range"));
      }
      const bool drop = dropFirstAt_ > 0 && requests_++ == 0;
      // httplib answers a range itself (206, Content-Range) and asks the provider for the
      // bytes from the range's start.
      res.set_content_provider(
          bundle_.size(), "application/octet-stream",
          [this, drop](std::size_t at, std::size_t, httplib::DataSink& sink) {
            const std::size_t end = drop ? std::min(dropFirstAt_, bundle_.size()) : bundle_.size();
            if (at >= end) {
              return false;  // cut off: the client gets fewer bytes than announced
            }
            const std::size_t n = std::min<std::size_t>(end - at, 16384);
            sink.write(bundle_.data() + at, n);
            return true;
          });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    waitFor([this] { return server_.is_running(); });
  }
  ~BundleServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/kiosk.raucb"; }
  void dropFirstAt(std::size_t bytes) { dropFirstAt_ = bytes; }
  std::vector<std::string> ranges() {
    std::lock_guard lock(mutex_);
    return ranges_;
  }

 private:
  httplib::SSLServer server_;
  std::string bundle_;
  std::size_t dropFirstAt_ = 0;
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::vector<std::string> ranges_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace kiosk::testing
