// The flags pages: supervisors only (reception and IT get 403 and an audit row), one event's
// flags only (another event's flag is not found).
#include "central/console/console_flags.h"

#include <httplib.h>

#include "central/central_log.h"
#include "central/console/console_page.h"

namespace kiosk::central::console {

namespace {

constexpr std::size_t kMaxNote = 1000;

bool allowed(PageHost& host, Page& p, std::string_view what) {
  if (mayResolveFlags(p.frame.account.role)) {
    return true;
  }
  host.audit(p, "forbidden", std::string(what));
  host.sendMessage(p, 403, "error.forbidden");
  return false;
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s.substr(first);
}

void listPage(PageHost& host, Page& p) {
  if (!allowed(host, p, "flags")) {
    return;
  }
  auto items = FlagStore(p.store.database()).flags(p.frame.event.id);
  if (!items) {
    centralLog().error("console: {}", items.error().message);
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  FlagsView v;
  v.items = std::move(*items);
  if (p.req.get_param_value("done") == "resolved") {
    v.noticeKey = "flags.done";
  }
  p.frame.current = "flags";
  p.frame.back = "/console/flags?event=" + std::to_string(p.frame.event.id);
  host.sendPage(p, 200, "flags.title", flagsMain(p.frame, v));
}

// The flag a request names, of this event only; answers 404 (or 503) itself when there is none.
std::optional<FlagItem> namedFlag(PageHost& host, Page& p) {
  const auto kind = parseFlagKind(p.req.get_param_value("kind"));
  const auto id = p.req.get_param_value("id");
  if (!kind || id.empty() || id.size() > 200) {
    host.sendMessage(p, 404, "error.not_found");
    return std::nullopt;
  }
  auto item = FlagStore(p.store.database()).flag(p.frame.event.id, *kind, id);
  if (!item) {
    centralLog().error("console: {}", item.error().message);
    host.sendMessage(p, 503, "error.internal");
    return std::nullopt;
  }
  if (!*item) {
    host.sendMessage(p, 404, "error.not_found");
    return std::nullopt;
  }
  return std::move(**item);
}

void showFlag(PageHost& host, Page& p, const FlagItem& item, int status,
              std::string_view errorKey = {}, std::string_view note = {}) {
  p.frame.current = "flags";
  p.frame.back = "/console/flags/item?event=" + std::to_string(p.frame.event.id) +
                 "&kind=" + toString(item.kind) + "&id=" + item.flagId;
  host.sendPage(p, status, "flags.flag_title", flagMain(p.frame, item, errorKey, note));
}

void flagPage(PageHost& host, Page& p) {
  if (!allowed(host, p, "flag")) {
    return;
  }
  if (auto item = namedFlag(host, p)) {
    showFlag(host, p, *item, 200);
  }
}

void resolve(PageHost& host, Page& p) {
  if (!allowed(host, p, "flag_resolve")) {
    return;
  }
  auto item = namedFlag(host, p);
  if (!item) {
    return;
  }
  const auto note = trimmed(p.req.get_param_value("note"));
  if (item->resolution) {
    showFlag(host, p, *item, 409);
    return;
  }
  const auto decision = p.req.get_param_value("decision");
  const auto decisions = decisionsFor(item->kind);
  if (std::find(decisions.begin(), decisions.end(), decision) == decisions.end()) {
    showFlag(host, p, *item, 400, "flags.decision_required", note);
    return;
  }
  if (note.empty() || note.size() > kMaxNote) {
    showFlag(host, p, *item, 400, "flags.note_required", note);
    return;
  }
  FlagResolution r{decision, note, p.frame.account.name, p.now};
  const AuditRow audit{p.now,
                       p.frame.account.name,
                       p.frame.event.id,
                       "flag_resolve",
                       std::string(toString(item->kind)) + ":" + item->recordId +
                           (item->kind == FlagKind::kConflict ? "#" + item->flagId : std::string()),
                       decision + ": " + note};
  auto written = FlagStore(p.store.database()).resolve(p.frame.event.id, *item, r, audit);
  if (!written) {
    centralLog().error("console: {}", written.error().message);
    host.sendMessage(p, 503, "error.internal");
    return;
  }
  if (!*written) {
    // Another supervisor decided first: theirs stands, and this page shows it.
    if (auto again = FlagStore(p.store.database()).flag(p.frame.event.id, item->kind, item->flagId);
        again && *again) {
      showFlag(host, p, **again, 409);
    } else {
      host.sendMessage(p, 409, "error.not_found");
    }
    return;
  }
  redirect(p.res, "/console/flags?event=" + std::to_string(p.frame.event.id) + "&done=resolved");
}

}  // namespace

void addFlagsRoutes(httplib::Server& server, PageHost& host) {
  // The host outlives the server's handlers (they hold it).
  host.route(server, "/console/flags", Kind::kHtml, [&host](Page& p) { listPage(host, p); });
  host.route(server, "/console/flags/item", Kind::kHtml, [&host](Page& p) { flagPage(host, p); });
  host.route(server, "/console/flags/resolve", Kind::kPost, [&host](Page& p) { resolve(host, p); });
}

}  // namespace kiosk::central::console
