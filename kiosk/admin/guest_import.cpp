#include "kiosk/admin/guest_import.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiosk/core/guest_csv.h"
#include "kiosk/core/local_time.h"

namespace kiosk::admin {

GuestListFile readGuestList(const Console& console, const std::string& path, bool skipBad) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    console.fail("reading " + path, makeError(ErrorKind::kNotFound, "cannot open the file"));
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  return {path, bytes.str(), skipBad};
}

void importGuestList(const Console& console, const GuestListFile& file, const Event& event,
                     const SaveGuests& save) {
  GuestCsvOptions options;
  options.eventId = event.id;
  options.utcOffsetMinutes = utcOffsetMinutes(event.timezone, event.startsAt).value_or(0);
  auto result = parseGuestCsv(file.bytes, options);
  for (const auto& warning : result.warnings) {
    console.err() << file.path << ":" << toString(warning) << " (warning)\n";
  }
  if (!result.ok()) {
    console.err() << formatProblems(result);
    if (!file.skipBad) {
      console.refuse(file.path + ": " + std::to_string(result.badRows) + " of " +
                         std::to_string(result.rowsRead) +
                         " rows have problems; nothing was imported (fix them, or use "
                         "--skip-bad to import the good rows)",
                     1);
    }
  }
  const auto saved = save(std::move(result.guests));
  console.out() << nlohmann::json{{"imported", saved},
                                  {"rows", result.rowsRead},
                                  {"skipped", result.badRows},
                                  {"encoding", result.detectedEncoding},
                                  {"event_id", event.id}}
                       .dump()
                << "\n";
}

}  // namespace kiosk::admin
