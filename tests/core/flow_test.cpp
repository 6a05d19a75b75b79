#include "kiosk/core/flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "kiosk/core/encoding.h"

namespace kiosk {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const TimePoint kStart = fromUnixSeconds(1'795'000'000);

Guest guest(GuestId id = 7, std::string language = "en") {
  Guest g;
  g.eventId = 1;
  g.id = id;
  g.bookingCode = "WLF-7K3Q";
  g.name = "Zoë Müller";
  g.company = "Acme";
  g.language = std::move(language);
  g.needs.diet = "vegetarian";
  return g;
}

ScanDecision decision(ScanOutcome outcome, std::optional<Guest> g = guest()) {
  ScanDecision d;
  d.outcome = outcome;
  d.eventId = 1;
  d.scannedAt = kStart;
  d.guest = std::move(g);
  if (outcome == ScanOutcome::kAlreadyCheckedIn) {
    CheckinRecord r;
    r.id = "prev";
    r.guestId = d.guest ? d.guest->id : 0;
    r.terminal = "lobby-2";
    d.previous = r;
  }
  return d;
}

ScanDecision committed(ScanDecision d) {
  CheckinRecord r;
  r.id = "c1";
  r.eventId = 1;
  r.guestId = d.guest->id;
  r.scannedAt = kStart;
  d.checkin = r;
  return d;
}

template <typename T>
bool has(const std::vector<FlowEffect>& effects) {
  return std::any_of(effects.begin(), effects.end(),
                     [](const FlowEffect& e) { return std::holds_alternative<T>(e); });
}

template <typename T>
const T* find(const std::vector<FlowEffect>& effects) {
  for (const auto& e : effects) {
    if (const auto* t = std::get_if<T>(&e)) {
      return t;
    }
  }
  return nullptr;
}

std::vector<AuditAction> audits(const std::vector<FlowEffect>& effects) {
  std::vector<AuditAction> out;
  for (const auto& e : effects) {
    if (const auto* a = std::get_if<fx::Audit>(&e)) {
      out.push_back(a->action);
    }
  }
  return out;
}

class FlowTest : public ::testing::Test {
 protected:
  FlowTest() : flow(config()), state(flow.initial(kStart)), now(kStart) {}

  static FlowConfig config() {
    FlowConfig c;
    c.languages = {"zh-CN", "en"};
    c.idleTimeout = seconds(30);
    c.staffIdleTimeout = seconds(120);
    c.doneTimeout = seconds(15);
    c.lockoutAttempts = 3;
    c.lockoutDuration = minutes(5);
    c.selfReprintLimit = 1;
    return c;
  }

  // Applies the event and keeps the effects of this step.
  const std::vector<FlowEffect>& send(const FlowEvent& e) {
    auto next = flow.step(state, e, now);
    state = std::move(next.state);
    effects = std::move(next.effects);
    return effects;
  }
  const std::vector<FlowEffect>& tap(Action a, int index = 0, std::string text = {}) {
    return send(ev::Tap{a, index, std::move(text)});
  }
  void type(const std::string& text) { send(ev::KeyText{text}); }
  void wait(Millis d) {
    now += d;
    send(ev::Tick{});
  }
  std::string screen() const { return screenName(state.screen); }

  // Scan -> evaluated accepted -> identity confirmed.
  void toIdentity(Guest g = guest()) {
    send(ev::CodeScanned{"KT1:CODE", ScanSource::kCamera});
    send(ev::Evaluated{decision(ScanOutcome::kAccepted, std::move(g))});
  }
  void toNeeds() {
    toIdentity();
    tap(Action::kConfirmIdentity);
    tap(Action::kPhotoSkip);
  }
  void unlockStaff() {
    tap(Action::kStaffEntry);
    type("2468");
    tap(Action::kSubmit);
    send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, ""}, false});
  }

  Flow flow;
  FlowState state;
  TimePoint now;
  std::vector<FlowEffect> effects;
};

TEST_F(FlowTest, StartsOnAttractWithDefaults) {
  EXPECT_EQ(screen(), "attract");
  EXPECT_EQ(state.prefs.language, "zh-CN");
  EXPECT_FALSE(holdsPersonalData(state));
  EXPECT_FALSE(flow.idleRemaining(state, now));
}

TEST_F(FlowTest, HappyPathEmitsEachEffectInOrder) {
  send(ev::CodeScanned{"KT1:CODE", ScanSource::kCamera});
  EXPECT_EQ(screen(), "checking");
  ASSERT_TRUE(find<fx::EvaluateCode>(effects));
  EXPECT_EQ(find<fx::EvaluateCode>(effects)->text, "KT1:CODE");

  send(ev::Evaluated{decision(ScanOutcome::kAccepted)});
  EXPECT_EQ(screen(), "confirm_identity");
  EXPECT_EQ(state.prefs.language, "en") << "switches to the guest's language";
  EXPECT_FALSE(has<fx::RecordRefusal>(effects));

  tap(Action::kConfirmIdentity);
  EXPECT_EQ(screen(), "photo");
  ASSERT_TRUE(find<fx::Photo>(effects));
  EXPECT_EQ(find<fx::Photo>(effects)->command, PhotoCommand::kStart);

  send(ev::PhotoUpdate{"move_closer", 0, false});
  EXPECT_EQ(std::get<flow::Photo>(state.screen).hint, "move_closer");
  tap(Action::kPhotoAccept);
  EXPECT_EQ(screen(), "photo") << "nothing to accept before the capture";
  send(ev::PhotoUpdate{"countdown", 2, false});
  EXPECT_EQ(std::get<flow::Photo>(state.screen).countdown, 2);
  send(ev::PhotoUpdate{"captured", 0, true});
  tap(Action::kPhotoAccept);
  EXPECT_EQ(screen(), "confirm_needs");
  EXPECT_TRUE(std::get<flow::ConfirmNeeds>(state.screen).photoTaken);
  EXPECT_EQ(std::get<flow::ConfirmNeeds>(state.screen).needs.diet, "vegetarian");

  tap(Action::kNeedsConfirm);
  EXPECT_EQ(screen(), "committing");
  const auto* commit = find<fx::CommitCheckin>(effects);
  ASSERT_TRUE(commit);
  EXPECT_TRUE(commit->details.photoTaken);
  EXPECT_EQ(commit->details.confirmedNeeds.diet, "vegetarian");

  send(ev::Committed{committed(decision(ScanOutcome::kAccepted))});
  EXPECT_EQ(screen(), "printing");
  const auto* print = find<fx::PrintBadge>(effects);
  ASSERT_TRUE(print);
  EXPECT_FALSE(print->reprint);
  EXPECT_EQ(print->actor, "guest");

  send(ev::BadgeUpdate{{7, BadgeStage::kPrinting, "", "", false}});
  EXPECT_EQ(screen(), "printing");
  send(ev::BadgeUpdate{{7, BadgeStage::kPrinted, "", "", false}});
  EXPECT_EQ(screen(), "info");
  EXPECT_FALSE(std::get<flow::Info>(state.screen).returning);

  tap(Action::kInfoPage, 2);
  EXPECT_EQ(std::get<flow::Info>(state.screen).page, 2);
  tap(Action::kInfoPage, -1);
  EXPECT_EQ(std::get<flow::Info>(state.screen).page, 0) << "no page before the first";
  tap(Action::kInfoPage, 1);
  tap(Action::kInfoTab, 1);
  EXPECT_EQ(std::get<flow::Info>(state.screen).tab, InfoTab::kTravel);
  EXPECT_EQ(std::get<flow::Info>(state.screen).page, 0) << "another tab starts at its first page";
  tap(Action::kInfoDone);
  EXPECT_EQ(screen(), "done");
  tap(Action::kRate, 5);
  const auto* rating = find<fx::RecordFeedback>(effects);
  ASSERT_TRUE(rating);
  EXPECT_EQ(rating->feedback.rating, 5);
  EXPECT_EQ(rating->feedback.guestId, 7u);
  tap(Action::kRate, 4);
  EXPECT_FALSE(has<fx::RecordFeedback>(effects)) << "one rating per guest";

  tap(Action::kFinish);
  EXPECT_EQ(screen(), "attract");
  EXPECT_TRUE(has<fx::ReleasePersonalData>(effects));
  EXPECT_TRUE(has<fx::ResetScanner>(effects));
  EXPECT_EQ(state.prefs.language, "zh-CN");
  EXPECT_FALSE(holdsPersonalData(state));
}

