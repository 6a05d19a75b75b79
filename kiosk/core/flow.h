// The terminal's guest journey and staff mode as a pure state machine.
//
//   FlowStep next = flow.step(state, event, now);
//
// `state` is a value: the screen the terminal shows (a std::variant of one struct per
// screen) plus the session around it (language, accessibility choices, the unlocked
// staff member, the staff lockout, the time of the last touch). `step` never performs
// anything: it returns the next state and the effects the app must execute (evaluate a
// code, commit a check-in, print a badge, play a cue, audit a staff action...). The
// results of those effects come back as events (Evaluated, Committed, BadgeUpdate...).
//
// Privacy: a guest's data lives only in the screen structs of the journey. When the
// journey ends or times out the state goes back to a fresh Attract and a
// ReleasePersonalData effect tells the app to drop caches and textures; see
// holdsPersonalData().
//
// Thread rules: Flow is immutable after construction; step() and the free functions are
// pure and may be called from any thread. Nothing throws (an event that makes no sense
// in the current state is ignored: the same state comes back with no effects).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kiosk/core/audit.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/checkin_service.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/guest_edit.h"
#include "kiosk/core/result.h"
#include "kiosk/core/staff.h"
#include "kiosk/core/time.h"

namespace kiosk {

// ---------------------------------------------------------------------------------------
// Configuration and session

// What each guest starts with; also what the terminal returns to after a journey.
struct GuestPrefs {
  std::string language;         // a language of FlowConfig::languages
  bool languageChosen = false;  // the guest tapped it: a guest's roster language does not override
  bool largeText = false;
  bool highContrast = false;
  bool reachMode = false;  // every control in the lower part of a portrait screen
  bool readAloud = false;  // each screen's instruction and result are spoken
  bool operator==(const GuestPrefs&) const = default;
};

struct FlowConfig {
  std::vector<std::string> languages{"zh-CN", "en"};  // catalogs present; the first is the default
  GuestPrefs defaults;                                // language empty = languages.front()
  Millis idleTimeout{30000};                          // guest screens back to attract
  Millis idleWarning{10000};                          // the countdown shows this long before
  Millis staffIdleTimeout{120000};                    // staff mode locks itself
  Millis doneTimeout{15000};                          // the thank-you screen is shorter
  Millis printPatience{45000};                        // the printing screen moves on after this
  bool photoEnabled = true;
  int selfReprintLimit = 1;
  Millis undoWindow{std::chrono::minutes(15)};
  int lockoutAttempts = 5;
  Millis lockoutDuration{std::chrono::minutes(5)};
  // A central server is configured: check-ins, changed needs and problem reports reach
  // staff and hosts from the outbox. Without one they stay on this terminal, and guests
  // are asked to tell the reception desk rather than told that someone has been told.
  bool hasCentral = false;
  // Guests are offered "read aloud" (a voice and a sound device may be there).
  bool readAloudOffered = false;
  // The event's time zone: staff read and type a guest's times in it.
  std::string timeZone = "UTC";
};

// A staff member who unlocked the terminal.
struct StaffSession {
  std::string id;
  std::string name;
  std::string role;
  TimePoint since{};
  // The staff member's BCP 47 tag from their record ("" = none); on unlock the flow maps
  // it to the catalog staff screens are shown in (Flow::staffLanguageFor).
  std::string language;
};

// How far a guest's badge got (the app maps the printer's job states to this).
enum class BadgeStage {
  kNone,
  kPreparing,          // rendering the badge
  kQueued,             // handed to the print worker
  kPrinting,           // at the printer
  kPrinted,            // done
  kWaitingForPrinter,  // printer trouble: the check-in stands, staff reprint later
  kFailed,             // could not even be rendered or submitted
};
// "none", "preparing", "queued", "printing", "printed", "waiting_for_printer", "failed"
const char* toString(BadgeStage stage);

struct BadgeProgress {
  GuestId guestId = 0;
  BadgeStage stage = BadgeStage::kNone;
  std::string printerState;  // PrinterState id ("out-of-media") when there is trouble
  std::string detail;        // staff-facing
  bool reprint = false;
  bool operator==(const BadgeProgress&) const = default;
};

// One row of a staff search.
struct GuestSummary {
  GuestId id = 0;
  std::string name;
  std::string company;
  std::string bookingCode;
  GuestCategory category = GuestCategory::kOther;
  bool checkedIn = false;
};

// What a staff reason is for.
enum class StaffTask { kManualCheckin, kOverride, kUndo, kReprint, kWalkIn, kEditGuest };
// "manual_checkin", "override", "undo", "reprint", "walk_in"
const char* toString(StaffTask task);

enum class BookingSearchMode { kCode, kNameAndPhone };
enum class NeedsField { kDiet, kAllergies, kAccessibility };
enum class WalkInField { kName, kCompany, kPhone };
enum class InfoTab { kStay, kTravel, kMeetings, kHelp };
enum class CallReason { kRefused, kNotMe, kPrinter, kGuestAsked, kFailure };

// ---------------------------------------------------------------------------------------
// Screens (states). Fields are what the screen shows; nothing else is kept.

namespace flow {

struct Attract {};

// "No code? Find my booking": booking code, or name + the last digits of the phone.
struct FindBooking {
  BookingSearchMode mode = BookingSearchMode::kCode;
  std::string code;
  std::string name;
  std::string phoneTail;
  bool focusPhone = false;  // name+phone mode: which field the keyboard types into
  bool searching = false;
  bool notFound = false;
};

// A scanned or typed code is being evaluated.
struct Checking {
  ScanSource source = ScanSource::kCamera;
};

// "Is this you?" before anything else about the guest is shown: for a first check-in,
// and for a code already used (decision.outcome kAlreadyCheckedIn), whose room, travel
// and reprint wait behind the confirmation, since a photo of someone's invitation is not
// that someone.
struct ConfirmIdentity {
  ScanDecision decision;
  int reprintsLeft = 0;  // a returning guest's self-reprints, for the information screen
};

struct Photo {
  ScanDecision decision;
  std::string hint = "no_face";  // PhotoHint id (catalog "photo.<hint>")
  int countdown = 0;
  bool captured = false;
};

struct ConfirmNeeds {
  ScanDecision decision;
  SpecialNeeds needs;  // as the guest is confirming them
  bool photoTaken = false;
  std::optional<NeedsField> editing;  // the field the keyboard edits
  std::string draft;                  // its text while editing
};

struct Committing {
  ScanDecision decision;
  ConfirmDetails details;
};

struct Printing {
  ScanDecision decision;  // with checkin (or previous, for a reprint)
  BadgeProgress badge;
  TimePoint since{};
};

struct Info {
  ScanDecision decision;
  BadgeProgress badge;
  InfoTab tab = InfoTab::kStay;
  int page = 0;            // of the tab's details, when they take more than one card
  bool returning = false;  // reached through "already checked in"
  int reprintsLeft = 0;
};

struct Done {
  std::optional<GuestId> guestId;
  std::optional<int> rating;
  bool reported = false;
};

struct ReportProblem {
  std::optional<GuestId> guestId;
  FeedbackKind kind = FeedbackKind::kRepair;
  std::string category;  // "room", "transport", ...
  // Second step, after the category: the guest's own words on the keyboard (optional).
  // Chips and keyboard never share the screen.
  bool writing = false;
  std::string text;
};

struct Refused {
  ScanDecision decision;
};

// A staff member has been called; staff unlock from here (badge or PIN).
struct CallStaff {
  CallReason reason = CallReason::kGuestAsked;
  std::optional<ScanDecision> decision;  // the refusal staff will look at
};

// The terminal cannot go on (database error): calls staff.
struct Failure {
  std::string what;    // catalog key of the guest message ("failure.database")
  std::string detail;  // staff-facing
};

struct StaffUnlock {
  std::string pin;
  bool verifying = false;
  bool wrongPin = false;
  std::optional<ScanDecision> pending;  // the refusal that made the guest call staff
};

struct StaffHome {
  std::string query;
  std::vector<GuestSummary> results;
  bool more = false;  // more guests match than `results`: staff type more
  bool searching = false;
  std::string notice;  // catalog key of the last action's outcome
  std::optional<ScanDecision> pending;
};

struct StaffGuest {
  Guest guest;
  std::optional<CheckinRecord> active;
  std::optional<ScanDecision> pending;  // a refusal of this guest to override
  BadgeProgress badge;
  bool loading = false;
  std::string notice;  // catalog key ("staff.notice.checked_in")
  std::string error;   // staff-facing detail of a failed action
};

// Staff change a guest's room, transport or meeting fields (kStaffEditFields); the reason
// and the save follow on the reason screen.
struct StaffEditGuest {
  Guest guest;
  std::optional<CheckinRecord> active;
  std::vector<std::string> values;    // per kStaffEditFields; times "yyyy-MM-dd HH:mm" local
  std::vector<std::string> original;  // as they were when the screen opened
  std::vector<bool> available;        // the guest has the field (a transport leg, a meeting)
  int focus = 0;
  std::string error;  // catalog key: nothing changed, a time not understood
};

struct StaffReason {
  StaffTask task = StaffTask::kManualCheckin;
  Guest guest;  // the guest (the draft, for a walk-in)
  std::optional<CheckinRecord> active;
  std::optional<ScanDecision> pending;
  std::vector<GuestFieldChange> changes;  // kEditGuest
  std::string reason;
  bool busy = false;
  bool reasonMissing = false;
  std::string error;
};

struct StaffWalkIn {
  Guest draft;
  WalkInField focus = WalkInField::kName;
  bool nameMissing = false;
};

struct StaffDevices {
  // "Quit terminal" was tapped once: the second tap quits, Back cancels (no guest can
  // check in until the terminal is started again).
  bool confirmingQuit = false;
};

}  // namespace flow

using FlowScreen =
    std::variant<flow::Attract, flow::FindBooking, flow::Checking, flow::ConfirmIdentity,
                 flow::Photo, flow::ConfirmNeeds, flow::Committing, flow::Printing, flow::Info,
                 flow::Done, flow::ReportProblem, flow::Refused, flow::CallStaff, flow::Failure,
                 flow::StaffUnlock, flow::StaffHome, flow::StaffGuest, flow::StaffReason,
                 flow::StaffWalkIn, flow::StaffDevices, flow::StaffEditGuest>;

struct FlowState {
  FlowScreen screen;
  GuestPrefs prefs;  // the guest side's; staff mode leaves them as they were
  std::optional<StaffSession> staff;
  StaffLockout lockout{5, std::chrono::minutes(5)};
  TimePoint lastActivity{};
  // The list of languages is open over a guest screen (terminals with more languages
  // than fit in the header as buttons). Any change of screen closes it.
  bool choosingLanguage = false;
};

// ---------------------------------------------------------------------------------------
// Events: what happened (user intents from the screens, results of effects, time).

// A user intent. `index` selects among several (a language, a rating, a search result,
// a tab); `text` carries a chosen text (a common reason, a category).
enum class Action {
  // attract and accessibility
  kChooseLanguage,
  kToggleLanguageList,
  kToggleLargeText,
  kToggleHighContrast,
  kToggleReachMode,
  kToggleReadAloud,
  kFindBooking,
  kStaffEntry,
  // find my booking
  kBookingByCode,
  kBookingByName,
  kFocusName,
  kFocusPhone,
  kSubmit,
  kBack,
  // journey
  kConfirmIdentity,
  kNotMe,
  kPhotoSkip,
  kPhotoRetake,
  kPhotoAccept,
  kNeedsConfirm,
  kNeedsEdit,  // index: NeedsField
  kNeedsSave,
  kPrintContinue,
  kInfoTab,   // index: InfoTab
  kInfoPage,  // index: page of the tab's details (0 = first)
  kInfoDone,
  kReprint,
  kRate,  // index: 1..5
  kReportProblem,
  kReportKind,      // index: 0 repair, 1 complaint
  kReportCategory,  // text: category id
  kReportWrite,     // on to the second step: the guest's own words (needs a category)
  kSendReport,
  kFinish,
  kCallStaff,
  kDismiss,
  // staff
  kStaffLock,
  kQuit,
  kStaffHome,
  kStaffOpenResult,  // index into results
  kStaffOpenPending,
  kStaffCheckIn,
  kStaffOverride,
  kStaffUndo,
  kStaffReprint,
  kStaffRetryPrint,
  kStaffWalkIn,
  kWalkInField,     // index: WalkInField
  kWalkInCategory,  // index: GuestCategory
  kStaffDevices,
  kStaffTestPrint,
  kSetVolume,  // index: 0..100
  kStaffEditGuest,
  kStaffEditField,   // index into kStaffEditFields
  kRestartToUpdate,  // the device page: reboot into an installed OS update now
};
const char* toString(Action action);

namespace ev {

struct Tap {
  Action action;
  int index = 0;
  std::string text;
};

// On-screen keyboard (or a physical keyboard) into the focused field.
struct KeyText {
  std::string text;
};
struct Backspace {};
// Enter on a keyboard (not a scanner's): what the screen's submit button does.
struct EnterKey {};
struct ClearText {};
// Replaces the focused field (a chosen common reason).
struct SetText {
  std::string text;
};

struct CodeScanned {
  std::string text;
  ScanSource source = ScanSource::kCamera;
};

// Nothing happened; time passed (idle timeouts).
struct Tick {};

// The screen was touched somewhere (keeps the current screen from timing out).
struct Touch {};

struct Evaluated {
  ScanDecision decision;
  int selfReprintsUsed = 0;
};

// Name + phone lookup found nobody (or several): stay and say so.
struct BookingNotFound {};

struct Committed {
  ScanDecision decision;  // accepted with checkin, or already_checked_in (raced)
};

struct PhotoUpdate {
  std::string hint;
  int countdown = 0;
  bool captured = false;
};

struct BadgeUpdate {
  BadgeProgress progress;
};

// A staff badge or PIN was checked; nullopt = no such active staff member.
struct StaffVerified {
  std::optional<StaffSession> staff;
  bool byBadge = false;
};

struct SearchResults {
  std::string query;
  std::vector<GuestSummary> results;
  bool more = false;  // more guests match than were sent
};

struct GuestLoaded {
  Guest guest;
  std::optional<CheckinRecord> active;
};

// A staff task finished; on success `decision` holds the check-in (check-in, override,
// walk-in) when there is one.
struct StaffTaskDone {
  StaffTask task;
  bool ok = false;
  std::optional<ScanDecision> decision;
  std::string error;  // staff-facing
};

struct FeedbackRecorded {
  bool ok = true;
};

// An effect failed for infrastructure reasons (database error).
struct WorkFailed {
  std::string what;  // "evaluate", "commit", "search", ...
  Error error;
};

}  // namespace ev

using FlowEvent = std::variant<ev::Tap, ev::KeyText, ev::Backspace, ev::EnterKey, ev::ClearText,
                               ev::SetText, ev::CodeScanned, ev::Tick, ev::Touch, ev::Evaluated,
                               ev::BookingNotFound, ev::Committed, ev::PhotoUpdate, ev::BadgeUpdate,
                               ev::StaffVerified, ev::SearchResults, ev::GuestLoaded,
                               ev::StaffTaskDone, ev::FeedbackRecorded, ev::WorkFailed>;

// ---------------------------------------------------------------------------------------
// Effects: what the app must do.

enum class Cue { kSuccess, kError, kAttention, kTap };
enum class PhotoCommand { kStart, kRetake, kStop };

namespace fx {

struct EvaluateCode {
  std::string text;
  ScanSource source = ScanSource::kCamera;
};
// Find the guest by name + phone tail; answer Evaluated (through the same evaluation as
// a typed booking code) or BookingNotFound.
struct LookupBooking {
  std::string name;
  std::string phoneTail;
};
struct RecordRefusal {
  ScanDecision decision;
};
struct CommitCheckin {
  ScanDecision decision;
  ConfirmDetails details;
};
struct Photo {
  PhotoCommand command = PhotoCommand::kStart;
};
// Render and print the badge of decision.guest (check-in in decision.checkin or
// decision.previous). `actor` is "guest" or "staff:<id>".
struct PrintBadge {
  ScanDecision decision;
  bool reprint = false;
  std::string actor;
  std::string reason;
};
struct RetryPrint {
  GuestId guestId = 0;
};
struct RecordFeedback {
  Feedback feedback;  // id, event, terminal and time filled by the service
};
struct VerifyStaffBadge {
  std::string text;
};
struct VerifyStaffPin {
  std::string pin;
};
struct Audit {
  AuditAction action = AuditAction::kStaffUnlocked;
  std::string actor;
  std::string reason;
};
struct SearchGuests {
  std::string query;
};
struct LoadGuest {
  GuestId guestId = 0;
};
struct StaffCheckIn {
  GuestId guestId = 0;
  CheckinMethod method = CheckinMethod::kStaffManual;
  StaffAction staff;
};
struct StaffUndo {
  std::string checkinId;
  GuestId guestId = 0;
  StaffAction staff;
};
struct RegisterWalkIn {
  Guest draft;
  StaffAction staff;
};
struct SaveGuestEdit {
  GuestId guestId = 0;
  std::vector<GuestFieldChange> changes;
  StaffAction staff;
};
// A test page on one configured printer: 0 the primary, 1 the fallback. How it went is
// a device state (the staff device page shows it per printer), not a flow event.
struct PrintTestPage {
  int printer = 0;
};
// Staff set the volume of cues and speech (0..100); kept across restarts.
struct SetVolume {
  int percent = 0;
};
struct Sound {
  Cue cue = Cue::kTap;
};
// Drop every cache of personal data (name textures, photos, QR summaries).
struct ReleasePersonalData {};
// Drop half-assembled keyboard-wedge input (a journey ended).
struct ResetScanner {};
struct Quit {
  std::string staffId;
};
// Staff asked for the reboot into an installed OS update (the device page).
struct RestartToUpdate {
  std::string staffId;
};
// The PIN lockout changed: keep it, so that a restart neither forgets failed attempts
// nor ends a lock early.
struct SaveLockout {
  StaffLockoutState lockout;
};

}  // namespace fx

using FlowEffect = std::variant<
    fx::EvaluateCode, fx::LookupBooking, fx::RecordRefusal, fx::CommitCheckin, fx::Photo,
    fx::PrintBadge, fx::RetryPrint, fx::RecordFeedback, fx::VerifyStaffBadge, fx::VerifyStaffPin,
    fx::Audit, fx::SearchGuests, fx::LoadGuest, fx::StaffCheckIn, fx::StaffUndo, fx::RegisterWalkIn,
    fx::PrintTestPage, fx::SetVolume, fx::Sound, fx::ReleasePersonalData, fx::ResetScanner,
    fx::Quit, fx::SaveLockout, fx::SaveGuestEdit, fx::RestartToUpdate>;

struct FlowStep {
  FlowState state;
  std::vector<FlowEffect> effects;
};

// ---------------------------------------------------------------------------------------

// Flow::languageFor over any list of catalog languages (kioskctl has no terminal
// configuration, only the catalogs it finds); `fallback` for a guest without a language
// and when neither the language nor English has a catalog.
std::string catalogLanguageFor(const std::vector<std::string>& languages, std::string_view fallback,
                               std::string_view guestLanguage);

class Flow {
 public:
  explicit Flow(FlowConfig config);

