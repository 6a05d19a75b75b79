#include "central/mail_sender.h"

#include <curl/curl.h>
#include <sodium.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "kiosk/core/sodium_init.h"

namespace kiosk::central {

namespace {

std::string readWhole(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool hasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool isAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The host of smtp[s]://[user@]host[:port][/path], without brackets.
std::string urlHost(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return {};
  }
  auto rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    return std::string(rest.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

std::string base64(std::string_view bytes) {
  ensureSodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Base64 in lines of 76 characters (RFC 2045).
std::string base64Lines(std::string_view bytes) {
  const auto flat = base64(bytes);
  std::string out;
  out.reserve(flat.size() + flat.size() / 76 * 2 + 2);
  for (std::size_t i = 0; i < flat.size(); i += 76) {
    out += flat.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

std::string randomHex(std::size_t bytes) {
  ensureSodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(bytes * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), raw.data(), raw.size());
  out.pop_back();
  return out;
}

// RFC 2047 encoded-words of UTF-8 `text`, each at most 75 characters and never splitting a
// character, folded onto continuation lines of at most 78 (the first after "Subject: ").
std::string encodedWords(std::string_view text) {
  constexpr std::size_t kChunk = 39;  // 39 bytes: 52 characters of base64 + 12 around them
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto end = std::min(text.size(), i + kChunk);
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?B?") +
           base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

// A display name as a phrase: plain ASCII without specials as it is, other ASCII quoted,
// anything else as encoded-words.
std::string phrase(std::string_view name) {
  if (!isAscii(name)) {
    return encodedWords(name);
  }
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) {
    return std::string(name);
  }
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

std::string mailbox(std::string_view name, std::string_view address) {
  return name.empty() ? std::string(address) : phrase(name) + " <" + std::string(address) + ">";
}

std::string rfc5322Date(TimePoint now) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = toUnixMillis(now) / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays.at(tm.tm_wday),
                tm.tm_mday, kMonths.at(tm.tm_mon), tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string safeFileName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool keep =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
    out += keep && static_cast<unsigned char>(c) < 0x80 ? c : '_';
  }
  return out.empty() ? std::string("attachment") : out;
}

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') {
      continue;
    }
    if (c == '\n') {
      out += '\r';
    }
    out += c;
  }
  return out;
}

}  // namespace

bool mailNeedsStartTls(std::string_view url) {
  const auto host = urlHost(url);
  return !(host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0);
}

bool isMailAddress(std::string_view a) {
  const auto at = a.rfind('@');
  if (a.empty() || a.size() > 254 || at == 0 || at == std::string_view::npos ||
      at + 1 == a.size() || hasControl(a)) {
    return false;
  }
  if (a.find_first_of(" <>\"(),;:\\[]") != std::string_view::npos) {
    return false;
  }
  if (a.find('@') != at) {
    return false;
  }
  const auto domain = a.substr(at + 1);
  return domain.front() != '.' && domain.back() != '.' &&
         domain.find("..") == std::string_view::npos;
}

Result<std::optional<MailSettings>> loadMailSettings(const std::string& path) {
  toml::table root;
  {
    std::ifstream probe(path);
    if (!probe) {
      return makeError(ErrorKind::kNotFound, path + ": cannot be read");
    }
  }
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return makeError(ErrorKind::kInvalidInput, path + ":" + std::to_string(e.source().begin.line) +
                                                   ": " + std::string(e.description()));
  }
  const auto* node = root.get("mail");
  if (node == nullptr) {
    return std::optional<MailSettings>();
  }
  const auto* table = node->as_table();
  auto bad = [&](std::string_view key, std::string_view why) {
    return makeError(ErrorKind::kInvalidInput,
                     path + ": [mail] " + std::string(key) + ": " + std::string(why));
  };
  if (table == nullptr) {
    return bad("", "expected a table");
  }
  static constexpr std::array<std::string_view, 8> kKeys = {
      "url",  "from",          "from_name", "envelope_sender",
      "user", "password_file", "ca_file",   "timeout_s"};
  for (const auto& [key, value] : *table) {
    if (std::find(kKeys.begin(), kKeys.end(), key.str()) == kKeys.end()) {
      return bad(key.str(),
                 "unknown key (known: url, from, from_name, envelope_sender, user, "
                 "password_file, ca_file, timeout_s)");
    }
    if (key.str() != "timeout_s" && !value.is_string()) {
      return bad(key.str(), "expected a string");
    }
  }
  auto str = [&](std::string_view key) { return (*table)[key].value_or(std::string()); };
  MailSettings s;
  s.url = str("url");
  s.from = str("from");
  s.fromName = str("from_name");
  s.envelopeSender = str("envelope_sender");
  s.user = str("user");
  s.caFile = str("ca_file");
  const auto passwordFile = str("password_file");
  if (!(s.url.rfind("smtp://", 0) == 0 || s.url.rfind("smtps://", 0) == 0) ||
      urlHost(s.url).empty() || hasControl(s.url)) {
    return bad("url", "expected smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]");
  }
  if (!isMailAddress(s.from)) {
    return bad("from", "expected one e-mail address");
  }
  if (!s.envelopeSender.empty() && !isMailAddress(s.envelopeSender)) {
    return bad("envelope_sender", "expected one e-mail address");
  }
  if (hasControl(s.fromName) || hasControl(s.user)) {
    return bad(hasControl(s.user) ? "user" : "from_name", "control characters are not allowed");
  }
  if (s.user.empty() != passwordFile.empty()) {
    return bad(s.user.empty() ? "user" : "password_file", "user and password_file go together");
  }
  if (!passwordFile.empty()) {
    bool ok = false;
    s.password = readWhole(passwordFile, ok);
    if (!ok) {
      return bad("password_file", "cannot read " + passwordFile);
    }
    while (!s.password.empty() && (s.password.back() == '\n' || s.password.back() == '\r')) {
      s.password.pop_back();
    }
  }
  if (!s.caFile.empty()) {
    bool ok = false;
    (void)readWhole(s.caFile, ok);
    if (!ok) {
      return bad("ca_file", "cannot read " + s.caFile);
    }
  }
  if (const auto* t = table->get("timeout_s")) {
    const auto seconds = t->value<std::int64_t>();
    if (!seconds || *seconds < 1 || *seconds > 300) {
      return bad("timeout_s", "expected whole seconds from 1 to 300");
    }
    s.timeout = std::chrono::seconds(*seconds);
  }
  return std::optional<MailSettings>(std::move(s));
}

