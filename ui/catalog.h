// The screens' words come from the shared string catalogs (i18n/catalog.h, also used by
// kioskctl); this header names them in the UI's namespace.
#pragma once

#include "i18n/catalog.h"

namespace kiosk::ui {

using i18n::Catalog;
using i18n::Catalogs;
using i18n::decodeUtf8;
using i18n::format;

}  // namespace kiosk::ui