TEST_F(FlowTest, PhotoCanBeSkippedRetakenOrDisabled) {
  toIdentity();
  tap(Action::kConfirmIdentity);
  send(ev::PhotoUpdate{"captured", 0, true});
  tap(Action::kPhotoRetake);
  EXPECT_EQ(find<fx::Photo>(effects)->command, PhotoCommand::kRetake);
  EXPECT_FALSE(std::get<flow::Photo>(state.screen).captured);
  tap(Action::kPhotoSkip);
  EXPECT_EQ(screen(), "confirm_needs");
  EXPECT_EQ(find<fx::Photo>(effects)->command, PhotoCommand::kStop);
  EXPECT_FALSE(std::get<flow::ConfirmNeeds>(state.screen).photoTaken);

  auto c = config();
  c.photoEnabled = false;
  Flow noPhoto(c);
  auto s = noPhoto.initial(kStart);
  s = noPhoto.step(s, ev::CodeScanned{"X", ScanSource::kCamera}, kStart).state;
  s = noPhoto.step(s, ev::Evaluated{decision(ScanOutcome::kAccepted)}, kStart).state;
  s = noPhoto.step(s, ev::Tap{Action::kConfirmIdentity, 0, ""}, kStart).state;
  EXPECT_STREQ(screenName(s.screen), "confirm_needs");
}

TEST_F(FlowTest, ChangedNeedsAreCommittedAsConfirmed) {
  toNeeds();
  tap(Action::kNeedsEdit, static_cast<int>(NeedsField::kAllergies));
  type("peanuts");
  tap(Action::kNeedsConfirm);
  EXPECT_EQ(screen(), "confirm_needs") << "cannot confirm while a field is being edited";
  tap(Action::kNeedsSave);
  tap(Action::kNeedsEdit, static_cast<int>(NeedsField::kDiet));
  send(ev::ClearText{});
  tap(Action::kNeedsSave);
  tap(Action::kNeedsConfirm);
  const auto* commit = find<fx::CommitCheckin>(effects);
  ASSERT_TRUE(commit);
  EXPECT_EQ(commit->details.confirmedNeeds.allergies, "peanuts");
  EXPECT_EQ(commit->details.confirmedNeeds.diet, "");
  EXPECT_FALSE(commit->details.confirmedNeeds == commit->decision.guest->needs);
}

TEST_F(FlowTest, EditingNeedsCanBeCancelled) {
  toNeeds();
  tap(Action::kNeedsEdit, 0);
  type(" and halal");
  tap(Action::kBack);
  tap(Action::kNeedsConfirm);
  EXPECT_EQ(find<fx::CommitCheckin>(effects)->details.confirmedNeeds.diet, "vegetarian");
}

TEST_F(FlowTest, EveryRefusalIsRecordedAndOffersStaff) {
  for (auto outcome : {ScanOutcome::kRevoked, ScanOutcome::kWrongEvent, ScanOutcome::kNotYetValid,
                       ScanOutcome::kExpired, ScanOutcome::kUnknownCode, ScanOutcome::kBadSignature,
                       ScanOutcome::kNeedsStaff}) {
    state = flow.initial(now);
    send(ev::CodeScanned{"X", ScanSource::kCamera});
    send(ev::Evaluated{decision(outcome, std::nullopt)});
    EXPECT_EQ(screen(), "refused") << toString(outcome);
    ASSERT_TRUE(find<fx::RecordRefusal>(effects));
    EXPECT_EQ(find<fx::RecordRefusal>(effects)->decision.outcome, outcome);
    ASSERT_TRUE(find<fx::Sound>(effects));
    EXPECT_EQ(find<fx::Sound>(effects)->cue, Cue::kError);
    tap(Action::kCallStaff);
    EXPECT_EQ(screen(), "call_staff");
    EXPECT_EQ(std::get<flow::CallStaff>(state.screen).reason, CallReason::kRefused);
  }
}

TEST_F(FlowTest, RefusedGuestCanTryAgainWithAnotherCode) {
  send(ev::CodeScanned{"BAD", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kUnknownCode, std::nullopt)});
  send(ev::CodeScanned{"GOOD", ScanSource::kCamera});
  EXPECT_EQ(screen(), "checking");
  tap(Action::kDismiss);
  EXPECT_EQ(screen(), "checking") << "no taps while checking";
}

TEST_F(FlowTest, TheSameRefusedCodeStillInViewIsNotANewScan) {
  send(ev::CodeScanned{"BAD", ScanSource::kCamera});
  auto d = decision(ScanOutcome::kExpired);
  d.scanHash = sha256Hex("BAD");
  send(ev::Evaluated{d});
  send(ev::CodeScanned{"BAD", ScanSource::kCamera});
  EXPECT_EQ(screen(), "refused");
  EXPECT_TRUE(effects.empty()) << "no second refusal recorded every few seconds";
  send(ev::CodeScanned{"OTHER", ScanSource::kCamera});
  EXPECT_EQ(screen(), "checking");
}

TEST_F(FlowTest, AlreadyCheckedInShowsInfoAndAllowsLimitedReprints) {
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kAlreadyCheckedIn), 0});
  ASSERT_TRUE(find<fx::RecordRefusal>(effects)) << "a repeat scan is recorded too";
  EXPECT_EQ(screen(), "confirm_identity");
  tap(Action::kConfirmIdentity);
  EXPECT_EQ(screen(), "info");
  EXPECT_FALSE(has<fx::RecordRefusal>(effects)) << "recorded once, at the scan";
  auto& info = std::get<flow::Info>(state.screen);
  EXPECT_TRUE(info.returning);
  EXPECT_EQ(info.reprintsLeft, 1);
  tap(Action::kReprint);
  EXPECT_EQ(screen(), "printing");
  const auto* print = find<fx::PrintBadge>(effects);
  ASSERT_TRUE(print);
  EXPECT_TRUE(print->reprint);
  send(ev::BadgeUpdate{{7, BadgeStage::kPrinted, "", "", true}});
  EXPECT_EQ(screen(), "info");
  EXPECT_EQ(std::get<flow::Info>(state.screen).reprintsLeft, 0);
  tap(Action::kReprint);
  EXPECT_EQ(screen(), "info");
  EXPECT_FALSE(has<fx::PrintBadge>(effects));

  state = flow.initial(now);
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kAlreadyCheckedIn), 1});
  tap(Action::kConfirmIdentity);
  EXPECT_EQ(std::get<flow::Info>(state.screen).reprintsLeft, 0);
}

// A code is not a key to someone's room: whoever shows an already used code (a photo of
// an invitation will do) is asked "Is this you?" first, and sees nothing of the stay,
// the travel or the badge photo before confirming.
TEST_F(FlowTest, AlreadyUsedCodeAsksWhoItIsBeforeShowingAnything) {
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kAlreadyCheckedIn), 0});
  EXPECT_EQ(screen(), "confirm_identity");
  EXPECT_FALSE(has<fx::PrintBadge>(effects));
  EXPECT_EQ(std::get<flow::ConfirmIdentity>(state.screen).decision.outcome,
            ScanOutcome::kAlreadyCheckedIn);
  // No reprint from here.
  tap(Action::kReprint);
  EXPECT_EQ(screen(), "confirm_identity");
  EXPECT_FALSE(has<fx::PrintBadge>(effects));
  // Not them: staff are called, the details stay hidden.
  tap(Action::kNotMe);
  EXPECT_EQ(screen(), "call_staff");
  EXPECT_EQ(std::get<flow::CallStaff>(state.screen).reason, CallReason::kNotMe);

  // Walking away from the question: back to attract with nothing kept.
  state = flow.initial(now);
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kAlreadyCheckedIn), 0});
  wait(seconds(31));
  EXPECT_EQ(screen(), "attract");
  EXPECT_FALSE(holdsPersonalData(state));
}

