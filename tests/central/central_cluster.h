// CentralCluster: several real `kiosk-central serve` processes on one database, behind a
// real HAProxy running the shipped deploy/central/haproxy.cfg, all on loopback with the
// test PKI. The database is whatever `--db` takes (a SQLite file today; the tests pass it
// in, so the same tests run on another engine by changing that value).
//
// Every child is killed (SIGKILL) and reaped by the destructor, also when a test fails
// half-way. Not thread-safe: one test thread drives it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_port.h"
#include "sync/sync_test_support.h"

namespace kiosk::testing {

// One HTTPS exchange through libcurl from a chosen local address (the test's second
// "client" is 127.0.0.2), with extra request headers.
struct Exchange {
  long status = 0;  // 0: no answer
  std::string body;
  std::string error;
};
Exchange httpsRequest(const std::string& method, const std::string& url, const std::string& caFile,
                      const std::string& body = {}, const std::vector<std::string>& headers = {},
                      const std::string& sourceAddress = {});

class CentralCluster {
 public:
  // `serveArgs` are added to every instance's `kiosk-central serve` command line.
  CentralCluster(std::filesystem::path dir, const Pki& pki, std::string db, int instances,
                 std::vector<std::string> serveArgs = {});
  ~CentralCluster();
  CentralCluster(const CentralCluster&) = delete;
  CentralCluster& operator=(const CentralCluster&) = delete;

  // Starts the instances and the balancer and waits until the balancer sees every
  // instance up. On failure: false, and error() says why.
  bool start();
  const std::string& error() const { return error_; }

  std::string url() const;  // the balancer, as terminals see it
  std::string instanceUrl(int i) const;
  int instances() const { return static_cast<int>(instances_.size()); }

  void kill(int i);     // SIGKILL, reaped
  bool restart(int i);  // on its old port; waits until the balancer sees it up
  // "UP", "DOWN", ... as HAProxy's stats say for instance i; empty when unknown.
  std::string balancerStatus(int i);
  bool waitStatus(int i, const std::string& status);
  // Answers of instance i so far (its log lines "<METHOD> <path> <status> ...") that start
  // with `prefix`, over all its runs.
  int served(int i, const std::string& prefix) const;
  // A command on HAProxy's admin socket; its answer.
  std::string admin(const std::string& command);

 private:
  struct Instance {
    int port = 0;
    pid_t pid = -1;
    int runs = 0;
  };
  bool startInstance(int i);
  std::filesystem::path logOf(int i, int run) const;
  void reap(pid_t& pid);

  std::filesystem::path dir_;
  Pki pki_;
  std::string db_;
  std::vector<std::string> serveArgs_;
  std::vector<Instance> instances_;
  int balancerPort_ = 0;
  pid_t balancer_ = -1;
  std::string error_;
};

}  // namespace kiosk::testing
