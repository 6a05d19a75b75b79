#include "kiosk/core/checkin_service.h"

#include <gtest/gtest.h>

#include "fake_roster.h"

namespace kiosk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr EventId kEvent = 0x0badcafe;
const TimePoint kNow = fromUnixSeconds(1'795'000'000);

class CheckinServiceTest : public ::testing::Test {
 protected:
  CheckinServiceTest() : clock(kNow), service(store, store, clock, "lobby-1", kEvent) {
    Event e;
    e.id = kEvent;
    e.name = "Test Summit";
    e.startsAt = kNow - hours(24);
    e.endsAt = kNow + hours(48);
    store.events[kEvent] = e;
    store.keys[1] = SigningKey{kEvent, 1, key.publicKey, std::nullopt, kNow, std::nullopt};
    Guest g;
    g.eventId = kEvent;
    g.id = 42;
    g.bookingCode = "ABCD-1234";
    g.name = "Li Wei";
    g.needs.diet = "vegetarian";
    store.guests[42] = g;
  }

  std::string tokenFor(GuestId guest, TimePoint from, TimePoint to, EventId event = kEvent) {
    SigningKey k = key;
    k.eventId = event;
    return issueToken(TokenClaims{1, event, guest, from, to}, k);
  }
  std::string validToken(GuestId guest = 42) {
    return tokenFor(guest, kNow - hours(1), kNow + hours(48));
  }

  testing::FakeStore store;
  ManualClock clock;
  SigningKey key = generateSigningKey(kEvent, 1, kNow);
  CheckinService service;
};

TEST_F(CheckinServiceTest, ValidCodeIsAcceptedThenAlreadyCheckedIn) {
  auto first = service.checkInNow(validToken(), ScanSource::kCamera);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->outcome, ScanOutcome::kAccepted);
  ASSERT_TRUE(first->checkin);
  EXPECT_EQ(first->checkin->method, CheckinMethod::kQrCode);
  EXPECT_EQ(store.checkins.size(), 1u);
  EXPECT_EQ(store.audit.back().action, AuditAction::kCheckin);

  clock.advance(minutes(3));
  auto second = service.checkInNow(validToken(), ScanSource::kCamera);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->outcome, ScanOutcome::kAlreadyCheckedIn);
  ASSERT_TRUE(second->previous);
  EXPECT_EQ(second->previous->terminal, "lobby-1");
  EXPECT_EQ(second->previous->scannedAt, kNow);
  EXPECT_EQ(store.checkins.size(), 1u);
  ASSERT_EQ(store.rejections.size(), 1u);
  EXPECT_EQ(store.rejections[0].outcome, ScanOutcome::kAlreadyCheckedIn);
}

TEST_F(CheckinServiceTest, EvaluateWritesNothing) {
  auto d = service.evaluate(validToken(), ScanSource::kCamera);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->accepted());
  EXPECT_TRUE(store.checkins.empty());
  EXPECT_TRUE(store.audit.empty());
}

TEST_F(CheckinServiceTest, EachRefusalHasItsOutcomeAndIsRecorded) {
  std::string altered = validToken();
  altered[50] = altered[50] == 'Q' ? 'R' : 'Q';
  const SigningKey otherKey = generateSigningKey(kEvent, 1, kNow);
  const std::string wrongKey =
      issueToken(TokenClaims{1, kEvent, 42, kNow - hours(1), kNow + hours(1)}, otherKey);
  const SigningKey unknownKeyId = generateSigningKey(kEvent, 9, kNow);
  const std::string unknownKey =
      issueToken(TokenClaims{9, kEvent, 42, kNow - hours(1), kNow + hours(1)}, unknownKeyId);
  const std::string revokedToken = tokenFor(42, kNow - hours(2), kNow + hours(2));
  store.revoked.insert(std::get<ParsedToken>(parseToken(revokedToken)).tokenId());

  const std::pair<std::string, ScanOutcome> cases[] = {
      {altered, ScanOutcome::kBadSignature},
      {wrongKey, ScanOutcome::kBadSignature},
      {unknownKey, ScanOutcome::kBadSignature},
      {validToken().substr(0, 80), ScanOutcome::kBadSignature},
      {tokenFor(42, kNow - hours(1), kNow + hours(1), 0x11111111), ScanOutcome::kWrongEvent},
      {tokenFor(42, kNow + hours(2), kNow + hours(9)), ScanOutcome::kNotYetValid},
      {tokenFor(42, kNow - hours(9), kNow - hours(2)), ScanOutcome::kExpired},
      {revokedToken, ScanOutcome::kRevoked},
      {validToken(77), ScanOutcome::kUnknownCode},
      {"NOPE-0000", ScanOutcome::kUnknownCode},
      {"hello world!", ScanOutcome::kUnknownCode},
      {std::string(4096, '\x9c'), ScanOutcome::kUnknownCode},
  };
  for (const auto& [text, expected] : cases) {
    auto d = service.checkInNow(text, ScanSource::kCamera);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->outcome, expected) << toString(expected) << ": " << d->detail;
    EXPECT_FALSE(d->detail.empty());
    EXPECT_EQ(d->detail.find(text.substr(4, 20)), std::string::npos) << "detail leaks the code";
  }
  EXPECT_TRUE(store.checkins.empty());
  EXPECT_EQ(store.rejections.size(), std::size(cases));
  EXPECT_EQ(store.audit.size(), std::size(cases));
}

