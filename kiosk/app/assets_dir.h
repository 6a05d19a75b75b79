// The terminal's and kioskctl's name for the shared asset finder (kiosk/admin).
#pragma once

#include "kiosk/admin/assets_dir.h"

namespace kiosk::app {

using admin::findAssets;

}  // namespace kiosk::app
