// Child processes for the benchmark drivers that run the real executables: start one with
// its standard output on a pipe, run a command to its end within a time limit, stop a
// server (SIGTERM, then SIGKILL), read a process's memory and CPU time from /proc, and
// run a command to its end with its time, CPU time and peak memory (runMeasured).
//
// Children die with the driver (PR_SET_PDEATHSIG), so that a driver killed by its watchdog
// or by hand leaves no server behind. ChildProcesses remembers the live children so that a
// watchdog thread can kill them all; every member may be called from any thread.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace kiosk::bench {

struct CommandOutcome {
  int status = -1;  // exit status; -1 when killed by a signal or not started
  bool timedOut = false;
  std::string out;  // standard output
  std::string err;  // standard error (read back from its file)
};

// Memory and CPU time of a live process, from /proc (zeros when it is gone).
struct ProcessFigures {
  double peakRssMb = 0;     // VmHWM
  double currentRssMb = 0;  // VmRSS
  double cpuSeconds = 0;    // user + system
};

// The text of a /proc file, or "" when its process is gone: reading the file of a process
// that ended after it was opened fails (ESRCH), and the stream reports that by throwing.
inline std::string procText(const std::string& path) {
  try {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {
    return {};
  }
}

inline ProcessFigures processFigures(pid_t pid) {
  ProcessFigures f;
  std::istringstream status(procText("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    const auto kb = [&] { return std::stod(line.substr(line.find(':') + 1)) / 1024.0; };
    if (line.rfind("VmHWM:", 0) == 0) {
      f.peakRssMb = kb();
    } else if (line.rfind("VmRSS:", 0) == 0) {
      f.currentRssMb = kb();
    }
  }
  const auto text = procText("/proc/" + std::to_string(pid) + "/stat");
  // The command name (field 2) may hold spaces; fields are counted after its ')'.
  const auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(text.substr(close + 2));
    std::vector<std::string> v;
    for (std::string field; fields >> field && v.size() < 13;) {
      v.push_back(field);
    }
    if (v.size() == 13) {  // v[11] is utime (field 14), v[12] stime (field 15)
      f.cpuSeconds =
          (std::stod(v[11]) + std::stod(v[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  return f;
}

struct MeasuredRun {
  bool ok = false;  // exited with status 0
  double wallMs = 0;
  double cpuMs = 0;  // user + system of the child, all its threads
  double peakRssMb = 0;
};

// Runs argv (argv[0] a path) to its end with its standard output discarded; the figures
// are the child's own rusage from wait4.
inline MeasuredRun runMeasured(const std::vector<std::string>& argv) {
  MeasuredRun result;
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (auto& a : args) {
    raw.push_back(a.data());
  }
  raw.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int devNull = ::open("/dev/null", O_WRONLY);
    if (devNull < 0 || ::dup2(devNull, 1) < 0) {
      ::_exit(127);
    }
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid) {
    return result;
  }
  result.wallMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  result.cpuMs = ms(usage.ru_utime) + ms(usage.ru_stime);
  result.peakRssMb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return result;
}

class ChildProcesses {
 public:
  ChildProcesses() = default;
  ChildProcesses(const ChildProcesses&) = delete;
  ChildProcesses& operator=(const ChildProcesses&) = delete;
  ~ChildProcesses() { killAll(); }

  // Starts argv[0] (a path) with standard output on `stdoutFd` (closed in the parent by the
  // caller) and standard error appended to `errFile`. -1 when fork fails.
  pid_t spawn(const std::vector<std::string>& argv, int stdoutFd, const std::string& errFile) {
    // Everything the child touches is made before fork: the driver has threads, and the
    // child may only call async-signal-safe functions until exec.
    std::vector<std::string> args = argv;
    std::vector<char*> raw;
    for (auto& a : args) {
      raw.push_back(a.data());
    }
    raw.push_back(nullptr);
    const int err = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) {
        ::_exit(127);
      }
      if (stdoutFd >= 0) {
        ::dup2(stdoutFd, 1);
      }
      if (err >= 0) {
        ::dup2(err, 2);
      }
      ::execv(raw[0], raw.data());
      ::_exit(127);
    }
    if (err >= 0) {
      ::close(err);
    }
    if (pid > 0) {
      std::lock_guard lock(mutex_);
      pids_.push_back(pid);
    }
    return pid;
  }

  // Waits for `pid` until `deadline`; its exit status, or -1 (killed, or still running).
  int wait(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      int raw = 0;
      const pid_t done = ::waitpid(pid, &raw, WNOHANG);
      if (done == pid) {
        forget(pid);
        return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
      }
      if (done < 0 || std::chrono::steady_clock::now() >= deadline) {
        return -1;
      }
      ::usleep(10000);
    }
  }

  // SIGTERM, then SIGKILL after `grace`; the exit status (-1 when it had to be killed).
  int stop(pid_t pid, std::chrono::milliseconds grace) {
    ::kill(pid, SIGTERM);
    const int status = wait(pid, std::chrono::steady_clock::now() + grace);
    if (status == -1) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      forget(pid);
    }
    return status;
  }

  // Runs a command to its end, killing it after `limit`.
  CommandOutcome run(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                     const std::string& errFile) {
    CommandOutcome outcome;
    std::ofstream(errFile, std::ios::trunc).flush();
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
      return outcome;
    }
    const pid_t pid = spawn(argv, out[1], errFile);
    ::close(out[1]);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[65536];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      pollfd p{out[0], POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) == 0) {
        outcome.timedOut = true;
        break;
      }
      const auto n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) {
        break;
      }
      outcome.out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    if (pid > 0) {
      if (outcome.timedOut) {
        ::kill(pid, SIGKILL);
      }
      outcome.status = wait(pid, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    }
    std::ifstream err(errFile);
    std::stringstream text;
    text << err.rdbuf();
    outcome.err = text.str();
    return outcome;
  }

  void killAll() {
    std::lock_guard lock(mutex_);
    for (pid_t pid : pids_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    pids_.clear();
  }

 private:
  void forget(pid_t pid) {
    std::lock_guard lock(mutex_);
    pids_.erase(std::remove(pids_.begin(), pids_.end(), pid), pids_.end());
  }

  std::mutex mutex_;
  std::vector<pid_t> pids_;
};

}  // namespace kiosk::bench