TEST_F(FlowTest, CheckedInElsewhereMeanwhileBecomesAlreadyCheckedIn) {
  toNeeds();
  tap(Action::kNeedsConfirm);
  send(ev::Committed{decision(ScanOutcome::kAlreadyCheckedIn)});
  EXPECT_EQ(screen(), "info");
  EXPECT_TRUE(std::get<flow::Info>(state.screen).returning);
  EXPECT_TRUE(has<fx::RecordRefusal>(effects));
}

TEST_F(FlowTest, PrinterTroubleLetsTheGuestContinue) {
  toNeeds();
  tap(Action::kNeedsConfirm);
  send(ev::Committed{committed(decision(ScanOutcome::kAccepted))});
  send(ev::BadgeUpdate{{7, BadgeStage::kWaitingForPrinter, "out-of-media", "empty", false}});
  EXPECT_EQ(screen(), "printing");
  EXPECT_EQ(find<fx::Sound>(effects)->cue, Cue::kError);
  send(ev::BadgeUpdate{{7, BadgeStage::kWaitingForPrinter, "out-of-media", "empty", false}});
  EXPECT_FALSE(has<fx::Sound>(effects)) << "the error cue plays once";
  send(ev::BadgeUpdate{{99, BadgeStage::kPrinted, "", "", false}});
  EXPECT_EQ(screen(), "printing") << "another guest's badge";
  tap(Action::kPrintContinue);
  EXPECT_EQ(screen(), "info");
  EXPECT_EQ(std::get<flow::Info>(state.screen).badge.stage, BadgeStage::kWaitingForPrinter);
}

// The guest's journey ends when staff take over (here from printer trouble): the photo
// and what else the terminal held for the guest are released.
TEST_F(FlowTest, StaffTakeoverReleasesTheGuestsPersonalData) {
  toIdentity();
  tap(Action::kConfirmIdentity);
  send(ev::PhotoUpdate{"captured", 0, true});
  tap(Action::kPhotoAccept);
  tap(Action::kNeedsConfirm);
  send(ev::Committed{committed(decision(ScanOutcome::kAccepted))});
  send(ev::BadgeUpdate{{7, BadgeStage::kWaitingForPrinter, "out-of-media", "empty", false}});
  tap(Action::kCallStaff);
  ASSERT_EQ(screen(), "call_staff");
  EXPECT_FALSE(has<fx::ReleasePersonalData>(effects)) << "the guest is still there";
  unlockStaff();
  EXPECT_EQ(screen(), "staff_guest");
  EXPECT_TRUE(has<fx::ReleasePersonalData>(effects));
}

TEST_F(FlowTest, PrintingScreenMovesOnByItself) {
  toNeeds();
  tap(Action::kNeedsConfirm);
  send(ev::Committed{committed(decision(ScanOutcome::kAccepted))});
  wait(seconds(40));
  EXPECT_EQ(screen(), "printing");
  wait(seconds(10));
  EXPECT_EQ(screen(), "info");
}

TEST_F(FlowTest, IdleTimeoutWipesPersonalData) {
  toNeeds();
  tap(Action::kToggleLargeText);
  EXPECT_TRUE(holdsPersonalData(state));
  ASSERT_TRUE(flow.idleRemaining(state, now));
  EXPECT_EQ(*flow.idleRemaining(state, now), seconds(30));
  wait(seconds(20));
  EXPECT_EQ(screen(), "confirm_needs");
  EXPECT_EQ(*flow.idleRemaining(state, now), seconds(10));
  type("x");  // no focused field: not activity... but a tap is
  tap(Action::kNeedsEdit, 0);
  wait(seconds(29));
  EXPECT_EQ(screen(), "confirm_needs") << "a tap restarts the countdown";
  wait(seconds(1));
  EXPECT_EQ(screen(), "attract");
  EXPECT_TRUE(has<fx::ReleasePersonalData>(effects));
  EXPECT_FALSE(holdsPersonalData(state));
  EXPECT_FALSE(state.prefs.largeText) << "accessibility choices end with the guest";
  EXPECT_EQ(state.prefs.language, "zh-CN");
}

TEST_F(FlowTest, EveryGuestScreenTimesOut) {
  const std::vector<std::function<void()>> routes = {
      [&] { tap(Action::kFindBooking); },
      [&] { toIdentity(); },
      [&] {
        toIdentity();
        tap(Action::kConfirmIdentity);
      },
      [&] { toNeeds(); },
      [&] {
        send(ev::CodeScanned{"X", ScanSource::kCamera});
        send(ev::Evaluated{decision(ScanOutcome::kExpired)});
      },
      [&] {
        send(ev::CodeScanned{"X", ScanSource::kCamera});
        send(ev::Evaluated{decision(ScanOutcome::kAlreadyCheckedIn)});
      },
  };
  for (const auto& route : routes) {
    state = flow.initial(now);
    route();
    const std::string name = screen();
    wait(seconds(31));
    EXPECT_EQ(screen(), "attract") << name;
    EXPECT_FALSE(holdsPersonalData(state)) << name;
  }
  // The photo screen also stops the camera guide.
  state = flow.initial(now);
  toIdentity();
  tap(Action::kConfirmIdentity);
  wait(seconds(31));
  ASSERT_TRUE(find<fx::Photo>(effects));
  EXPECT_EQ(find<fx::Photo>(effects)->command, PhotoCommand::kStop);
}

TEST_F(FlowTest, AttractForgetsAGuestsPreferences) {
  tap(Action::kChooseLanguage, 1);
  tap(Action::kToggleHighContrast);
  tap(Action::kToggleReachMode);
  EXPECT_EQ(state.prefs.language, "en");
  EXPECT_TRUE(state.prefs.highContrast);
  wait(seconds(31));
  EXPECT_EQ(state.prefs.language, "zh-CN");
  EXPECT_FALSE(state.prefs.highContrast);
  EXPECT_FALSE(state.prefs.reachMode);
}

TEST_F(FlowTest, LanguageFallsBack) {
  EXPECT_EQ(flow.languageFor("en"), "en");
  EXPECT_EQ(flow.languageFor("en-GB"), "en");
  EXPECT_EQ(flow.languageFor("zh-CN"), "zh-CN");
  EXPECT_EQ(flow.languageFor("zh"), "zh-CN");
  EXPECT_EQ(flow.languageFor("es"), "en") << "no Spanish catalog: English";
  EXPECT_EQ(flow.languageFor(""), "zh-CN") << "no language: terminal default";
  FlowConfig c;
  c.languages = {"zh-CN"};
  EXPECT_EQ(Flow(c).languageFor("es"), "zh-CN") << "no English either: terminal default";
}

TEST_F(FlowTest, RosterTagsPickJapaneseKoreanAndRussianOnThePrimarySubtag) {
  FlowConfig c = config();
  c.languages = {"zh-CN", "en", "ja", "ko", "ru"};
  const Flow five(c);
  EXPECT_EQ(five.languageFor("ja"), "ja");
  EXPECT_EQ(five.languageFor("ja-JP"), "ja");
  EXPECT_EQ(five.languageFor("ko-KR"), "ko");
  EXPECT_EQ(five.languageFor("KO_kr"), "ko") << "any case, underscores";
  EXPECT_EQ(five.languageFor("ru-RU"), "ru");
  EXPECT_EQ(five.languageFor("zh-cn"), "zh-CN");
  EXPECT_EQ(five.languageFor("kok"), "en") << "Konkani is not Korean";
  // Traditional Chinese reads Simplified before English, and its own catalog first.
  for (const char* tag : {"zh-TW", "zh-Hant", "zh-Hant-HK", "zh-HK", "zh-SG", "zh-Hans-TW"}) {
    EXPECT_EQ(five.languageFor(tag), "zh-CN") << tag;
  }
  c.languages = {"zh-CN", "en", "zh-TW"};
  const Flow traditional(c);
  EXPECT_EQ(traditional.languageFor("zh-Hant"), "zh-TW");
  EXPECT_EQ(traditional.languageFor("zh-HK"), "zh-TW");
  EXPECT_EQ(traditional.languageFor("zh"), "zh-CN");
  EXPECT_EQ(traditional.languageFor("zh-Hans-TW"), "zh-CN") << "the script decides";

  // The roster's "ko-KR" gives the guest Korean screens.
  FlowState s = five.initial(now);
  s = five.step(s, ev::CodeScanned{"X", ScanSource::kCamera}, now).state;
  s = five.step(s, ev::Evaluated{decision(ScanOutcome::kAccepted, guest(7, "ko-KR"))}, now).state;
  EXPECT_EQ(s.prefs.language, "ko");
}