  const FlowConfig& config() const { return config_; }

  // A fresh terminal: the attract screen with the default preferences.
  FlowState initial(TimePoint now) const;

  FlowStep step(const FlowState& state, const FlowEvent& event, TimePoint now) const;

  // Time left before the current screen times out; nullopt for screens that do not
  // (attract, and screens waiting for a worker).
  std::optional<Millis> idleRemaining(const FlowState& state, TimePoint now) const;

  // The catalog language for a guest's BCP 47 tag ("ko-KR", "ja", "ru_RU"; any case): an
  // exact catalog, else one with the same primary language ("ko-KR" -> "ko", "en-GB" ->
  // "en"), else English when there is a catalog for it, else the terminal default.
  // Chinese in Traditional script ("zh-TW", "zh-HK", "zh-MO", "zh-Hant") prefers a
  // Traditional catalog when there is one and otherwise takes "zh-CN": a reader of
  // Traditional characters reads Simplified far more easily than a foreign language.
  std::string languageFor(std::string_view guestLanguage) const;

  // The catalog language for a staff member's tag: the same match as a guest's (exact,
  // then primary subtag, Traditional Chinese preferring a Traditional catalog), but no
  // English fallback: an empty or unmatched tag gives the terminal default.
  std::string staffLanguageFor(std::string_view staffLanguage) const;

  // The language the current screen is shown in: the guest's (prefs) on guest screens;
  // on staff screens the unlocked staff member's (from their record, never the last
  // guest's; the terminal default when their record has none).
  const std::string& screenLanguage(const FlowState& state) const;

  // Self-reprints left for a guest who used `used` of them.
  int reprintsLeft(int used) const;

 private:
  FlowConfig config_;
};

// "attract", "find_booking", "checking", "confirm_identity", "photo", "confirm_needs",
// "committing", "printing", "info", "done", "report_problem", "refused", "call_staff",
// "failure", "staff_unlock", "staff_home", "staff_guest", "staff_reason", "staff_walk_in",
// "staff_devices"
const char* screenName(const FlowScreen& screen);
bool isStaffScreen(const FlowScreen& screen);

// True when the state holds anything about a guest (a decision, a name, typed text).
bool holdsPersonalData(const FlowState& state);

// The guest the current screen is about, if any.
const Guest* currentGuest(const FlowState& state);

// True when the staff member may undo this check-in at `now`.
bool canUndo(const CheckinRecord& record, TimePoint now, Millis window);

}  // namespace kiosk
