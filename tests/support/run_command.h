// Runs a command line through /bin/sh and captures its exit status, standard output and
// standard error; for tests that drive the real executables.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace kiosk::testing {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      result.push_back(line);
    }
    return result;
  }
};

// Single-quotes an argument for /bin/sh.
inline std::string shellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// `onLine`, when given, sees each line of standard output as it arrives (without its
// line end), while the command still runs.
inline CommandResult runCommand(const std::vector<std::string>& argv,
                                const std::filesystem::path& scratch,
                                const std::function<void(const std::string&)>& onLine = {}) {
  std::string cmd;
  for (const auto& a : argv) {
    cmd += shellQuote(a) + " ";
  }
  const auto errFile = scratch / "stderr.txt";
  cmd += "2>" + shellQuote(errFile.string());
  CommandResult result;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  std::size_t seen = 0;
  while ((n = onLine ? (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr
                            ? std::strlen(buffer.data())
                            : 0)
                     : std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.out.append(buffer.data(), n);
    for (auto end = result.out.find('\n', seen); onLine && end != std::string::npos;
         end = result.out.find('\n', seen)) {
      onLine(result.out.substr(seen, end - seen));
      seen = end + 1;
    }
  }
  const int raw = ::pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream err(errFile);
  std::stringstream errText;
  errText << err.rdbuf();
  result.err = errText.str();
  return result;
}

}  // namespace kiosk::testing
