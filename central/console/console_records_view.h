// The records pages as HTML (the audit search and the printable daily report), every value
// escaped. Pure functions of their arguments; any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "central/console/console_records_store.h"
#include "central/console/console_views.h"

namespace kiosk::central::console {

// Supervisors search the records and export: the audit names every account's sign-ins and
// addresses and every guest's service history, which the handbooks keep to least privilege;
// reception sees a guest's own trail on the guest's page.
bool mayReadRecords(Role role);
bool mayExport(Role role);
// The daily report sums up what reception already sees (arrivals, requests): reception and
// supervisors; IT's part is the terminals page.
bool mayReadReport(Role role);

inline constexpr std::size_t kRecordsPerPage = 50;

struct RecordsView {
  std::string text;  // the form's fields as typed
  std::string actor;
  std::string action;
  std::string from;
  std::string to;
  std::vector<RecordRow> rows;  // this page's
  std::size_t total = 0;
  std::size_t page = 1;  // 1-based
  std::string errorKey;
};
std::string recordsMain(const Frame& frame, const RecordsView& view);
// The search's query string (without page), for the pager and the export link.
std::string recordsQuery(const Frame& frame, const RecordsView& view);

struct ReportView {
  std::string day;
  bool eventZone = false;
  TimePoint now{};
  std::vector<ArrivalRow> guests;  // the guests of the day (see onDay)
  int flagged = 0;
  std::vector<FeedbackItem> feedback;  // received that day
  std::size_t openRequests = 0;        // of the whole event, still open
  std::vector<Device> devices;
  std::string errorKey;
};
std::string reportMain(const Frame& frame, const ReportView& view);

}  // namespace kiosk::central::console
