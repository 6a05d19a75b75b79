#include "kiosk/app/update_agent.h"

#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kiosk/config/atomic_file.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/sodium_init.h"

extern char** environ;

namespace kiosk::app {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using cache::api::OsUpdate;
using cache::api::UpdateState;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string firstLine(std::string_view text) {
  const auto end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

std::optional<std::string> sha256OfFile(const std::string& path) {
  ensureSodium();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = in.gcount();
    if (n > 0) {
      crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                                static_cast<unsigned long long>(n));
    }
  }
  if (in.bad()) {
    return std::nullopt;
  }
  std::uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return hexEncode(digest);
}

std::uint64_t fileSize(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

Json offerJson(const OsUpdate& u) {
  return {{"version", u.version}, {"url", u.url}, {"sha256", u.sha256}, {"size", u.size}};
}

OsUpdate offerOf(const Json& j) {
  return OsUpdate{j.value("version", std::string()), j.value("url", std::string()),
                  j.value("sha256", std::string()), j.value("size", std::uint64_t{0})};
}

// Bytes free for an unprivileged writer on the file system holding `path`; nullopt when it
// cannot be told.
std::optional<std::uint64_t> freeBytes(const std::string& path) {
  struct statvfs v {};
  if (::statvfs(path.c_str(), &v) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize;
}

constexpr std::uint64_t kMiB = 1024 * 1024;

std::optional<Json> readJson(const std::string& path) {
  const auto text = readText(path);
  if (!text) {
    return std::nullopt;
  }
  try {
    auto j = Json::parse(*text);
    if (j.is_object()) {
      return j;
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

struct ChildExit {
  int status = -1;         // exit status; -1 when it could not start or was killed
  std::string lastLine;    // its last non-empty line of output
  std::string startError;  // why it could not start
};

// Runs `argv` with its stdout and stderr in a pipe (the terminal's own stdout carries JSON
// lines), each line logged; waits for it.
ChildExit runChild(const std::vector<std::string>& argv,
                   const std::function<void(const std::string&)>& log) {
  ChildExit out;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.startError = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    out.startError = argv[0] + ": " + std::strerror(spawned);
    return out;
  }
  std::string pending;
  char buffer[4096];
  const auto takeLine = [&](std::string line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    if (!line.empty()) {
      log(argv[0] + ": " + line);
      out.lastLine = std::move(line);
    }
  };
  while (true) {
    const auto n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      takeLine(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  takeLine(pending);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (WIFSIGNALED(status)) {
    out.startError = argv[0] + " was ended by signal " + std::to_string(WTERMSIG(status));
  }
  return out;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

}  // namespace

std::string readOsVersion(const std::string& osReleasePath) {
  std::ifstream in(osReleasePath);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("IMAGE_VERSION=")) {
      continue;
    }
    auto v = line.substr(14);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
      v = v.substr(1, v.size() - 2);
    }
    return v;
  }
  return {};
}

std::vector<std::string> splitCommand(std::string_view command) {
  std::vector<std::string> out;
  std::string word;
  for (char c : command) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) {
        out.push_back(std::move(word));
        word.clear();
      }
    } else {
      word += c;
    }
  }
  if (!word.empty()) {
    out.push_back(std::move(word));
  }
  return out;
}

struct UpdateAgent::Impl {
  // Room left on the data partition while a bundle is downloaded.
  static constexpr std::uint64_t kKeepFree = 64 * kMiB;
  UpdateAgentOptions o;
  std::string dir;
  mutable std::mutex mutex;
  std::condition_variable_any wake;
  UpdateState state;
  std::optional<OsUpdate> work;     // the offer being downloaded or checked
  std::optional<OsUpdate> refused;  // refused (refused.json): this offer is not taken again
  std::string failedVersion;
  bool installWanted = false;
  bool rebootWanted = false;
  bool restartAsked = false;
  bool rebooting = false;
  SteadyClock::time_point retryAt{};
  std::vector<std::string> events;  // emitted by step() on the UI thread
  std::atomic<bool> aborting{false};
  std::jthread worker;

  std::string path(std::string_view name) const { return dir + "/" + std::string(name); }

  void log(const std::string& line) const {
    if (o.log) {
      o.log("update: " + line);
    }
  }
  // Under the mutex.
  void emit(Json j) { events.push_back(j.dump()); }
  void setState(std::string s, std::string version, std::string detail) {
    state = UpdateState{std::move(s), std::move(version), std::move(detail)};
  }