TEST_F(FlowTest, TheLanguageListOpensOverAGuestScreenAndClosesWithAChoiceOrANewScreen) {
  toIdentity(guest(7, "en"));
  tap(Action::kToggleLanguageList);
  EXPECT_TRUE(state.choosingLanguage);
  tap(Action::kToggleLanguageList);
  EXPECT_FALSE(state.choosingLanguage) << "the same button closes it";
  tap(Action::kToggleLanguageList);
  tap(Action::kChooseLanguage, 0);
  EXPECT_FALSE(state.choosingLanguage);
  EXPECT_EQ(state.prefs.language, "zh-CN");
  tap(Action::kToggleLanguageList);
  tap(Action::kConfirmIdentity);
  EXPECT_EQ(screen(), "photo");
  EXPECT_FALSE(state.choosingLanguage) << "a new screen closes it";
}

TEST_F(FlowTest, ScanSwitchesToTheGuestsLanguage) {
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kAccepted, guest(7, "es"))});
  EXPECT_EQ(state.prefs.language, "en");
  state = flow.initial(now);
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kAccepted, guest(8, "zh-CN"))});
  EXPECT_EQ(state.prefs.language, "zh-CN");
}

TEST_F(FlowTest, TheGuestsTappedLanguageWinsOverTheRoster) {
  tap(Action::kChooseLanguage, 1);
  toIdentity(guest(7, "zh-CN"));
  EXPECT_EQ(screen(), "confirm_identity");
  EXPECT_EQ(state.prefs.language, "en") << "tapped English, roster says Chinese";
  tap(Action::kNotMe);
  EXPECT_EQ(screen(), "call_staff");
  EXPECT_EQ(state.prefs.language, "en");
  tap(Action::kDismiss);
  EXPECT_EQ(screen(), "attract");
  EXPECT_FALSE(state.prefs.languageChosen) << "the choice ends with the guest";
  toIdentity(guest(8, "zh-CN"));
  EXPECT_EQ(state.prefs.language, "zh-CN") << "the next guest did not choose: roster";

  // The other way round, and a choice made in the middle of the journey.
  state = flow.initial(now);
  tap(Action::kChooseLanguage, 1);
  tap(Action::kChooseLanguage, 0);
  toIdentity(guest(9, "en"));
  EXPECT_EQ(state.prefs.language, "zh-CN");
  state = flow.initial(now);
  toIdentity(guest(9, "en"));
  EXPECT_EQ(state.prefs.language, "en");
  tap(Action::kChooseLanguage, 0);
  EXPECT_EQ(state.prefs.language, "zh-CN") << "a language tap works on every guest screen";
  tap(Action::kConfirmIdentity);
  tap(Action::kPhotoSkip);
  EXPECT_EQ(screen(), "confirm_needs");
  EXPECT_EQ(state.prefs.language, "zh-CN") << "for the rest of the journey";
}

TEST_F(FlowTest, StaffModeIsInTheTerminalsLanguageAndHandsTheGuestsBack) {
  tap(Action::kChooseLanguage, 1);
  tap(Action::kToggleLargeText);
  EXPECT_EQ(flow.screenLanguage(state), "en");
  tap(Action::kStaffEntry);
  EXPECT_EQ(flow.screenLanguage(state), "en") << "nobody is unlocked yet: the guest side";
  type("2468");
  tap(Action::kSubmit);
  send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, ""}, false});
  ASSERT_EQ(screen(), "staff_home");
  EXPECT_EQ(flow.screenLanguage(state), "zh-CN") << "no language in the record: default";
  tap(Action::kChooseLanguage, 0);
  EXPECT_EQ(flow.screenLanguage(state), "zh-CN");
  EXPECT_EQ(state.prefs.language, "en") << "staff choices are not the guest's";
  tap(Action::kStaffDevices);
  EXPECT_EQ(flow.screenLanguage(state), "zh-CN");
  tap(Action::kStaffLock);
  EXPECT_EQ(screen(), "attract");
  EXPECT_FALSE(state.staff);
  EXPECT_EQ(flow.screenLanguage(state), "en") << "the guest side as it was";
  EXPECT_TRUE(state.prefs.largeText);
  wait(seconds(31));
  EXPECT_EQ(flow.screenLanguage(state), "zh-CN") << "and forgotten when nobody is there";
  EXPECT_FALSE(state.prefs.largeText);
}

// Staff mode opens in the unlocking member's language (their record's tag, matched like a
// guest's roster language, the terminal default when nothing matches), never the last
// guest's; staff can switch it, and locking hands the guest side back as it was.
TEST_F(FlowTest, StaffModeOpensInTheStaffMembersLanguage) {
  const auto unlockAs = [&](const std::string& language) {
    tap(Action::kStaffEntry);
    type("2468");
    tap(Action::kSubmit);
    send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, language}, false});
    EXPECT_EQ(screen(), "staff_home") << language;
    return flow.screenLanguage(state);
  };
  tap(Action::kChooseLanguage, 0);  // a guest chose Chinese
  EXPECT_EQ(unlockAs("en-GB"), "en");
  tap(Action::kToggleLanguageList);
  EXPECT_TRUE(state.choosingLanguage);
  tap(Action::kChooseLanguage, 0);
  EXPECT_EQ(flow.screenLanguage(state), "zh-CN") << "staff switch their own language";
  EXPECT_FALSE(state.choosingLanguage);
  tap(Action::kStaffLock);
  EXPECT_EQ(flow.screenLanguage(state), "zh-CN");
  tap(Action::kChooseLanguage, 1);  // an English guest
  EXPECT_EQ(unlockAs("zh-TW"), "zh-CN") << "Traditional Chinese without its catalog";
  tap(Action::kStaffLock);
  EXPECT_EQ(flow.screenLanguage(state), "en") << "the guest side as it was";
  EXPECT_EQ(unlockAs("es"), "zh-CN") << "no catalog: the terminal default, not English";
  tap(Action::kStaffLock);
  EXPECT_EQ(unlockAs(""), "zh-CN");
  EXPECT_EQ(flow.staffLanguageFor("EN"), "en");
  EXPECT_EQ(flow.staffLanguageFor("ru"), "zh-CN");
}

TEST_F(FlowTest, CodesAreIgnoredInTheMiddleOfAJourney) {
  toIdentity();
  send(ev::CodeScanned{"OTHER", ScanSource::kCamera});
  EXPECT_EQ(screen(), "confirm_identity");
  EXPECT_TRUE(effects.empty());
  send(ev::Evaluated{decision(ScanOutcome::kAccepted)});
  EXPECT_EQ(screen(), "confirm_identity") << "a stray result is dropped";
}

TEST_F(FlowTest, NotMeCallsStaff) {
  toIdentity();
  tap(Action::kNotMe);
  EXPECT_EQ(screen(), "call_staff");
  EXPECT_EQ(std::get<flow::CallStaff>(state.screen).reason, CallReason::kNotMe);
  EXPECT_EQ(find<fx::Sound>(effects)->cue, Cue::kAttention);
}

TEST_F(FlowTest, FindBookingByCode) {
  tap(Action::kFindBooking);
  EXPECT_EQ(screen(), "find_booking");
  type("wlf-7k3q!");
  EXPECT_EQ(std::get<flow::FindBooking>(state.screen).code, "WLF-7K3Q");
  send(ev::Backspace{});
  EXPECT_EQ(std::get<flow::FindBooking>(state.screen).code, "WLF-7K3");
  type("Q");
  tap(Action::kSubmit);
  EXPECT_EQ(screen(), "checking");
  const auto* eval = find<fx::EvaluateCode>(effects);
  ASSERT_TRUE(eval);
  EXPECT_EQ(eval->text, "WLF-7K3Q");
  EXPECT_EQ(eval->source, ScanSource::kTyped);
}

