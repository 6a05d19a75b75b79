#include "kiosk/admin/assets_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace kiosk::admin {

std::string findAssets() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("KIOSK_ASSETS_DIR"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "../share/kiosk/assets");
  }
  candidates.emplace_back("/usr/share/kiosk/assets");
#ifdef KIOSK_ASSETS_DIR
  candidates.emplace_back(KIOSK_ASSETS_DIR);
#endif
  for (const auto& c : candidates) {
    if (fs::exists(c / "i18n", ec)) {
      return c.string();
    }
  }
  return candidates.empty() ? std::string("assets") : candidates.back().string();
}

}  // namespace kiosk::admin