std::string composeMail(const MailSettings& settings, const MailMessage& m, TimePoint now) {
  const auto boundary = "=_kiosk_" + randomHex(12);
  const auto domain = settings.from.substr(settings.from.rfind('@') + 1);
  std::string out;
  out += "Date: " + rfc5322Date(now) + "\r\n";
  out += "From: " + mailbox(settings.fromName, settings.from) + "\r\n";
  out += "To: " + mailbox(m.toName, m.to) + "\r\n";
  out += "Subject: " + (isAscii(m.subject) ? m.subject : encodedWords(m.subject)) + "\r\n";
  out += "Message-ID: <" + randomHex(16) + "@" + domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64Lines(crlf(m.text));
  for (const auto& a : m.attachments) {
    const auto name = safeFileName(a.fileName);
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + a.contentType + "; name=\"" + name + "\"\r\n";
    out += "Content-Disposition: attachment; filename=\"" + name + "\"\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64Lines(a.bytes);
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

const char* toString(MailFailure failure) {
  switch (failure) {
    case MailFailure::kNone:
      return "none";
    case MailFailure::kBusy:
      return "busy";
    case MailFailure::kBadAddress:
      return "bad_address";
    case MailFailure::kUnreachable:
      return "unreachable";
    case MailFailure::kTimeout:
      return "timeout";
    case MailFailure::kTls:
      return "tls";
    case MailFailure::kLogin:
      return "login";
    case MailFailure::kSenderRefused:
      return "sender_refused";
    case MailFailure::kRecipientRefused:
      return "recipient_refused";
    case MailFailure::kMessageRefused:
      return "message_refused";
    case MailFailure::kOther:
      return "other";
  }
  return "other";
}

MailSender::MailSender(MailSettings settings, std::size_t maxConcurrent)
    : settings_(std::move(settings)), maxConcurrent_(std::max<std::size_t>(1, maxConcurrent)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

struct Upload {
  std::string_view data;
  std::size_t at = 0;
};

std::size_t readBody(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  const auto n = std::min(size * count, u->data.size() - u->at);
  std::memcpy(buffer, u->data.data() + u->at, n);
  u->at += n;
  return n;
}

// The server's answers arrive as header lines; the last refusal (4xx, 5xx) is the reason a
// step failed (the session still ends with QUIT's "221 Bye").
std::size_t keepAnswer(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* last = static_cast<std::string*>(user);
  std::string line(buffer, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.pop_back();
  }
  if (!line.empty() && (line.front() == '4' || line.front() == '5')) {
    *last = line.substr(0, 300);
  }
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

MailFailure classify(CURLcode code, std::string_view words, long smtpCode) {
  switch (code) {
    case CURLE_OK:
      return MailFailure::kNone;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return MailFailure::kUnreachable;
    case CURLE_OPERATION_TIMEDOUT:
      return MailFailure::kTimeout;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return MailFailure::kTls;
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
      return MailFailure::kLogin;
    default:
      break;
  }
  // libcurl words these "MAIL failed: 550", "RCPT failed: 550"; the end of DATA refused is
  // a weird reply with the server's code.
  if (words.rfind("RCPT failed", 0) == 0) {
    return MailFailure::kRecipientRefused;
  }
  if (words.rfind("MAIL failed", 0) == 0) {
    return MailFailure::kSenderRefused;
  }
  if (code == CURLE_WEIRD_SERVER_REPLY && smtpCode >= 400) {
    return MailFailure::kMessageRefused;
  }
  if (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR) {
    return MailFailure::kUnreachable;
  }
  return MailFailure::kOther;
}

}  // namespace

MailResult MailSender::send(const MailMessage& message, TimePoint now) {
  if (!isMailAddress(message.to)) {
    return {MailFailure::kBadAddress, "not an address mail can go to"};
  }
  if (running_.fetch_add(1) >= maxConcurrent_) {
    running_.fetch_sub(1);
    return {MailFailure::kBusy, std::to_string(maxConcurrent_) + " messages are being sent"};
  }
  struct Leave {
    std::atomic<std::size_t>& n;
    ~Leave() { n.fetch_sub(1); }
  } leave{running_};

  const auto body = composeMail(settings_, message, now);
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    return {MailFailure::kOther, "libcurl could not start a session"};
  }
  CURL* c = curl.get();
  char words[CURL_ERROR_SIZE] = {};
  std::string answer;
  Upload upload{body};
  const auto envelope =
      "<" + (settings_.envelopeSender.empty() ? settings_.from : settings_.envelopeSender) + ">";
  std::unique_ptr<curl_slist, ListDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
  const long timeout = static_cast<long>(settings_.timeout.count());
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, words);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout, 10000L));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   mailNeedsStartTls(settings_.url) ? static_cast<long>(CURLUSESSL_ALL)
                                                    : static_cast<long>(CURLUSESSL_TRY));
  if (!settings_.caFile.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, settings_.caFile.c_str());
  }
  if (!settings_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, envelope.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, readBody);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, keepAnswer);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &answer);
  const auto code = curl_easy_perform(c);
  if (code == CURLE_OK) {
    return {};
  }
  long smtpCode = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtpCode);
  std::string detail = words[0] != '\0' ? std::string(words) : curl_easy_strerror(code);
  const auto failure = classify(code, detail, smtpCode);
  if (!answer.empty()) {
    detail += " (" + answer + ")";
  }
  return {failure, detail};
}

}  // namespace kiosk::central