// A physical keyboard's Enter submits the field it typed into, as the button does.
TEST_F(FlowTest, EnterKeySubmitsTheFocusedField) {
  send(ev::EnterKey{});
  EXPECT_EQ(screen(), "attract");
  EXPECT_TRUE(effects.empty());
  tap(Action::kFindBooking);
  type("WLF-7K3Q");
  send(ev::EnterKey{});
  EXPECT_EQ(screen(), "checking");
  const auto* eval = find<fx::EvaluateCode>(effects);
  ASSERT_TRUE(eval);
  EXPECT_EQ(eval->text, "WLF-7K3Q");

  state = flow.initial(now);
  tap(Action::kFindBooking);
  tap(Action::kBookingByName);
  type("zhang wei");
  tap(Action::kFocusPhone);
  type("5678");
  send(ev::EnterKey{});
  ASSERT_TRUE(find<fx::LookupBooking>(effects));

  state = flow.initial(now);
  tap(Action::kStaffEntry);
  type("2468");
  send(ev::EnterKey{});
  ASSERT_TRUE(find<fx::VerifyStaffPin>(effects));
}

TEST_F(FlowTest, FindBookingRejectsMalformedCodesLocally) {
  tap(Action::kFindBooking);
  type("AB");
  tap(Action::kSubmit);
  EXPECT_EQ(screen(), "find_booking");
  EXPECT_TRUE(std::get<flow::FindBooking>(state.screen).notFound);
  type("CD");
  EXPECT_FALSE(std::get<flow::FindBooking>(state.screen).notFound);
}

TEST_F(FlowTest, FindBookingByNameAndPhone) {
  tap(Action::kFindBooking);
  tap(Action::kBookingByName);
  type("zhang wei");
  tap(Action::kFocusPhone);
  type("56a78");
  EXPECT_EQ(std::get<flow::FindBooking>(state.screen).phoneTail, "5678");
  tap(Action::kSubmit);
  const auto* lookup = find<fx::LookupBooking>(effects);
  ASSERT_TRUE(lookup);
  EXPECT_EQ(lookup->name, "zhang wei");
  EXPECT_EQ(lookup->phoneTail, "5678");
  EXPECT_TRUE(std::get<flow::FindBooking>(state.screen).searching);
  EXPECT_FALSE(flow.idleRemaining(state, now));
  send(ev::BookingNotFound{});
  EXPECT_TRUE(std::get<flow::FindBooking>(state.screen).notFound);
  tap(Action::kSubmit);
  send(ev::Evaluated{decision(ScanOutcome::kAccepted)});
  EXPECT_EQ(screen(), "confirm_identity");
}

TEST_F(FlowTest, FindBookingNeedsNameAndFourDigits) {
  tap(Action::kFindBooking);
  tap(Action::kBookingByName);
  type("li");
  tap(Action::kFocusPhone);
  type("123");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::LookupBooking>(effects));
  EXPECT_TRUE(std::get<flow::FindBooking>(state.screen).notFound);
}

TEST_F(FlowTest, DatabaseFailureCallsStaff) {
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::WorkFailed{"evaluate",
                      makeError(ErrorKind::kCorrupt, "database disk image is malformed")});
  EXPECT_EQ(screen(), "failure");
  tap(Action::kStaffEntry);
  EXPECT_EQ(screen(), "staff_unlock");
}

TEST_F(FlowTest, ReportAProblem) {
  toNeeds();
  tap(Action::kNeedsConfirm);
  send(ev::Committed{committed(decision(ScanOutcome::kAccepted))});
  send(ev::BadgeUpdate{{7, BadgeStage::kPrinted, "", "", false}});
  tap(Action::kInfoDone);
  tap(Action::kReportProblem);
  EXPECT_EQ(screen(), "report_problem");
  tap(Action::kSendReport);
  EXPECT_EQ(screen(), "report_problem") << "a category is needed";
  tap(Action::kReportKind, 1);
  tap(Action::kReportCategory, 0, "transport");
  tap(Action::kSendReport);
  EXPECT_EQ(screen(), "done");
  EXPECT_TRUE(std::get<flow::Done>(state.screen).reported);
  const auto* report = find<fx::RecordFeedback>(effects);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->feedback.kind, FeedbackKind::kComplaint);
  EXPECT_EQ(report->feedback.category, "transport");
  EXPECT_EQ(report->feedback.text, "") << "words are optional";
  wait(seconds(16));
  EXPECT_EQ(screen(), "attract") << "the thank-you screen times out sooner";
}

// The guest's own words are a step after the category: typing goes there only then,
// Back returns to the choices with the words kept, and the words go with the report.
TEST_F(FlowTest, AReportCarriesTheGuestsOwnWords) {
  toNeeds();
  tap(Action::kNeedsConfirm);
  send(ev::Committed{committed(decision(ScanOutcome::kAccepted))});
  send(ev::BadgeUpdate{{7, BadgeStage::kPrinted, "", "", false}});
  tap(Action::kInfoDone);
  tap(Action::kReportProblem);
  ASSERT_EQ(screen(), "report_problem");
  type("ignored");
  tap(Action::kReportWrite);
  EXPECT_FALSE(std::get<flow::ReportProblem>(state.screen).writing) << "a category first";
  EXPECT_EQ(std::get<flow::ReportProblem>(state.screen).text, "");
  tap(Action::kReportCategory, 0, "room");
  tap(Action::kReportWrite);
  ASSERT_TRUE(std::get<flow::ReportProblem>(state.screen).writing);
  type("Tap\x01 drips\n");
  tap(Action::kBack);
  EXPECT_EQ(screen(), "report_problem");
  EXPECT_FALSE(std::get<flow::ReportProblem>(state.screen).writing);
  tap(Action::kReportWrite);
  type(std::string(400, 'x'));
  EXPECT_EQ(std::get<flow::ReportProblem>(state.screen).text, "Tap drips")
      << "controls dropped; a paste past the limit is refused whole";
  type(" 花生");
  tap(Action::kSendReport);
  EXPECT_EQ(screen(), "done");
  const auto* report = find<fx::RecordFeedback>(effects);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->feedback.kind, FeedbackKind::kRepair);
  EXPECT_EQ(report->feedback.category, "room");
  EXPECT_EQ(report->feedback.text, "Tap drips 花生");
}

// --- staff ---------------------------------------------------------------------------

TEST_F(FlowTest, PinUnlockIsAuditedAndPinNotKept) {
  tap(Action::kStaffEntry);
  EXPECT_EQ(screen(), "staff_unlock");
  type("24a68");
  EXPECT_EQ(std::get<flow::StaffUnlock>(state.screen).pin, "2468");
  tap(Action::kSubmit);
  const auto* verify = find<fx::VerifyStaffPin>(effects);
  ASSERT_TRUE(verify);
  EXPECT_EQ(verify->pin, "2468");
  EXPECT_TRUE(std::get<flow::StaffUnlock>(state.screen).pin.empty());
  EXPECT_FALSE(flow.idleRemaining(state, now)) << "no timeout while verifying";
  send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, ""}, false});
  EXPECT_EQ(screen(), "staff_home");
  ASSERT_TRUE(state.staff);
  EXPECT_EQ(state.staff->id, "s1");
  EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffUnlocked});
  EXPECT_EQ(find<fx::Audit>(effects)->actor, "staff:s1");
}

TEST_F(FlowTest, ShortPinIsRefusedWithoutCountingAnAttempt) {
  tap(Action::kStaffEntry);
  type("12");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::VerifyStaffPin>(effects));
  EXPECT_TRUE(std::get<flow::StaffUnlock>(state.screen).wrongPin);
  EXPECT_EQ(state.lockout.failures(), 0);
}

