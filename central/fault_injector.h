// FaultInjector: faults the real server does not make on its own - 5xx and 429 answers,
// stalls past the client's timeout, truncated, malformed or cut-off responses - for the
// sync fault tests. Reachable only through ServerOptions::faults (a test hands its own
// injector to an in-process CentralServer); `kiosk-central serve` never sets one.
//
// Thread-safe. stall() waits for its delay or until release() (called when the server
// stops, so that a stalled handler never holds up shutdown).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/time.h"

namespace kiosk::central {

enum class FaultKind {
  kStatus,         // answer `status` without handling (429 also sends Retry-After)
  kStallBefore,    // wait `delay`, then handle normally (a client that gave up stored nothing)
  kStallAfter,     // handle (commit), then wait `delay` before answering
  kTruncatedBody,  // handle, then answer 200 with the first half of the JSON body
  kMalformedBody,  // handle, then answer 200 with a body that is not JSON
  kCutConnection,  // handle, then announce the full length, send half and close
};

struct Fault {
  std::string pathPrefix;  // "/v1/checkins", "/v1/changes", "/v1/" for every route
  FaultKind kind = FaultKind::kStatus;
  int status = 503;
  int retryAfterS = 1;
  Millis delay{0};
  int times = 1;  // how many requests it hits
};

class FaultInjector {
 public:
  void add(Fault fault);
  // The first fault whose prefix matches `path`, counting one use of it.
  std::optional<Fault> take(std::string_view path);
  void clear();
  std::size_t pending() const;
  std::size_t served() const;

  void stall(Millis delay);
  void release();

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Fault> faults_;
  std::size_t served_ = 0;
  bool released_ = false;
};

}  // namespace kiosk::central
