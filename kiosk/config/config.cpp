#include "kiosk/config/config.h"

#include <toml++/toml.h>

#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace kiosk::app {

namespace {

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  // Fails on the first key of `table` that has no binding.
  using Binding = std::function<std::optional<std::string>(const toml::node&)>;

  std::optional<Error> read(const toml::table& table, const std::string& section,
                            const std::map<std::string, Binding, std::less<>>& bindings) {
    for (const auto& [key, node] : table) {
      auto it = bindings.find(key.str());
      if (it == bindings.end()) {
        return fail(node, section, key.str(), "unknown key");
      }
      if (auto problem = it->second(node)) {
        return fail(node, section, key.str(), *problem);
      }
    }
    return std::nullopt;
  }

  // Names the text the node came from: the file, or central's settings lying over it.
  Error fail(const toml::node& node, const std::string& section, std::string_view key,
             const std::string& why) const {
    const std::string full = section.empty() ? std::string(key) : section + "." + std::string(key);
    const auto& from = node.source().path;
    return makeError(ErrorKind::kInvalidInput, (from ? *from : name_) + ":" +
                                                   std::to_string(node.source().begin.line) + ": " +
                                                   full + ": " + why);
  }

 private:
  std::string name_;
};

Reader::Binding text(std::string& field,
                     std::function<std::optional<std::string>(const std::string&)> check = {}) {
  return [&field, check](const toml::node& node) -> std::optional<std::string> {
    const auto* s = node.as_string();
    if (s == nullptr) {
      return "expected a string";
    }
    if (check) {
      if (auto problem = check(s->get())) {
        return problem;
      }
    }
    field = s->get();
    return std::nullopt;
  };
}

Reader::Binding integer(int& field, int min, int max) {
  return [&field, min, max](const toml::node& node) -> std::optional<std::string> {
    const auto* v = node.as_integer();
    if (v == nullptr || v->get() < min || v->get() > max) {
      return "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    }
    field = static_cast<int>(v->get());
    return std::nullopt;
  };
}

Reader::Binding number(double& field, double min, double max) {
  return [&field, min, max](const toml::node& node) -> std::optional<std::string> {
    const auto v = node.value<double>();  // 21.5 or 22
    if (!v || *v < min || *v > max) {
      return "expected a number from " + std::to_string(static_cast<int>(min)) + " to " +
             std::to_string(static_cast<int>(max));
    }
    field = *v;
    return std::nullopt;
  };
}

Reader::Binding boolean(bool& field) {
  return [&field](const toml::node& node) -> std::optional<std::string> {
    const auto* v = node.as_boolean();
    if (v == nullptr) {
      return "expected true or false";
    }
    field = v->get();
    return std::nullopt;
  };
}

Reader::Binding strings(std::vector<std::string>& field,
                        std::function<std::optional<std::string>(const std::string&)> check,
                        bool nonEmpty) {
  return [&field, check, nonEmpty](const toml::node& node) -> std::optional<std::string> {
    const auto* list = node.as_array();
    if (list == nullptr) {
      return "expected a list of strings";
    }
    std::vector<std::string> values;
    for (const auto& item : *list) {
      const auto* s = item.as_string();
      if (s == nullptr) {
        return "expected a list of strings";
      }
      if (auto problem = check(s->get())) {
        return problem;
      }
      values.push_back(s->get());
    }
    if (nonEmpty && values.empty()) {
      return "must not be empty";
    }
    field = std::move(values);
    return std::nullopt;
  };
}

std::function<std::optional<std::string>(const std::string&)> oneOf(
    std::vector<std::string> choices) {
  return [choices](const std::string& value) -> std::optional<std::string> {
    for (const auto& c : choices) {
      if (c == value) {
        return std::nullopt;
      }
    }
    std::string list;
    for (const auto& c : choices) {
      list += (list.empty() ? "" : ", ") + c;
    }
    return "'" + value + "' is not one of " + list;
  };
}

std::optional<std::string> absolutePath(const std::string& value) {
  if (value.empty() || value[0] != '/') {
    return "expected an absolute path";
  }
  return std::nullopt;
}

std::optional<std::string> languageTag(const std::string& value) {
  if (value.size() < 2 || value.size() > 12 ||
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
          std::string::npos) {
    return "'" + value + "' is not a language tag like zh-CN or en";
  }
  return std::nullopt;
}

Result<toml::table> parseToml(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return makeError(ErrorKind::kInvalidInput, name + ":" + std::to_string(e.source().begin.line) +
                                                   ": " + std::string(e.description()));
  }
}

