// A private PostgreSQL server for tests and benchmarks: the real server binaries
// (`pg_config --bindir`, else Debian's /usr/lib/postgresql/15/bin), a cluster made by
// initdb in a temporary directory, listening on a unix socket in that directory and on
// 127.0.0.1 at a free port, with fsync off and small buffers (a test database is cheap
// and disposable). Stopped (fast shutdown) and removed by the destructor; killed by the
// kernel if the test process dies (PR_SET_PDEATHSIG).
//
// PostgreSQL refuses to run as root: when the tests run as root, initdb and postgres run
// as the `postgres` system user (the server package creates it), which owns the directory.
//
//   std::string why;
//   auto pg = kiosk::testing::PrivatePostgres::start(why);
//   if (!pg) GTEST_SKIP() << why;
//   auto url = pg->createDatabase();  // a fresh, empty database: postgresql:///db_1?host=...
//   auto db = kiosk::cache::openPostgres(url);
//
// Not thread-safe: one thread drives the server (databases are used from any thread).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::testing {

class PrivatePostgres {
 public:
  // Why a private server cannot run here (binaries or the postgres user missing), or nullopt.
  static std::optional<std::string> unavailableReason();
  // initdb + start; on failure returns nullptr and fills `error` (with the server's log).
  // `clusterCache`, when given, keeps a fresh cluster for the next start to copy: initdb
  // takes seconds, a copy milliseconds, and ctest starts one process per test. It is
  // made once per machine account and server build (tests use a folder of the build tree).
  // `settings` ("name=value") are given to the server after the test defaults and win over
  // them (a benchmark wants fsync on and the connections a production server has).
  static std::unique_ptr<PrivatePostgres> start(std::string& error,
                                                const std::filesystem::path& clusterCache = {},
                                                std::vector<std::string> settings = {});
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // A new empty database; `name` defaults to db_1, db_2, ... Returns its URL (unix
  // socket), or an empty string when creation failed (then see log()).
  std::string createDatabase(const std::string& name = {});
  // URLs of a database: over the unix socket, and over TCP on 127.0.0.1.
  std::string url(const std::string& database) const;
  std::string tcpUrl(const std::string& database) const;
  // Runs SQL as the superuser in `database` (for setup and for faults such as
  // pg_terminate_backend); returns an error text or empty.
  std::string execute(const std::string& database, const std::string& sql);

  // Fast shutdown then start on the same data directory and port (open connections
  // break, as on a server restart). Returns an error text or empty.
  std::string restart();
  // Fast shutdown, and start again later with resume().
  void stop();
  std::string resume();
  // SIGKILL to the server and all its backends (a crash: open connections drop at once,
  // committed work stays); resume() starts it again and it recovers.
  void kill();
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  const std::filesystem::path& root() const { return root_; }
  std::string log() const;

 private:
  PrivatePostgres() = default;
  std::string launch();

  std::filesystem::path root_;
  std::filesystem::path bindir_;
  int port_ = 0;
  pid_t pid_ = -1;
  int databases_ = 0;
  std::vector<std::string> settings_;
};

}  // namespace kiosk::testing
