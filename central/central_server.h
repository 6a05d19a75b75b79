// CentralServer: the reference implementation of the sync API (docs/api/openapi.yaml) over
// HTTPS (cpp-httplib with OpenSSL), on a CentralStore database in WAL mode.
//
// Every route but /v1/health and /v1/enroll needs a device token (401 problem+json with
// type unauthorized, token-expired or device-revoked otherwise), checked from the headers
// before any body is read; failed checks are limited per client address. Every route is
// rate limited (per device, or per client address before a device is known: 429 with
// Retry-After). Request bodies need Content-Length (no chunked or compressed bodies) and
// are capped at 16 MiB, batches at 1000 items, photos at 4 MiB. TLS 1.2 offers AEAD
// suites only. Behind a load balancer named in trustedProxies, the client address is the one
// the balancer puts last in X-Forwarded-For. Errors are application/problem+json and never carry
// guest data; log lines (spdlog, stderr) carry the route, status, device id, item counts and
// duration only.
//
// Ownership and threads: owns the HTTPS listener and its thread pool (each request runs
// on a pool thread with a database connection from a small pool, for reading), one writer
// thread that commits the requests' writes in batches (a request is answered after the
// commit that holds its write), and the WebhookNotifier that delivers arrival notices. start()
// returns once the port is bound; stop() may be called from any thread (a signal-handling thread)
// and is idempotent; wait() blocks until the listener has ended. The destructor stops.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "central/fault_injector.h"
#include "central/mail_sender.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::central {

struct ServerOptions {
  std::string databasePath;
  std::string host = "127.0.0.1";
  int port = 8443;  // 0 = any free port (see CentralServer::port())
  std::string certFile;
  std::string keyFile;
  std::size_t threads = 64;  // idle keep-alive connections hold a thread each
  // Connections one client address may hold at once (each holds a thread); more are shut
  // before their TLS handshake. 0 = no cap: behind a load balancer or proxy every client
  // shares its address, so the balancer must enforce such a limit instead.
  std::size_t maxConnectionsPerAddress = 16;
  // Load balancers (numeric addresses) whose X-Forwarded-For central believes: for requests
  // from them, the rate limits per client address and the address kept with a heartbeat use
  // the last X-Forwarded-For entry (see client_address.h). Empty: every peer is the client.
  std::vector<std::string> trustedProxies;
  // How long a connection may take for its TLS handshake and a request's headers (after an
  // answer: plus the 5 s keep-alive wait) before central shuts it: slow clients cannot
  // hold the pool's threads.
  Millis headerTimeout{10000};
  double deviceRatePerSecond = 50;
  double deviceBurst = 200;
  double addressRatePerSecond = 2;  // /v1/enroll and /v1/health, per client address
  double addressBurst = 20;
  Millis tokenLifetime = std::chrono::days(400);
  std::string webhookCaFile;
  Millis webhookPoll{1000};
  Millis webhookRetryBase{5000};    // doubles per failed delivery, up to 10 min
  FaultInjector* faults = nullptr;  // tests only; never set by kiosk-central serve
  // Outgoing mail (the console's invitation by e-mail); none: the console offers no sending.
  std::optional<MailSettings> mail;
};

class CentralServer {
 public:
  // `clock` must outlive the server.
  CentralServer(ServerOptions options, const Clock& clock);
  ~CentralServer();
  CentralServer(const CentralServer&) = delete;
  CentralServer& operator=(const CentralServer&) = delete;

  // Opens (and migrates) the database, loads the certificate, binds and starts serving.
  // kInvalidInput for a bad certificate or key, kPermanent when the port cannot be bound,
  // database errors as they come.
  Status start();
  int port() const;
  void stop();
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::central
