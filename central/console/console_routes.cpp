#include "central/console/console_routes.h"

#include <httplib.h>
#include <sodium.h>

#include <charconv>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <vector>

#include "central/central_log.h"
#include "central/central_store.h"
#include "central/console/console_day.h"
#include "central/console/console_flags.h"
#include "central/console/console_page.h"
#include "central/console/console_store.h"
#include "central/console/console_text.h"
#include "central/console/console_views.h"
#include "central/rate_limiter.h"
#include "kiosk/admin/assets_dir.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/local_time.h"
#include "kiosk/core/secret_hash.h"
#include "kiosk/core/sodium_init.h"

namespace kiosk::central::console {

namespace {

using Request = httplib::Request;
using Response = httplib::Response;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kCookie = "kiosk_console";
constexpr auto kEnrollmentValidity = std::chrono::hours(24);

// Login attempts: per account 5, then one a minute; per client address 20, then one every
// 5 s (a desk behind one NAT address still gets in).
constexpr double kAccountAttemptsPerSecond = 1.0 / 60;
constexpr double kAccountAttemptBurst = 5;
constexpr double kAddressAttemptsPerSecond = 1.0 / 5;
constexpr double kAddressAttemptBurst = 20;

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

std::string randomHex(std::size_t bytes) {
  ensureSodium();
  std::vector<std::uint8_t> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return hexEncode(buf);
}

bool sameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string cookieValue(const Request& req, std::string_view name) {
  const auto header = req.get_header_value("Cookie");
  std::size_t start = 0;
  while (start < header.size()) {
    auto end = header.find(';', start);
    if (end == std::string::npos) {
      end = header.size();
    }
    std::string_view item(header.data() + start, end - start);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
    start = end + 1;
  }
  return {};
}

std::optional<EventId> parseEventId(const std::string& text) {
  EventId id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) {
    return std::nullopt;
  }
  return id;
}

// A POST comes from one of this server's own pages: its Origin (or, from a browser that
// sends none, its Referer) is this server.
bool fromThisSite(const Request& req) {
  const auto host = req.get_header_value("Host");
  if (host.empty()) {
    return false;
  }
  const auto self = "https://" + host;
  if (req.has_header("Origin")) {
    return req.get_header_value("Origin") == self;
  }
  const auto referer = req.get_header_value("Referer");
  return referer.size() > self.size() && referer.compare(0, self.size(), self) == 0 &&
         referer[self.size()] == '/';
}

bool validTerminalName(std::string_view name) {
  if (name.empty() || name.size() > 40) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

// Where the language switch returns to: a console page of this server, nothing else.
std::string safeBack(const std::string& back) {
  if (back.rfind("/console/", 0) != 0 || back.find("//") != std::string::npos ||
      back.find_first_of("\r\n\\") != std::string::npos) {
    return "/console/arrivals";
  }
  return back;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void secureHeaders(Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
}

class Console : public PageHost, public std::enable_shared_from_this<Console> {
 public:
  Console(std::string databasePath, ConsoleOptions options, const Clock& clock)
      : databasePath_(std::move(databasePath)),
        options_(std::move(options)),
        clock_(clock),
        accountAttempts_(kAccountAttemptsPerSecond, kAccountAttemptBurst),
        addressAttempts_(kAddressAttemptsPerSecond, kAddressAttemptBurst) {
    const auto dir =
        (options_.assetsDir.empty() ? admin::findAssets() : options_.assetsDir) + "/console/";
    layout_ = readFile(dir + "layout.html");
    script_ = readFile(dir + "console.js");
    style_ = readFile(dir + "console.css");
    if (layout_.empty() || script_.empty() || style_.empty()) {
      centralLog().error("console: the console's assets are missing in {}", dir);
      layout_ =
          "<!DOCTYPE html><html lang=\"{{lang}}\"><title>{{title}}</title><body>"
          "{{header}}<main>{{main}}</main></body></html>";
    }
  }

  void add(httplib::Server& s);

 private:
  struct Lease {
    Console* console;
    std::unique_ptr<CentralStore> store;
    Lease(Console* c, std::unique_ptr<CentralStore> s) : console(c), store(std::move(s)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (store) {
        std::lock_guard lock(console->poolMutex_);
        console->pool_.push_back(std::move(store));
      }
    }
  };
  Result<Lease> acquire() {
    {
      std::lock_guard lock(poolMutex_);
      if (!pool_.empty()) {
        auto s = std::move(pool_.back());
        pool_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    cache::OpenOptions o;
    o.checkIntegrity = false;  // central checked it at start
    o.busyTimeout = std::chrono::seconds(30);
    auto store = CentralStore::open(databasePath_, o);
    if (!store) {
      return store.error();
    }
    return Lease(this, std::move(*store));
  }

  void signedIn(const Request& req, Response& res, Kind kind, const Handler& handler);
  void route(httplib::Server& server, const std::string& path, Kind kind,
             Handler handler) override {
    auto call = [self = shared_from_this(), kind, handler = std::move(handler)](
                    const Request& req, Response& res) { self->signedIn(req, res, kind, handler); };
    if (kind == Kind::kPost) {
      server.Post(path, std::move(call));
    } else {
      server.Get(path, std::move(call));
    }
  }
  void sendPage(Response& res, int status, Lang lang, std::string_view titleKey,
                const std::string& header, const std::string& main) const {
    res.status = status;
    res.set_content(renderLayout(layout_, lang, text(lang, titleKey), header, main),
                    "text/html; charset=utf-8");
  }
  void sendPage(Page& p, int status, std::string_view titleKey,
                const std::string& main) const override {
    sendPage(p.res, status, p.frame.lang, titleKey, frameHeader(p.frame), main);
  }
  void sendMessage(Page& p, int status, std::string_view key) const override {
    sendPage(p.res, status, p.frame.lang, "error.title", frameHeader(p.frame),
             messageMain(p.frame.lang, key));
  }
  void audit(Page& p, std::string action, std::string target,
             std::string detail = {}) const override {
    auto st = p.console.audit(AuditRow{p.now, p.frame.account.name, p.frame.event.id,
                                       std::move(action), std::move(target), std::move(detail)});
    if (!st) {
      centralLog().error("console: {}", st.error().message);
    }
  }

  void loginPage(const Request& req, Response& res);
  void login(const Request& req, Response& res);
  void arrivals(Page& p);
  void arrivalsJsonRoute(Page& p);
  void terminals(Page& p, std::string_view noticeKey = {});
  void revoke(Page& p);
  void enroll(Page& p);
  std::vector<std::string> assignees(Page& p);
  bool feedbackAllowed(Page& p, std::string_view what);
  void feedbackPage(Page& p, std::string_view noticeKey = {}, bool isError = false);
  void feedbackJsonRoute(Page& p);
  std::optional<FeedbackItem> postedRequest(Page& p, std::string_view action);
  void saveRequest(Page& p, const FeedbackItem& item, std::string action, std::string detail,
                   std::string_view done);
  void assignRequest(Page& p);
  void answerRequest(Page& p);
  void closeRequest(Page& p);
  void summary(Page& p);

  std::string databasePath_;
  ConsoleOptions options_;
  const Clock& clock_;
  MemoryRateLimiter accountAttempts_;
  MemoryRateLimiter addressAttempts_;
  std::string layout_;
  std::string script_;
  std::string style_;
  std::mutex poolMutex_;
  std::vector<std::unique_ptr<CentralStore>> pool_;
  std::once_flag dummyOnce_;
  std::string dummyHash_;
};

void Console::signedIn(const Request& req, Response& res, Kind kind, const Handler& handler) {
  secureHeaders(res);
  const auto now = clock_.now();
  auto lease = acquire();
  if (!lease) {
    centralLog().error("console: {}", lease.error().message);
    res.status = 503;
    res.set_content("Central is busy", "text/plain; charset=utf-8");
    return;
  }
  ConsoleStore console(lease->store->database());
  auto toLogin = [&](bool expired) {
    if (kind == Kind::kJson) {
      res.status = 401;
      res.set_content(R"({"error":"signed out"})", "application/json");
    } else {
      redirect(res, expired ? "/console/login?expired=1" : "/console/login");
    }
  };
  const auto sessionId = cookieValue(req, kCookie);
  if (sessionId.empty()) {
    toLogin(false);
    return;
  }
  const auto idHash = sha256Hex(sessionId);
  auto session = console.findSession(idHash);
  if (!session) {
    centralLog().error("console: {}", session.error().message);
    res.status = 503;
    return;
  }
  if (!*session) {
    toLogin(false);
    return;
  }
  auto& s = **session;
  if (now - s.lastSeenAt > options_.idleTimeout || now - s.createdAt > options_.absoluteTimeout) {
    (void)console.deleteSession(idHash);
    res.set_header("Set-Cookie", std::string(kCookie) +
                                     "=; Path=/console; Max-Age=0; Secure; HttpOnly; "
                                     "SameSite=Strict");
    toLogin(true);
    return;
  }
  Page page{req, res, *lease->store, console, Frame{}, idHash, now};
  page.frame.lang = chooseLang(s.account.language, req.get_header_value("Accept-Language"));
  page.frame.csrf = s.csrf;
  page.frame.account = s.account;
  page.frame.back = req.path;

  // The event: the account's own, or for an account of every event the one asked for.
  auto events = console.events();
  if (!events) {
    res.status = 503;
    return;
  }
  const auto asked = parseEventId(req.get_param_value("event"));
  std::optional<Event> chosen;
  for (const auto& e : *events) {
    const bool allowed = s.account.eventId == 0 || e.id == s.account.eventId;
    if (allowed) {
      page.frame.events.push_back(e);
      if (asked ? e.id == *asked : !chosen) {
        chosen = e;
      }
    }
  }
  if (asked && (!chosen || chosen->id != *asked)) {
    chosen.reset();
  }
  if (kind == Kind::kPost) {
    if (!fromThisSite(req) || !sameSecret(req.get_param_value("csrf"), s.csrf)) {
      if (chosen) {
        page.frame.event = *chosen;
      }
      audit(page, "csrf_refused", std::string(req.path));
      sendMessage(page, 403, "error.csrf");
      return;
    }
  }
  if (kind != Kind::kJson) {
    // Polls of the live board are not the user's activity: a board left alone times out.
    (void)console.touchSession(idHash, now);
  }
  if (!chosen) {
    if (kind == Kind::kJson) {
      res.status = 404;
      res.set_content(R"({"error":"not found"})", "application/json");
      return;
    }
    if (!asked && page.frame.events.empty()) {
      page.frame.event.name = "-";
    }
    sendMessage(page, 404, "error.not_found");
    return;
  }
  page.frame.event = *chosen;
  if (kind == Kind::kHtml && mayResolveFlags(page.frame.account.role)) {
    // The nav's count of open flags, on every page a supervisor opens.
    if (auto open = FlagStore(lease->store->database()).openCount(chosen->id)) {
      page.frame.openFlags = *open;
    }
  }
  handler(page);
}

void Console::loginPage(const Request& req, Response& res) {
  secureHeaders(res);
  const auto lang =
      chooseLang(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
  sendPage(res, 200, lang, "login.title", loginHeader(lang),
           loginMain(lang, req.has_param("expired") ? "login.expired" : "", ""));
}

void Console::login(const Request& req, Response& res) {
  secureHeaders(res);
  const auto now = clock_.now();
  const auto lang =
      chooseLang(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
  const auto name = req.get_param_value("name");
  const auto password = req.get_param_value("password");
  auto fail = [&](int status, std::string_view key) {
    sendPage(res, status, lang, "login.title", loginHeader(lang), loginMain(lang, key, name));
  };
  if (!fromThisSite(req)) {
    fail(403, "error.csrf");
    return;
  }
  const auto started = SteadyClock::now();
  if (addressAttempts_.take(req.remote_addr, started) ||
      accountAttempts_.take(isValidAccountName(name) ? name : std::string("-"), started)) {
    res.set_header("Retry-After", "60");
    fail(429, "login.limited");
    return;
  }
  auto lease = acquire();
  if (!lease) {
    res.status = 503;
    return;
  }
  ConsoleStore console(lease->store->database());
  std::optional<Account> account;
  if (isValidAccountName(name)) {
    auto found = console.findAccount(name);
    if (!found) {
      res.status = 503;
      return;
    }
    account = *found;
  }
  bool ok = false;
  if (account && !account->disabledAt) {
    ok = verifySecret(password, account->passwordHash);
  } else {
    // As slow as a real check: the answer's time does not tell which names exist.
    std::call_once(dummyOnce_, [&] {
      auto hash = hashSecret("not a password");
      dummyHash_ = hash ? *hash : std::string();
    });
    (void)verifySecret(password, dummyHash_);
  }
  const EventId eventId = account ? account->eventId : 0;
  if (!ok) {
    (void)console.audit(AuditRow{
        now, isValidAccountName(name) ? name : "-", eventId, "login_failed", req.remote_addr, {}});
    fail(401, "login.failed");
    return;
  }
  const auto sessionId = randomHex(32);  // 256 bits
  if (auto st = console.createSession(sha256Hex(sessionId), account->name, randomHex(32),
                                      req.remote_addr, now);
      !st) {
    centralLog().error("console: {}", st.error().message);
    res.status = 503;
    return;
  }
  (void)console.audit(AuditRow{now, account->name, eventId, "login", req.remote_addr, {}});
  res.set_header("Set-Cookie", std::string(kCookie) + "=" + sessionId +
                                   "; Path=/console; Secure; HttpOnly; SameSite=Strict");
  redirect(res, "/console/arrivals");
}

void Console::arrivals(Page& p) {
  // The day's board: today (in the event's zone) unless another day is asked for.
  const auto& zone = p.frame.event.timezone;
  BoardDay day{p.req.get_param_value("day"), true, p.now};
  const auto today = dayOf(p.now, zone);
  if (day.day.empty()) {
    day.day = today;
  }
  day.today = day.day == today;
  const auto bounds = dayBounds(day.day, zone);
  if (!bounds) {
    sendMessage(p, 400, "summary.bad_day");
    return;
  }
  auto rows = p.console.arrivals(p.frame.event.id);
  if (!rows) {
    sendMessage(p, 503, "error.internal");
    return;
  }
  std::erase_if(*rows, [&](const ArrivalRow& r) { return !onDay(r, *bounds, day.day, zone); });
  TimePoint since{};
  for (const auto& r : *rows) {
    if (r.arrivedAt) {
      since = std::max(since, r.changedAt);
    }
  }
  p.frame.current = "arrivals";
  p.frame.back = "/console/arrivals?event=" + std::to_string(p.frame.event.id) + "&day=" + day.day;
  sendPage(p.res, 200, p.frame.lang, "arrivals.title", frameHeader(p.frame),
           arrivalsMain(p.frame, *rows, since, day));
}

void Console::arrivalsJsonRoute(Page& p) {
  std::int64_t sinceMs = 0;
  const auto text = p.req.get_param_value("since");
  std::from_chars(text.data(), text.data() + text.size(), sinceMs);
  const auto since = fromUnixMillis(sinceMs);
  // ">=": an admission received in the same millisecond as the last one shown but
  // committed after the last poll is not lost; the page ignores guests it already shows.
  auto rows = p.console.arrivalsSince(p.frame.event.id, since - Millis(1));
  if (!rows) {
    p.res.status = 503;
    return;
  }
  // Now and then the page asks for the late guests again (late=1): that reads the whole
  // roster, so not at every poll.
  std::optional<std::vector<ArrivalRow>> today;
  if (p.req.get_param_value("late") == "1") {
    const auto& zone = p.frame.event.timezone;
    const auto day = dayOf(p.now, zone);
    auto all = p.console.arrivals(p.frame.event.id);
    const auto bounds = dayBounds(day, zone);
    if (!all || !bounds) {
      p.res.status = 503;
      return;
    }
    std::erase_if(*all, [&](const ArrivalRow& r) { return !onDay(r, *bounds, day, zone); });
    today = std::move(*all);
  }
  p.res.set_header("Connection", "close");  // see the header: frees the pool thread
  p.res.set_content(arrivalsJson(p.frame, *rows, since, p.now, today ? &*today : nullptr),
                    "application/json");
}

void Console::terminals(Page& p, std::string_view noticeKey) {
  auto devices = p.console.devices(p.frame.event.id);
  if (!devices) {
    sendMessage(p, 503, "error.internal");
    return;
  }
  p.frame.current = "terminals";
  p.frame.back = "/console/terminals?event=" + std::to_string(p.frame.event.id);
  sendPage(p.res, 200, p.frame.lang, "terminals.title", frameHeader(p.frame),
           terminalsMain(p.frame, *devices, p.now, noticeKey));
}

void Console::revoke(Page& p) {
  if (!mayManageTerminals(p.frame.account.role)) {
    audit(p, "forbidden", "revoke_terminal");
    sendMessage(p, 403, "error.forbidden");
    return;
  }
  const auto device = p.req.get_param_value("device");
  auto revoked = p.console.revokeDevice(p.frame.event.id, device,
                                        "revoked in the console by " + p.frame.account.name, p.now);
  if (!revoked) {
    sendMessage(p, 503, "error.internal");
    return;
  }
  if (!*revoked) {
    sendMessage(p, 404, "error.not_found");
    return;
  }
  audit(p, "revoke_terminal", device);
  terminals(p, "terminals.revoked_done");
}

void Console::enroll(Page& p) {
  if (!mayManageTerminals(p.frame.account.role)) {
    audit(p, "forbidden", "enroll_terminal");
    sendMessage(p, 403, "error.forbidden");
    return;
  }
  const auto terminal = p.req.get_param_value("terminal");
  if (!validTerminalName(terminal)) {
    terminals(p, "enroll.bad_name");
    p.res.status = 400;
    return;
  }
  auto code = p.store.devices().createEnrollmentCode(terminal, p.frame.event.id,
                                                     kEnrollmentValidity, p.now);
  if (!code) {
    centralLog().error("console: {}", code.error().message);
    sendMessage(p, 503, "error.internal");
    return;
  }
  audit(p, "enrollment_code", terminal);
  p.frame.current = "terminals";
  p.frame.back = "/console/terminals?event=" + std::to_string(p.frame.event.id);
  sendPage(p.res, 200, p.frame.lang, "enroll.title", frameHeader(p.frame),
           enrollMain(p.frame, *code));
}

// --- Feedback and service requests ---

// Accounts that may take one of the event's requests: reception and supervisors of the
// event (or of every event), not disabled.
std::vector<std::string> Console::assignees(Page& p) {
  std::vector<std::string> out;
  auto accounts = p.console.listAccounts();
  if (!accounts) {
    return out;
  }
  for (const auto& a : *accounts) {
    if (!a.disabledAt && mayHandleFeedback(a.role) &&
        (a.eventId == 0 || a.eventId == p.frame.event.id)) {
      out.push_back(a.name);
    }
  }
  return out;
}

bool Console::feedbackAllowed(Page& p, std::string_view what) {
  if (mayHandleFeedback(p.frame.account.role)) {
    return true;
  }
  audit(p, "forbidden", std::string(what));
  sendMessage(p, 403, "error.forbidden");
  return false;
}

void Console::feedbackPage(Page& p, std::string_view noticeKey, bool isError) {
  if (!feedbackAllowed(p, "feedback")) {
    return;
  }
  auto items = p.console.feedback(p.frame.event.id);
  if (!items) {
    sendMessage(p, 503, "error.internal");
    return;
  }
  FeedbackView v;
  v.items = std::move(*items);
  v.assignees = assignees(p);
  v.filter = parseFeedbackFilter(p.req.get_param_value("filter")).value_or(FeedbackFilter::kOpen);
  v.now = p.now;
  const auto done = p.req.get_param_value("done");
  if (!noticeKey.empty()) {
    v.noticeKey = noticeKey;
    v.noticeIsError = isError;
  } else if (done == "assigned" || done == "answered" || done == "closed") {
    v.noticeKey = "feedback.done." + done;
  }
  p.frame.current = "feedback";
  p.frame.back = "/console/feedback?event=" + std::to_string(p.frame.event.id) +
                 "&filter=" + toString(v.filter);
  sendPage(p.res, 200, p.frame.lang, "feedback.title", frameHeader(p.frame),
           feedbackMain(p.frame, v));
}

void Console::feedbackJsonRoute(Page& p) {
  if (!mayHandleFeedback(p.frame.account.role)) {
    p.res.status = 403;
    p.res.set_content(R"({"error":"forbidden"})", "application/json");
    return;
  }
  std::int64_t sinceMs = 0;
  const auto text = p.req.get_param_value("since");
  std::from_chars(text.data(), text.data() + text.size(), sinceMs);
  const auto since = fromUnixMillis(sinceMs);
  // ">=" as on the arrivals board: the page skips requests it already shows.
  auto fresh = p.console.feedback(p.frame.event.id, since - Millis(1));
  if (!fresh) {
    p.res.status = 503;
    return;
  }
  p.res.set_header("Connection", "close");  // see the header: frees the pool thread
  p.res.set_content(feedbackJson(p.frame, *fresh, assignees(p), since, p.now), "application/json");
}

// The request a POST names, of this event only (another event's id is not found).
std::optional<FeedbackItem> Console::postedRequest(Page& p, std::string_view action) {
  if (!feedbackAllowed(p, action)) {
    return std::nullopt;
  }
  auto item = p.console.feedbackItem(p.frame.event.id, p.req.get_param_value("id"));
  if (!item) {
    sendMessage(p, 503, "error.internal");
    return std::nullopt;
  }
  if (!*item || !isRequest(**item)) {
    sendMessage(p, 404, "error.not_found");
    return std::nullopt;
  }
  if ((*item)->state == Handling::kClosed) {
    p.res.status = 409;
    feedbackPage(p, "feedback.already_closed", true);
    p.res.status = 409;
    return std::nullopt;
  }
  return std::move(**item);
}

void Console::saveRequest(Page& p, const FeedbackItem& item, std::string action, std::string detail,
                          std::string_view done) {
  if (auto st = p.console.saveHandling(p.frame.event.id, item, p.now); !st) {
    centralLog().error("console: {}", st.error().message);
    sendMessage(p, 503, "error.internal");
    return;
  }
  audit(p, std::move(action), item.feedback.id, std::move(detail));
  const auto filter =
      parseFeedbackFilter(p.req.get_param_value("filter")).value_or(FeedbackFilter::kOpen);
  redirect(p.res, "/console/feedback?event=" + std::to_string(p.frame.event.id) +
                      "&filter=" + toString(filter) + "&done=" + std::string(done));
}

void Console::assignRequest(Page& p) {
  auto item = postedRequest(p, "feedback_assign");
  if (!item) {
    return;
  }
  const auto to = p.req.get_param_value("to");
  const auto allowed = assignees(p);
  if (std::find(allowed.begin(), allowed.end(), to) == allowed.end()) {
    feedbackPage(p, "feedback.bad_assignee", true);
    p.res.status = 400;
    return;
  }
  const auto from = item->assignedTo;
  item->assignedTo = to;
  saveRequest(p, *item, "feedback_assign", (from.empty() ? "-" : from) + " -> " + to, "assigned");
}

void Console::answerRequest(Page& p) {
  auto item = postedRequest(p, "feedback_answer");
  if (!item) {
    return;
  }
  if (!item->answeredAt) {
    item->answeredAt = p.now;
    item->answeredBy = p.frame.account.name;
  }
  item->state = Handling::kAnswered;
  if (item->assignedTo.empty()) {
    item->assignedTo = p.frame.account.name;
  }
  const bool late = *item->answeredAt > item->receivedAt + kAnswerWithin;
  saveRequest(p, *item, "feedback_answer", late ? "late" : "in time", "answered");
}

void Console::closeRequest(Page& p) {
  auto item = postedRequest(p, "feedback_close");
  if (!item) {
    return;
  }
  auto note = p.req.get_param_value("note");
  const auto first = note.find_first_not_of(" \t\r\n");
  note = first == std::string::npos ? std::string() : note.substr(first);
  note.erase(note.find_last_not_of(" \t\r\n") + 1);
  if (note.empty() || note.size() > 1000) {
    feedbackPage(p, "feedback.note_required", true);
    p.res.status = 400;
    return;
  }
  // Closing with a note answers the guest too, if nobody marked it answered before.
  if (!item->answeredAt) {
    item->answeredAt = p.now;
    item->answeredBy = p.frame.account.name;
  }
  if (item->assignedTo.empty()) {
    item->assignedTo = p.frame.account.name;
  }
  item->state = Handling::kClosed;
  item->closedAt = p.now;
  item->closedBy = p.frame.account.name;
  item->note = note;
  saveRequest(p, *item, "feedback_close", note, "closed");
}

void Console::summary(Page& p) {
  if (!feedbackAllowed(p, "feedback_summary")) {
    return;
  }
  SummaryView v;
  v.now = p.now;
  v.day = p.req.get_param_value("day");
  const auto& zone = p.frame.event.timezone;
  v.eventZone = !zone.empty() && isKnownTimeZone(zone);
  if (v.day.empty()) {
    v.day = formatLocal(p.now, v.eventZone ? zone : std::string(), "yyyy-MM-dd");
  }
  p.frame.current = "feedback";
  p.frame.back = "/console/feedback/summary?event=" + std::to_string(p.frame.event.id);
  const auto bounds = dayBounds(v.day, zone);
  if (!bounds) {
    v.errorKey = "summary.bad_day";
    v.day.clear();
    sendPage(p.res, 400, p.frame.lang, "summary.title", frameHeader(p.frame),
             summaryMain(p.frame, v));
    return;
  }
  auto items = p.console.feedback(p.frame.event.id);
  if (!items) {
    sendMessage(p, 503, "error.internal");
    return;
  }
  for (auto& i : *items) {
    if (i.receivedAt >= bounds->start && i.receivedAt < bounds->end) {
      v.items.push_back(std::move(i));
    }
  }
  v.eventZone = bounds->eventZone;
  sendPage(p.res, 200, p.frame.lang, "summary.title", frameHeader(p.frame),
           summaryMain(p.frame, v));
}

void Console::add(httplib::Server& s) {
  // Every handler holds the console: it lives as long as the server's handlers.
  auto self = shared_from_this();
  auto member = [this](void (Console::*handler)(Page&)) {
    return [this, handler](Page& p) { (this->*handler)(p); };
  };
  s.Get("/console", [](const Request&, Response& res) { redirect(res, "/console/arrivals"); });
  s.Get("/console/", [](const Request&, Response& res) { redirect(res, "/console/arrivals"); });
  s.Get("/console/login", [self, this](const Request& req, Response& res) { loginPage(req, res); });
  s.Post("/console/login", [self, this](const Request& req, Response& res) { login(req, res); });
  route(s, "/console/logout", Kind::kPost, [this](Page& p) {
    audit(p, "logout", {});
    (void)p.console.deleteSession(p.idHash);
    p.res.set_header("Set-Cookie", std::string(kCookie) +
                                       "=; Path=/console; Max-Age=0; Secure; HttpOnly; "
                                       "SameSite=Strict");
    redirect(p.res, "/console/login");
  });
  route(s, "/console/language", Kind::kPost, [this](Page& p) {
    const auto lang = p.req.get_param_value("lang");
    if (lang != "zh-CN" && lang != "en") {
      sendMessage(p, 400, "error.not_found");
      return;
    }
    (void)p.console.setLanguage(p.frame.account.name, lang);
    audit(p, "language", lang);
    redirect(p.res, safeBack(p.req.get_param_value("back")));
  });
  route(s, "/console/arrivals", Kind::kHtml, member(&Console::arrivals));
  route(s, "/console/arrivals.json", Kind::kJson, member(&Console::arrivalsJsonRoute));
  route(s, "/console/terminals", Kind::kHtml, [this](Page& p) { terminals(p); });
  route(s, "/console/terminals/revoke", Kind::kPost, member(&Console::revoke));
  route(s, "/console/terminals/enroll", Kind::kPost, member(&Console::enroll));
  route(s, "/console/feedback", Kind::kHtml, [this](Page& p) { feedbackPage(p); });
  route(s, "/console/feedback.json", Kind::kJson, member(&Console::feedbackJsonRoute));
  route(s, "/console/feedback/summary", Kind::kHtml, member(&Console::summary));
  route(s, "/console/feedback/assign", Kind::kPost, member(&Console::assignRequest));
  route(s, "/console/feedback/answer", Kind::kPost, member(&Console::answerRequest));
  route(s, "/console/feedback/close", Kind::kPost, member(&Console::closeRequest));
  // The page groups in their own files.
  addFlagsRoutes(s, *this);
  addGuestsRoutes(s, *this, options_.mail);
  addRecordsRoutes(s, *this);
  s.Get("/console/assets/console.js", [self, this](const Request&, Response& res) {
    secureHeaders(res);
    res.set_header("Cache-Control", "no-cache");
    res.set_content(script_, "text/javascript; charset=utf-8");
  });
  s.Get("/console/assets/console.css", [self, this](const Request&, Response& res) {
    secureHeaders(res);
    res.set_header("Cache-Control", "no-cache");
    res.set_content(style_, "text/css; charset=utf-8");
  });
}

}  // namespace

void redirect(Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
  res.set_content("", "text/plain");
}

void addConsoleRoutes(httplib::Server& server, const std::string& databasePath, const Clock& clock,
                      ConsoleOptions options) {
  // The handlers hold the console; it ends with the last of them (with the server).
  std::make_shared<Console>(databasePath, std::move(options), clock)->add(server);
}

}  // namespace kiosk::central::console
