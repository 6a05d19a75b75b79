// Building the sync engine from the terminal's configuration. The composition root
// (runTerminal) owns the engine it returns, starts it, calls wake() after every commit
// and shows status() on the staff device page; `kiosk sync --once` runs one round.
#pragma once

#include <memory>
#include <optional>

#include "kiosk/app/update_agent.h"
#include "kiosk/config/config.h"
#include "kiosk/core/time.h"
#include "offline-cache/sync_engine.h"

namespace kiosk::app {

// The engine's options from [terminal] database and the [server] table (nullopt when the
// terminal is standalone).
std::optional<cache::SyncOptions> syncOptionsFrom(const Config& config);

// nullptr when the terminal is standalone. Not started. `clock`, `health` and `updates` (may
// be null) must outlive the engine; the heartbeat reports `updates`' state and hands it the
// OS updates central offers.
std::unique_ptr<cache::SyncEngine> makeSyncEngine(const Config& config, const Clock& clock,
                                                  cache::DeviceHealthSource* health,
                                                  UpdateAgent* updates = nullptr);

// The OS update agent's options from [update], with the sync's TLS trust; nullopt when the
// terminal is standalone (no central offers updates).
std::optional<UpdateAgentOptions> updateOptionsFrom(const Config& config);

}  // namespace kiosk::app
