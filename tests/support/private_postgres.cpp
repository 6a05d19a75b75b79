#include "support/private_postgres.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <vector>

#include "support/loopback_port.h"

namespace kiosk::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDebianBindir = "/usr/lib/postgresql/15/bin";
constexpr const char* kSuperuser = "kiosk_test";

bool executable(const fs::path& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// The directory of initdb and postgres: pg_config's answer when the server is there
// (pg_config comes with libpq-dev and answers even without the server), else Debian's.
std::optional<fs::path> findBindir() {
  std::vector<fs::path> candidates;
  if (FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
    std::array<char, 512> line{};
    if (std::fgets(line.data(), static_cast<int>(line.size()), pipe) != nullptr) {
      std::string dir = line.data();
      while (!dir.empty() && (dir.back() == '\n' || dir.back() == ' ')) {
        dir.pop_back();
      }
      candidates.emplace_back(dir);
    }
    ::pclose(pipe);
  }
  candidates.emplace_back(kDebianBindir);
  for (const auto& dir : candidates) {
    if (executable(dir / "initdb") && executable(dir / "postgres")) {
      return dir;
    }
  }
  return std::nullopt;
}

// The account the server runs as when we are root (PostgreSQL refuses root).
const passwd* serverAccount() {
  return ::geteuid() == 0 ? ::getpwnam("postgres") : nullptr;
}

// Starts argv[0] with `log` as its output, as the server account when we are root; the
// child gets SIGQUIT (immediate shutdown) if this process dies.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& log) {
  const passwd* account = serverAccount();
  const uid_t uid = account != nullptr ? account->pw_uid : ::geteuid();
  const gid_t gid = account != nullptr ? account->pw_gid : ::getegid();
  const bool switchUser = account != nullptr;
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) {
    return pid;
  }
  const int out = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (out >= 0) {
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
  }
  if (switchUser && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) {
    ::_exit(126);
  }
  // After setuid: a change of credentials clears the parent-death signal.
  ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  if (::getppid() != parent || ::chdir(dir.c_str()) != 0) {
    ::_exit(126);
  }
  ::execv(args[0], args.data());
  ::_exit(127);
}

int waitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The field after the command (in parentheses, which may hold spaces) of /proc/PID/stat.
std::string statFields(pid_t pid) {
  const std::string stat = readText("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos ? std::string() : stat.substr(close + 2);
}

std::vector<pid_t> childrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = std::stoi(name);
    std::istringstream fields(statFields(pid));
    char state = 0;
    pid_t ppid = 0;
    if (fields >> state >> ppid && ppid == parent) {
      children.push_back(pid);
    }
  }
  return children;
}

bool alive(pid_t pid) {
  const std::string fields = statFields(pid);
  return !fields.empty() && fields[0] != 'Z';
}

// cp -a: as root it keeps the files the postgres user's.
bool copyTree(const fs::path& from, const fs::path& to) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/cp", "cp", "-a", from.c_str(), to.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid > 0 && waitExit(pid) == 0;
}

}  // namespace

std::optional<std::string> PrivatePostgres::unavailableReason() {
  if (!findBindir()) {
    return std::string(
               "the PostgreSQL server is not installed (initdb and postgres not found via "
               "pg_config --bindir nor in ") +
           kDebianBindir + "; Debian package postgresql-15)";
  }
  if (::geteuid() == 0 && serverAccount() == nullptr) {
    return std::string(
        "running as root, and there is no 'postgres' user to run the server as (PostgreSQL "
        "refuses root; the Debian package postgresql-15 creates the user)");
  }
  return std::nullopt;
}

