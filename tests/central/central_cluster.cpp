#include "central/central_cluster.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace kiosk::testing {

namespace {

// Children are started through setpriv so that they get SIGKILL when the test process dies
// without running destructors (a crash, a timeout's kill): no stray servers hold ports.
const std::string kOrphanless[] = {"setpriv", "--pdeathsig", "KILL"};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

pid_t spawn(std::vector<std::string> args, const std::filesystem::path& log) {
  // Everything the child needs is made before fork: other threads of the test (sync
  // engines) may hold the allocator's lock at that instant.
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const std::string logPath = log.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::close(out);
    }
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

Exchange httpsRequest(const std::string& method, const std::string& url, const std::string& caFile,
                      const std::string& body, const std::vector<std::string>& headers,
                      const std::string& sourceAddress) {
  Exchange result;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  curl_slist* list = nullptr;
  for (const auto& h : headers) {
    list = curl_slist_append(list, h.c_str());
  }
  if (!body.empty()) {
    list = curl_slist_append(list, "Content-Type: application/json");
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, caFile.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (!sourceAddress.empty()) {
    curl_easy_setopt(curl, CURLOPT_INTERFACE, ("host!" + sourceAddress).c_str());
  }
  const auto code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  } else {
    result.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

CentralCluster::CentralCluster(std::filesystem::path dir, const Pki& pki, std::string db,
                               int instances, std::vector<std::string> serveArgs)
    : dir_(std::move(dir)),
      pki_(pki),
      db_(std::move(db)),
      serveArgs_(std::move(serveArgs)),
      instances_(static_cast<std::size_t>(instances)) {}

CentralCluster::~CentralCluster() {
  reap(balancer_);
  for (auto& instance : instances_) {
    reap(instance.pid);
  }
}

void CentralCluster::reap(pid_t& pid) {
  if (pid > 0) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
  }
}

std::filesystem::path CentralCluster::logOf(int i, int run) const {
  return dir_ / ("central-" + std::to_string(i) + "-run" + std::to_string(run) + ".log");
}

bool CentralCluster::startInstance(int i) {
  auto& instance = instances_[static_cast<std::size_t>(i)];
  std::vector<std::string> args{kOrphanless[0],
                                kOrphanless[1],
                                kOrphanless[2],
                                std::string(KIOSK_BINARY_DIR) + "/kiosk-central",
                                "serve",
                                "--db",
                                db_,
                                "--listen",
                                "127.0.0.1:" + std::to_string(instance.port),
                                "--cert",
                                pki_.certFile,
                                "--key",
                                pki_.keyFile,
                                "--log-level",
                                "info"};
  args.insert(args.end(), serveArgs_.begin(), serveArgs_.end());
  const auto log = logOf(i, ++instance.runs);
  const auto child = spawnListening(args, log.string());
  instance.pid = child.pid;
  if (child.port != instance.port) {
    reap(instance.pid);
    error_ = "instance " + std::to_string(i) + " did not start: " + readFile(log);
    return false;
  }
  return true;
}

bool CentralCluster::start() {
  std::string servers;
  for (int i = 0; i < instances(); ++i) {
    instances_[static_cast<std::size_t>(i)].port = freeLoopbackPort();
    if (!startInstance(i)) {
      return false;
    }
    servers += "    server c" + std::to_string(i) +
               " 127.0.0.1:" + std::to_string(instances_[static_cast<std::size_t>(i)].port) + "\n";
  }
  // HAProxy takes the certificate and its key in one file.
  const auto pem = dir_ / "balancer.pem";
  std::ofstream(pem) << readFile(pki_.certFile) << readFile(pki_.keyFile);
  balancerPort_ = freeLoopbackPort();
  auto config = readFile(std::filesystem::path(KIOSK_SOURCE_DIR) / "deploy/central/haproxy.cfg");
  replaceAll(config, "{{LISTEN}}", "127.0.0.1:" + std::to_string(balancerPort_));
  replaceAll(config, "{{CERT}}", pem.string());
  replaceAll(config, "{{BACKEND_CA}}", pki_.caFile);
  replaceAll(config, "{{BACKEND_NAME}}", "localhost");
  replaceAll(config, "{{ADMIN_SOCKET}}", (dir_ / "haproxy.sock").string());
  replaceAll(config, "{{SERVERS}}\n", servers);
  const auto configFile = dir_ / "haproxy.cfg";
  std::ofstream(configFile) << config;
  balancer_ = spawn(
      {kOrphanless[0], kOrphanless[1], kOrphanless[2], "haproxy", "-db", "-f", configFile.string()},
      dir_ / "haproxy.log");
  for (int i = 0; i < instances(); ++i) {
    if (!waitStatus(i, "UP")) {
      error_ = "the balancer never saw instance " + std::to_string(i) +
               " up; haproxy: " + readFile(dir_ / "haproxy.log");
      return false;
    }
  }
  return true;
}

std::string CentralCluster::url() const {
  return "https://127.0.0.1:" + std::to_string(balancerPort_);
}

std::string CentralCluster::instanceUrl(int i) const {
  return "https://127.0.0.1:" + std::to_string(instances_[static_cast<std::size_t>(i)].port);
}

void CentralCluster::kill(int i) {
  reap(instances_[static_cast<std::size_t>(i)].pid);
}

bool CentralCluster::restart(int i) {
  return startInstance(i) && waitStatus(i, "UP");
}

std::string CentralCluster::admin(const std::string& command) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const auto path = (dir_ / "haproxy.sock").string();
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const auto line = command + "\n";
    if (::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) {
      char buffer[4096];
      ssize_t n = 0;
      while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
        answer.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return answer;
}

std::string CentralCluster::balancerStatus(int i) {
  // "show stat" is CSV: "# pxname,svname,...,status,..." then one line per proxy/server.
  std::istringstream lines(admin("show stat"));
  std::vector<std::string> header;
  auto split = [](const std::string& line) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string f; std::getline(in, f, ',');) {
      fields.push_back(f);
    }
    return fields;
  };
  std::size_t statusAt = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# ", 0) == 0) {
      header = split(line.substr(2));
      statusAt = static_cast<std::size_t>(std::find(header.begin(), header.end(), "status") -
                                          header.begin());
      continue;
    }
    const auto fields = split(line);
    if (fields.size() > statusAt && fields[0] == "central" &&
        fields[1] == "c" + std::to_string(i)) {
      return fields[statusAt];
    }
  }
  return {};
}

bool CentralCluster::waitStatus(int i, const std::string& status) {
  return waitFor([&] { return balancerStatus(i).rfind(status, 0) == 0; }, std::chrono::seconds(30));
}

int CentralCluster::served(int i, const std::string& prefix) const {
  int n = 0;
  for (int run = 1; run <= instances_[static_cast<std::size_t>(i)].runs; ++run) {
    std::istringstream lines(readFile(logOf(i, run)));
    for (std::string line; std::getline(lines, line);) {
      if (line.find("] " + prefix) != std::string::npos) {
        ++n;
      }
    }
  }
  return n;
}

}  // namespace kiosk::testing