bool centralMaySet(std::string_view section, std::string_view key) {
  for (const auto full : kCentralSettingKeys) {
    if (full.size() == section.size() + 1 + key.size() &&
        full.substr(0, section.size()) == section && full[section.size()] == '.' &&
        full.substr(section.size() + 1) == key) {
      return true;
    }
  }
  return false;
}

// Lays central's settings over the file's: each allowed key replaces the file's value.
std::optional<Error> overlay(toml::table& root, toml::table& settings, const std::string& name) {
  const Reader reader(name);
  for (auto& [section, node] : settings) {
    auto* table = node.as_table();
    if (table == nullptr) {
      return reader.fail(node, "", section.str(),
                         "expected a [" + std::string(section.str()) + "] table");
    }
    auto* target = root[section.str()].as_table();
    if (target == nullptr) {
      root.insert_or_assign(section.str(), toml::table{});
      target = root[section.str()].as_table();
    }
    for (auto& [key, value] : *table) {
      if (!centralMaySet(section.str(), key.str())) {
        return reader.fail(value, std::string(section.str()), key.str(),
                           "central may not set this (only the terminal's own file may)");
      }
      target->insert_or_assign(key.str(), std::move(value));
    }
  }
  return std::nullopt;
}

Result<Config> readConfig(const toml::table& root, const std::string& name);

}  // namespace

Result<Config> parseConfig(std::string_view textIn, const std::string& name) {
  return parseConfig(textIn, name, {}, {});
}

Result<Config> parseConfig(std::string_view textIn, const std::string& name,
                           std::string_view settingsIn, const std::string& settingsName) {
  auto root = parseToml(textIn, name);
  if (!root) {
    return root.error();
  }
  if (!settingsIn.empty()) {
    auto settings = parseToml(settingsIn, settingsName);
    if (!settings) {
      return settings.error();
    }
    if (auto problem = overlay(*root, *settings, settingsName)) {
      return *problem;
    }
  }
  return readConfig(*root, name);
}

Status checkCentralSettings(std::string_view settings) {
  auto merged = parseConfig("", "(defaults)", settings, "settings");
  if (!merged) {
    return merged.error();
  }
  return okStatus();
}