std::unique_ptr<PrivatePostgres> PrivatePostgres::start(std::string& error,
                                                        const fs::path& clusterCache,
                                                        std::vector<std::string> settings) {
  if (auto reason = unavailableReason()) {
    error = *reason;
    return nullptr;
  }
  std::unique_ptr<PrivatePostgres> pg(new PrivatePostgres());
  pg->bindir_ = *findBindir();
  pg->settings_ = std::move(settings);
  std::string pattern = (fs::temp_directory_path() / "kiosk-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "mkdtemp failed";
    return nullptr;
  }
  pg->root_ = pattern;
  const fs::path log = pg->root_ / "server.log";
  std::ofstream(log).flush();
  if (const passwd* account = serverAccount()) {
    if (::chown(pg->root_.c_str(), account->pw_uid, account->pw_gid) != 0 ||
        ::chown(log.c_str(), account->pw_uid, account->pw_gid) != 0) {
      error = "cannot hand " + pg->root_.string() + " to the postgres user";
      return nullptr;
    }
  }
  const fs::path data = pg->root_ / "data";
  const fs::path cached =
      clusterCache.empty()
          ? fs::path()
          : clusterCache / ("cluster-" + std::to_string(std::hash<std::string>{}(
                                             pg->bindir_.string() + std::to_string(::geteuid()))));
  if (cached.empty() || !fs::exists(cached) || !copyTree(cached, data)) {
    const pid_t initdb =
        spawn({(pg->bindir_ / "initdb").string(), "-D", data.string(), "-U", kSuperuser, "-A",
               "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
              pg->root_, log);
    if (initdb < 0 || waitExit(initdb) != 0) {
      error = "initdb failed:\n" + pg->log();
      return nullptr;
    }
    if (!cached.empty()) {
      // Other test processes may be making it too: each copies to a name of its own and
      // renames; the first rename wins, the others find the directory taken.
      std::error_code ec;
      fs::create_directories(clusterCache, ec);
      const fs::path part = cached.string() + ".part-" + std::to_string(::getpid());
      if (copyTree(data, part)) {
        fs::rename(part, cached, ec);
      }
      fs::remove_all(part, ec);
    }
  }
  // Another process may take the port between the probe and the server's bind: try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    pg->port_ = freeLoopbackPort();
    error = pg->launch();
    if (error.empty()) {
      return pg;
    }
  }
  return nullptr;
}

std::string PrivatePostgres::launch() {
  const fs::path logFile = root_ / "server.log";
  // fsync=off: a committed transaction survives a killed server (it is in the kernel's
  // cache), not a power cut, which no test makes. synchronous_commit stays on, or a kill
  // would lose commits.
  std::vector<std::string> argv = {(bindir_ / "postgres").string(),
                                   "-D",
                                   (root_ / "data").string(),
                                   "-k",
                                   root_.string(),
                                   "-p",
                                   std::to_string(port_),
                                   "-c",
                                   "listen_addresses=127.0.0.1",
                                   "-c",
                                   "fsync=off",
                                   "-c",
                                   "full_page_writes=off",
                                   "-c",
                                   "shared_buffers=16MB",
                                   "-c",
                                   "max_connections=60",
                                   "-c",
                                   "unix_socket_permissions=0777",
                                   "-c",
                                   "logging_collector=off"};
  // The last -c of a name wins.
  for (const auto& setting : settings_) {
    argv.insert(argv.end(), {"-c", setting});
  }
  pid_ = spawn(argv, root_, logFile);
  if (pid_ < 0) {
    return "cannot fork";
  }
  const std::string probe = url("postgres");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (PQping(probe.c_str()) == PQPING_OK) {
      return {};
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "postgres exited while starting:\n" + log();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  return "postgres did not accept connections within 60 s:\n" + log();
}

PrivatePostgres::~PrivatePostgres() {
  stop();
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void PrivatePostgres::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGINT);  // fast shutdown: clients are disconnected, data is kept
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      waitExit(pid_);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

void PrivatePostgres::kill() {
  if (pid_ <= 0) {
    return;
  }
  // The backends are sessions of their own (setsid), so a process group kill misses
  // them: the postmaster is frozen, so that it forks no more, and each is killed by name.
  ::kill(pid_, SIGSTOP);
  const auto backends = childrenOf(pid_);
  for (const pid_t child : backends) {
    ::kill(child, SIGKILL);
  }
  ::kill(pid_, SIGKILL);
  waitExit(pid_);
  pid_ = -1;
  // Gone means gone before the caller's next statement reaches one of them.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (const pid_t child : backends) {
    while (alive(child) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

std::string PrivatePostgres::resume() {
  if (pid_ > 0) {
    return {};
  }
  // After a kill the old server's backends may hold the shared memory for a moment.
  std::string error;
  for (int attempt = 0; attempt < 50; ++attempt) {
    error = launch();
    if (error.empty()) {
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return error;
}

std::string PrivatePostgres::restart() {
  stop();
  return resume();
}

std::string PrivatePostgres::url(const std::string& database) const {
  return "postgresql:///" + database + "?host=" + root_.string() +
         "&port=" + std::to_string(port_) + "&user=" + kSuperuser;
}

std::string PrivatePostgres::tcpUrl(const std::string& database) const {
  return "postgresql://" + std::string(kSuperuser) + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

std::string PrivatePostgres::execute(const std::string& database, const std::string& sql) {
  PGconn* conn = PQconnectdb(url(database).c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(result);
    }
    PQclear(result);
  }
  PQfinish(conn);
  return error;
}

std::string PrivatePostgres::createDatabase(const std::string& name) {
  const std::string database = name.empty() ? "db_" + std::to_string(++databases_) : name;
  if (!execute("postgres", "CREATE DATABASE \"" + database + "\"").empty()) {
    return {};
  }
  return url(database);
}

std::string PrivatePostgres::log() const {
  return readText(root_ / "server.log");
}

}  // namespace kiosk::testing
