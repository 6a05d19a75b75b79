#include "central/fault_injector.h"

namespace kiosk::central {

void FaultInjector::add(Fault fault) {
  std::lock_guard lock(mutex_);
  released_ = false;
  faults_.push_back(std::move(fault));
}

std::optional<Fault> FaultInjector::take(std::string_view path) {
  std::lock_guard lock(mutex_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (path.substr(0, it->pathPrefix.size()) == it->pathPrefix) {
      Fault f = *it;
      if (--it->times <= 0) {
        faults_.erase(it);
      }
      ++served_;
      return f;
    }
  }
  return std::nullopt;
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

std::size_t FaultInjector::pending() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& f : faults_) {
    n += static_cast<std::size_t>(f.times);
  }
  return n;
}

std::size_t FaultInjector::served() const {
  std::lock_guard lock(mutex_);
  return served_;
}

void FaultInjector::stall(Millis delay) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, delay, [this] { return released_; });
}

void FaultInjector::release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  cv_.notify_all();
}

}  // namespace kiosk::central