  std::string bootId() const { return firstLine(readText(o.bootIdPath).value_or("")); }

  void removeFiles(std::initializer_list<std::string_view> names) {
    std::error_code ec;
    for (auto n : names) {
      fs::remove(path(n), ec);
    }
  }

  // What the files left by the run before say (before the worker starts).
  void recover() {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (auto failed = readJson(path("failed.json"))) {
      failedVersion = failed->value("version", std::string());
    }
    if (auto r = readJson(path("refused.json")); r && r->contains("offer")) {
      refused = offerOf((*r)["offer"]);
      // Reported until another offer is taken: central and staff keep seeing why.
      setState("failed", refused->version, r->value("reason", std::string()));
    }
    if (auto expected = readJson(path("expected.json"))) {
      const auto version = expected->value("version", std::string());
      const auto from = expected->value("from", std::string());
      if (expected->value("boot_id", std::string()) == bootId()) {
        setState("installed", version, "waiting for the reboot");
        return;
      }
      removeFiles({"expected.json", "offer.json", "bundle.part", "kiosk.raucb"});
      if (version == o.osVersion) {
        setState("idle", version, "updated from " + from);
        log("running " + version + " (updated from " + from + ")");
        emit({{"event", "update_done"}, {"version", version}, {"from", from}});
        return;
      }
      // The new slot never came up healthy and the boot counting went back.
      const std::string reason = "did not come up healthy; back on " + o.osVersion;
      failedVersion = version;
      if (auto st = writeAtomically(path("failed.json"),
                                    Json{{"version", version}, {"reason", reason}}.dump());
          !st) {
        log(st.error().message);
      }
      setState("failed", version, reason);
      log(version + " failed: " + reason);
      emit({{"event", "update_failed"}, {"version", version}, {"reason", reason}});
      return;
    }
    if (auto offered = readJson(path("offer.json"))) {
      const auto u = offerOf(*offered);
      if (u.version.empty() || u.version == o.osVersion || u.version == failedVersion) {
        removeFiles({"offer.json", "bundle.part", "kiosk.raucb"});
        return;
      }
      // A bundle checked before is checked again (the file may have changed since).
      if (fs::exists(path("kiosk.raucb"), ec)) {
        fs::rename(path("kiosk.raucb"), path("bundle.part"), ec);
      }
      work = u;
      setState("downloading", u.version, "");
    }
  }

  void offer(const OsUpdate& u) {
    std::lock_guard lock(mutex);
    if (o.osVersion.empty() || u.version == o.osVersion || u.version == failedVersion ||
        (refused && *refused == u) || (work && *work == u) || rebooting ||
        state.state == "installing" || state.state == "installed") {
      return;
    }
    if (auto st = writeAtomically(path("offer.json"), offerJson(u).dump()); !st) {
      log(st.error().message);
      return;
    }
    removeFiles({"bundle.part", "kiosk.raucb"});
    log("offered " + u.version + " (" + std::to_string(u.size) + " bytes) from " + u.url);
    work = u;
    retryAt = {};
    setState("downloading", u.version, "");
    wake.notify_all();
  }

  // Under the mutex: gives up on the offer being worked on.
  void refuse(const OsUpdate& u, const std::string& reason) {
    removeFiles({"bundle.part", "kiosk.raucb", "offer.json"});
    refused = u;
    if (auto st = writeAtomically(path("refused.json"),
                                  Json{{"offer", offerJson(u)}, {"reason", reason}}.dump());
        !st) {
      log(st.error().message);
    }
    work.reset();
    setState("failed", u.version, reason);
    log(u.version + " refused: " + reason);
    emit({{"event", "update_refused"}, {"version", u.version}, {"reason", reason}});
  }

