// HttpClient: HTTPS requests to the central server (libcurl behind a pimpl).
//
// Owns one curl easy handle, so that the TLS connection is kept alive between requests.
// TLS is always verified (peer and host name); `caFile` replaces the system CA bundle;
// `pinnedPublicKey` ("sha256//BASE64", several separated by ';') additionally pins the
// server's public key. Responses are asked for gzip-compressed.
//
// Thread rules: one thread at a time (the sync thread); create one client per thread.
// Failures: transport problems come back as errors - kTransient for connection refused,
// timeouts, resets and truncated transfers; kPermanent for a certificate that does not
// verify or a pin that does not match (retrying the same server will not help until
// someone fixes it; the sync engine still keeps everything and retries slowly). Any HTTP
// status, 4xx and 5xx included, is a response, not an error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::cache {

struct HttpOptions {
  std::string baseUrl;          // "https://central.example:8443" (no trailing slash needed)
  std::string caFile;           // PEM bundle; empty = system CAs
  std::string pinnedPublicKey;  // "sha256//..."; empty = no pinning
  Millis connectTimeout{5000};
  Millis requestTimeout{15000};  // whole request, connection included
  std::string userAgent = "kiosk";
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string contentType;
  std::optional<std::string> retryAfter;
  // Bytes on the wire at the HTTP level (request line + headers + body, both ways,
  // compressed body as received); TLS framing not included.
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  Millis elapsed{0};
};

// What stopped the last request before central answered.
enum class TransportFailure {
  kNone,
  kUnreachable,  // refused, no route, name not resolved, connect timeout
  kTimeout,      // connected, then no complete answer in time
  kCertificate,  // central's certificate did not verify, or its key is not the pinned one
  kAddress,      // the configured URL is malformed or not https
  kAborted,      // the abort flag was set (sync stopping)
  kNetwork,      // anything else on the way: reset, TLS handshake, truncated transfer
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `path` is appended to the base URL ("/v1/changes?cursor=..."). A non-empty
  // `bearerToken` is sent as "Authorization: Bearer ...". `contentType` is sent when
  // `body` is non-empty or the method is PUT/POST.
  Result<HttpResponse> request(std::string_view method, std::string_view path,
                               std::string_view body = {}, std::string_view contentType = {},
                               std::string_view bearerToken = {});

  // GET `url` (absolute, https only, with this client's CA file, pin and connect timeout) for
  // a large file: the body goes to `sink` as it arrives, with the file offset of each piece.
  // When `from` is above zero the bytes from there on are asked for ("Range: bytes=FROM-"):
  // a server that honours it answers 206 and the pieces start at `from`; one that does not
  // answers 200 and they start at 0 again. Answers other than 200 and 206 keep up to 4 KiB of
  // their body in the response and give `sink` nothing. There is no overall time limit: a
  // transfer that moves fewer than 1,000 bytes a second for `stall` is ended (kTransient),
  // as is one whose `sink` returns false.
  using DownloadSink = std::function<bool(std::uint64_t offset, std::string_view bytes)>;
  Result<HttpResponse> download(std::string_view url, std::uint64_t from, const DownloadSink& sink,
                                Millis stall = Millis(30000));

  // True when the last request failed before any connection to the server was made
  // (refused, unreachable, name not resolved, connect timeout): nobody is there to be
  // spared from retries.
  bool lastFailureUnreachable() const;
  // kNone after a request that got an HTTP answer.
  TransportFailure lastFailure() const;

  // While *flag is true, transfers are aborted (returns kTransient "aborted"); lets a
  // stopping engine end a request that is waiting for a slow server. May be null.
  void setAbortFlag(const std::atomic<bool>* flag);

  const HttpOptions& options() const { return options_; }

 private:
  struct Impl;
  // The TLS trust, timeouts and header sink every transfer shares (CURL* and HeaderSink*:
  // curl's types stay out of this header).
  void setCommonOptions(void* handle, const std::string& url, void* headers);
  HttpOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
std::string urlEncode(std::string_view value);

}  // namespace kiosk::cache
