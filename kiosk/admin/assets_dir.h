// Where the shipped assets (string catalogs, fonts configuration, sounds, the reception
// console's pages) are, for the terminal, kioskctl and kiosk-central alike.
#pragma once

#include <string>

namespace kiosk::admin {

// $KIOSK_ASSETS_DIR, next to the executable's share folder, the installed location, then
// the source tree this binary was built from: the first that has an i18n/ folder. When
// none has, the last candidate (loading from it then says what is missing).
std::string findAssets();

}  // namespace kiosk::admin
