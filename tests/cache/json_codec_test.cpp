#include "offline-cache/json_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kiosk::cache {
namespace {

TEST(JsonCodec, GuestRoundTrip) {
  Guest g;
  g.eventId = 7;
  g.id = 9;
  g.bookingCode = "ABCD-1234";
  g.name = "𠮷田 㛃";
  g.category = GuestCategory::kGovernment;
  g.needs.allergies = "peanuts";
  g.status = GuestStatus::kBlocked;
  g.escortRequired = true;
  g.lodging.room = "1208";
  TransportLeg leg;
  leg.pickupTime = fromUnixMillis(1'795'000'000'123);
  g.transport.push_back(leg);
  g.meetings.push_back(Meeting{"Plenary", "Hall A", std::nullopt, "R1-1"});
  const Guest back = guestFromJson(parseJson(dump(toJson(g))));
  EXPECT_EQ(back.name, g.name);
  EXPECT_EQ(back.category, g.category);
  EXPECT_EQ(back.status, g.status);
  EXPECT_TRUE(back.escortRequired);
  EXPECT_EQ(back.needs, g.needs);
  EXPECT_EQ(back.transport.at(0).pickupTime, leg.pickupTime);
  EXPECT_FALSE(back.meetings.at(0).startsAt);
}

// docs/api/openapi.yaml: a lodging date is `format: date` or null; "" is read as unknown
// too (what central and terminals sent before).
TEST(JsonCodec, UnknownLodgingDatesAreNullOnTheWireAndEmptyStringsStillRead) {
  Lodging l;
  l.hotel = "Lakeside";
  const auto j = toJson(l);
  EXPECT_TRUE(j.at("checkin_date").is_null());
  EXPECT_TRUE(j.at("checkout_date").is_null());
  EXPECT_EQ(lodgingFromJson(j).checkinDate, "");
  l.checkinDate = "2026-11-23";
  EXPECT_EQ(toJson(l).at("checkin_date"), "2026-11-23");
  EXPECT_EQ(toJson(l).at("checkout_date"), nullptr);
  const auto old =
      lodgingFromJson(parseJson(R"({"hotel":"H","checkin_date":"","checkout_date":""})"));
  EXPECT_EQ(old.checkinDate, "");
  EXPECT_EQ(old.checkoutDate, "");
  EXPECT_EQ(old.hotel, "H");
}

TEST(JsonCodec, MalformedInputThrows) {
  EXPECT_ANY_THROW(guestFromJson(parseJson(R"({"id": 1})")));
  EXPECT_ANY_THROW(
      guestFromJson(parseJson(R"({"event_id":1,"id":"x","booking_code":"A","name":"n"})")));
  EXPECT_ANY_THROW(checkinFromJson(parseJson(
      R"({"id":"a","event_id":1,"guest_id":2,"terminal":"t","scanned_at":"yesterday","method":"qr_code"})")));
  EXPECT_ANY_THROW(parseJson("{\"truncated\": "));
}

// Found by the sync_json fuzzer: a float or huge number where an id belongs was converted
// with undefined behaviour instead of being rejected.
TEST(JsonCodec, NumbersOutOfRangeOrNotIntegersAreRejected) {
  const auto checkin = [](const std::string& guestId) {
    return checkinFromJson(parseJson(R"({"id":"a","event_id":1,"guest_id":)" + guestId +
                                     R"(,"terminal":"t","scanned_at":"2026-11-24T00:30:00.000Z",)"
                                     R"("method":"qr_code"})"));
  };
  EXPECT_EQ(checkin("4294967295").guestId, 4294967295U);
  EXPECT_THROW(checkin("9999999999999999999999999992"), std::invalid_argument);
  EXPECT_THROW(checkin("4294967296"), std::invalid_argument);
  EXPECT_THROW(checkin("-1"), std::invalid_argument);
  EXPECT_THROW(checkin("2.5"), std::invalid_argument);
  EXPECT_THROW(checkin("\"7\""), std::invalid_argument);
  EXPECT_EQ(integerFromJson<std::uint64_t>(parseJson("9007199254740993")), 9007199254740993ULL);
  EXPECT_THROW(integerFromJson<std::uint64_t>(parseJson("18446744073709551615")),
               std::invalid_argument);
}

TEST(JsonCodec, CheckinRoundTrip) {
  CheckinRecord r;
  r.id = "0190f1e2-0000-7000-8000-000000000001";
  r.eventId = 1;
  r.guestId = 2;
  r.terminal = "lobby-2";
  r.scannedAt = fromUnixMillis(1'795'000'000'500);
  r.method = CheckinMethod::kStaffOverride;
  r.overrideReason = "passport checked";
  const auto back = checkinFromJson(parseJson(dump(toJson(r))));
  EXPECT_EQ(back.id, r.id);
  EXPECT_EQ(back.scannedAt, r.scannedAt);
  EXPECT_EQ(back.method, r.method);
  EXPECT_EQ(back.overrideReason, r.overrideReason);
}

}  // namespace
}  // namespace kiosk::cache
