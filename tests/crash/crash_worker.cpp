// The process the crash driver kills: it checks guests in, one after another, through
// the real CheckinService and store, and writes "accepted <booking code> <check-in id>"
// to stdout (unbuffered, one write per line) the moment commit returns, which is the
// moment a guest would see "welcome" on the screen. With a server URL it also runs the
// terminal's sync engine, woken after every check-in, as the terminal does.
//   crash_worker DB_FILE TERMINAL CODE_PREFIX FIRST_NUMBER COUNT [URL CA_FILE]
// Booking codes are CODE_PREFIX followed by FIRST_NUMBER, FIRST_NUMBER + 1, ...
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "kiosk/core/checkin_service.h"
#include "offline-cache/local_store.h"
#include "offline-cache/sync_engine.h"

namespace {

void say(const std::string& line) {
  const std::string text = line + "\n";
  // One write(2) per line: a kill lands before or after it, never inside a buffer.
  if (::write(STDOUT_FILENO, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    std::exit(3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 8) {
    std::fprintf(stderr, "usage: crash_worker DB TERMINAL PREFIX FIRST COUNT [URL CA_FILE]\n");
    return 2;
  }
  auto store = kiosk::cache::LocalStore::open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "crash_worker: %s\n", store.error().message.c_str());
    return 2;
  }
  auto event = (*store)->resolveEvent(std::nullopt);
  if (!event) {
    std::fprintf(stderr, "crash_worker: %s\n", event.error().message.c_str());
    return 2;
  }
  kiosk::SystemClock clock;
  kiosk::CheckinService service(**store, **store, clock, argv[2], event->id);
  const std::string prefix = argv[3];
  const int first = std::atoi(argv[4]);
  const int count = std::atoi(argv[5]);
  std::unique_ptr<kiosk::cache::SyncEngine> sync;
  if (argc == 8) {
    kiosk::cache::SyncOptions options;
    options.databasePath = argv[1];
    options.http.baseUrl = argv[6];
    options.http.caFile = argv[7];
    options.pollInterval = std::chrono::milliseconds(50);
    options.retryBase = std::chrono::milliseconds(20);
    options.retryMax = std::chrono::milliseconds(100);
    options.batchSize = 5;  // many small pushes: more instants at which to be killed
    options.version = "crash-worker";
    sync = std::make_unique<kiosk::cache::SyncEngine>(options, clock);
    sync->start();
  }
  say("ready");
  for (int i = first; i < first + count; ++i) {
    const std::string code = prefix + std::to_string(i);
    auto decision = service.checkInNow(code, kiosk::ScanSource::kWedgeScanner);
    if (sync) {
      sync->wake();
      // Guests arrive one after another, not all in the same millisecond.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!decision) {
      say("error " + code + " " + decision.error().message);
      return 1;
    }
    if (decision->accepted()) {
      say("accepted " + code + " " + decision->checkin->id);
    } else {
      say(std::string(kiosk::toString(decision->outcome)) + " " + code);
    }
  }
  if (sync) {
    sync->stop();
  }
  say("done");
  return 0;
}
