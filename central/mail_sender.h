// Central's outgoing mail: the reception console sends a guest's invitation by e-mail.
//
// MailSettings come from the optional [mail] table of central's configuration file
// (`kiosk-central serve --config`). composeMail() writes the message (RFC 5322 and MIME:
// multipart/mixed, a UTF-8 text part and the attachments in base64; display names and the
// subject as RFC 2047 encoded-words, an address that is not ASCII left as UTF-8 as RFC 6532
// allows). MailSender hands it to the SMTP server by libcurl, the only part of central that
// knows libcurl; this header speaks the project's types only.
//
// Transport security: smtps:// is TLS from the start; smtp:// must upgrade with STARTTLS
// (a server that does not offer it is refused) unless the host is loopback (a relay on the
// same machine). The server's certificate is checked against `ca_file` or the system's CAs.
//
// Threads: MailSender::send may be called from any number of threads at once; each call is one
// SMTP session bounded by the settings' timeout, and at most `maxConcurrent` sessions run at
// once (a further call fails at once as kBusy rather than wait), so a dead mail server holds
// at most that many of the server's request threads, each for at most the timeout.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::central {

struct MailSettings {
  std::string url;             // smtp://host[:port] or smtps://host[:port]
  std::string caFile;          // empty: the system's CAs
  std::string user;            // empty: no login
  std::string password;        // the content of password_file (its last newline removed)
  std::string from;            // the From: address
  std::string fromName;        // its display name (may be Chinese); empty: none
  std::string envelopeSender;  // MAIL FROM (bounces); empty: `from`
  Millis timeout{30000};       // one whole SMTP session, connecting included
};

// The [mail] table of the TOML file at `path`: nullopt when the file has none. Keys: url,
// from (both required), from_name, envelope_sender, user, password_file (required with
// user), ca_file, timeout_s (1..300, default 30). kInvalidInput naming the file and the key
// for an unknown key, a bad value or a password or CA file that cannot be read; kNotFound
// when the file is missing.
Result<std::optional<MailSettings>> loadMailSettings(const std::string& path);

// True unless the URL's host is loopback (127.0.0.0/8, ::1, localhost): an smtp:// session
// to any other host must use STARTTLS.
bool mailNeedsStartTls(std::string_view url);

// A single address a message may go to: local@domain, no spaces, angle brackets, quotes,
// commas or control characters, at most 254 bytes. UTF-8 is allowed (RFC 6531).
bool isMailAddress(std::string_view address);

struct MailAttachment {
  std::string fileName;  // ASCII letters, digits, '.', '-' and '_' are kept; others become '_'
  std::string contentType;
  std::string bytes;
};

struct MailMessage {
  std::string to;      // one address (isMailAddress)
  std::string toName;  // display name; empty: none
  std::string subject;
  std::string text;  // UTF-8, lines separated by "\n"
  std::vector<MailAttachment> attachments;
};

// The message as it goes on the wire (CRLF line ends), with a fresh Message-ID at the
// domain of `settings.from` and `now` as its Date.
std::string composeMail(const MailSettings& settings, const MailMessage& message, TimePoint now);

// How a send ended. The failures are the ones a receptionist can act on differently.
enum class MailFailure {
  kNone,
  kBusy,              // too many sends at once: try again
  kBadAddress,        // the recipient is not an address mail can go to
  kUnreachable,       // no connection to the mail server (down, refused, unknown host)
  kTimeout,           // the server did not finish within the timeout
  kTls,               // no STARTTLS offered, or TLS failed (certificate, handshake)
  kLogin,             // the server refused the user and password
  kSenderRefused,     // MAIL FROM refused
  kRecipientRefused,  // RCPT TO refused
  kMessageRefused,    // the message itself was refused after DATA
  kOther,             // anything else (the detail says what)
};
const char* toString(MailFailure failure);  // "busy", "unreachable", ... ("none")

struct MailResult {
  MailFailure failure = MailFailure::kNone;
  std::string detail;  // the mail server's last answer or libcurl's words; empty when sent
  bool sent() const { return failure == MailFailure::kNone; }
};

class MailSender {
 public:
  explicit MailSender(MailSettings settings, std::size_t maxConcurrent = 4);
  MailSender(const MailSender&) = delete;
  MailSender& operator=(const MailSender&) = delete;

  // Sends `message` (composed with composeMail) to message.to; blocks for up to the timeout.
  MailResult send(const MailMessage& message, TimePoint now);

  const MailSettings& settings() const { return settings_; }

 private:
  MailSettings settings_;
  std::size_t maxConcurrent_;
  std::atomic<std::size_t> running_{0};
};

}  // namespace kiosk::central
