// What a signed-in page of the console gets and may do. The console's core
// (console_routes.cpp) checks the session, the CSRF token, the origin and the event before a
// handler runs; page groups in their own files (flags, guests, records) add their routes
// through a PageHost and so get all of that without writing it again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "central/central_store.h"
#include "central/console/console_store.h"
#include "central/console/console_views.h"
#include "central/mail_sender.h"
#include "kiosk/core/time.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace kiosk::central::console {

// One signed-in request: the account, its event (always one the account may see), a
// database connection of the console's pool for the length of the request.
struct Page {
  const httplib::Request& req;
  httplib::Response& res;
  CentralStore& store;
  ConsoleStore& console;
  Frame frame;
  std::string idHash;  // the session's
  TimePoint now;
};

// kHtml and kJson are GETs (a JSON poll does not count as the user's activity); kPost needs
// the session's CSRF token and an Origin of this server.
enum class Kind { kHtml, kJson, kPost };
using Handler = std::function<void(Page&)>;

class PageHost {
 public:
  virtual ~PageHost() = default;
  // Serves `path` (GET, or POST for kPost) to signed-in accounts through `handler`.
  virtual void route(httplib::Server& server, const std::string& path, Kind kind,
                     Handler handler) = 0;
  // The page with the frame's header around `main`; the title is the catalog's `titleKey`.
  virtual void sendPage(Page& p, int status, std::string_view titleKey,
                        const std::string& main) const = 0;
  // A page that only says the catalog's `key` ("error.not_found", "error.forbidden", ...).
  virtual void sendMessage(Page& p, int status, std::string_view key) const = 0;
  // One row of the console's audit, with the account and the event.
  virtual void audit(Page& p, std::string action, std::string target,
                     std::string detail = {}) const = 0;
};

// 303 to `to` (a path of this server).
void redirect(httplib::Response& res, const std::string& to);

// The page groups in their own files.
void addFlagsRoutes(httplib::Server& server, PageHost& host);  // console_flags.cpp
// Guests: search, a guest's page and trail, the desk's changes, the invitation to download or,
// with `mail`, to send by e-mail (console_guests.cpp).
void addGuestsRoutes(httplib::Server& server, PageHost& host, std::optional<MailSettings> mail);

// Records (console_records.cpp): the audit search, the CSV exports and the daily report.
void addRecordsRoutes(httplib::Server& server, PageHost& host);

}  // namespace kiosk::central::console
