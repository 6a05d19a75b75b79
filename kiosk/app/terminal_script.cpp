#include "kiosk/app/terminal_script.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kiosk/app/json_line.h"

namespace kiosk::app {

namespace {

const std::set<std::string, std::less<>> kCommands = {
    "codes",        "present",   "present-code", "present-image", "face",       "light",
    "clear-camera", "wedge",     "tap",          "type",          "key",        "wait-for",
    "expect",       "advance",   "sleep",        "window",        "screenshot", "echo",
    "quit",         "wait-file", "stall-store",  "tap-if"};

// Every number a script has is a size, a time in seconds or milliseconds, a gain or a
// position: a million is far beyond any of them, and keeps the conversions to int and to
// milliseconds defined.
constexpr double kLargestNumber = 1e6;

std::optional<double> number(const std::string& text) {
  double v = 0;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v) || std::abs(v) > kLargestNumber) {
    return std::nullopt;
  }
  return v;
}

// The keys a person taps for `c`: a capital is Shift and then the letter (the keyboard
// types letters exactly as shown).
std::vector<std::string> keyNames(char c) {
  if (c == ' ') {
    return {"key.space"};
  }
  const auto u = static_cast<unsigned char>(c);
  if (std::isalpha(u) != 0) {
    const std::string key = std::string("key.") + static_cast<char>(std::toupper(u));
    if (std::isupper(u) != 0) {
      return {"key.shift", key};
    }
    return {key};
  }
  return {std::string("key.") + c};
}

std::string resolve(const std::string& directory, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? path : (std::filesystem::path(directory) / p).string();
}

}  // namespace

Result<Script> parseScript(std::string_view text, const std::string& directory) {
  Script script;
  script.directory = directory;
  std::istringstream in{std::string(text)};
  int lineNo = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineNo;
    // Trailing blanks (and a Windows line end) are not part of the command.
    line.erase(line.find_last_not_of(" \t\r") + 1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') {
      continue;
    }
    line = line.substr(first);
    ScriptCommand c;
    c.line = lineNo;
    const auto space = line.find_first_of(" \t");
    c.name = line.substr(0, space);
    if (space != std::string::npos) {
      c.rest = line.substr(line.find_first_not_of(" \t", space));
      std::istringstream words(c.rest);
      for (std::string w; words >> w;) {
        c.args.push_back(w);
      }
    }
    if (kCommands.count(c.name) == 0) {
      return makeError(ErrorKind::kInvalidInput,
                       "line " + std::to_string(lineNo) + ": unknown command '" + c.name + "'");
    }
    const auto need = [&](std::size_t n) { return c.args.size() >= n; };
    bool ok = true;
    if (c.name == "tap" || c.name == "tap-if" || c.name == "wait-for" || c.name == "expect" ||
        c.name == "present-code" || c.name == "present-image" || c.name == "codes" ||
        c.name == "screenshot" || c.name == "key" || c.name == "advance" || c.name == "sleep" ||
        c.name == "light" || c.name == "present" || c.name == "wedge" || c.name == "type" ||
        c.name == "wait-file" || c.name == "stall-store") {
      ok = need(1);
    } else if (c.name == "window") {
      ok = need(2);
    }
    for (std::size_t i = 0; ok && i < c.args.size(); ++i) {
      const bool numeric =
          c.name == "advance" || c.name == "sleep" || c.name == "light" || c.name == "window" ||
          c.name == "face" || c.name == "stall-store" ||
          ((c.name == "tap" || c.name == "wait-for" || c.name == "wait-file") && i == 1);
      if (numeric && !number(c.args[i])) {
        ok = false;
      } else if (c.name == "window" && i < 2 &&
                 (*number(c.args[i]) < 1 || *number(c.args[i]) > 16384)) {
        ok = false;
      }
    }
    if (!ok) {
      return makeError(ErrorKind::kInvalidInput,
                       "line " + std::to_string(lineNo) + ": bad arguments for '" + c.name + "'");
    }
    script.commands.push_back(std::move(c));
  }
  return script;
}

