#include "kiosk/config/central_settings.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "kiosk/config/atomic_file.h"

namespace kiosk::app {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// A settings file, or nullopt when it is absent or unreadable (`why` says which).
std::optional<SettingsFile> readSettings(const std::string& path, std::string* why) {
  const auto text = readText(path);
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto j = Json::parse(*text);
    SettingsFile f{j.at("version").get<std::int64_t>(), j.at("settings").get<std::string>()};
    if (f.version <= 0) {
      throw std::invalid_argument("version must be positive");
    }
    return f;
  } catch (const std::exception& e) {
    if (why != nullptr) {
      *why = path + ": unreadable (" + e.what() + ")";
    }
    return std::nullopt;
  }
}

std::string settingsJson(const SettingsFile& f) {
  return Json{{"version", f.version}, {"settings", f.toml}}.dump();
}

}  // namespace

CentralSettings::CentralSettings(std::string dataDir) : dir_(std::move(dataDir)) {}

std::string CentralSettings::path(std::string_view name) const {
  return dir_ + "/settings-" + std::string(name) + ".json";
}

bool CentralSettings::waiting() const {
  std::error_code ec;
  return fs::exists(path("next"), ec);
}

Result<Config> loadStartConfig(const std::string& configPath,
                               const std::function<void(const std::string&)>& log) {
  auto base = loadConfig(configPath);
  if (!base) {
    return base.error();
  }
  const auto dir = base->terminal.dataDir;
  return CentralSettings(dir).startConfig(configPath, std::move(*base), log);
}

Config CentralSettings::startConfig(const std::string& configPath, Config base,
                                    const std::function<void(const std::string&)>& log) {
  SettingsState state;
  const auto fail = [&](std::int64_t version, const std::string& reason) {
    log("central settings version " + std::to_string(version) + " given up: " + reason);
    state.failedVersion = version;
    state.failedReason = reason;
    const auto written =
        writeAtomically(path("failed"), Json{{"version", version}, {"reason", reason}}.dump());
    if (!written) {
      log(written.error().message);
    }
  };
  if (const auto text = readText(path("failed"))) {
    try {
      const auto j = Json::parse(*text);
      state.failedVersion = j.at("version").get<std::int64_t>();
      state.failedReason = j.at("reason").get<std::string>();
    } catch (const std::exception&) {
      log(path("failed") + ": unreadable; ignored");
    }
  }

  std::error_code ec;
  std::optional<SettingsFile> trying;
  std::string why;
  if (fs::exists(path("trying"), ec)) {
    // The start before this one used it and never got healthy.
    if (auto left = readSettings(path("trying"), &why)) {
      fail(left->version, "the terminal did not start with it");
    } else {
      log(why);
    }
    fs::remove(path("trying"), ec);
  } else if (fs::exists(path("next"), ec)) {
    trying = readSettings(path("next"), &why);
    if (!trying) {
      log(why);
      fs::remove(path("next"), ec);
    } else if (fs::rename(path("next"), path("trying"), ec); ec) {
      log(path("next") + ": cannot be taken into use: " + ec.message());
      trying.reset();
    }
  }
  if (trying) {
    auto merged = loadConfig(configPath, trying->toml,
                             "central settings version " + std::to_string(trying->version));
    if (merged) {
      state.version = trying->version;
      merged->settings = state;
      log("starting with central settings version " + std::to_string(trying->version) +
          " (new: kept once the terminal is up)");
      return std::move(*merged);
    }
    fail(trying->version, merged.error().message);
    fs::remove(path("trying"), ec);
  }
  why.clear();
  if (auto good = readSettings(path("good"), &why)) {
    auto merged = loadConfig(configPath, good->toml,
                             "central settings version " + std::to_string(good->version));
    if (merged) {
      state.version = good->version;
      merged->settings = state;
      return std::move(*merged);
    }
    // The file changed under settings that worked before: the file wins.
    log("central settings version " + std::to_string(good->version) +
        " no longer fit the configuration file: " + merged.error().message);
  } else if (!why.empty()) {
    log(why);
  }
  base.settings = state;
  return base;
}

Status CentralSettings::confirm() {
  std::error_code ec;
  if (!fs::exists(path("trying"), ec)) {
    return okStatus();
  }
  fs::rename(path("trying"), path("good"), ec);
  if (ec) {
    return makeError(ErrorKind::kPermanent, path("good") + ": " + ec.message());
  }
  return okStatus();
}

Result<bool> CentralSettings::offer(const SettingsFile& settings, std::int64_t running) {
  if (settings.version == running) {
    return false;
  }
  if (const auto text = readText(path("failed"))) {
    try {
      if (Json::parse(*text).at("version").get<std::int64_t>() == settings.version) {
        return false;
      }
    } catch (const std::exception&) {
      // An unreadable failed file names no version: take the offer.
    }
  }
  std::string why;
  if (auto next = readSettings(path("next"), &why); next && next->version == settings.version) {
    return false;
  }
  if (auto st = writeAtomically(path("next"), settingsJson(settings)); !st) {
    return st.error();
  }
  return true;
}

}  // namespace kiosk::app