  // Worker thread: fetches what is missing of the bundle and checks it.
  void download(cache::HttpClient& client, const OsUpdate& u) {
    const auto part = path("bundle.part");
    std::uint64_t have = fileSize(part);
    if (have > u.size) {
      std::error_code ec;
      fs::resize_file(part, 0, ec);
      have = 0;
    }
    if (have < u.size) {
      // The bundle must not take the room the terminal's database and photos need.
      const auto free = freeBytes(dir);
      if (free && *free < u.size - have + kKeepFree) {
        std::lock_guard lock(mutex);
        if (!work || !(*work == u)) {
          return;  // another offer came meanwhile
        }
        const bool first = !state.detail.starts_with("waiting for space");
        setState("downloading", u.version,
                 "waiting for space: the bundle needs " +
                     std::to_string((u.size - have) / kMiB + 1) + " MiB more and " +
                     std::to_string(kKeepFree / kMiB) + " MiB stay free; " +
                     std::to_string(*free / kMiB) + " MiB free in " + dir);
        if (first) {
          log(state.detail);  // once, not every retry
        }
        retryAt = SteadyClock::now() + o.retryAfter;
        return;
      }
      const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0) {
        std::lock_guard lock(mutex);
        refuse(u, part + ": " + std::strerror(errno));
        return;
      }
      if (have > 0) {
        log("resuming " + u.version + " at byte " + std::to_string(have) + " of " +
            std::to_string(u.size));
      }
      bool tooLarge = false;
      bool writeFailed = false;
      std::uint64_t truncatedAt = have;
      auto got = client.download(
          u.url, have,
          [&](std::uint64_t offset, std::string_view bytes) {
            if (offset + bytes.size() > u.size) {
              tooLarge = true;
              return false;
            }
            if (offset < truncatedAt) {  // the server sends the whole file again
              if (::ftruncate(fd, static_cast<off_t>(offset)) != 0) {
                writeFailed = true;
                return false;
              }
              truncatedAt = offset;
            }
            std::size_t done = 0;
            while (done < bytes.size()) {
              const auto n = ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                                      static_cast<off_t>(offset + done));
              if (n < 0 && errno == EINTR) {
                continue;
              }
              if (n <= 0) {
                writeFailed = true;
                return false;
              }
              done += static_cast<std::size_t>(n);
            }
            return true;
          },
          o.stall);
      const bool synced = ::fsync(fd) == 0;
      ::close(fd);
      std::lock_guard lock(mutex);
      if (!work || !(*work == u) || aborting) {
        return;  // another offer came meanwhile, or the terminal is stopping
      }
      if (tooLarge) {
        refuse(u, "the bundle is larger than the offer's " + std::to_string(u.size) + " bytes");
        return;
      }
      const auto now = fileSize(part);
      if (writeFailed || !synced) {
        setState("downloading", u.version, "cannot store the download in " + dir);
        retryAt = SteadyClock::now() + o.retryAfter;
        return;
      }
      if (!got || (got->status != 200 && got->status != 206)) {
        const std::string why =
            !got ? got.error().message : "the server answered HTTP " + std::to_string(got->status);
        setState("downloading", u.version,
                 "broke off at " + std::to_string(now) + " of " + std::to_string(u.size) +
                     " bytes (" + why + "); trying again");
        log(state.detail);
        retryAt = SteadyClock::now() + o.retryAfter;
        return;
      }
      if (now < u.size) {
        refuse(u, "the bundle is " + std::to_string(now) + " bytes; the offer says " +
                      std::to_string(u.size));
        return;
      }
    }
    const auto sum = sha256OfFile(part);
    std::lock_guard lock(mutex);
    if (!work || !(*work == u)) {
      return;
    }
    if (!sum) {
      refuse(u, part + ": cannot be read back");
      return;
    }
    if (*sum != u.sha256) {
      refuse(u, "the bundle's SHA-256 is " + *sum + "; the offer says " + u.sha256);
      return;
    }
    std::error_code ec;
    fs::rename(part, path("kiosk.raucb"), ec);
    if (ec) {
      refuse(u, path("kiosk.raucb") + ": " + ec.message());
      return;
    }
    setState("ready", u.version, "");
    log(u.version + " downloaded and checked; installed when no guest is at the terminal");
    emit({{"event", "update_ready"}, {"version", u.version}});
  }

  // Worker thread: runs the installer on the checked bundle.
  void install(const OsUpdate& u) {
    auto argv = o.installer;
    argv.push_back(path("kiosk.raucb"));
    log("installing " + u.version + ": " + joined(argv));
    const auto started = SteadyClock::now();
    const auto done = runChild(argv, [this](const std::string& l) { log(l); });
    const auto ms = std::chrono::duration_cast<Millis>(SteadyClock::now() - started).count();
    std::lock_guard lock(mutex);
    installWanted = false;
    if (done.status != 0) {
      std::string reason = done.startError.empty()
                               ? "the installer (" + joined(o.installer) + ") exited with status " +
                                     std::to_string(done.status)
                               : done.startError;
      if (!done.lastLine.empty()) {
        reason += ": " + done.lastLine;
      }
      refuse(u, reason);
      return;
    }
    const Json expected{{"version", u.version}, {"from", o.osVersion}, {"boot_id", bootId()}};
    if (auto st = writeAtomically(path("expected.json"), expected.dump()); !st) {
      log(st.error().message);
    }
    removeFiles({"kiosk.raucb", "offer.json"});
    work.reset();
    setState("installed", u.version, "waiting for the reboot");
    log(u.version + " installed in " + std::to_string(ms) + " ms; waiting for the reboot");
    emit(Json{{"event", "update_installed"},
              {"version", u.version},
              {"ms", static_cast<std::int64_t>(ms)},
              {"installer_output", done.lastLine}});
  }

  void reboot() {
    std::string version;
    {
      std::lock_guard lock(mutex);
      version = state.version;
      rebootWanted = false;
    }
    log("rebooting into " + version + ": " + joined(o.reboot));
    const auto done = runChild(o.reboot, [this](const std::string& l) { log(l); });
    std::lock_guard lock(mutex);
    if (done.status != 0) {
      // Tried again at the next step (staff, or the next quiet minute).
      rebooting = false;
      state.detail = "the reboot command failed: " +
                     (done.startError.empty() ? done.lastLine : done.startError);
      log(state.detail);
    }
  }

  void run(std::stop_token stop) {
    cache::HttpClient client(o.http);
    client.setAbortFlag(&aborting);
    std::unique_lock lock(mutex);
    while (!stop.stop_requested()) {
      const bool downloadDue = work && state.state == "downloading";
      if (rebootWanted) {
        lock.unlock();
        reboot();
        lock.lock();
      } else if (installWanted && work && state.state == "ready") {
        const auto u = *work;
        setState("installing", u.version, "");
        emit({{"event", "update_installing"}, {"version", u.version}});
        lock.unlock();
        install(u);
        lock.lock();
      } else if (downloadDue && SteadyClock::now() >= retryAt) {
        const auto u = *work;
        lock.unlock();
        download(client, u);
        lock.lock();
      } else if (downloadDue) {
        wake.wait_until(lock, stop, retryAt, [&] { return rebootWanted || installWanted; });
      } else {
        wake.wait(lock, stop, [&] {
          return rebootWanted || (installWanted && state.state == "ready") ||
                 (work && state.state == "downloading");
        });
      }
    }
  }
};

