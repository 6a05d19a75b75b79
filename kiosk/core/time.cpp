#include "kiosk/core/time.h"

#include <cstdio>

namespace kiosk {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

std::int64_t toUnixMillis(TimePoint t) {
  return t.time_since_epoch().count();
}
TimePoint fromUnixMillis(std::int64_t ms) {
  return TimePoint{Millis{ms}};
}
std::int64_t toUnixSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}
TimePoint fromUnixSeconds(std::int64_t s) {
  return TimePoint{std::chrono::seconds{s}};
}

std::string formatIso8601(TimePoint t, bool includeMillis) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  if (includeMillis) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), long(hms.seconds().count()),
                  long(hms.subseconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), long(hms.seconds().count()));
  }
  return buf;
}

namespace {

bool readDigits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<std::chrono::year_month_day> parseDate(std::string_view s) {
  using namespace std::chrono;
  int y = 0;
  int m = 0;
  int d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !readDigits(s, 0, 4, y) ||
      !readDigits(s, 5, 2, m) || !readDigits(s, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{unsigned(m)}, day{unsigned(d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return ymd;
}

std::string formatDate(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(date.year()), unsigned(date.month()),
                unsigned(date.day()));
  return buf;
}

std::optional<TimePoint> parseIso8601(std::string_view s, int defaultOffsetMinutes) {
  using namespace std::chrono;
  const auto date = parseDate(s.substr(0, 10));
  if (!date) {
    return std::nullopt;
  }
  TimePoint t = time_point_cast<Millis>(sys_days{*date});
  std::size_t pos = 10;
  int offsetMinutes = defaultOffsetMinutes;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') {
      return std::nullopt;
    }
    ++pos;
    int hh = 0;
    int mm = 0;
    int ss = 0;
    int ms = 0;
    if (!readDigits(s, pos, 2, hh) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
        !readDigits(s, pos + 3, 2, mm)) {
      return std::nullopt;
    }
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!readDigits(s, pos + 1, 2, ss)) {
        return std::nullopt;
      }
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (digits < 3) {
            ms = ms * 10 + (s[pos] - '0');
          }
          ++digits;
          ++pos;
        }
        if (digits == 0) {
          return std::nullopt;
        }
        for (int i = digits; i < 3; ++i) {
          ms *= 10;
        }
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) {
      return std::nullopt;
    }
    t += hours{hh} + minutes{mm} + seconds{ss} + Millis{ms};
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        offsetMinutes = 0;
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos] == '-' ? -1 : 1;
        int oh = 0;
        int om = 0;
        if (!readDigits(s, pos + 1, 2, oh)) {
          return std::nullopt;
        }
        pos += 3;
        if (pos < s.size() && s[pos] == ':') {
          ++pos;
        }
        if (!readDigits(s, pos, 2, om)) {
          return std::nullopt;
        }
        pos += 2;
        if (oh > 14 || om > 59) {
          return std::nullopt;
        }
        offsetMinutes = sign * (oh * 60 + om);
      }
    }
    if (pos != s.size()) {
      return std::nullopt;
    }
  }
  return t - minutes{offsetMinutes};
}

}  // namespace kiosk
