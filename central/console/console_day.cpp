#include "central/console/console_day.h"

#include <cstdio>
#include <ctime>
#include <regex>

#include "kiosk/core/local_time.h"

namespace kiosk::central::console {

std::optional<DayBounds> dayBounds(const std::string& day, const std::string& zone) {
  static const std::regex shape(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(day, shape)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(std::stoi(day.substr(0, 4))),
                                        std::chrono::month(std::stoul(day.substr(5, 2))),
                                        std::chrono::day(std::stoul(day.substr(8, 2)))};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const std::chrono::year_month_day next{std::chrono::sys_days(ymd) + std::chrono::days(1)};
  auto iso = [](const std::chrono::year_month_day& d) {
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT00:00:00", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return std::string(out);
  };
  if (!zone.empty() && isKnownTimeZone(zone)) {
    auto start = parseLocalTime(iso(ymd), zone);
    auto end = parseLocalTime(iso(next), zone);
    if (start && end) {
      return DayBounds{*start, *end, true};
    }
  }
  auto local = [](const std::chrono::year_month_day& d) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(d.year()) - 1900;
    tm.tm_mon = static_cast<int>(static_cast<unsigned>(d.month())) - 1;
    tm.tm_mday = static_cast<int>(static_cast<unsigned>(d.day()));
    tm.tm_isdst = -1;
    return TimePoint(std::chrono::seconds(std::mktime(&tm)));
  };
  return DayBounds{local(ymd), local(next), false};
}

std::string dayOf(TimePoint at, const std::string& zone) {
  return formatLocal(at, !zone.empty() && isKnownTimeZone(zone) ? zone : std::string(),
                     "yyyy-MM-dd");
}

std::optional<TimePoint> pickupOf(const Guest& guest) {
  std::optional<TimePoint> first;
  for (const auto& leg : guest.transport) {
    if (leg.pickupTime && (!first || *leg.pickupTime < *first)) {
      first = leg.pickupTime;
    }
  }
  return first;
}

bool isLate(const ArrivalRow& row, TimePoint now) {
  const auto pickup = pickupOf(row.guest);
  return !row.arrivedAt && pickup && now > *pickup + kLateAfter;
}

bool onDay(const ArrivalRow& row, const DayBounds& day, const std::string& dayText,
           const std::string& zone) {
  if (row.arrivedAt) {
    return *row.arrivedAt >= day.start && *row.arrivedAt < day.end;
  }
  const auto pickup = pickupOf(row.guest);
  const auto& checkin = row.guest.lodging.checkinDate;
  if (!pickup && checkin.empty()) {
    return true;
  }
  return checkin == dayText || (pickup && dayOf(*pickup, zone) == dayText);
}

}  // namespace kiosk::central::console