namespace {

Result<Config> readConfig(const toml::table& root, const std::string& name) {
  Config c;
  c.path = name;
  Reader reader(name);
  ServerConfig server;
  bool hasServer = false;
  std::int64_t eventId = 0;

  const std::map<std::string, Reader::Binding, std::less<>> terminal{
      {"name", text(c.terminal.name,
                    [](const std::string& v) -> std::optional<std::string> {
                      if (v.empty() || v.size() > 64) {
                        return "expected 1 to 64 characters";
                      }
                      return std::nullopt;
                    })},
      {"database", text(c.terminal.database, absolutePath)},
      {"data_dir", text(c.terminal.dataDir, absolutePath)},
      {"languages", strings(c.terminal.languages, languageTag, true)},
      {"log_level", text(c.terminal.logLevel, oneOf({"trace", "debug", "info", "warn", "error"}))},
      {"event",
       [&eventId](const toml::node& node) -> std::optional<std::string> {
         const auto* v = node.as_integer();
         if (v == nullptr || v->get() <= 0 || v->get() > 0xffffffffLL) {
           return "expected an event id (a positive whole number)";
         }
         eventId = v->get();
         return std::nullopt;
       }},
  };
  const std::map<std::string, Reader::Binding, std::less<>> serverKeys{
      {"url", text(server.url,
                   [](const std::string& v) -> std::optional<std::string> {
                     if (v.rfind("https://", 0) != 0) {
                       return "expected an https:// URL (the terminal never talks to central in "
                              "clear text)";
                     }
                     return std::nullopt;
                   })},
      {"ca_file", text(server.caFile, absolutePath)},
      {"pin_sha256", text(server.pinSha256,
                          [](const std::string& v) -> std::optional<std::string> {
                            if (v.rfind("sha256//", 0) != 0 || v.size() < 20) {
                              return "expected sha256//BASE64 (the server public key's SHA-256)";
                            }
                            return std::nullopt;
                          })},
      {"connect_timeout_s", integer(server.connectTimeoutS, 1, 120)},
      {"request_timeout_s", integer(server.requestTimeoutS, 1, 600)},
      {"poll_interval_s", integer(server.pollIntervalS, 1, 3600)},
      {"heartbeat_interval_s", integer(server.heartbeatIntervalS, 5, 3600)},
      {"retry_max_s", integer(server.retryMaxS, 1, 3600)},
      {"batch_size", integer(server.batchSize, 1, 1000)},
  };
  const std::map<std::string, Reader::Binding, std::less<>> camera{
      {"device",
       text(c.camera.device,
            [](const std::string& v) -> std::optional<std::string> {
              if (v == "auto" || v == "synthetic" || v == "none" || v.rfind("/dev/", 0) == 0 ||
                  v.rfind("video:", 0) == 0 || v.rfind("images:", 0) == 0) {
                return std::nullopt;
              }
              return "expected auto, none, synthetic, /dev/videoN, video:FILE or images:DIR";
            })},
      {"width", integer(c.camera.width, 160, 7680)},
      {"height", integer(c.camera.height, 120, 4320)},
      {"fps", integer(c.camera.fps, 1, 120)},
      {"formats", strings(c.camera.formats,
                          oneOf({"qr", "micro_qr", "aztec", "data_matrix", "pdf417", "code128",
                                 "code39", "ean13", "ean8", "upca", "itf"}),
                          true)},
  };
  const std::map<std::string, Reader::Binding, std::less<>> printer{
      {"name", text(c.printer.name)},
      {"fallback", text(c.printer.fallback)},
      {"media", text(c.printer.media)},
      {"server", text(c.printer.server)},
      {"badge_size", text(c.printer.badgeSize, oneOf({"cr80", "4x3", "62mm", "a6"}))},
  };
  const std::map<std::string, Reader::Binding, std::less<>> ui{
      {"fullscreen", boolean(c.ui.fullscreen)},
      {"width", integer(c.ui.width, 320, 7680)},
      {"height", integer(c.ui.height, 240, 7680)},
      {"orientation", text(c.ui.orientation, oneOf({"auto", "portrait", "landscape"}))},
      {"idle_timeout_s", integer(c.ui.idleTimeoutS, 5, 600)},
      {"hide_cursor", boolean(c.ui.hideCursor)},
      {"large_text", boolean(c.ui.largeText)},
      {"high_contrast", boolean(c.ui.highContrast)},
      {"reach_mode", boolean(c.ui.reachMode)},
      {"sounds", boolean(c.ui.sounds)},
      {"speech", text(c.ui.speech, oneOf({"off", "on-request", "always"}))},
      {"volume", integer(c.ui.volume, 0, 100)},
      {"screen_diagonal_in", number(c.ui.screenDiagonalIn, 7, 100)},
      {"pinyin_data", text(c.ui.pinyinData, absolutePath)},
  };
  const std::map<std::string, Reader::Binding, std::less<>> staff{
      {"lockout_attempts", integer(c.staff.lockoutAttempts, 1, 100)},
      {"lockout_minutes", integer(c.staff.lockoutMinutes, 1, 1440)},
  };
  const std::map<std::string, Reader::Binding, std::less<>> photo{
      {"enabled", boolean(c.photo.enabled)},
      {"upload", boolean(c.photo.upload)},
  };
  int retentionDays = -1;
  const std::map<std::string, Reader::Binding, std::less<>> privacy{
      {"retention_days", integer(retentionDays, 0, 3650)},
  };
  const auto command = [](const std::string& v) -> std::optional<std::string> {
    if (v.find_first_not_of(' ') == std::string::npos) {
      return "expected a command";
    }
    return std::nullopt;
  };
  const std::map<std::string, Reader::Binding, std::less<>> update{
      {"os_release", text(c.update.osRelease, absolutePath)},
      {"installer", text(c.update.installer, command)},
      {"reboot", text(c.update.reboot, command)},
      {"reboot_window", text(c.update.rebootWindow,
                             [](const std::string& v) -> std::optional<std::string> {
                               if (!parseTimeWindow(v)) {
                                 return "expected a local time window \"HH:MM-HH:MM\"";
                               }
                               return std::nullopt;
                             })},
  };
  const std::map<std::string, const std::map<std::string, Reader::Binding, std::less<>>*,
                 std::less<>>
      sections{
          {"terminal", &terminal},
          {"server", &serverKeys},
          {"camera", &camera},
          {"printer", &printer},
          {"ui", &ui},
          {"staff", &staff},
          {"photo", &photo},
          {"privacy", &privacy},
          {"update", &update},
      };
  for (const auto& [key, node] : root) {
    auto it = sections.find(key.str());
    if (it == sections.end()) {
      return reader.fail(node, "", key.str(), "unknown section");
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return reader.fail(node, "", key.str(), "expected a [" + std::string(key.str()) + "] table");
    }
    if (auto problem = reader.read(*table, std::string(key.str()), *it->second)) {
      return *problem;
    }
    if (key.str() == "server") {
      hasServer = true;
      if (server.url.empty()) {
        return reader.fail(node, "server", "url", "required when [server] is present");
      }
    }
  }
  if (hasServer) {
    c.server = server;
  }
  if (eventId != 0) {
    c.terminal.event = static_cast<EventId>(eventId);
  }
  if (retentionDays >= 0) {
    c.privacy.retentionDays = retentionDays;
  }
  return c;
}

}  // namespace