Result<Script> loadScript(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return makeError(ErrorKind::kNotFound, path + ": cannot read the script");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto dir = std::filesystem::absolute(path).parent_path().string();
  auto script = parseScript(buffer.str(), dir);
  if (!script) {
    return makeError(script.error().kind, path + ": " + script.error().message);
  }
  return script;
}

ScriptRunner::ScriptRunner(Script script) : script_(std::move(script)) {}

ScriptRunner::Progress ScriptRunner::next() {
  ++index_;
  phase_ = 0;
  started_ = {};
  pendingTaps_.clear();
  return index_ >= script_.commands.size() ? Progress::kDone : Progress::kRunning;
}

ScriptRunner::Progress ScriptRunner::fail(ScriptHost& host, const ScriptCommand& c,
                                          const std::string& message) {
  error_ = "line " + std::to_string(c.line) + " (" + c.name + "): " + message;
  host.emit(jsonLine(nlohmann::json{{"event", "script_error"},
                                    {"line", c.line},
                                    {"command", c.name},
                                    {"message", message},
                                    {"screen", host.screen()}}));
  return Progress::kFailed;
}

ScriptRunner::Progress ScriptRunner::step(ScriptHost& host,
                                          std::chrono::steady_clock::time_point now) {
  if (index_ >= script_.commands.size()) {
    return Progress::kDone;
  }
  const ScriptCommand& c = script_.commands[index_];
  if (started_ == std::chrono::steady_clock::time_point{}) {
    started_ = now;
  }
  const double elapsedS = std::chrono::duration<double>(now - started_).count();
  const auto arg = [&](std::size_t i) { return i < c.args.size() ? c.args[i] : std::string(); };
  const auto checked = [&](const Status& s) {
    return s ? next() : fail(host, c, s.error().message);
  };

  // One press of a control over four frames: hover, press, release (the click), settle.
  const auto pressControl = [&](const std::string& name,
                                double timeoutS) -> std::optional<Progress> {
    auto centre = host.controlCenter(name);
    if (!centre) {
      if (elapsedS > timeoutS) {
        std::string visible;
        for (const auto& n : host.controlNames()) {
          visible += (visible.empty() ? "" : " ") + n;
        }
        return fail(host, c,
                    "no control '" + name + "' on screen '" + host.screen() +
                        "' (visible: " + visible + ")");
      }
      return Progress::kRunning;
    }
    // Frame 0 hovers, 1 presses, 2 releases (the click); frame 3 lets the screen react
    // before the next command looks for its control (a tap may change the layout).
    if (phase_ % 4 < 3) {
      host.pointer(centre->first, centre->second, phase_ % 4 == 1);
    }
    ++phase_;
    if (phase_ % 4 == 0) {
      host.releasePointer();
      return std::nullopt;  // pressed, and the screen has reacted
    }
    return Progress::kRunning;
  };

  if (c.name == "codes") {
    std::ifstream in(resolve(script_.directory, arg(0)));
    if (!in) {
      return fail(host, c, "cannot read " + arg(0));
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      const auto comma = line.find(',');
      if (comma != std::string::npos && line.rfind("booking_code,", 0) != 0) {
        codes_[line.substr(0, comma)] = line.substr(comma + 1);
      }
    }
    return next();
  }
  if (c.name == "present") {
    return checked(host.present(c.rest));
  }
  if (c.name == "present-code") {
    auto it = codes_.find(arg(0));
    if (it == codes_.end()) {
      return fail(host, c, "no code for booking " + arg(0) + " (use `codes FILE` first)");
    }
    return checked(host.present(it->second));
  }
  if (c.name == "present-image") {
    return checked(host.presentImage(resolve(script_.directory, arg(0))));
  }
  if (c.name == "face") {
    const float x = c.args.size() > 0 ? static_cast<float>(*number(arg(0))) : 0.5f;
    const float y = c.args.size() > 1 ? static_cast<float>(*number(arg(1))) : 0.42f;
    const float w = c.args.size() > 2 ? static_cast<float>(*number(arg(2))) : 0.22f;
    return checked(host.presentFace(x, y, w));
  }
  if (c.name == "light") {
    return checked(host.setLight(*number(arg(0))));
  }
  if (c.name == "clear-camera") {
    return checked(host.clearCamera());
  }
  if (c.name == "wedge") {
    host.wedge(c.rest);
    return next();
  }
  if (c.name == "tap") {
    const double timeout = c.args.size() > 1 ? *number(arg(1)) : 5.0;
    if (auto p = pressControl(arg(0), timeout)) {
      return *p;
    }
    host.emit(jsonLine(nlohmann::json{{"event", "tap"}, {"control", arg(0)}}));
    return next();
  }
  if (c.name == "tap-if") {
    // Only what the last frame shows: no waiting for a control that may never come.
    if (phase_ == 0 && !host.controlCenter(arg(0))) {
      host.emit(jsonLine(nlohmann::json{{"event", "tap_skipped"}, {"control", arg(0)}}));
      return next();
    }
    if (auto p = pressControl(arg(0), 0)) {
      return *p;
    }
    host.emit(jsonLine(nlohmann::json{{"event", "tap"}, {"control", arg(0)}}));
    return next();
  }
  if (c.name == "type" || c.name == "key") {
    if (phase_ == 0 && pendingTaps_.empty()) {
      if (c.name == "key") {
        pendingTaps_.push_back("key." + arg(0));
      } else {
        for (char ch : c.rest) {
          for (auto& name : keyNames(ch)) {
            pendingTaps_.push_back(std::move(name));
          }
        }
      }
    }
    if (pendingTaps_.empty()) {
      return next();
    }
    if (auto p = pressControl(pendingTaps_.front(), 5.0)) {
      return *p;
    }
    pendingTaps_.erase(pendingTaps_.begin());
    phase_ = 0;
    started_ = now;
    return pendingTaps_.empty() ? next() : Progress::kRunning;
  }
  if (c.name == "wait-for" || c.name == "expect") {
    if (host.screen() == arg(0)) {
      return next();
    }
    const double timeout = c.name == "expect" ? 0.0 : c.args.size() > 1 ? *number(arg(1)) : 15.0;
    if (elapsedS >= timeout) {
      return fail(host, c, "screen is '" + host.screen() + "', expected '" + arg(0) + "'");
    }
    return Progress::kRunning;
  }
  if (c.name == "wait-file") {
    std::error_code ec;
    if (std::filesystem::exists(resolve(script_.directory, arg(0)), ec)) {
      return next();
    }
    const double timeout = c.args.size() > 1 ? *number(arg(1)) : 15.0;
    if (elapsedS >= timeout) {
      return fail(host, c,
                  "no file " + arg(0) + " within " + (c.args.size() > 1 ? arg(1) : "15") + " s");
    }
    return Progress::kRunning;
  }
  if (c.name == "advance") {
    const auto by = Millis(static_cast<long long>(*number(arg(0)) * 1000));
    return checked(host.advance(by));
  }
  if (c.name == "sleep") {
    return elapsedS * 1000 >= *number(arg(0)) ? next() : Progress::kRunning;
  }
  if (c.name == "stall-store") {
    host.stallStore(Millis(static_cast<long long>(*number(arg(0)) * 1000)));
    return next();
  }
  if (c.name == "window") {
    if (phase_ == 0) {
      host.resize(static_cast<int>(*number(arg(0))), static_cast<int>(*number(arg(1))));
    }
    // A few frames for the window system and the font atlas to follow.
    return ++phase_ >= 4 ? next() : Progress::kRunning;
  }
  if (c.name == "screenshot") {
    host.screenshot(arg(0));
    return next();
  }
  if (c.name == "echo") {
    host.emit(jsonLine(nlohmann::json{{"event", "echo"}, {"text", c.rest}}));
    return next();
  }
  if (c.name == "quit") {
    index_ = script_.commands.size();
    return Progress::kDone;
  }
  return fail(host, c, "unknown command");
}

}  // namespace kiosk::app
