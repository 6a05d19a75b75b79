#include "kiosk/core/flow.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "kiosk/core/encoding.h"
#include "kiosk/core/local_time.h"

namespace kiosk {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr std::size_t kMaxBookingCode = 32;
constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxPhoneTail = 12;
constexpr std::size_t kMinPhoneTail = 4;
constexpr std::size_t kMaxQuery = 64;
constexpr std::size_t kMaxReason = 200;
constexpr std::size_t kMaxNeeds = 120;

// Removes the last UTF-8 code point.
void popCodePoint(std::string& text) {
  while (!text.empty()) {
    const auto c = static_cast<unsigned char>(text.back());
    text.pop_back();
    if ((c & 0xC0u) != 0x80u) {
      return;
    }
  }
}

std::size_t codePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

// Appends `add` while the result stays within `max` code points.
void appendLimited(std::string& text, std::string_view add, std::size_t max) {
  if (codePoints(text) + codePoints(add) <= max) {
    text += add;
  }
}

std::string filterDigits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      out += c;
    }
  }
  return out;
}

std::string filterBookingCode(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
      out += c;
    }
  }
  return out;
}

std::string filterPhone(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-') {
      out += c;
    }
  }
  return out;
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string trimmed(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string& needsField(SpecialNeeds& needs, NeedsField field) {
  switch (field) {
    case NeedsField::kDiet:
      return needs.diet;
    case NeedsField::kAllergies:
      return needs.allergies;
    case NeedsField::kAccessibility:
      return needs.accessibility;
  }
  return needs.diet;
}

std::string& walkInField(Guest& draft, WalkInField field) {
  switch (field) {
    case WalkInField::kName:
      return draft.name;
    case WalkInField::kCompany:
      return draft.company;
    case WalkInField::kPhone:
      return draft.phone;
  }
  return draft.name;
}

std::string staffActor(const std::optional<StaffSession>& staff) {
  return staff ? "staff:" + staff->id : std::string("staff");
}

GuestId guestIdOf(const ScanDecision& decision) {
  return decision.guest ? decision.guest->id : 0;
}

// One call of Flow::step: the state being built and the effects collected.
class Stepper {
 public:
  Stepper(const Flow& flow, const FlowState& state, TimePoint now)
      : flow_(flow),
        config_(flow.config()),
        s_(state),
        now_(now),
        lockoutBefore_(state.lockout.state()) {}

  FlowStep finish() {
    if (s_.lockout.state() != lockoutBefore_) {
      emit(fx::SaveLockout{s_.lockout.state()});
    }
    return FlowStep{std::move(s_), std::move(fx_)};
  }

  void handle(const FlowEvent& event) {
    std::visit([this](const auto& e) { on(e); }, event);
  }

 private:
  // --- helpers -------------------------------------------------------------------------

  template <typename S>
  S* screen() {
    return std::get_if<S>(&s_.screen);
  }

  void go(FlowScreen next) {
    s_.screen = std::move(next);
    s_.choosingLanguage = false;
    s_.lastActivity = now_;
  }

  void emit(FlowEffect effect) { fx_.push_back(std::move(effect)); }
  void cue(Cue c) { emit(fx::Sound{c}); }

  void touched() { s_.lastActivity = now_; }

  // Back to a fresh attract screen: nothing of the guest (or staff member) stays.
  void reset(std::string_view why) {
    if (std::holds_alternative<flow::Photo>(s_.screen)) {
      emit(fx::Photo{PhotoCommand::kStop});
    }
    if (s_.staff) {
      emit(fx::Audit{AuditAction::kStaffLocked, staffActor(s_.staff), std::string(why)});
    }
    StaffLockout lockout = s_.lockout;
    s_ = flow_.initial(now_);
    s_.lockout = lockout;
    emit(fx::ReleasePersonalData{});
    emit(fx::ResetScanner{});
  }

  bool staffScreen() const { return isStaffScreen(s_.screen) && s_.staff.has_value(); }

  StaffAction staffAction(std::string reason) const {
    return StaffAction{s_.staff ? s_.staff->id : std::string(), std::move(reason)};
  }

  // The text field that typing goes into on the current screen, if any, with the way
  // its input is filtered.
  struct Field {
    std::string* text = nullptr;
    enum class Kind { kFree, kBookingCode, kDigits, kPhone } kind = Kind::kFree;
    std::size_t max = kMaxName;
  };

  Field focusedField() {
    using K = Field::Kind;
    if (auto* f = screen<flow::FindBooking>()) {
      if (f->searching) {
        return {};
      }
      if (f->mode == BookingSearchMode::kCode) {
        return {&f->code, K::kBookingCode, kMaxBookingCode};
      }
      return f->focusPhone ? Field{&f->phoneTail, K::kDigits, kMaxPhoneTail}
                           : Field{&f->name, K::kFree, kMaxName};
    }
    if (auto* n = screen<flow::ConfirmNeeds>(); n && n->editing) {
      return {&n->draft, K::kFree, kMaxNeeds};
    }
    if (auto* r = screen<flow::ReportProblem>(); r && r->writing) {
      return {&r->text, K::kFree, kMaxFeedbackText};
    }
    if (auto* u = screen<flow::StaffUnlock>(); u && !u->verifying) {
      return {&u->pin, K::kDigits, kMaxPinLength};
    }
    if (!s_.staff) {
      return {};
    }
    if (auto* h = screen<flow::StaffHome>()) {
      return {&h->query, K::kFree, kMaxQuery};
    }
    if (auto* r = screen<flow::StaffReason>(); r && !r->busy) {
      return {&r->reason, K::kFree, kMaxReason};
    }
    if (auto* e = screen<flow::StaffEditGuest>();
        e && e->focus >= 0 && static_cast<std::size_t>(e->focus) < e->values.size()) {
      return {&e->values[static_cast<std::size_t>(e->focus)], K::kFree, kMaxGuestFieldBytes};
    }
    if (auto* w = screen<flow::StaffWalkIn>()) {
      return w->focus == WalkInField::kPhone
                 ? Field{&w->draft.phone, K::kPhone, 24}
                 : Field{&walkInField(w->draft, w->focus), K::kFree, kMaxName};
    }
    return {};
  }

  static std::string filtered(const Field& field, std::string_view text) {
    switch (field.kind) {
      case Field::Kind::kBookingCode:
        return filterBookingCode(text);
      case Field::Kind::kDigits:
        return filterDigits(text);
      case Field::Kind::kPhone:
        return filterPhone(text);
      case Field::Kind::kFree:
        break;
    }
    std::string out;
    for (char c : text) {
      // No line breaks, tabs or other ASCII controls from a pasted or scanned text.
      if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
        out += c;
      }
    }
    return out;
  }

  // After the focused text changed: screens that react to typing.
  void textChanged() {
    if (auto* f = screen<flow::FindBooking>()) {
      f->notFound = false;
    }
    if (auto* u = screen<flow::StaffUnlock>()) {
      u->wrongPin = false;
    }
    if (auto* r = screen<flow::StaffReason>()) {
      r->reasonMissing = false;
    }
    if (auto* w = screen<flow::StaffWalkIn>()) {
      w->nameMissing = false;
    }
    if (auto* e = screen<flow::StaffEditGuest>()) {
      e->error.clear();
    }
    if (auto* h = screen<flow::StaffHome>()) {
      h->notice.clear();
      if (blank(h->query)) {
        h->results.clear();
        h->searching = false;
      } else {
        h->searching = true;
        emit(fx::SearchGuests{h->query});
      }
    }
  }

  void startEvaluation(std::string text, ScanSource source) {
    const bool hadGuest = holdsPersonalData(s_);
    if (hadGuest) {
      emit(fx::ReleasePersonalData{});
    }
    go(flow::Checking{source});
    emit(fx::EvaluateCode{std::move(text), source});
    cue(Cue::kTap);
  }

  void enterPhotoOrNeeds(ScanDecision decision) {
    if (config_.photoEnabled) {
      go(flow::Photo{std::move(decision), "no_face", 0, false});
      emit(fx::Photo{PhotoCommand::kStart});
    } else {
      enterNeeds(std::move(decision), false);
    }
  }

  void enterNeeds(ScanDecision decision, bool photoTaken) {
    flow::ConfirmNeeds n;
    n.needs = decision.guest ? decision.guest->needs : SpecialNeeds{};
    n.decision = std::move(decision);
    n.photoTaken = photoTaken;
    go(std::move(n));
  }

  void openStaffGuest(const Guest& guest, std::optional<ScanDecision> pending) {
    flow::StaffGuest g;
    g.guest = guest;
    g.pending = std::move(pending);
    g.loading = true;
    go(std::move(g));
    emit(fx::LoadGuest{guest.id});
  }

  void unlockedBy(const StaffSession& staff, bool byBadge) {
    std::optional<ScanDecision> pending;
    if (auto* u = screen<flow::StaffUnlock>()) {
      pending = u->pending;
    }
    s_.lockout.recordSuccess();
    StaffSession session = staff;
    session.since = now_;
    session.language = flow_.staffLanguageFor(staff.language);
    s_.staff = session;
    emit(fx::Audit{AuditAction::kStaffUnlocked, staffActor(s_.staff), byBadge ? "badge" : "pin"});
    // Staff take over: the guest's journey, if one was under way, ends here. What the
    // terminal held for the guest (the photo, the badge preview, the phone QR) goes; staff
    // work from the record (a reprint loads the committed photo).
    emit(fx::ReleasePersonalData{});
    cue(Cue::kSuccess);
    if (pending && pending->guest) {
      const Guest guest = *pending->guest;
      openStaffGuest(guest, std::move(pending));
      return;
    }
    flow::StaffHome home;
    home.pending = std::move(pending);
    go(std::move(home));
  }

  void unlockFailed(bool byBadge) {
    // Only PINs can be guessed: a staff badge holds a random secret, and counting wrong
    // badges would let anyone lock staff out by showing made-up ones.
    const bool started = !byBadge && s_.lockout.recordFailure(now_);
    emit(fx::Audit{AuditAction::kStaffUnlockFailed, "staff", byBadge ? "badge" : "pin"});
    if (started) {
      emit(fx::Audit{AuditAction::kStaffLockedOut, "staff",
                     std::to_string(s_.lockout.failures()) + " wrong PINs"});
    }
    cue(Cue::kError);
    if (auto* u = screen<flow::StaffUnlock>()) {
      u->verifying = false;
      u->wrongPin = true;
      u->pin.clear();
    }
  }

  // --- events --------------------------------------------------------------------------

  void on(const ev::Tick&) {
    const auto left = flow_.idleRemaining(s_, now_);
    if (auto* p = screen<flow::Printing>()) {
      if (now_ - p->since >= config_.printPatience) {
        toInfo(std::move(p->decision), p->badge, false);
      }
      return;
    }
    if (std::holds_alternative<flow::Attract>(s_.screen)) {
      // A guest's accessibility or language choice does not outlive them.
      if (!(s_.prefs == flow_.initial(now_).prefs) &&
          now_ - s_.lastActivity >= config_.idleTimeout) {
        s_.prefs = flow_.initial(now_).prefs;
        s_.lastActivity = now_;
      }
      return;
    }
    if (left && left->count() <= 0) {
      reset(s_.staff ? "idle timeout" : "");
    }
  }

  void on(const ev::Touch&) { touched(); }

  void on(const ev::CodeScanned& e) {
    if (looksLikeStaffBadge(e.text)) {
      if (s_.staff) {
        return;  // already unlocked
      }
      std::optional<ScanDecision> pending;
      if (auto* r = screen<flow::Refused>()) {
        pending = r->decision;
      } else if (auto* c = screen<flow::CallStaff>()) {
        pending = c->decision;
      } else if (auto* u = screen<flow::StaffUnlock>()) {
        if (u->verifying) {
          return;
        }
        pending = u->pending;
      } else if (!std::holds_alternative<flow::Attract>(s_.screen) &&
                 !std::holds_alternative<flow::Failure>(s_.screen) &&
                 !std::holds_alternative<flow::Done>(s_.screen)) {
        return;  // never in the middle of a guest's journey
      }
      // The PIN lockout does not apply: it guards against guessing, and a badge is not
      // guessed (staff locked out of the PIN pad by a guest get in with theirs).
      flow::StaffUnlock u;
      u.pending = std::move(pending);
      u.verifying = true;
      go(std::move(u));
      emit(fx::VerifyStaffBadge{e.text});
      return;
    }
    // The same refused code still held up to the camera is not a new scan.
    if (const auto* r = screen<flow::Refused>(); r && sha256Hex(e.text) == r->decision.scanHash) {
      return;
    }
    const bool accepting = std::holds_alternative<flow::Attract>(s_.screen) ||
                           std::holds_alternative<flow::Refused>(s_.screen) ||
                           std::holds_alternative<flow::Done>(s_.screen) ||
                           (std::holds_alternative<flow::FindBooking>(s_.screen) &&
                            !std::get<flow::FindBooking>(s_.screen).searching);
    if (!accepting) {
      return;
    }
    startEvaluation(e.text, e.source);
  }

  void on(const ev::Evaluated& e) {
    const bool waiting = std::holds_alternative<flow::Checking>(s_.screen) ||
                         (std::holds_alternative<flow::FindBooking>(s_.screen) &&
                          std::get<flow::FindBooking>(s_.screen).searching);
    if (!waiting) {
      return;
    }
    ScanDecision d = e.decision;
    if (d.guest && !s_.prefs.languageChosen) {
      s_.prefs.language = flow_.languageFor(d.guest->language);
    }
    switch (d.outcome) {
      case ScanOutcome::kAccepted:
        go(flow::ConfirmIdentity{std::move(d)});
        cue(Cue::kSuccess);
        return;
      case ScanOutcome::kAlreadyCheckedIn: {
        // Recorded now, whoever turns out to be holding the code.
        emit(fx::RecordRefusal{d});
        go(flow::ConfirmIdentity{std::move(d), flow_.reprintsLeft(e.selfReprintsUsed)});
        cue(Cue::kSuccess);
        return;
      }
      default:
        emit(fx::RecordRefusal{d});
        go(flow::Refused{std::move(d)});
        cue(Cue::kError);
        return;
    }
  }

  void on(const ev::BookingNotFound&) {
    if (auto* f = screen<flow::FindBooking>(); f && f->searching) {
      f->searching = false;
      f->notFound = true;
      cue(Cue::kError);
    }
  }

  void on(const ev::Committed& e) {
    if (!std::holds_alternative<flow::Committing>(s_.screen)) {
      return;
    }
    ScanDecision d = e.decision;
    if (d.accepted() && d.checkin) {
      flow::Printing p;
      p.badge.guestId = guestIdOf(d);
      p.badge.stage = BadgeStage::kPreparing;
      p.since = now_;
      emit(fx::PrintBadge{d, false, "guest", ""});
      p.decision = std::move(d);
      go(std::move(p));
      cue(Cue::kSuccess);
      return;
    }
    // Checked in elsewhere between the scan and the confirmation.
    emit(fx::RecordRefusal{d});
    flow::Info info;
    info.badge.guestId = guestIdOf(d);
    info.decision = std::move(d);
    info.returning = true;
    info.reprintsLeft = 0;
    go(std::move(info));
    cue(Cue::kAttention);
  }

  void on(const ev::PhotoUpdate& e) {
    if (auto* p = screen<flow::Photo>()) {
      if (e.captured && !p->captured) {
        cue(Cue::kSuccess);
      }
      p->hint = e.hint;
      p->countdown = e.countdown;
      p->captured = e.captured;
    }
  }

  void toInfo(ScanDecision decision, BadgeProgress badge, bool returning) {
    flow::Info info;
    info.decision = std::move(decision);
    info.badge = std::move(badge);
    info.returning = returning;
    go(std::move(info));
  }

  void on(const ev::BadgeUpdate& e) {
    const auto& b = e.progress;
    const bool trouble =
        b.stage == BadgeStage::kWaitingForPrinter || b.stage == BadgeStage::kFailed;
    if (auto* p = screen<flow::Printing>(); p && p->badge.guestId == b.guestId) {
      const bool newTrouble = trouble && p->badge.stage != b.stage;
      p->badge = b;
      if (b.stage == BadgeStage::kPrinted) {
        const bool returning = b.reprint;
        ScanDecision d = std::move(p->decision);
        toInfo(std::move(d), b, returning);
        if (auto* info = screen<flow::Info>(); info && returning) {
          info->reprintsLeft = 0;
        }
        cue(Cue::kSuccess);
      } else if (newTrouble) {
        cue(Cue::kError);
      }
      return;
    }
    if (auto* i = screen<flow::Info>(); i && i->badge.guestId == b.guestId) {
      i->badge = b;
      return;
    }
    if (auto* g = screen<flow::StaffGuest>(); g && g->guest.id == b.guestId) {
      g->badge = b;
    }
  }

  void on(const ev::StaffVerified& e) {
    auto* u = screen<flow::StaffUnlock>();
    if (u == nullptr || !u->verifying) {
      return;
    }
    if (e.staff) {
      unlockedBy(*e.staff, e.byBadge);
    } else {
      unlockFailed(e.byBadge);
    }
  }

  void on(const ev::SearchResults& e) {
    if (auto* h = screen<flow::StaffHome>(); h && h->query == e.query) {
      h->results = e.results;
      h->more = e.more;
      h->searching = false;
    }
  }

  void on(const ev::GuestLoaded& e) {
    if (auto* g = screen<flow::StaffGuest>(); g && g->guest.id == e.guest.id) {
      g->guest = e.guest;
      g->active = e.active;
      g->loading = false;
    }
  }

  void on(const ev::StaffTaskDone& e) {
    auto* r = screen<flow::StaffReason>();
    if (r == nullptr || !r->busy || r->task != e.task) {
      return;
    }
    if (!e.ok) {
      r->busy = false;
      r->error = e.error;
      cue(Cue::kError);
      return;
    }
    flow::StaffGuest g;
    g.guest = r->guest;
    g.active = r->active;
    switch (e.task) {
      case StaffTask::kManualCheckin:
      case StaffTask::kOverride:
      case StaffTask::kWalkIn:
        if (e.decision) {
          if (e.decision->guest) {
            g.guest = *e.decision->guest;
          }
          if (e.decision->checkin) {
            g.active = e.decision->checkin;
            g.notice =
                e.task == StaffTask::kWalkIn ? "staff.notice.walked_in" : "staff.notice.checked_in";
            g.badge = BadgeProgress{g.guest.id, BadgeStage::kPreparing, "", "", false};
            emit(fx::PrintBadge{*e.decision, false, staffActor(s_.staff), r->reason});
          } else {
            g.notice = "staff.notice.already";
            g.active = e.decision->previous;
          }
        }
        break;
      case StaffTask::kUndo:
        g.active.reset();
        g.notice = "staff.notice.undone";
        break;
      case StaffTask::kReprint:
        g.notice = "staff.notice.reprint";
        break;
      case StaffTask::kEditGuest:
        // The store applied exactly these changes; the page shows them at once.
        for (const auto& change : r->changes) {
          (void)applyFieldChange(g.guest, change);
        }
        g.notice = "staff.notice.edited";
        break;
    }
    cue(Cue::kSuccess);
    go(std::move(g));
  }

  void on(const ev::FeedbackRecorded&) {}

  void on(const ev::WorkFailed& e) {
    if (std::holds_alternative<flow::Checking>(s_.screen) ||
        std::holds_alternative<flow::Committing>(s_.screen) ||
        (std::holds_alternative<flow::FindBooking>(s_.screen) &&
         std::get<flow::FindBooking>(s_.screen).searching)) {
      go(flow::Failure{"failure.database", e.what + ": " + e.error.message});
      cue(Cue::kError);
      return;
    }
    if (auto* u = screen<flow::StaffUnlock>(); u && u->verifying) {
      u->verifying = false;
      u->pin.clear();
      cue(Cue::kError);
      return;
    }
    if (auto* r = screen<flow::StaffReason>(); r && r->busy) {
      r->busy = false;
      r->error = e.what + ": " + e.error.message;
      cue(Cue::kError);
      return;
    }
    if (auto* h = screen<flow::StaffHome>()) {
      h->searching = false;
      h->notice = "staff.notice.search_failed";
      return;
    }
    if (auto* g = screen<flow::StaffGuest>()) {
      g->loading = false;
      g->error = e.what + ": " + e.error.message;
    }
  }

  // --- typing --------------------------------------------------------------------------

  void on(const ev::KeyText& e) {
    auto field = focusedField();
    if (field.text == nullptr) {
      return;
    }
    touched();
    appendLimited(*field.text, filtered(field, e.text), field.max);
    textChanged();
  }

  void on(const ev::Backspace&) {
    auto field = focusedField();
    if (field.text == nullptr) {
      return;
    }
    touched();
    popCodePoint(*field.text);
    textChanged();
  }

  void on(const ev::EnterKey&) {
    if (std::holds_alternative<flow::FindBooking>(s_.screen) ||
        std::holds_alternative<flow::StaffUnlock>(s_.screen)) {
      on(ev::Tap{Action::kSubmit, 0, {}});
    }
  }

  void on(const ev::ClearText&) {
    auto field = focusedField();
    if (field.text == nullptr) {
      return;
    }
    touched();
    field.text->clear();
    textChanged();
  }

  void on(const ev::SetText& e) {
    auto field = focusedField();
    if (field.text == nullptr) {
      return;
    }
    touched();
    field.text->clear();
    appendLimited(*field.text, filtered(field, e.text), field.max);
    textChanged();
  }

  // --- taps ----------------------------------------------------------------------------

  void on(const ev::Tap& t) {
    touched();
    if (!isStaffScreen(s_.screen) && guestPrefsTap(t)) {
      return;
    }
    if (s_.staff && isStaffScreen(s_.screen) && staffCommonTap(t)) {
      return;
    }
    std::visit([&](auto& screenState) { tap(screenState, t); }, s_.screen);
  }

  bool guestPrefsTap(const ev::Tap& t) {
    switch (t.action) {
      case Action::kChooseLanguage:
        if (t.index >= 0 && static_cast<std::size_t>(t.index) < config_.languages.size()) {
          s_.prefs.language = config_.languages[static_cast<std::size_t>(t.index)];
          s_.prefs.languageChosen = true;
        }
        s_.choosingLanguage = false;
        return true;
      case Action::kToggleLanguageList:
        s_.choosingLanguage = !s_.choosingLanguage;
        return true;
      case Action::kToggleLargeText:
        s_.prefs.largeText = !s_.prefs.largeText;
        return true;
      case Action::kToggleHighContrast:
        s_.prefs.highContrast = !s_.prefs.highContrast;
        return true;
      case Action::kToggleReachMode:
        s_.prefs.reachMode = !s_.prefs.reachMode;
        return true;
      case Action::kToggleReadAloud:
        if (config_.readAloudOffered) {
          s_.prefs.readAloud = !s_.prefs.readAloud;
        }
        return true;
      default:
        return false;
    }
  }

  bool staffCommonTap(const ev::Tap& t) {
    switch (t.action) {
      // Staff switch their own language (the guest's stays as the guest left it).
      case Action::kChooseLanguage:
        if (t.index >= 0 && static_cast<std::size_t>(t.index) < config_.languages.size()) {
          s_.staff->language = config_.languages[static_cast<std::size_t>(t.index)];
        }
        s_.choosingLanguage = false;
        return true;
      case Action::kToggleLanguageList:
        s_.choosingLanguage = !s_.choosingLanguage;
        return true;
      case Action::kStaffLock: {
        // Back to the guest side as it was before staff took over: language and
        // accessibility (the attract screen forgets them when left idle).
        const GuestPrefs guest = s_.prefs;
        reset("locked by staff");
        s_.prefs = guest;
        return true;
      }
      case Action::kQuit: {
        if (auto* devices = std::get_if<flow::StaffDevices>(&s_.screen);
            devices != nullptr && !devices->confirmingQuit) {
          devices->confirmingQuit = true;
          return true;
        }
        const std::string id = s_.staff->id;
        emit(fx::Audit{AuditAction::kStaffLocked, staffActor(s_.staff), "quit"});
        emit(fx::Quit{id});
        return true;
      }
      case Action::kStaffHome:
        go(flow::StaffHome{});
        return true;
      case Action::kStaffDevices:
        go(flow::StaffDevices{});
        return true;
      case Action::kStaffWalkIn: {
        flow::StaffWalkIn w;
        w.draft.category = GuestCategory::kOther;
        go(std::move(w));
        return true;
      }
      default:
        return false;
    }
  }

  void tap(flow::Attract&, const ev::Tap& t) {
    if (t.action == Action::kFindBooking) {
      go(flow::FindBooking{});
    } else if (t.action == Action::kStaffEntry) {
      go(flow::StaffUnlock{});
    }
  }

  void tap(flow::FindBooking& f, const ev::Tap& t) {
    if (f.searching) {
      return;
    }
    switch (t.action) {
      case Action::kBookingByCode:
        f.mode = BookingSearchMode::kCode;
        f.notFound = false;
        break;
      case Action::kBookingByName:
        f.mode = BookingSearchMode::kNameAndPhone;
        f.focusPhone = false;
        f.notFound = false;
        break;
      case Action::kFocusName:
        f.focusPhone = false;
        break;
      case Action::kFocusPhone:
        f.focusPhone = true;
        break;
      case Action::kSubmit:
        if (f.mode == BookingSearchMode::kCode) {
          if (auto code = normalizeBookingCode(f.code)) {
            startEvaluation(*code, ScanSource::kTyped);
          } else {
            f.notFound = true;
            cue(Cue::kError);
          }
        } else if (!blank(f.name) && f.phoneTail.size() >= kMinPhoneTail) {
          f.searching = true;
          f.notFound = false;
          emit(fx::LookupBooking{trimmed(f.name), f.phoneTail});
        } else {
          f.notFound = true;
          cue(Cue::kError);
        }
        break;
      case Action::kBack:
        reset("");
        break;
      default:
        break;
    }
  }

  void tap(flow::Checking&, const ev::Tap&) {}
  void tap(flow::Committing&, const ev::Tap&) {}

  void tap(flow::ConfirmIdentity& c, const ev::Tap& t) {
    switch (t.action) {
      case Action::kConfirmIdentity:
        if (c.decision.outcome == ScanOutcome::kAlreadyCheckedIn) {
          flow::Info info;
          info.badge.guestId = guestIdOf(c.decision);
          info.decision = std::move(c.decision);
          info.returning = true;
          info.reprintsLeft = c.reprintsLeft;
          go(std::move(info));
          cue(Cue::kAttention);
        } else {
          enterPhotoOrNeeds(std::move(c.decision));
        }
        break;
      case Action::kNotMe: {
        flow::CallStaff call{CallReason::kNotMe, std::move(c.decision)};
        go(std::move(call));
        cue(Cue::kAttention);
        break;
      }
      case Action::kBack:
        reset("");
        break;
      default:
        break;
    }
  }

  void tap(flow::Photo& p, const ev::Tap& t) {
    switch (t.action) {
      case Action::kPhotoSkip:
        emit(fx::Photo{PhotoCommand::kStop});
        enterNeeds(std::move(p.decision), false);
        break;
      case Action::kPhotoRetake:
        p.captured = false;
        p.hint = "no_face";
        p.countdown = 0;
        emit(fx::Photo{PhotoCommand::kRetake});
        break;
      case Action::kPhotoAccept:
        if (p.captured) {
          emit(fx::Photo{PhotoCommand::kStop});
          enterNeeds(std::move(p.decision), true);
        }
        break;
      default:
        break;
    }
  }

  void tap(flow::ConfirmNeeds& n, const ev::Tap& t) {
    switch (t.action) {
      case Action::kNeedsEdit:
        if (t.index >= 0 && t.index <= 2) {
          n.editing = static_cast<NeedsField>(t.index);
          n.draft = needsField(n.needs, *n.editing);
        }
        break;
      case Action::kNeedsSave:
        if (n.editing) {
          needsField(n.needs, *n.editing) = trimmed(n.draft);
          n.editing.reset();
          n.draft.clear();
        }
        break;
      case Action::kBack:
        n.editing.reset();
        n.draft.clear();
        break;
      case Action::kNeedsConfirm:
        if (!n.editing) {
          ConfirmDetails details{n.needs, n.photoTaken};
          ScanDecision d = std::move(n.decision);
          emit(fx::CommitCheckin{d, details});
          go(flow::Committing{std::move(d), details});
        }
        break;
      default:
        break;
    }
  }

  void tap(flow::Printing& p, const ev::Tap& t) {
    if (t.action == Action::kPrintContinue) {
      const bool returning = p.badge.reprint;
      toInfo(std::move(p.decision), p.badge, returning);
    } else if (t.action == Action::kCallStaff) {
      flow::CallStaff call{CallReason::kPrinter, std::move(p.decision)};
      go(std::move(call));
      cue(Cue::kAttention);
    }
  }

  void tap(flow::Info& i, const ev::Tap& t) {
    switch (t.action) {
      case Action::kInfoTab:
        if (t.index >= 0 && t.index <= 3) {
          i.tab = static_cast<InfoTab>(t.index);
          i.page = 0;
        }
        break;
      case Action::kInfoPage:
        // The screen knows how many pages there are (it depends on the layout) and
        // clamps; a negative page is nonsense from anywhere.
        i.page = std::max(0, t.index);
        break;
      case Action::kReprint:
        if (i.returning && i.reprintsLeft > 0 && i.decision.guest) {
          flow::Printing p;
          p.badge = BadgeProgress{guestIdOf(i.decision), BadgeStage::kPreparing, "", "", true};
          p.since = now_;
          emit(fx::PrintBadge{i.decision, true, "guest", "self-service reprint"});
          p.decision = std::move(i.decision);
          go(std::move(p));
        }
        break;
      case Action::kInfoDone: {
        flow::Done done;
        if (i.decision.guest) {
          done.guestId = i.decision.guest->id;
        }
        go(std::move(done));
        break;
      }
      case Action::kCallStaff: {
        flow::CallStaff call{CallReason::kGuestAsked, std::move(i.decision)};
        go(std::move(call));
        cue(Cue::kAttention);
        break;
      }
      default:
        break;
    }
  }

  void tap(flow::Done& d, const ev::Tap& t) {
    switch (t.action) {
      case Action::kRate:
        if (t.index >= 1 && t.index <= 5 && !d.rating) {
          d.rating = t.index;
          Feedback f;
          f.kind = FeedbackKind::kRating;
          f.rating = t.index;
          f.guestId = d.guestId;
          emit(fx::RecordFeedback{f});
          cue(Cue::kSuccess);
        }
        break;
      case Action::kReportProblem:
        go(flow::ReportProblem{d.guestId, FeedbackKind::kRepair, "", false, ""});
        break;
      case Action::kFinish:
        reset("");
        break;
      default:
        break;
    }
  }

  void tap(flow::ReportProblem& r, const ev::Tap& t) {
    switch (t.action) {
      case Action::kReportKind:
        r.kind = t.index == 1 ? FeedbackKind::kComplaint : FeedbackKind::kRepair;
        break;
      case Action::kReportCategory:
        r.category = t.text;
        break;
      case Action::kReportWrite:
        r.writing = !r.category.empty();
        break;
      case Action::kSendReport:
        if (!r.category.empty()) {
          Feedback f;
          f.kind = r.kind;
          f.category = r.category;
          f.guestId = r.guestId;
          f.text = r.text;
          emit(fx::RecordFeedback{f});
          flow::Done done;
          done.guestId = r.guestId;
          done.reported = true;
          go(std::move(done));
          cue(Cue::kSuccess);
        }
        break;
      case Action::kBack: {
        if (r.writing) {
          r.writing = false;  // back to the choices; the words stay
          break;
        }
        flow::Done done;
        done.guestId = r.guestId;
        go(std::move(done));
        break;
      }
      default:
        break;
    }
  }

  void tap(flow::Refused& r, const ev::Tap& t) {
    if (t.action == Action::kCallStaff) {
      flow::CallStaff call{CallReason::kRefused, std::move(r.decision)};
      go(std::move(call));
      cue(Cue::kAttention);
    } else if (t.action == Action::kDismiss || t.action == Action::kBack) {
      reset("");
    }
  }

  void tap(flow::CallStaff& c, const ev::Tap& t) {
    if (t.action == Action::kStaffEntry) {
      flow::StaffUnlock u;
      u.pending = std::move(c.decision);
      go(std::move(u));
    } else if (t.action == Action::kDismiss || t.action == Action::kBack) {
      reset("");
    }
  }

  void tap(flow::Failure&, const ev::Tap& t) {
    if (t.action == Action::kStaffEntry) {
      go(flow::StaffUnlock{});
    } else if (t.action == Action::kDismiss) {
      reset("");
    }
  }

  void tap(flow::StaffUnlock& u, const ev::Tap& t) {
    if (u.verifying) {
      return;
    }
    if (t.action == Action::kSubmit) {
      if (s_.lockout.lockedAt(now_)) {
        u.pin.clear();
        cue(Cue::kError);
        return;
      }
      if (!isValidPin(u.pin)) {
        u.wrongPin = true;
        u.pin.clear();
        cue(Cue::kError);
        return;
      }
      emit(fx::VerifyStaffPin{u.pin});
      u.pin.clear();
      u.verifying = true;
      u.wrongPin = false;
    } else if (t.action == Action::kBack) {
      if (u.pending) {
        flow::CallStaff call{CallReason::kRefused, std::move(u.pending)};
        go(std::move(call));
      } else {
        reset("");
      }
    }
  }

  void tap(flow::StaffHome& h, const ev::Tap& t) {
    if (t.action == Action::kStaffOpenResult && t.index >= 0 &&
        static_cast<std::size_t>(t.index) < h.results.size()) {
      const auto& row = h.results[static_cast<std::size_t>(t.index)];
      Guest g;
      g.id = row.id;
      g.name = row.name;
      g.company = row.company;
      g.bookingCode = row.bookingCode;
      g.category = row.category;
      std::optional<ScanDecision> pending;
      if (h.pending && h.pending->guest && h.pending->guest->id == row.id) {
        pending = h.pending;
      }
      openStaffGuest(g, std::move(pending));
    } else if (t.action == Action::kStaffOpenPending && h.pending && h.pending->guest) {
      const Guest g = *h.pending->guest;
      openStaffGuest(g, h.pending);
    }
  }

  void tap(flow::StaffGuest& g, const ev::Tap& t) {
    if (g.loading) {
      if (t.action == Action::kBack) {
        go(flow::StaffHome{});
      }
      return;
    }
    auto toReason = [&](StaffTask task) {
      flow::StaffReason r;
      r.task = task;
      r.guest = g.guest;
      r.active = g.active;
      r.pending = g.pending;
      go(std::move(r));
    };
    const bool needsOverride =
        g.pending.has_value() || g.guest.status != GuestStatus::kActive || g.guest.escortRequired;
    switch (t.action) {
      case Action::kStaffCheckIn:
        if (!g.active) {
          toReason(needsOverride ? StaffTask::kOverride : StaffTask::kManualCheckin);
        }
        break;
      case Action::kStaffOverride:
        toReason(StaffTask::kOverride);
        break;
      case Action::kStaffUndo:
        if (g.active && canUndo(*g.active, now_, config_.undoWindow)) {
          toReason(StaffTask::kUndo);
        }
        break;
      case Action::kStaffReprint:
        if (g.active) {
          toReason(StaffTask::kReprint);
        }
        break;
      case Action::kStaffRetryPrint:
        emit(fx::RetryPrint{g.guest.id});
        break;
      case Action::kStaffEditGuest:
        go(editGuest(g.guest, g.active));
        break;
      case Action::kBack:
        go(flow::StaffHome{});
        break;
      default:
        break;
    }
  }

  // The edit screen with the guest's current values (times in the event's zone).
  flow::StaffEditGuest editGuest(const Guest& guest,
                                 const std::optional<CheckinRecord>& active) const {
    flow::StaffEditGuest e;
    e.guest = guest;
    e.active = active;
    e.focus = -1;
    for (const auto field : kStaffEditFields) {
      const auto value = fieldValue(guest, field);
      std::string text = value.value_or("");
      if (isTimeField(field) && !text.empty()) {
        if (const auto at = parseIso8601(text)) {
          text = formatLocal(*at, config_.timeZone, "yyyy-MM-dd HH:mm");
        }
      }
      if (value && e.focus < 0) {
        e.focus = static_cast<int>(e.values.size());
      }
      e.available.push_back(value.has_value());
      e.values.push_back(std::move(text));
    }
    e.original = e.values;
    return e;
  }

  void tap(flow::StaffEditGuest& e, const ev::Tap& t) {
    switch (t.action) {
      case Action::kStaffEditField:
        if (t.index >= 0 && static_cast<std::size_t>(t.index) < e.available.size() &&
            e.available[static_cast<std::size_t>(t.index)]) {
          e.focus = t.index;
        }
        break;
      case Action::kBack: {
        flow::StaffGuest g;
        g.guest = e.guest;
        g.active = e.active;
        go(std::move(g));
        break;
      }
      case Action::kSubmit: {
        std::vector<GuestFieldChange> changes;
        for (std::size_t i = 0; i < e.values.size(); ++i) {
          if (e.values[i] == e.original[i]) {
            continue;
          }
          std::string value = trimmed(e.values[i]);
          const std::string_view field = kStaffEditFields[i];
          if (isTimeField(field) && !value.empty()) {
            // The on-screen keyboard has no colon: "08.15" is read as 08:15.
            std::replace(value.begin(), value.end(), '.', ':');
            const auto at = parseLocalTime(value, config_.timeZone);
            if (!at) {
              e.error = "staff.edit.bad_time";
              e.focus = static_cast<int>(i);
              cue(Cue::kError);
              return;
            }
            value = formatIso8601(*at);
          }
          changes.push_back({std::string(field), std::move(value)});
        }
        if (changes.empty()) {
          e.error = "staff.edit.nothing";
          cue(Cue::kError);
          return;
        }
        flow::StaffReason r;
        r.task = StaffTask::kEditGuest;
        r.guest = e.guest;
        r.active = e.active;
        r.changes = std::move(changes);
        go(std::move(r));
        break;
      }
      default:
        break;
    }
  }

  void tap(flow::StaffReason& r, const ev::Tap& t) {
    if (r.busy) {
      return;
    }
    if (t.action == Action::kBack) {
      if (r.task == StaffTask::kWalkIn) {
        flow::StaffWalkIn w;
        w.draft = r.guest;
        go(std::move(w));
      } else {
        flow::StaffGuest g;
        g.guest = r.guest;
        g.active = r.active;
        g.pending = r.pending;
        go(std::move(g));
      }
      return;
    }
    if (t.action != Action::kSubmit) {
      return;
    }
    const std::string reason = trimmed(r.reason);
    if (reason.empty()) {
      r.reasonMissing = true;
      cue(Cue::kError);
      return;
    }
    r.error.clear();
    switch (r.task) {
      case StaffTask::kManualCheckin:
      case StaffTask::kOverride:
        r.busy = true;
        emit(fx::StaffCheckIn{r.guest.id,
                              r.task == StaffTask::kOverride ? CheckinMethod::kStaffOverride
                                                             : CheckinMethod::kStaffManual,
                              staffAction(reason)});
        break;
      case StaffTask::kUndo:
        if (r.active) {
          r.busy = true;
          emit(fx::StaffUndo{r.active->id, r.guest.id, staffAction(reason)});
        }
        break;
      case StaffTask::kWalkIn:
        r.busy = true;
        emit(fx::RegisterWalkIn{r.guest, staffAction(reason)});
        break;
      case StaffTask::kEditGuest:
        r.busy = true;
        emit(fx::SaveGuestEdit{r.guest.id, r.changes, staffAction(reason)});
        break;
      case StaffTask::kReprint:
        if (r.active) {
          ScanDecision d;
          d.outcome = ScanOutcome::kAlreadyCheckedIn;
          d.eventId = r.active->eventId;
          d.guest = r.guest;
          d.previous = r.active;
          emit(fx::PrintBadge{d, true, staffActor(s_.staff), reason});
          flow::StaffGuest g;
          g.guest = r.guest;
          g.active = r.active;
          g.notice = "staff.notice.reprint";
          g.badge = BadgeProgress{r.guest.id, BadgeStage::kPreparing, "", "", true};
          go(std::move(g));
        }
        break;
    }
  }

  void tap(flow::StaffWalkIn& w, const ev::Tap& t) {
    switch (t.action) {
      case Action::kWalkInField:
        if (t.index >= 0 && t.index <= 2) {
          w.focus = static_cast<WalkInField>(t.index);
        }
        break;
      case Action::kWalkInCategory:
        if (t.index >= 0 && t.index <= static_cast<int>(GuestCategory::kOther) &&
            isWalkInCategory(static_cast<GuestCategory>(t.index))) {
          w.draft.category = static_cast<GuestCategory>(t.index);
        }
        break;
      case Action::kSubmit: {
        w.draft.name = trimmed(w.draft.name);
        if (w.draft.name.empty()) {
          w.nameMissing = true;
          cue(Cue::kError);
          break;
        }
        flow::StaffReason r;
        r.task = StaffTask::kWalkIn;
        r.guest = w.draft;
        go(std::move(r));
        break;
      }
      case Action::kBack:
        go(flow::StaffHome{});
        break;
      default:
        break;
    }
  }

  void tap(flow::StaffDevices& d, const ev::Tap& t) {
    if (t.action == Action::kStaffTestPrint) {
      emit(fx::PrintTestPage{std::max(t.index, 0)});
    } else if (t.action == Action::kSetVolume) {
      emit(fx::SetVolume{std::clamp(t.index, 0, 100)});
    } else if (t.action == Action::kRestartToUpdate && s_.staff) {
      emit(fx::Audit{AuditAction::kStaffLocked, staffActor(s_.staff), "restart to update"});
      emit(fx::RestartToUpdate{s_.staff->id});
    } else if (t.action == Action::kBack && d.confirmingQuit) {
      d.confirmingQuit = false;
    } else if (t.action == Action::kBack) {
      go(flow::StaffHome{});
    }
  }

  const Flow& flow_;
  const FlowConfig& config_;
  FlowState s_;
  TimePoint now_;
  StaffLockoutState lockoutBefore_;
  std::vector<FlowEffect> fx_;
};

}  // namespace

