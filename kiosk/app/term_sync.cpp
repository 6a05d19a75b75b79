// kiosk sync --once: one sync round with central on the terminal database (push the
// outbox, pull every page of changes, heartbeat), printing one JSON summary line either
// way. Exit status: 0 done, 2 configuration or database problem, 3 damaged database,
// 4 central unreachable or failing (everything stays queued), 5 not enrolled, token
// refused, or the terminal was revoked (its guest data is then wiped).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "kiosk/app/sync_wiring.h"
#include "kiosk/app/term_commands.h"
#include "kiosk/config/config.h"

namespace kiosk::app {

namespace {

struct Options {
  std::string config = "/etc/kiosk/kiosk.toml";
  bool once = false;
};

[[noreturn]] void fail(const std::string& context, const Error& error, int status) {
  std::cerr << "kiosk sync: " << context << ": " << error.message << "\n";
  throw TermExit{status};
}

void syncOnce(const Options& o) {
  if (!o.once) {
    fail("arguments",
         makeError(ErrorKind::kInvalidInput,
                   "only --once is supported here; the running terminal syncs by itself"),
         2);
  }
  auto config = loadConfig(o.config);
  if (!config) {
    fail("configuration", config.error(), 2);
  }
  SystemClock clock;
  auto engine = makeSyncEngine(*config, clock, nullptr);
  if (!engine) {
    fail("configuration",
         makeError(ErrorKind::kInvalidInput,
                   o.config + " has no [server] table; a standalone terminal does not sync"),
         2);
  }
  auto report = engine->runOnce();
  if (!report) {
    fail("database", report.error(), report.error().kind == ErrorKind::kCorrupt ? 3 : 2);
  }
  const auto status = engine->status();
  const auto& r = *report;
  nlohmann::json summary{{"ok", !r.error.has_value()},
                         {"state", cache::toString(status.state)},
                         {"reached_server", r.reachedServer},
                         {"pushed", r.pushed},
                         {"refused", r.refused},
                         {"flagged", r.flagged},
                         {"pulled",
                          {{"events", r.pulled.events},
                           {"signing_keys", r.pulled.signingKeys},
                           {"guests", r.pulled.guests},
                           {"revocations", r.pulled.revocations},
                           {"staff", r.pulled.staff},
                           {"badge_templates", r.pulled.badgeTemplates},
                           {"checkins", r.pulled.checkins}}},
                         {"pages", r.pages},
                         {"photos_uploaded", r.photosUploaded},
                         {"heartbeat", r.heartbeatSent},
                         {"outbox_left", r.outboxLeft},
                         {"elapsed_ms", r.elapsed.count()}};
  if (status.serverClockOffset) {
    summary["server_clock_offset_ms"] = status.serverClockOffset->count();
  }
  if (r.error) {
    summary["error"] = r.error->message;
  }
  std::cout << summary.dump() << "\n";
  if (status.state == cache::SyncState::kNotEnrolled ||
      status.state == cache::SyncState::kUnauthorized ||
      status.state == cache::SyncState::kDeviceRevoked) {
    throw TermExit{5};
  }
  if (r.error) {
    throw TermExit{4};
  }
}

}  // namespace

void addSyncCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "sync",
      "One sync round with central: push queued records, pull changes, heartbeat; prints a JSON "
      "summary. Exit status: 0 done, 2 configuration/database, 4 central unreachable, 5 not "
      "enrolled or refused");
  cmd->add_option("--config", o->config, "Configuration file (TOML) with a [server] table");
  cmd->add_flag("--once", o->once, "Run one round and exit (required)");
  cmd->callback([o] { syncOnce(*o); });
}

}  // namespace kiosk::app