TEST_F(FlowTest, StaffLockoutAfterRepeatedFailures) {
  tap(Action::kStaffEntry);
  for (int i = 1; i <= 3; ++i) {
    type("0000");
    tap(Action::kSubmit);
    ASSERT_TRUE(has<fx::VerifyStaffPin>(effects)) << i;
    send(ev::StaffVerified{std::nullopt, false});
    EXPECT_EQ(screen(), "staff_unlock");
    EXPECT_TRUE(std::get<flow::StaffUnlock>(state.screen).wrongPin);
    if (i < 3) {
      EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffUnlockFailed});
    } else {
      EXPECT_EQ(audits(effects), (std::vector<AuditAction>{AuditAction::kStaffUnlockFailed,
                                                           AuditAction::kStaffLockedOut}));
    }
  }
  EXPECT_TRUE(state.lockout.lockedAt(now));
  type("2468");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::VerifyStaffPin>(effects)) << "locked out: the PIN is not even checked";
  // After the lockout the PIN works again.
  now += minutes(5);
  state.screen = flow::StaffUnlock{};
  type("2468");
  tap(Action::kSubmit);
  EXPECT_TRUE(has<fx::VerifyStaffPin>(effects));
  send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, ""}, false});
  EXPECT_EQ(state.lockout.failures(), 0);
}

TEST_F(FlowTest, StaffBadgeStillUnlocksDuringAPinLockout) {
  tap(Action::kStaffEntry);
  for (int i = 0; i < 3; ++i) {
    type("0000");
    tap(Action::kSubmit);
    send(ev::StaffVerified{std::nullopt, false});
  }
  ASSERT_TRUE(state.lockout.lockedAt(now));
  tap(Action::kBack);
  ASSERT_EQ(screen(), "attract");
  send(ev::CodeScanned{"KS1:SECRET", ScanSource::kCamera});
  const auto* verify = find<fx::VerifyStaffBadge>(effects);
  ASSERT_TRUE(verify) << "the lockout guards PIN guessing, not signed badges";
  EXPECT_EQ(verify->text, "KS1:SECRET");
  send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, ""}, true});
  EXPECT_EQ(screen(), "staff_home");
  ASSERT_TRUE(state.staff);
  EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffUnlocked});
  EXPECT_EQ(find<fx::Audit>(effects)->reason, "badge");
}

TEST_F(FlowTest, StaffBadgeOnTheLockedPinPadIsChecked) {
  tap(Action::kStaffEntry);
  for (int i = 0; i < 3; ++i) {
    type("0000");
    tap(Action::kSubmit);
    send(ev::StaffVerified{std::nullopt, false});
  }
  ASSERT_EQ(screen(), "staff_unlock");
  send(ev::CodeScanned{"KS1:SECRET", ScanSource::kCamera});
  EXPECT_TRUE(has<fx::VerifyStaffBadge>(effects));
  EXPECT_TRUE(std::get<flow::StaffUnlock>(state.screen).verifying);
}

TEST_F(FlowTest, WrongBadgesDoNotLockThePinPad) {
  for (int i = 0; i < 5; ++i) {
    send(ev::CodeScanned{"KS1:MADEUP" + std::to_string(i), ScanSource::kCamera});
    ASSERT_TRUE(has<fx::VerifyStaffBadge>(effects)) << i;
    send(ev::StaffVerified{std::nullopt, true});
    EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffUnlockFailed});
    EXPECT_FALSE(has<fx::SaveLockout>(effects));
    tap(Action::kBack);
  }
  EXPECT_EQ(state.lockout.failures(), 0);
  EXPECT_FALSE(state.lockout.lockedAt(now));
}

TEST_F(FlowTest, EveryLockoutChangeIsSaved) {
  tap(Action::kStaffEntry);
  for (int i = 1; i <= 3; ++i) {
    type("0000");
    tap(Action::kSubmit);
    EXPECT_FALSE(has<fx::SaveLockout>(effects)) << "nothing changed yet";
    send(ev::StaffVerified{std::nullopt, false});
    const auto* save = find<fx::SaveLockout>(effects);
    ASSERT_TRUE(save) << i;
    EXPECT_EQ(save->lockout.failures, i);
    if (i < 3) {
      EXPECT_FALSE(save->lockout.lockedUntil);
    } else {
      EXPECT_EQ(save->lockout.lockedUntil, now + minutes(5));
    }
  }
  type("2468");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::SaveLockout>(effects)) << "a refused PIN while locked changes nothing";
  now += minutes(5);
  type("2468");
  tap(Action::kSubmit);
  send(ev::StaffVerified{StaffSession{"s1", "Chen", "reception", {}, ""}, false});
  const auto* cleared = find<fx::SaveLockout>(effects);
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->lockout, StaffLockoutState{});
}

TEST(StaffLockoutTest, RestoreKeepsTheEndTimeButNeverStretchesIt) {
  const TimePoint t0 = TimePoint(Millis(1'800'000'000'000));
  StaffLockout kept(5, minutes(5));
  for (int i = 0; i < 5; ++i) {
    kept.recordFailure(t0);
  }
  ASSERT_TRUE(kept.lockedAt(t0));

  // Restarted a minute later: locked until the same wall-clock time.
  StaffLockout restarted(5, minutes(5));
  restarted.restore(kept.state(), t0 + minutes(1));
  EXPECT_EQ(restarted.lockedUntil(), t0 + minutes(5));
  EXPECT_TRUE(restarted.lockedAt(t0 + minutes(4)));
  EXPECT_FALSE(restarted.lockedAt(t0 + minutes(5)));

  // Restarted after the clock was set back an hour: five minutes from then, not 65.
  StaffLockout setBack(5, minutes(5));
  setBack.restore(kept.state(), t0 - std::chrono::hours(1));
  EXPECT_EQ(setBack.lockedUntil(), t0 - std::chrono::hours(1) + minutes(5));

  // Failed attempts short of a lockout are kept too: one more locks.
  StaffLockout partial(5, minutes(5));
  partial.restore(StaffLockoutState{4, std::nullopt}, t0);
  EXPECT_EQ(partial.failures(), 4);
  EXPECT_TRUE(partial.recordFailure(t0));
}

TEST_F(FlowTest, LockoutSurvivesTimeoutsAndLocking) {
  tap(Action::kStaffEntry);
  for (int i = 0; i < 3; ++i) {
    type("0000");
    tap(Action::kSubmit);
    send(ev::StaffVerified{std::nullopt, false});
  }
  wait(seconds(31));
  EXPECT_EQ(screen(), "attract");
  EXPECT_TRUE(state.lockout.lockedAt(now)) << "walking away does not end a lockout";
}

TEST_F(FlowTest, StaffBadgeFromARefusalOpensThatGuest) {
  send(ev::CodeScanned{"X", ScanSource::kCamera});
  send(ev::Evaluated{decision(ScanOutcome::kNeedsStaff)});
  tap(Action::kCallStaff);
  send(ev::CodeScanned{"KS1:SECRET", ScanSource::kCamera});
  EXPECT_EQ(screen(), "staff_unlock");
  ASSERT_TRUE(find<fx::VerifyStaffBadge>(effects));
  send(ev::StaffVerified{StaffSession{"s2", "Li", "supervisor", {}, ""}, true});
  EXPECT_EQ(screen(), "staff_guest");
  EXPECT_EQ(find<fx::Audit>(effects)->reason, "badge");
  ASSERT_TRUE(find<fx::LoadGuest>(effects));
  EXPECT_EQ(find<fx::LoadGuest>(effects)->guestId, 7u);
  auto& g = std::get<flow::StaffGuest>(state.screen);
  EXPECT_TRUE(g.pending);
  EXPECT_TRUE(g.loading);
  send(ev::GuestLoaded{guest(), std::nullopt});
  EXPECT_FALSE(std::get<flow::StaffGuest>(state.screen).loading);
  tap(Action::kStaffCheckIn);
  EXPECT_EQ(screen(), "staff_reason");
  EXPECT_EQ(std::get<flow::StaffReason>(state.screen).task, StaffTask::kOverride)
      << "checking in a refused guest is an override";
}

TEST_F(FlowTest, StaffBadgeIsIgnoredMidJourney) {
  toIdentity();
  send(ev::CodeScanned{"KS1:SECRET", ScanSource::kCamera});
  EXPECT_EQ(screen(), "confirm_identity");
}