TEST_F(CheckinServiceTest, ValidityWindowHasSkewGrace) {
  auto d = service.evaluate(tokenFor(42, kNow + minutes(4), kNow + hours(9)), ScanSource::kCamera);
  EXPECT_EQ(d->outcome, ScanOutcome::kAccepted);
  d = service.evaluate(tokenFor(42, kNow - hours(9), kNow - minutes(4)), ScanSource::kCamera);
  EXPECT_EQ(d->outcome, ScanOutcome::kAccepted);
}

TEST_F(CheckinServiceTest, BookingCodeIsAcceptedCaseInsensitive) {
  auto d = service.checkInNow("  abcd-1234\n", ScanSource::kWedgeScanner);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outcome, ScanOutcome::kAccepted);
  EXPECT_EQ(d->checkin->method, CheckinMethod::kBookingCode);
}

// A booking code carries no window of its own: it is held to the one the event's QR codes
// have by default (7 days before the start to 1 day after the end), with the same grace.
TEST_F(CheckinServiceTest, BookingCodeObeysTheEventsCodeWindow) {
  const Event& e = store.events[kEvent];
  clock.set(e.startsAt - kCodesValidBeforeStart - minutes(10));
  auto d = service.evaluate("ABCD-1234", ScanSource::kTyped);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outcome, ScanOutcome::kNotYetValid) << d->detail;
  clock.set(e.startsAt - kCodesValidBeforeStart - minutes(4));
  EXPECT_EQ(service.evaluate("ABCD-1234", ScanSource::kTyped)->outcome, ScanOutcome::kAccepted);
  clock.set(e.endsAt + kCodesValidAfterEnd + minutes(4));
  EXPECT_EQ(service.evaluate("ABCD-1234", ScanSource::kTyped)->outcome, ScanOutcome::kAccepted);
  clock.set(e.endsAt + kCodesValidAfterEnd + minutes(10));
  d = service.checkInNow("ABCD-1234", ScanSource::kTyped);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outcome, ScanOutcome::kExpired) << d->detail;
  EXPECT_FALSE(d->checkin);
  EXPECT_EQ(store.rejections.size(), 1u) << "the refusal is recorded";
}

// A revoked code means a lost or copied invitation, and the booking code is printed on
// it too: it admits no more. A new code issued to the guest does.
TEST_F(CheckinServiceTest, BookingCodeOfAGuestWithARevokedCodeIsRefused) {
  store.guestsWithRevokedCodes.insert(42);
  auto d = service.checkInNow("ABCD-1234", ScanSource::kTyped);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outcome, ScanOutcome::kRevoked) << d->detail;
  EXPECT_FALSE(d->checkin);
  EXPECT_EQ(service.evaluate(validToken(), ScanSource::kCamera)->outcome, ScanOutcome::kAccepted);
}

// Codes signed by a retired key are refused, with the reason for staff.
TEST_F(CheckinServiceTest, CodesOfARetiredKeyAreRefused) {
  store.keys[1].retiredAt = kNow - hours(1);
  auto d = service.evaluate(validToken(), ScanSource::kCamera);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outcome, ScanOutcome::kRevoked);
  EXPECT_NE(d->detail.find("retired"), std::string::npos) << d->detail;
}

TEST_F(CheckinServiceTest, GuestStatusRules) {
  store.guests[42].status = GuestStatus::kCancelled;
  EXPECT_EQ(service.evaluate(validToken(), ScanSource::kCamera)->outcome, ScanOutcome::kRevoked);
  store.guests[42].status = GuestStatus::kBlocked;
  auto d = service.evaluate(validToken(), ScanSource::kCamera);
  EXPECT_EQ(d->outcome, ScanOutcome::kNeedsStaff);
  EXPECT_EQ(d->staffReason, StaffReason::kBlocked);
  store.guests[42].status = GuestStatus::kActive;
  store.guests[42].escortRequired = true;
  d = service.evaluate(validToken(), ScanSource::kCamera);
  EXPECT_EQ(d->staffReason, StaffReason::kVipEscort);
  store.guests[42].escortRequired = false;
  store.events[kEvent].requiredFields = {"phone", "diet"};
  d = service.evaluate(validToken(), ScanSource::kCamera);
  EXPECT_EQ(d->staffReason, StaffReason::kMissingAnswers);
  EXPECT_NE(d->detail.find("phone"), std::string::npos);
  EXPECT_EQ(d->detail.find("diet"), std::string::npos);
}