const char* toString(BadgeStage stage) {
  switch (stage) {
    case BadgeStage::kNone:
      return "none";
    case BadgeStage::kPreparing:
      return "preparing";
    case BadgeStage::kQueued:
      return "queued";
    case BadgeStage::kPrinting:
      return "printing";
    case BadgeStage::kPrinted:
      return "printed";
    case BadgeStage::kWaitingForPrinter:
      return "waiting_for_printer";
    case BadgeStage::kFailed:
      return "failed";
  }
  return "none";
}

const char* toString(StaffTask task) {
  switch (task) {
    case StaffTask::kManualCheckin:
      return "manual_checkin";
    case StaffTask::kOverride:
      return "override";
    case StaffTask::kUndo:
      return "undo";
    case StaffTask::kReprint:
      return "reprint";
    case StaffTask::kWalkIn:
      return "walk_in";
    case StaffTask::kEditGuest:
      return "edit_guest";
  }
  return "manual_checkin";
}

const char* toString(Action action) {
  switch (action) {
    case Action::kChooseLanguage:
      return "choose_language";
    case Action::kToggleLanguageList:
      return "toggle_language_list";
    case Action::kToggleLargeText:
      return "toggle_large_text";
    case Action::kToggleHighContrast:
      return "toggle_high_contrast";
    case Action::kToggleReachMode:
      return "toggle_reach_mode";
    case Action::kToggleReadAloud:
      return "toggle_read_aloud";
    case Action::kFindBooking:
      return "find_booking";
    case Action::kStaffEntry:
      return "staff_entry";
    case Action::kBookingByCode:
      return "booking_by_code";
    case Action::kBookingByName:
      return "booking_by_name";
    case Action::kFocusName:
      return "focus_name";
    case Action::kFocusPhone:
      return "focus_phone";
    case Action::kSubmit:
      return "submit";
    case Action::kBack:
      return "back";
    case Action::kConfirmIdentity:
      return "confirm_identity";
    case Action::kNotMe:
      return "not_me";
    case Action::kPhotoSkip:
      return "photo_skip";
    case Action::kPhotoRetake:
      return "photo_retake";
    case Action::kPhotoAccept:
      return "photo_accept";
    case Action::kNeedsConfirm:
      return "needs_confirm";
    case Action::kNeedsEdit:
      return "needs_edit";
    case Action::kNeedsSave:
      return "needs_save";
    case Action::kPrintContinue:
      return "print_continue";
    case Action::kInfoTab:
      return "info_tab";
    case Action::kInfoPage:
      return "info_page";
    case Action::kInfoDone:
      return "info_done";
    case Action::kReprint:
      return "reprint";
    case Action::kRate:
      return "rate";
    case Action::kReportProblem:
      return "report_problem";
    case Action::kReportKind:
      return "report_kind";
    case Action::kReportCategory:
      return "report_category";
    case Action::kReportWrite:
      return "report_write";
    case Action::kSendReport:
      return "send_report";
    case Action::kFinish:
      return "finish";
    case Action::kCallStaff:
      return "call_staff";
    case Action::kDismiss:
      return "dismiss";
    case Action::kStaffLock:
      return "staff_lock";
    case Action::kQuit:
      return "quit";
    case Action::kStaffHome:
      return "staff_home";
    case Action::kStaffOpenResult:
      return "staff_open_result";
    case Action::kStaffOpenPending:
      return "staff_open_pending";
    case Action::kStaffCheckIn:
      return "staff_check_in";
    case Action::kStaffOverride:
      return "staff_override";
    case Action::kStaffUndo:
      return "staff_undo";
    case Action::kStaffReprint:
      return "staff_reprint";
    case Action::kStaffRetryPrint:
      return "staff_retry_print";
    case Action::kStaffWalkIn:
      return "staff_walk_in";
    case Action::kWalkInField:
      return "walk_in_field";
    case Action::kWalkInCategory:
      return "walk_in_category";
    case Action::kStaffDevices:
      return "staff_devices";
    case Action::kStaffTestPrint:
      return "staff_test_print";
    case Action::kSetVolume:
      return "set_volume";
    case Action::kStaffEditGuest:
      return "staff_edit_guest";
    case Action::kStaffEditField:
      return "staff_edit_field";
    case Action::kRestartToUpdate:
      return "restart_to_update";
  }
  return "unknown";
}

