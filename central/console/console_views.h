// The console's pages as HTML: the shipped layout (assets/console/layout.html) around a
// header and a main part written here, every value escaped. No inline script or style: the
// page's behaviour is assets/console/console.js, its look console.css.
// Pure functions of their arguments; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "central/central_store.h"
#include "central/console/console_store.h"
#include "central/console/console_text.h"

namespace kiosk::central::console {

std::string escapeHtml(std::string_view text);
// A query parameter's value: letters, digits, '-', '_' and '.' as they are, every other byte
// %XX.
std::string urlEncode(std::string_view text);

// What every signed-in page shows around its main part.
struct Frame {
  Lang lang = Lang::kZh;
  std::string csrf;
  Account account;
  Event event;
  std::vector<Event> events;  // more than one: the account may switch events
  std::string current;        // "arrivals", "terminals"
  std::string back;           // this page's path and query, for the language switch
  // Supervisors: the event's open flags, counted in the nav.
  std::optional<std::size_t> openFlags;
};

// The layout with {{lang}}, {{title}}, {{header}} and {{main}} filled in (title escaped,
// the others already HTML).
std::string renderLayout(std::string_view layout, Lang lang, std::string_view title,
                         const std::string& header, const std::string& main);

std::string loginHeader(Lang lang);
std::string loginMain(Lang lang, std::string_view errorKey, std::string_view name);
std::string frameHeader(const Frame& frame);
std::string messageMain(Lang lang, std::string_view key);

// The board's day (YYYY-MM-DD in the event's zone); only today's is live and shows who is late.
struct BoardDay {
  std::string day;
  bool today = true;
  TimePoint now{};
};
std::string arrivalsMain(const Frame& frame, const std::vector<ArrivalRow>& rows, TimePoint since,
                         const BoardDay& day = {});
// The live board's poll answer: the admissions since the last poll, ready to show, and, when
// `today` is given (today's board rows), the section of late guests rendered again: guests
// turn late while the board stays open.
std::string arrivalsJson(const Frame& frame, const std::vector<ArrivalRow>& rows, TimePoint since,
                         TimePoint now, const std::vector<ArrivalRow>* today = nullptr);

std::string terminalsMain(const Frame& frame, const std::vector<Device>& devices, TimePoint now,
                          std::string_view noticeKey);
std::string enrollMain(const Frame& frame, const EnrollmentCode& code);

// The code as an SVG QR code (4-module quiet zone), or "" when it cannot be encoded.
std::string qrSvg(std::string_view text, std::string_view label);

bool mayManageTerminals(Role role);
// Reception and supervisors work with guests (console_guests.cpp); IT does not.
bool mayHandleGuests(Role role);

// The handbooks' response clock: a repair request or complaint is answered within 2 hours of
// central receiving it.
inline constexpr auto kAnswerWithin = std::chrono::hours(2);
// Reception and supervisors handle feedback; IT does not see it (the guests' words and names
// are confidential service records, and IT's work is the terminals).
bool mayHandleFeedback(Role role);
bool isRequest(const FeedbackItem& item);  // a repair or complaint (not a rating)
bool isOverdue(const FeedbackItem& item, TimePoint now);

enum class FeedbackFilter { kOpen, kOverdue, kMine, kClosed };
std::optional<FeedbackFilter> parseFeedbackFilter(std::string_view text);
const char* toString(FeedbackFilter filter);

struct FeedbackView {
  std::vector<FeedbackItem> items;     // every item of the event (ratings too)
  std::vector<std::string> assignees;  // accounts that may take a request
  FeedbackFilter filter = FeedbackFilter::kOpen;
  std::string noticeKey;
  bool noticeIsError = false;
  TimePoint now{};
};
std::string feedbackMain(const Frame& frame, const FeedbackView& view);
// The live queue's poll answer: requests received since the last poll, as rows ready to show.
std::string feedbackJson(const Frame& frame, const std::vector<FeedbackItem>& fresh,
                         const std::vector<std::string>& assignees, TimePoint since, TimePoint now);

struct SummaryView {
  std::string day;                  // YYYY-MM-DD
  bool eventZone = false;           // days in the event's zone (else the server's)
  std::vector<FeedbackItem> items;  // received that day
  TimePoint now{};
  std::string errorKey;
};
std::string summaryMain(const Frame& frame, const SummaryView& view);

}  // namespace kiosk::central::console
