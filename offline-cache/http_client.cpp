#include "offline-cache/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

namespace kiosk::cache {

namespace {

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct HeaderSink {
  std::string contentType;
  std::optional<std::string> retryAfter;
};

std::string trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
    v.remove_suffix(1);
  }
  return std::string(v);
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto a = static_cast<unsigned char>(text[i]);
    const auto b = static_cast<unsigned char>(prefix[i]);
    if (std::tolower(a) != std::tolower(b)) {
      return false;
    }
  }
  return true;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<HeaderSink*>(user);
  const std::string_view line(data, size * count);
  if (startsWithNoCase(line, "HTTP/")) {
    *sink = HeaderSink{};  // a new response (after a 100 Continue): forget the old headers
  } else if (startsWithNoCase(line, "content-type:")) {
    sink->contentType = trim(line.substr(13));
  } else if (startsWithNoCase(line, "retry-after:")) {
    sink->retryAfter = trim(line.substr(12));
  }
  return size * count;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* flag = static_cast<const std::atomic<bool>*>(user);
  return flag != nullptr && flag->load() ? 1 : 0;
}

TransportFailure transportFailure(CURLcode code, curl_off_t connectMicros) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::kUnreachable;
    case CURLE_OPERATION_TIMEDOUT:
      return connectMicros == 0 ? TransportFailure::kUnreachable : TransportFailure::kTimeout;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return TransportFailure::kCertificate;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return TransportFailure::kAddress;
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportFailure::kAborted;
    default:
      return TransportFailure::kNetwork;
  }
}

ErrorKind classify(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorKind::kPermanent;
    default:
      return ErrorKind::kTransient;
  }
}

}  // namespace

struct HttpClient::Impl {
  std::unique_ptr<CURL, CurlDeleter> curl;
  const std::atomic<bool>* abort = nullptr;
  TransportFailure failure = TransportFailure::kNone;
  char errorBuffer[CURL_ERROR_SIZE] = {};
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), impl_(new Impl) {
  initCurlOnce();
  while (!options_.baseUrl.empty() && options_.baseUrl.back() == '/') {
    options_.baseUrl.pop_back();
  }
}

HttpClient::~HttpClient() = default;

bool HttpClient::lastFailureUnreachable() const {
  return impl_->failure == TransportFailure::kUnreachable;
}

TransportFailure HttpClient::lastFailure() const {
  return impl_->failure;
}

void HttpClient::setAbortFlag(const std::atomic<bool>* flag) {
  impl_->abort = flag;
}

// Options are set afresh on every request; the handle keeps only its connection cache.
void HttpClient::setCommonOptions(void* handle, const std::string& url, void* headers) {
  CURL* c = static_cast<CURL*>(handle);
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.caFile.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, options_.caFile.c_str());
  }
  if (!options_.pinnedPublicKey.empty()) {
    curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, options_.pinnedPublicKey.c_str());
  }
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connectTimeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.userAgent.c_str());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, impl_->errorBuffer);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, impl_->abort);
  impl_->errorBuffer[0] = '\0';
}