Flow::Flow(FlowConfig config) : config_(std::move(config)) {
  if (config_.languages.empty()) {
    config_.languages.push_back("en");
  }
  if (config_.defaults.language.empty() ||
      std::find(config_.languages.begin(), config_.languages.end(), config_.defaults.language) ==
          config_.languages.end()) {
    config_.defaults.language = config_.languages.front();
  }
}

FlowState Flow::initial(TimePoint now) const {
  FlowState s{flow::Attract{}, config_.defaults, std::nullopt,
              StaffLockout(config_.lockoutAttempts, config_.lockoutDuration), now};
  return s;
}

FlowStep Flow::step(const FlowState& state, const FlowEvent& event, TimePoint now) const {
  Stepper stepper(*this, state, now);
  stepper.handle(event);
  return stepper.finish();
}

std::optional<Millis> Flow::idleRemaining(const FlowState& state, TimePoint now) const {
  const auto left = [&](Millis timeout) -> std::optional<Millis> {
    return std::max(Millis{0},
                    timeout - std::chrono::duration_cast<Millis>(now - state.lastActivity));
  };
  return std::visit(
      Overloaded{
          [](const flow::Attract&) -> std::optional<Millis> { return std::nullopt; },
          [](const flow::Checking&) -> std::optional<Millis> { return std::nullopt; },
          [](const flow::Committing&) -> std::optional<Millis> { return std::nullopt; },
          [](const flow::Printing&) -> std::optional<Millis> { return std::nullopt; },
          [&](const flow::Done&) { return left(config_.doneTimeout); },
          [&](const flow::CallStaff&) { return left(config_.staffIdleTimeout); },
          [&](const flow::StaffUnlock& u) -> std::optional<Millis> {
            if (u.verifying) {
              return std::nullopt;
            }
            return left(u.pending ? config_.staffIdleTimeout : config_.idleTimeout);
          },
          [&](const flow::StaffReason& r) -> std::optional<Millis> {
            if (r.busy) {
              return std::nullopt;
            }
            return left(config_.staffIdleTimeout);
          },
          [&](const flow::FindBooking& f) -> std::optional<Millis> {
            if (f.searching) {
              return std::nullopt;
            }
            return left(config_.idleTimeout);
          },
          [&](const auto& screen) -> std::optional<Millis> {
            using T = std::decay_t<decltype(screen)>;
            if constexpr (std::is_same_v<T, flow::StaffHome> ||
                          std::is_same_v<T, flow::StaffGuest> ||
                          std::is_same_v<T, flow::StaffWalkIn> ||
                          std::is_same_v<T, flow::StaffDevices> ||
                          std::is_same_v<T, flow::StaffEditGuest>) {
              return left(config_.staffIdleTimeout);
            }
            return left(config_.idleTimeout);
          },
      },
      state.screen);
}

