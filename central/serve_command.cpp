// kiosk-central serve: the HTTPS server in the foreground until SIGTERM or SIGINT.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "central/admin_commands.h"
#include "central/central_log.h"
#include "central/central_server.h"
#include "central/offset_clock.h"

namespace kiosk::central {

namespace {

struct ServeOptions {
  std::string db;
  std::string listen = "127.0.0.1:8443";
  std::string cert;
  std::string key;
  std::size_t threads = 64;
  std::size_t maxConnectionsPerAddress = 16;
  std::vector<std::string> trustedProxies;
  double deviceRate = 50;
  double deviceBurst = 200;
  int tokenDays = 400;
  std::string webhookCa;
  std::int64_t clockOffsetS = 0;
  std::string logLevel = "info";
  std::string config;
};

void serve(const ServeOptions& o) {
  ServerOptions options;
  const auto colon = o.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(o.listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (colon == std::string::npos || port < 0 || port > 65535) {
    std::cerr << "kiosk-central serve: --listen must be HOST:PORT (PORT 0 picks a free one)\n";
    throw CentralExit{2};
  }
  options.host = o.listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[' && options.host.back() == ']') {
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  options.port = port;
  options.databasePath = o.db;
  options.certFile = o.cert;
  options.keyFile = o.key;
  options.threads = o.threads;
  options.maxConnectionsPerAddress = o.maxConnectionsPerAddress;
  options.trustedProxies = o.trustedProxies;
  options.deviceRatePerSecond = o.deviceRate;
  options.deviceBurst = o.deviceBurst;
  options.tokenLifetime = std::chrono::days(o.tokenDays);
  options.webhookCaFile = o.webhookCa;
  if (!o.config.empty()) {
    auto mail = loadMailSettings(o.config);
    if (!mail) {
      std::cerr << "kiosk-central serve: " << mail.error().message << "\n";
      throw CentralExit{2};
    }
    options.mail = std::move(*mail);
  }
  spdlog::set_level(spdlog::level::from_str(o.logLevel));

  // Signals are taken by sigwait on this thread only: every thread the server starts
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock system;
  OffsetClock clock(system, std::chrono::seconds(o.clockOffsetS));
  CentralServer server(options, clock);
  if (auto started = server.start(); !started) {
    std::cerr << "kiosk-central serve: " << started.error().message << "\n";
    throw CentralExit{2};
  }
  std::cout << nlohmann::json{{"listening", options.host + ":" + std::to_string(server.port())},
                              {"port", server.port()}}
                   .dump()
            << std::endl;
  // If the listener ends by itself, end the wait below as a signal would.
  std::jthread watcher([&server] {
    server.wait();
    ::kill(::getpid(), SIGTERM);
  });
  int signal = 0;
  sigwait(&signals, &signal);
  centralLog().info("central: stopping ({})", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  watcher.join();
}

}  // namespace

void addServeCommand(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd =
      app.add_subcommand("serve", "Serve the sync API over HTTPS (foreground; logs to stderr)");
  cmd->add_option(
         "--db", o->db,
         "Central database: a file (created when absent), or postgresql://... for PostgreSQL")
      ->required();
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8443)");
  cmd->add_option("--cert", o->cert, "TLS certificate chain (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--key", o->key, "TLS private key (PEM)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--threads", o->threads, "Request threads (default 64)")
      ->check(CLI::Range(2, 1024));
  cmd->add_option("--max-connections-per-address", o->maxConnectionsPerAddress,
                  "Connections one client address may hold at once (default 16; 0 = no cap, "
                  "for a load balancer in front, which must then cap them itself)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--trusted-proxy", o->trustedProxies,
                  "Numeric address of a load balancer in front (repeatable): for its requests "
                  "the client address is the last X-Forwarded-For entry (rate limits per "
                  "address, heartbeat address); every other peer is taken at its own address")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--device-rate", o->deviceRate,
                  "Requests per second per terminal (default 50; 0 = unlimited)");
  cmd->add_option("--device-burst", o->deviceBurst, "Burst per terminal (default 200)");
  cmd->add_option("--token-days", o->tokenDays, "Device token lifetime in days (default 400)")
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--webhook-ca", o->webhookCa, "CA bundle for https webhooks (default: system)");
  cmd->add_option("--clock-offset-s", o->clockOffsetS,
                  "Run the server's clock this many seconds ahead (negative: behind); for "
                  "clock-skew tests");
  cmd->add_option("--config", o->config,
                  "Settings file (TOML); its [mail] table lets the console send invitations by "
                  "e-mail (docs/deploy.md)");
  cmd->add_option("--log-level", o->logLevel, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  cmd->callback([o] { serve(*o); });
}

}  // namespace kiosk::central