TEST_F(FlowTest, ReasonIsRequiredForEveryStaffAction) {
  unlockStaff();
  type("zhang");
  EXPECT_TRUE(std::get<flow::StaffHome>(state.screen).searching);
  ASSERT_TRUE(find<fx::SearchGuests>(effects));
  EXPECT_EQ(find<fx::SearchGuests>(effects)->query, "zhang");
  send(ev::SearchResults{"zhan", {}});
  EXPECT_TRUE(std::get<flow::StaffHome>(state.screen).searching) << "an older query's results";
  send(ev::SearchResults{
      "zhang", {GuestSummary{7, "张伟", "NDRC", "WLF-7K3Q", GuestCategory::kGovernment, false}}});
  EXPECT_EQ(std::get<flow::StaffHome>(state.screen).results.size(), 1u);
  EXPECT_FALSE(std::get<flow::StaffHome>(state.screen).more);
  send(ev::SearchResults{
      "zhang",
      {GuestSummary{7, "张伟", "NDRC", "WLF-7K3Q", GuestCategory::kGovernment, false}},
      true});
  EXPECT_TRUE(std::get<flow::StaffHome>(state.screen).more) << "the screen says there are more";
  tap(Action::kStaffOpenResult, 0);
  EXPECT_EQ(screen(), "staff_guest");
  send(ev::GuestLoaded{guest(), std::nullopt});
  tap(Action::kStaffCheckIn);
  EXPECT_EQ(std::get<flow::StaffReason>(state.screen).task, StaffTask::kManualCheckin);

  tap(Action::kSubmit);
  EXPECT_TRUE(std::get<flow::StaffReason>(state.screen).reasonMissing);
  EXPECT_FALSE(has<fx::StaffCheckIn>(effects));
  type("   ");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::StaffCheckIn>(effects)) << "blank is no reason";

  send(ev::SetText{"Guest forgot the invitation"});
  tap(Action::kSubmit);
  const auto* checkIn = find<fx::StaffCheckIn>(effects);
  ASSERT_TRUE(checkIn);
  EXPECT_EQ(checkIn->method, CheckinMethod::kStaffManual);
  EXPECT_EQ(checkIn->staff.staffId, "s1");
  EXPECT_EQ(checkIn->staff.reason, "Guest forgot the invitation");
  EXPECT_TRUE(std::get<flow::StaffReason>(state.screen).busy);

  send(ev::StaffTaskDone{StaffTask::kManualCheckin, true,
                         committed(decision(ScanOutcome::kAccepted)), ""});
  EXPECT_EQ(screen(), "staff_guest");
  EXPECT_EQ(std::get<flow::StaffGuest>(state.screen).notice, "staff.notice.checked_in");
  const auto* print = find<fx::PrintBadge>(effects);
  ASSERT_TRUE(print);
  EXPECT_EQ(print->actor, "staff:s1");
}

// Issue 11 item 13: staff change a guest's room and pickup time; only changed fields go
// out, times are read in the event's zone, a reason is required, and the page shows the
// new values once the store saved them.
TEST_F(FlowTest, StaffEditAGuestsRoomAndPickupWithAReason) {
  unlockStaff();
  Guest g = guest();
  g.lodging.room = "1208";
  TransportLeg leg;
  leg.driver = "Wang Lei";
  leg.pickupTime = parseIso8601("2026-12-08T07:40:00Z");
  g.transport = {leg};
  state.screen = flow::StaffGuest{g, std::nullopt, std::nullopt, {}, false, "", ""};
  tap(Action::kStaffEditGuest);
  ASSERT_EQ(screen(), "staff_edit_guest");
  const auto& e = std::get<flow::StaffEditGuest>(state.screen);
  EXPECT_EQ(e.values[1], "1208");
  EXPECT_EQ(e.values[5], "2026-12-08 07:40") << "UTC is the test config's zone";
  EXPECT_FALSE(e.available[7]) << "no meeting: no meeting room";
  tap(Action::kStaffEditField, 7);
  EXPECT_EQ(std::get<flow::StaffEditGuest>(state.screen).focus, 0);
  tap(Action::kSubmit);
  EXPECT_EQ(std::get<flow::StaffEditGuest>(state.screen).error, "staff.edit.nothing");

  tap(Action::kStaffEditField, 1);
  send(ev::ClearText{});
  type("2201");
  tap(Action::kStaffEditField, 5);
  send(ev::SetText{"tomorrow morning"});
  tap(Action::kSubmit);
  EXPECT_EQ(std::get<flow::StaffEditGuest>(state.screen).error, "staff.edit.bad_time");
  send(ev::SetText{"2026-12-08 08.15"});  // the keyboard has no colon
  tap(Action::kSubmit);
  ASSERT_EQ(screen(), "staff_reason");
  const auto& r = std::get<flow::StaffReason>(state.screen);
  EXPECT_EQ(r.task, StaffTask::kEditGuest);
  EXPECT_EQ(r.changes,
            (std::vector<GuestFieldChange>{{"lodging.room", "2201"},
                                           {"transport.0.pickup_time", "2026-12-08T08:15:00Z"}}));
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::SaveGuestEdit>(effects)) << "a reason is required";
  send(ev::SetText{"Hotel changed the room"});
  tap(Action::kSubmit);
  const auto* save = find<fx::SaveGuestEdit>(effects);
  ASSERT_TRUE(save);
  EXPECT_EQ(save->guestId, g.id);
  EXPECT_EQ(save->staff.staffId, "s1");
  EXPECT_EQ(save->changes.size(), 2u);
  send(ev::StaffTaskDone{StaffTask::kEditGuest, true, std::nullopt, ""});
  ASSERT_EQ(screen(), "staff_guest");
  const auto& page = std::get<flow::StaffGuest>(state.screen);
  EXPECT_EQ(page.notice, "staff.notice.edited");
  EXPECT_EQ(page.guest.lodging.room, "2201");
  EXPECT_EQ(formatIso8601(*page.guest.transport[0].pickupTime), "2026-12-08T08:15:00Z");
}

TEST_F(FlowTest, StaffUndoWithinTheWindowOnly) {
  unlockStaff();
  send(ev::SearchResults{"", {}});
  state.screen = flow::StaffGuest{
      guest(), committed(decision(ScanOutcome::kAccepted)).checkin, std::nullopt, {}, false, "",
      ""};
  now = kStart + minutes(16);
  tap(Action::kStaffUndo);
  EXPECT_EQ(screen(), "staff_guest") << "too late to undo";
  now = kStart + minutes(10);
  tap(Action::kStaffUndo);
  EXPECT_EQ(screen(), "staff_reason");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::StaffUndo>(effects));
  type("wrong guest");
  tap(Action::kSubmit);
  const auto* undo = find<fx::StaffUndo>(effects);
  ASSERT_TRUE(undo);
  EXPECT_EQ(undo->checkinId, "c1");
  EXPECT_EQ(undo->staff.reason, "wrong guest");
  send(ev::StaffTaskDone{StaffTask::kUndo, true, std::nullopt, ""});
  EXPECT_EQ(screen(), "staff_guest");
  EXPECT_FALSE(std::get<flow::StaffGuest>(state.screen).active);
}

TEST_F(FlowTest, StaffReprintNeedsAReason) {
  unlockStaff();
  state.screen = flow::StaffGuest{
      guest(), committed(decision(ScanOutcome::kAccepted)).checkin, std::nullopt, {}, false, "",
      ""};
  tap(Action::kStaffReprint);
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::PrintBadge>(effects));
  type("badge damaged");
  tap(Action::kSubmit);
  const auto* print = find<fx::PrintBadge>(effects);
  ASSERT_TRUE(print);
  EXPECT_TRUE(print->reprint);
  EXPECT_EQ(print->reason, "badge damaged");
  EXPECT_EQ(screen(), "staff_guest");
}

TEST_F(FlowTest, FailedStaffTaskStaysWithTheError) {
  unlockStaff();
  state.screen = flow::StaffGuest{guest(), std::nullopt, std::nullopt, {}, false, "", ""};
  tap(Action::kStaffCheckIn);
  type("VIP arrived early");
  tap(Action::kSubmit);
  send(ev::StaffTaskDone{StaffTask::kManualCheckin, false, std::nullopt, "disk full"});
  EXPECT_EQ(screen(), "staff_reason");
  EXPECT_EQ(std::get<flow::StaffReason>(state.screen).error, "disk full");
  EXPECT_FALSE(std::get<flow::StaffReason>(state.screen).busy);
}

