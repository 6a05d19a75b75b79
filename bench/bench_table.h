// Shared output for the benchmark drivers: percentiles and one table row per figure,
// "| area | metric | value | target | verdict |", collected by bench/run into one table.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace kiosk::bench {

class Samples {
 public:
  void add(double value) { values_.push_back(value); }
  std::size_t count() const { return values_.size(); }
  template <typename F>
  double time(F&& body) {
    const auto start = std::chrono::steady_clock::now();
    body();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    add(ms);
    return ms;
  }
  double percentile(double p) {
    if (values_.empty()) {
      return 0;
    }
    std::sort(values_.begin(), values_.end());
    const auto index =
        static_cast<std::size_t>(p / 100.0 * static_cast<double>(values_.size() - 1) + 0.5);
    return values_[std::min(index, values_.size() - 1)];
  }
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<double> values_;
};

// CPU time of this process (user + system), in milliseconds: on a shared machine the
// wall-clock figures include waiting for a core, CPU time does not.
inline double cpuMillis() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// target: empty when there is no bar; lowerIsBetter decides the verdict.
inline void row(const std::string& area, const std::string& metric, double value,
                const std::string& unit, double target = -1, bool lowerIsBetter = true) {
  std::string verdict = "";
  char targetText[64] = "";
  if (target >= 0) {
    const bool met = lowerIsBetter ? value <= target : value >= target;
    verdict = met ? "meets" : "MISSES";
    std::snprintf(targetText, sizeof targetText, "%s %.4g %s", lowerIsBetter ? "<=" : ">=", target,
                  unit.c_str());
  }
  std::printf("| %-10s | %-52s | %12.4g %-6s | %-18s | %-6s |\n", area.c_str(), metric.c_str(),
              value, unit.c_str(), targetText, verdict.c_str());
  std::fflush(stdout);
}

}  // namespace kiosk::bench
