// Small files the terminal keeps in its data folder (central settings, OS update state):
// read whole, and replaced so that a power cut leaves the old file or the new one, never
// half of one. Any thread; no locking (one terminal process per data folder).
#pragma once

#include <optional>
#include <string>

#include "kiosk/core/result.h"

namespace kiosk::app {

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> readText(const std::string& path);

// Writes `text` to `path` by a synced temporary file renamed over it (and syncs the folder,
// so the rename itself survives a power cut). kPermanent naming the file on failure.
Status writeAtomically(const std::string& path, const std::string& text);

}  // namespace kiosk::app