TEST_F(CheckinServiceTest, ConfirmFlagsChangedNeedsAndNotifiesHost) {
  store.guests[42].host = "Ms. Chen";
  auto d = service.evaluate(validToken(), ScanSource::kCamera);
  ConfirmDetails details;
  details.confirmedNeeds = d->guest->needs;
  details.confirmedNeeds.allergies = "peanuts";
  details.photoTaken = true;
  auto done = service.confirm(*d, details);
  ASSERT_TRUE(done);
  ASSERT_TRUE(done->checkin);
  EXPECT_TRUE(done->checkin->needsChanged);
  EXPECT_TRUE(done->checkin->photoTaken);
  EXPECT_EQ(store.hostNotices.size(), 1u);
}

TEST_F(CheckinServiceTest, ConfirmRaceWithOtherTerminalBecomesAlreadyCheckedIn) {
  auto d = service.evaluate(validToken(), ScanSource::kCamera);
  CheckinRecord other;
  other.id = "synced-from-b";
  other.eventId = kEvent;
  other.guestId = 42;
  other.terminal = "lobby-2";
  other.scannedAt = kNow - minutes(1);
  store.checkins.push_back(other);
  auto done = service.confirm(*d, ConfirmDetails{d->guest->needs, false});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->outcome, ScanOutcome::kAlreadyCheckedIn);
  EXPECT_EQ(done->previous->terminal, "lobby-2");
}

TEST_F(CheckinServiceTest, ConfirmRefusesRejectedDecision) {
  auto d = service.evaluate("NOPE-0000", ScanSource::kCamera);
  EXPECT_FALSE(service.confirm(*d, {}));
  EXPECT_TRUE(store.checkins.empty());
}

TEST_F(CheckinServiceTest, StorageFailureIsAnErrorNotAnOutcome) {
  store.failWrites = true;
  auto d = service.checkInNow(validToken(), ScanSource::kCamera);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, ErrorKind::kTransient);
}

TEST_F(CheckinServiceTest, StaffOverrideNeedsReasonAndIsAudited) {
  store.guests[42].status = GuestStatus::kBlocked;
  EXPECT_FALSE(service.checkInByStaff(42, StaffAction{"s1", ""}, CheckinMethod::kStaffOverride));
  auto d = service.checkInByStaff(42, StaffAction{"s1", "ID checked at desk"},
                                  CheckinMethod::kStaffOverride);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->outcome, ScanOutcome::kAccepted);
  EXPECT_EQ(d->checkin->overrideReason, "ID checked at desk");
  EXPECT_EQ(store.audit.back().action, AuditAction::kOverride);
  EXPECT_EQ(store.audit.back().actor, "staff:s1");
  EXPECT_EQ(
      service.checkInByStaff(99, StaffAction{"s1", "x"}, CheckinMethod::kStaffManual).error().kind,
      ErrorKind::kNotFound);
}

TEST_F(CheckinServiceTest, UndoWithinWindowOnly) {
  auto d = service.checkInNow(validToken(), ScanSource::kCamera);
  const std::string id = d->checkin->id;
  clock.advance(minutes(16));
  EXPECT_FALSE(service.undo(id, StaffAction{"s1", "wrong person"}));
  clock.set(kNow + minutes(10));
  EXPECT_FALSE(service.undo(id, StaffAction{"s1", ""}));
  ASSERT_TRUE(service.undo(id, StaffAction{"s1", "wrong person"}));
  EXPECT_TRUE(store.checkins[0].undoneAt);
  EXPECT_FALSE(service.undo(id, StaffAction{"s1", "again"}));
  // After an undo the guest can check in again.
  EXPECT_EQ(service.checkInNow(validToken(), ScanSource::kCamera)->outcome, ScanOutcome::kAccepted);
}

// A report's words are stored as central accepts them: no controls (C0, C1, DEL), no
// broken UTF-8, no surrounding spaces, at most kMaxFeedbackText code points.
TEST_F(CheckinServiceTest, FeedbackTextIsCleanedAndBounded) {
  Feedback f;
  f.kind = FeedbackKind::kComplaint;
  f.category = "room";
  f.text = "\xE3\x80\x80 Tap\x1b[31m drips\xC2\x85\x7f \xFF花生mango\t ";
  ASSERT_TRUE(service.recordFeedback(f));
  f.text = std::string(kMaxFeedbackText - 1, 'a') + "花生";
  ASSERT_TRUE(service.recordFeedback(f));
  ASSERT_EQ(store.feedback.size(), 2u);
  EXPECT_EQ(store.feedback[0].text, "Tap[31m drips 花生mango");
  EXPECT_EQ(store.feedback[1].text, std::string(kMaxFeedbackText - 1, 'a') + "花");
}

}  // namespace
}  // namespace kiosk
