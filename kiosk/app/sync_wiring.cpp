#include "kiosk/app/sync_wiring.h"

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
  return o;
}

std::unique_ptr<cache::SyncEngine> makeSyncEngine(const Config& config, const Clock& clock,
                                                  cache::DeviceHealthSource* health) {
  auto options = syncOptionsFrom(config);
  if (!options) {
    return nullptr;
  }
  return std::make_unique<cache::SyncEngine>(std::move(*options), clock, health);
}

}  // namespace kiosk::app