std::optional<std::pair<int, int>> parseTimeWindow(std::string_view window) {
  const auto minutes = [](std::string_view t) -> std::optional<int> {
    if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) ||
        !std::isdigit(static_cast<unsigned char>(t[1])) ||
        !std::isdigit(static_cast<unsigned char>(t[3])) ||
        !std::isdigit(static_cast<unsigned char>(t[4]))) {
      return std::nullopt;
    }
    const int h = (t[0] - '0') * 10 + (t[1] - '0');
    const int m = (t[3] - '0') * 10 + (t[4] - '0');
    if (h > 23 || m > 59) {
      return std::nullopt;
    }
    return h * 60 + m;
  };
  if (window.size() != 11 || window[5] != '-') {
    return std::nullopt;
  }
  const auto from = minutes(window.substr(0, 5));
  const auto to = minutes(window.substr(6));
  if (!from || !to || *from == *to) {
    return std::nullopt;
  }
  return std::make_pair(*from, *to);
}

Result<Config> loadConfig(const std::string& path) {
  return loadConfig(path, {}, {});
}

Result<Config> loadConfig(const std::string& path, std::string_view settings,
                          const std::string& settingsName) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorKind::kNotFound, path + ": cannot read the configuration file");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parseConfig(buffer.str(), path, settings, settingsName);
}

}  // namespace kiosk::app