Result<HttpResponse> HttpClient::download(std::string_view url, std::uint64_t from,
                                          const DownloadSink& sink, Millis stall) {
  impl_->failure = TransportFailure::kNetwork;
  if (!impl_->curl) {
    impl_->curl.reset(curl_easy_init());
    if (!impl_->curl) {
      return makeError(ErrorKind::kTransient, "cannot create an HTTP client (out of memory)");
    }
  }
  CURL* c = impl_->curl.get();
  const std::string target(url);
  HeaderSink headers;
  setCommonOptions(c, target, &headers);
  struct Transfer {
    CURL* curl;
    const DownloadSink* sink;
    std::uint64_t from;
    std::optional<long> status;
    std::uint64_t offset = 0;
    std::string errorBody;
  } t{c, &sink, from, std::nullopt, 0, {}};
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION,
      +[](char* data, std::size_t size, std::size_t count, void* user) -> std::size_t {
        auto* x = static_cast<Transfer*>(user);
        const std::size_t n = size * count;
        if (!x->status) {
          long code = 0;
          curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
          x->status = code;
          x->offset = code == 206 ? x->from : 0;
        }
        if (*x->status != 200 && *x->status != 206) {
          x->errorBody.append(
              data,
              std::min<std::size_t>(n, 4096 - std::min<std::size_t>(4096, x->errorBody.size())));
          return n;
        }
        if (!(*x->sink)(x->offset, std::string_view(data, n))) {
          return 0;  // curl ends the transfer (CURLE_WRITE_ERROR)
        }
        x->offset += n;
        return n;
      });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1000L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(stall.count() / 1000)));
  const std::string range = std::to_string(from) + "-";
  if (from > 0) {
    curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  }
  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(c);
  const auto elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
  if (rc != CURLE_OK) {
    curl_off_t connectMicros = 0;
    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connectMicros);
    impl_->failure = transportFailure(rc, connectMicros);
    const std::string detail =
        rc == CURLE_WRITE_ERROR
            ? "the download could not be stored"
            : (impl_->errorBuffer[0] != '\0' ? impl_->errorBuffer : curl_easy_strerror(rc));
    return makeError(classify(rc), "GET " + target.substr(0, target.find('?')) + ": " + detail);
  }
  impl_->failure = TransportFailure::kNone;
  HttpResponse r;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  r.body = std::move(t.errorBody);
  r.contentType = std::move(headers.contentType);
  r.retryAfter = std::move(headers.retryAfter);
  r.elapsed = elapsed;
  curl_off_t downloaded = 0;
  curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
  r.bytesReceived = static_cast<std::uint64_t>(downloaded);
  return r;
}

Result<HttpResponse> HttpClient::request(std::string_view method, std::string_view path,
                                         std::string_view body, std::string_view contentType,
                                         std::string_view bearerToken) {
  impl_->failure = TransportFailure::kNetwork;  // until curl says otherwise
  if (!impl_->curl) {
    impl_->curl.reset(curl_easy_init());
    if (!impl_->curl) {
      return makeError(ErrorKind::kTransient, "cannot create an HTTP client (out of memory)");
    }
  }
  CURL* c = impl_->curl.get();
  const std::string url = options_.baseUrl + std::string(path);
  const std::string methodText(method);
  std::string response;
  HeaderSink headers;
  setCommonOptions(c, url, &headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.requestTimeout.count()));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);

  std::unique_ptr<curl_slist, SlistDeleter> list;
  auto addHeader = [&](const std::string& h) {
    list.reset(curl_slist_append(list.release(), h.c_str()));
  };
  addHeader("Accept: application/json");
  // No "Expect: 100-continue" round trip before a batch.
  addHeader("Expect:");
  if (!bearerToken.empty()) {
    addHeader("Authorization: Bearer " + std::string(bearerToken));
  }
  const bool sendsBody = !body.empty() || method == "POST" || method == "PUT";
  if (sendsBody) {
    addHeader("Content-Type: " +
              (contentType.empty() ? std::string("application/json") : std::string(contentType)));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (method != "POST") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, methodText.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());

  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(c);
  const auto elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
  if (rc != CURLE_OK) {
    curl_off_t connectMicros = 0;
    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connectMicros);
    impl_->failure = transportFailure(rc, connectMicros);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
      return makeError(ErrorKind::kTransient, "request aborted (sync stopping)");
    }
    std::string detail =
        impl_->errorBuffer[0] != '\0' ? impl_->errorBuffer : curl_easy_strerror(rc);
    return makeError(classify(rc), std::string(method) + " " +
                                       std::string(path.substr(0, path.find('?'))) + ": " + detail);
  }
  impl_->failure = TransportFailure::kNone;
  HttpResponse r;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  r.body = std::move(response);
  r.contentType = std::move(headers.contentType);
  r.retryAfter = std::move(headers.retryAfter);
  r.elapsed = elapsed;
  long requestSize = 0;
  long headerSize = 0;
  curl_off_t uploaded = 0;
  curl_off_t downloaded = 0;
  curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &requestSize);
  curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &headerSize);
  curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &uploaded);
  curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
  r.bytesSent = static_cast<std::uint64_t>(requestSize);
  if (static_cast<std::uint64_t>(requestSize) < body.size()) {
    r.bytesSent += static_cast<std::uint64_t>(uploaded);
  }
  r.bytesReceived = static_cast<std::uint64_t>(headerSize) + static_cast<std::uint64_t>(downloaded);
  return r;
}

std::string urlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : value) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace kiosk::cache
