// The reception console: server-rendered pages under /console on central's HTTPS listener,
// for console accounts (ConsoleStore) in the roles reception, supervisor and IT.
//
// Safe by default: a session is a random 256-bit id in a Secure, HttpOnly, SameSite=Strict
// cookie, kept hashed server-side, ended after 30 minutes without a page view or 12 hours
// in all; every POST needs the session's CSRF token and an Origin (or Referer) of this
// server; logins are limited per account and per client address; every answer carries a
// strict Content-Security-Policy (no inline script or style, no framing), nosniff and a
// Referrer-Policy; every change and every login is audited with the account; an account
// of one event sees nothing of another (404, as for what does not exist).
//
// The arrivals board updates itself by polling a JSON route once a second. Each poll is
// answered with "Connection: close": cpp-httplib gives a connection a pool thread for as
// long as it lives, so a board kept alive by 1 s polls (or a server-sent event stream)
// would hold a thread for good; a closed poll frees it after a few milliseconds.
//
// Threads: handlers run on the server's pool threads; each takes a database connection
// of the console's own small pool (the console writes rarely: logins, sessions, its
// audit, revocations, enrollment codes; SQLite's busy wait orders it with central's writer).
#pragma once

#include <optional>
#include <string>

#include "central/mail_sender.h"
#include "kiosk/core/time.h"

namespace httplib {
class Server;
}

namespace kiosk::central::console {

struct ConsoleOptions {
  std::string assetsDir;  // holds console/; empty = the shared asset finder's answer
  Millis idleTimeout = std::chrono::minutes(30);
  Millis absoluteTimeout = std::chrono::hours(12);
  std::optional<MailSettings> mail;  // none: guests' invitations cannot be sent by e-mail
};

// Registers the /console routes. What they share lives as long as the server's handlers;
// `clock` must outlive the server.
// `databasePath` is central's database file.
void addConsoleRoutes(httplib::Server& server, const std::string& databasePath, const Clock& clock,
                      ConsoleOptions options = {});

}  // namespace kiosk::central::console