TEST_F(FlowTest, WalkInNeedsANameAndAReason) {
  unlockStaff();
  tap(Action::kStaffWalkIn);
  EXPECT_EQ(screen(), "staff_walk_in");
  tap(Action::kSubmit);
  EXPECT_TRUE(std::get<flow::StaffWalkIn>(state.screen).nameMissing);
  type("Tom Nguyen");
  tap(Action::kWalkInField, static_cast<int>(WalkInField::kCompany));
  type("Reuters");
  tap(Action::kWalkInField, static_cast<int>(WalkInField::kPhone));
  type("+852 9123x4567");
  tap(Action::kWalkInCategory, static_cast<int>(GuestCategory::kPress));
  // VIPs are made at central (they need a host): a terminal's walk-in cannot be one.
  tap(Action::kWalkInCategory, static_cast<int>(GuestCategory::kVip));
  const auto& w = std::get<flow::StaffWalkIn>(state.screen);
  EXPECT_EQ(w.draft.name, "Tom Nguyen");
  EXPECT_EQ(w.draft.company, "Reuters");
  EXPECT_EQ(w.draft.phone, "+852 91234567");
  EXPECT_EQ(w.draft.category, GuestCategory::kPress);
  tap(Action::kSubmit);
  EXPECT_EQ(screen(), "staff_reason");
  tap(Action::kSubmit);
  EXPECT_FALSE(has<fx::RegisterWalkIn>(effects));
  type("no invitation, approved by host");
  tap(Action::kSubmit);
  const auto* walkIn = find<fx::RegisterWalkIn>(effects);
  ASSERT_TRUE(walkIn);
  EXPECT_EQ(walkIn->draft.name, "Tom Nguyen");
  Guest registered = walkIn->draft;
  registered.id = 0x80000001u;
  auto d = decision(ScanOutcome::kAccepted, registered);
  send(ev::StaffTaskDone{StaffTask::kWalkIn, true, committed(d), ""});
  EXPECT_EQ(screen(), "staff_guest");
  EXPECT_EQ(std::get<flow::StaffGuest>(state.screen).guest.id, 0x80000001u);
  EXPECT_TRUE(has<fx::PrintBadge>(effects));
}

TEST_F(FlowTest, StaffRestartToAnInstalledUpdateIsAudited) {
  unlockStaff();
  tap(Action::kStaffDevices);
  tap(Action::kRestartToUpdate);
  ASSERT_TRUE(find<fx::RestartToUpdate>(effects));
  EXPECT_EQ(find<fx::RestartToUpdate>(effects)->staffId, "s1");
  const auto* audit = find<fx::Audit>(effects);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->reason, "restart to update");
  EXPECT_EQ(screen(), "staff_devices");
}

TEST_F(FlowTest, StaffLockAndQuitAreAudited) {
  unlockStaff();
  tap(Action::kStaffDevices);
  EXPECT_EQ(screen(), "staff_devices");
  // A test page on the printer whose button was tapped (0 primary, 1 fallback).
  tap(Action::kStaffTestPrint);
  ASSERT_TRUE(find<fx::PrintTestPage>(effects));
  EXPECT_EQ(find<fx::PrintTestPage>(effects)->printer, 0);
  tap(Action::kStaffTestPrint, 1);
  ASSERT_TRUE(find<fx::PrintTestPage>(effects));
  EXPECT_EQ(find<fx::PrintTestPage>(effects)->printer, 1);
  EXPECT_EQ(screen(), "staff_devices");
  // Quitting is asked once more; Back cancels it.
  tap(Action::kQuit);
  EXPECT_FALSE(has<fx::Quit>(effects));
  EXPECT_TRUE(std::get<flow::StaffDevices>(state.screen).confirmingQuit);
  tap(Action::kBack);
  EXPECT_EQ(screen(), "staff_devices");
  EXPECT_FALSE(std::get<flow::StaffDevices>(state.screen).confirmingQuit);
  tap(Action::kQuit);
  EXPECT_FALSE(has<fx::Quit>(effects));
  tap(Action::kQuit);
  ASSERT_TRUE(find<fx::Quit>(effects));
  EXPECT_EQ(find<fx::Quit>(effects)->staffId, "s1");
  EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffLocked});
  tap(Action::kStaffLock);
  EXPECT_EQ(screen(), "attract");
  EXPECT_FALSE(state.staff);
  EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffLocked});
}

TEST_F(FlowTest, GuestsCannotQuit) {
  tap(Action::kQuit);
  EXPECT_FALSE(has<fx::Quit>(effects));
  tap(Action::kStaffEntry);
  tap(Action::kQuit);
  EXPECT_FALSE(has<fx::Quit>(effects)) << "the unlock screen is not staff mode";
}

TEST_F(FlowTest, StaffModeLocksItselfWhenIdle) {
  unlockStaff();
  type("li");
  wait(seconds(119));
  EXPECT_EQ(screen(), "staff_home");
  wait(seconds(1));
  EXPECT_EQ(screen(), "attract");
  EXPECT_FALSE(state.staff);
  EXPECT_EQ(audits(effects), std::vector<AuditAction>{AuditAction::kStaffLocked});
  EXPECT_EQ(find<fx::Audit>(effects)->reason, "idle timeout");
  EXPECT_FALSE(holdsPersonalData(state));
}

TEST_F(FlowTest, SearchFailureIsShownToStaff) {
  unlockStaff();
  type("li");
  send(ev::WorkFailed{"search", makeError(ErrorKind::kTransient, "busy")});
  EXPECT_EQ(std::get<flow::StaffHome>(state.screen).notice, "staff.notice.search_failed");
  EXPECT_FALSE(std::get<flow::StaffHome>(state.screen).searching);
}

TEST_F(FlowTest, ScreenNamesAreStable) {
  EXPECT_STREQ(screenName(flow::Attract{}), "attract");
  EXPECT_STREQ(screenName(flow::StaffWalkIn{}), "staff_walk_in");
  EXPECT_TRUE(isStaffScreen(flow::StaffDevices{}));
  EXPECT_FALSE(isStaffScreen(flow::StaffUnlock{}));
  EXPECT_STREQ(toString(BadgeStage::kWaitingForPrinter), "waiting_for_printer");
  EXPECT_STREQ(toString(StaffTask::kWalkIn), "walk_in");
}

// "Read aloud" is a guest's accessibility choice like the others (offered only where the
// terminal can speak, forgotten with the guest); the volume is staff's to set.
TEST(FlowSpeech, ReadAloudIsAGuestChoiceAndVolumeIsStaffs) {
  const TimePoint start = kStart;
  FlowConfig c;
  c.languages = {"zh-CN", "en"};
  const Flow silent(c);
  auto s = silent.step(silent.initial(start), ev::Tap{Action::kToggleReadAloud, 0, {}}, start);
  EXPECT_FALSE(s.state.prefs.readAloud) << "not offered: the tap does nothing";

  c.readAloudOffered = true;
  const Flow speaking(c);
  s = speaking.step(speaking.initial(start), ev::Tap{Action::kToggleReadAloud, 0, {}}, start);
  EXPECT_TRUE(s.state.prefs.readAloud);
  s = speaking.step(s.state, ev::Tick{}, start + std::chrono::seconds(31));
  EXPECT_FALSE(s.state.prefs.readAloud) << "forgotten when the guest walked away";

  // A guest cannot set the volume: only the staff device page sends it.
  s = speaking.step(speaking.initial(start), ev::Tap{Action::kSetVolume, 0, {}}, start);
  for (const auto& e : s.effects) {
    EXPECT_FALSE(std::holds_alternative<fx::SetVolume>(e));
  }
  c.defaults.readAloud = true;  // speech = "always"
  EXPECT_TRUE(Flow(c).initial(start).prefs.readAloud);
}

TEST_F(FlowTest, StaffSetTheVolumeOnTheDevicePage) {
  unlockStaff();
  tap(Action::kStaffDevices);
  tap(Action::kSetVolume, 130);
  const auto* set = find<fx::SetVolume>(effects);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->percent, 100) << "clamped";
  EXPECT_EQ(screen(), "staff_devices");
}

}  // namespace
}  // namespace kiosk
