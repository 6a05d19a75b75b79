// The console's exports as CSV that a spreadsheet opens cleanly and safely: UTF-8 with a byte
// order mark (Excel otherwise reads Chinese names as the ANSI code page), CRLF row ends, RFC
// 4180 quoting, and no cell that a spreadsheet would run as a formula: a value that starts with
// = + - @ TAB or CR gets a leading apostrophe (a guest named "=HYPERLINK(...)" stays text).
// Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::central::console {

// One cell as it is written: neutralised, then quoted when it holds a comma, quote, CR or LF.
std::string csvCell(std::string_view value);

class CsvWriter {
 public:
  CsvWriter();  // starts with the byte order mark
  void row(const std::vector<std::string>& cells);
  std::size_t rows() const { return rows_; }  // the header row too
  const std::string& text() const { return out_; }

 private:
  std::string out_;
  std::size_t rows_ = 0;
};

// A Content-Disposition value for a download named `name` (UTF-8, e.g. the Chinese event's
// name): an ASCII filename= for old clients (every other byte becomes '_') and the RFC 5987
// filename*= with the real name. Path separators, quotes and controls never reach either.
std::string attachmentDisposition(std::string_view name);

}  // namespace kiosk::central::console