UpdateAgent::UpdateAgent(UpdateAgentOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->o = std::move(options);
  impl_->dir = impl_->o.dataDir + "/update";
  impl_->recover();
  impl_->worker = std::jthread([impl = impl_.get()](std::stop_token stop) { impl->run(stop); });
}

UpdateAgent::~UpdateAgent() {
  impl_->aborting = true;
  impl_->worker.request_stop();
  impl_->wake.notify_all();
}

void UpdateAgent::offer(const OsUpdate& update) {
  impl_->offer(update);
}

void UpdateAgent::step(bool idle, int localMinutes) {
  std::vector<std::string> events;
  {
    std::lock_guard lock(impl_->mutex);
    auto& i = *impl_;
    if (i.state.state == "ready" && idle && !i.installWanted) {
      i.installWanted = true;
      i.wake.notify_all();
    }
    const auto [from, to] = i.o.rebootWindow;
    const bool quiet = from < to ? (localMinutes >= from && localMinutes < to)
                                 : (localMinutes >= from || localMinutes < to);
    if (i.state.state == "installed" && !i.rebooting && (i.restartAsked || (idle && quiet))) {
      i.rebooting = true;
      i.rebootWanted = true;
      i.restartAsked = false;
      i.events.push_back(Json{{"event", "update_reboot"},
                              {"version", i.state.version},
                              {"by", idle && quiet ? "window" : "staff"}}
                             .dump());
      i.wake.notify_all();
    }
    events.swap(i.events);
  }
  if (impl_->o.event) {
    for (const auto& e : events) {
      impl_->o.event(e);
    }
  }
}

void UpdateAgent::restartNow() {
  std::lock_guard lock(impl_->mutex);
  impl_->restartAsked = impl_->state.state == "installed";
}

UpdateState UpdateAgent::state() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state;
}

}  // namespace kiosk::app
