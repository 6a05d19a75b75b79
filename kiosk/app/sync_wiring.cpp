#include "kiosk/app/sync_wiring.h"

#include <iostream>

#include "kiosk/config/central_settings.h"

namespace kiosk::app {

std::optional<cache::SyncOptions> syncOptionsFrom(const Config& config) {
  if (!config.server) {
    return std::nullopt;
  }
  const auto& s = *config.server;
  cache::SyncOptions o;
  o.databasePath = config.terminal.database;
  o.http.baseUrl = s.url;
  o.http.caFile = s.caFile;
  o.http.pinnedPublicKey = s.pinSha256;
  o.http.connectTimeout = std::chrono::seconds(s.connectTimeoutS);
  o.http.requestTimeout = std::chrono::seconds(s.requestTimeoutS);
  o.http.userAgent = std::string("kiosk/") + KIOSK_VERSION;
  o.pollInterval = std::chrono::seconds(s.pollIntervalS);
  o.heartbeatInterval = std::chrono::seconds(s.heartbeatIntervalS);
  o.retryMax = std::chrono::seconds(s.retryMaxS);
  o.retryBase = std::min<Millis>(std::chrono::seconds(1), o.retryMax);
  o.probeInterval = std::min<Millis>(std::chrono::seconds(1), o.retryMax);
  o.batchSize = static_cast<std::size_t>(s.batchSize);
  o.uploadPhotos = config.photo.upload;
  o.version = KIOSK_VERSION;
  o.osVersion = readOsVersion(config.update.osRelease);
  o.settingsVersion = config.settings.version;
  o.settingsFailedVersion = config.settings.failedVersion;
  o.onSettings = [dir = config.terminal.dataDir,
                  running = config.settings.version](const cache::api::TerminalSettings& offered) {
    auto kept = CentralSettings(dir).offer(SettingsFile{offered.version, offered.toml}, running);
    // One write per line: the sync thread shares stderr with the terminal's.
    if (!kept) {
      std::cerr << ("kiosk: central settings version " + std::to_string(offered.version) +
                    " not kept: " + kept.error().message + "\n");
    } else if (*kept) {
      std::cerr << ("kiosk: central settings version " + std::to_string(offered.version) +
                    " received; the terminal restarts with them when no guest is at it\n");
    }
  };
  return o;
}

std::unique_ptr<cache::SyncEngine> makeSyncEngine(const Config& config, const Clock& clock,
                                                  cache::DeviceHealthSource* health,
                                                  UpdateAgent* updates) {
  auto options = syncOptionsFrom(config);
  if (!options) {
    return nullptr;
  }
  if (updates != nullptr) {
    options->updateState = [updates] { return updates->state(); };
    options->onUpdate = [updates](const cache::api::OsUpdate& u) { updates->offer(u); };
  }
  return std::make_unique<cache::SyncEngine>(std::move(*options), clock, health);
}

std::optional<UpdateAgentOptions> updateOptionsFrom(const Config& config) {
  auto sync = syncOptionsFrom(config);
  if (!sync) {
    return std::nullopt;
  }
  UpdateAgentOptions o;
  o.dataDir = config.terminal.dataDir;
  o.osVersion = sync->osVersion;
  o.http = sync->http;
  o.installer = splitCommand(config.update.installer);
  o.reboot = splitCommand(config.update.reboot);
  o.rebootWindow = parseTimeWindow(config.update.rebootWindow).value_or(o.rebootWindow);
  return o;
}

}  // namespace kiosk::app
