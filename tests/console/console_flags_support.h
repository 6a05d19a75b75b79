// Flags made by the real door for the console's flags tests: terminals with their own
// databases, check-in services and sync engines (the sync tests' TestTerminal) admit guests
// offline and sync; one terminal's clock runs an hour ahead; one terminal re-sends a record id
// with another document over the sync API with its own token.
#pragma once

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "offline-cache/json_codec.h"
#include "sync/sync_test_support.h"

namespace kiosk::testing {

struct MadeFlags {
  GuestId twiceAdmitted = 0;
  std::string admission;  // lobby-a's check-in: the earlier scan, it counts
  std::string second;     // lobby-b's: flagged
  GuestId skewedGuest = 0;
  std::string skewed;  // lobby-c's check-in, its clock an hour ahead
  GuestId conflictGuest = 0;
  std::string conflictId;  // lobby-a's check-in id, re-sent naming another guest
  std::string conflictSeq;
};

// Makes one flag of each kind in `central`'s event (which needs at least 4 guests); the
// terminals are enrolled in `dir` and stopped again before it returns.
inline MadeFlags makeFlags(CentralFixture& central, const std::filesystem::path& dir,
                           const Pki& pki) {
  MadeFlags made;
  const auto eventId = central.event().id;
  const auto& guests = central.guests();
  TestTerminal a(dir, "lobby-a", central.url(), pki);
  TestTerminal b(dir, "lobby-b", central.url(), pki);
  TestTerminal c(dir, "lobby-c", central.url(), pki);
  auto enrolledA = a.enroll(central.enrollmentCode("lobby-a"));
  EXPECT_TRUE(enrolledA) << enrolledA.error().message;
  b.enrollOrFail(central);
  c.enrollOrFail(central);
  for (auto* t : {&a, &b, &c}) {
    EXPECT_TRUE(t->engine().runOnce()) << t->name() << " pulls the roster";
  }
  // Offline (no engine running): a and b both admit the same guest; b's scan is a second
  // later by its clock.
  made.twiceAdmitted = guests[0].id;
  b.clock().shift(std::chrono::milliseconds(1000));
  auto first = a.checkIn(eventId, central.tokenFor(made.twiceAdmitted));
  auto again = b.checkIn(eventId, central.tokenFor(made.twiceAdmitted));
  EXPECT_TRUE(first && first->accepted() && again && again->accepted());
  made.admission = first->checkin->id;
  made.second = again->checkin->id;
  // c's clock runs an hour ahead: central cannot believe its scan time.
  made.skewedGuest = guests[1].id;
  c.clock().shift(std::chrono::hours(1));
  auto odd = c.checkIn(eventId, central.tokenFor(made.skewedGuest));
  EXPECT_TRUE(odd && odd->accepted());
  made.skewed = odd->checkin->id;
  made.conflictGuest = guests[2].id;
  auto third = a.checkIn(eventId, central.tokenFor(made.conflictGuest));
  EXPECT_TRUE(third && third->accepted());
  made.conflictId = third->checkin->id;
  for (auto* t : {&a, &b, &c}) {
    t->start();
  }
  EXPECT_TRUE(waitFor([&] { return central.count("checkins") == 4; }));
  EXPECT_TRUE(waitFor([&] { return a.outbox() + b.outbox() + c.outbox() == 0; }));
  for (auto* t : {&a, &b, &c}) {
    t->stop();
  }
  // a's record again, now naming another guest: the same id with another document.
  auto record = *third->checkin;
  record.guestId = guests[3].id;
  httplib::SSLClient client("127.0.0.1", central.port());
  client.set_ca_cert_path(pki.caFile.c_str());
  client.enable_server_certificate_verification(true);
  const nlohmann::json body{{"checkins", nlohmann::json::array({cache::toJson(record)})}};
  auto r = client.Post("/v1/checkins", {{"Authorization", "Bearer " + enrolledA->token}},
                       body.dump(), "application/json");
  EXPECT_TRUE(r);
  if (r) {
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("conflict"), std::string::npos) << r->body;
  }
  auto store = central.open();
  auto s = store->database().prepare("SELECT seq FROM conflicts WHERE record_id = ?1");
  s.bind(1, made.conflictId);
  if (s.step()) {
    made.conflictSeq = std::to_string(s.columnInt(0));
  }
  EXPECT_FALSE(made.conflictSeq.empty()) << "central keeps the refused record";
  return made;
}

}  // namespace kiosk::testing