const std::string& Flow::screenLanguage(const FlowState& state) const {
  if (state.staff && isStaffScreen(state.screen)) {
    return state.staff->language.empty() ? config_.defaults.language : state.staff->language;
  }
  return state.prefs.language;
}

namespace {

// "zh_Hant_TW" -> "zh-hant-tw": tags compare in one spelling.
std::string normalTag(std::string_view tag) {
  std::string out(tag);
  for (char& c : out) {
    c = c == '_' ? '-' : (c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  return out;
}

std::string primarySubtag(std::string_view tag) {
  return normalTag(tag.substr(0, tag.find_first_of("-_")));
}

// Chinese written in Traditional characters: the script subtag, or a region that
// writes them when the script is not given.
bool traditionalChinese(std::string_view tag) {
  const std::string t = normalTag(tag);
  if (primarySubtag(t) != "zh") {
    return false;
  }
  if (t.find("-hans") != std::string::npos) {
    return false;
  }
  for (const char* subtag : {"-hant", "-tw", "-hk", "-mo"}) {
    if (t.find(subtag) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// The configured catalog for a tag: exact, else the same primary language (Traditional
// Chinese preferring a Traditional catalog); nullptr when none.
const std::string* matchingCatalog(const std::vector<std::string>& langs, std::string_view tag) {
  const std::string want = normalTag(tag);
  for (const auto& l : langs) {
    if (normalTag(l) == want) {
      return &l;
    }
  }
  const std::string primary = primarySubtag(want);
  const std::string* samePrimary = nullptr;
  for (const auto& l : langs) {
    if (primarySubtag(l) == primary) {
      if (traditionalChinese(l) == traditionalChinese(want)) {
        return &l;
      }
      samePrimary = samePrimary != nullptr ? samePrimary : &l;
    }
  }
  return samePrimary;
}

}  // namespace

std::string Flow::staffLanguageFor(std::string_view staffLanguage) const {
  const std::string* match =
      staffLanguage.empty() ? nullptr : matchingCatalog(config_.languages, staffLanguage);
  return match != nullptr ? *match : config_.defaults.language;
}

std::string Flow::languageFor(std::string_view guestLanguage) const {
  return catalogLanguageFor(config_.languages, config_.defaults.language, guestLanguage);
}

std::string catalogLanguageFor(const std::vector<std::string>& langs, std::string_view fallback,
                               std::string_view guestLanguage) {
  if (guestLanguage.empty()) {
    return std::string(fallback);
  }
  if (const std::string* match = matchingCatalog(langs, guestLanguage)) {
    return *match;
  }
  for (const auto& l : langs) {
    if (primarySubtag(l) == "en") {
      return l;
    }
  }
  return std::string(fallback);
}

int Flow::reprintsLeft(int used) const {
  return std::max(0, config_.selfReprintLimit - used);
}

const char* screenName(const FlowScreen& screen) {
  return std::visit(Overloaded{
                        [](const flow::Attract&) { return "attract"; },
                        [](const flow::FindBooking&) { return "find_booking"; },
                        [](const flow::Checking&) { return "checking"; },
                        [](const flow::ConfirmIdentity&) { return "confirm_identity"; },
                        [](const flow::Photo&) { return "photo"; },
                        [](const flow::ConfirmNeeds&) { return "confirm_needs"; },
                        [](const flow::Committing&) { return "committing"; },
                        [](const flow::Printing&) { return "printing"; },
                        [](const flow::Info&) { return "info"; },
                        [](const flow::Done&) { return "done"; },
                        [](const flow::ReportProblem&) { return "report_problem"; },
                        [](const flow::Refused&) { return "refused"; },
                        [](const flow::CallStaff&) { return "call_staff"; },
                        [](const flow::Failure&) { return "failure"; },
                        [](const flow::StaffUnlock&) { return "staff_unlock"; },
                        [](const flow::StaffHome&) { return "staff_home"; },
                        [](const flow::StaffGuest&) { return "staff_guest"; },
                        [](const flow::StaffReason&) { return "staff_reason"; },
                        [](const flow::StaffWalkIn&) { return "staff_walk_in"; },
                        [](const flow::StaffDevices&) { return "staff_devices"; },
                        [](const flow::StaffEditGuest&) { return "staff_edit_guest"; },
                    },
                    screen);
}

bool isStaffScreen(const FlowScreen& screen) {
  return std::holds_alternative<flow::StaffHome>(screen) ||
         std::holds_alternative<flow::StaffGuest>(screen) ||
         std::holds_alternative<flow::StaffReason>(screen) ||
         std::holds_alternative<flow::StaffWalkIn>(screen) ||
         std::holds_alternative<flow::StaffDevices>(screen) ||
         std::holds_alternative<flow::StaffEditGuest>(screen);
}

bool holdsPersonalData(const FlowState& state) {
  const bool screenHolds = std::visit(
      Overloaded{
          [](const flow::Attract&) { return false; },
          [](const flow::Checking&) { return false; },
          [](const flow::Failure&) { return false; },
          [](const flow::StaffDevices&) { return false; },
          [](const flow::FindBooking& f) {
            return !f.code.empty() || !f.name.empty() || !f.phoneTail.empty();
          },
          [](const flow::Done& d) { return d.guestId.has_value(); },
          [](const flow::ReportProblem& r) { return r.guestId.has_value(); },
          [](const flow::CallStaff& c) { return c.decision.has_value(); },
          [](const flow::StaffUnlock& u) { return u.pending.has_value() || !u.pin.empty(); },
          [](const flow::StaffHome& h) {
            return !h.query.empty() || !h.results.empty() || h.pending.has_value();
          },
          [](const flow::StaffWalkIn& w) {
            return !w.draft.name.empty() || !w.draft.company.empty() || !w.draft.phone.empty();
          },
          [](const auto&) { return true; },
      },
      state.screen);
  return screenHolds || state.staff.has_value();
}

const Guest* currentGuest(const FlowState& state) {
  const auto fromDecision = [](const ScanDecision& d) -> const Guest* {
    return d.guest ? &*d.guest : nullptr;
  };
  return std::visit(Overloaded{
                        [&](const flow::ConfirmIdentity& s) { return fromDecision(s.decision); },
                        [&](const flow::Photo& s) { return fromDecision(s.decision); },
                        [&](const flow::ConfirmNeeds& s) { return fromDecision(s.decision); },
                        [&](const flow::Committing& s) { return fromDecision(s.decision); },
                        [&](const flow::Printing& s) { return fromDecision(s.decision); },
                        [&](const flow::Info& s) { return fromDecision(s.decision); },
                        [&](const flow::Refused& s) { return fromDecision(s.decision); },
                        [&](const flow::CallStaff& s) -> const Guest* {
                          return s.decision ? fromDecision(*s.decision) : nullptr;
                        },
                        [](const flow::StaffGuest& s) -> const Guest* { return &s.guest; },
                        [](const flow::StaffReason& s) -> const Guest* { return &s.guest; },
                        [](const flow::StaffEditGuest& s) -> const Guest* { return &s.guest; },
                        [](const auto&) -> const Guest* { return nullptr; },
                    },
                    state.screen);
}

bool canUndo(const CheckinRecord& record, TimePoint now, Millis window) {
  return !record.undoneAt && now - record.scannedAt <= window;
}

}  // namespace kiosk
