// The reception console's tests: central in-process over real HTTPS on loopback (the sync
// tests' fixture), console accounts in its database, and a browser-like HTTPS client that
// keeps its cookie and sends an Origin.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <regex>
#include <string>

#include "central/console/console_store.h"
#include "sync/sync_test_support.h"

namespace kiosk::testing {

inline constexpr std::string_view kPassword = "lobby-desk-2026";

// Adds a console account straight to central's database.
inline void addAccount(const CentralFixture& central, const std::string& name,
                       central::console::Role role, EventId eventId) {
  auto store = central.open();
  central::console::ConsoleStore accounts(store->database());
  central::console::Account a;
  a.name = name;
  a.role = role;
  a.eventId = eventId;
  a.language = "en";
  auto st = accounts.addAccount(a, kPassword, SystemClock().now());
  ASSERT_TRUE(st) << st.error().message;
}

// Rows of a table of central's database (CentralFixture::count knows the sync tables only).
inline std::int64_t rowsOf(const CentralFixture& central, const std::string& table) {
  auto store = central.open();
  auto s = store->database().prepare("SELECT COUNT(*) FROM " + table);
  return s.step() ? s.columnInt(0) : -1;
}

inline std::string urlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

inline std::string form(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    out += (out.empty() ? "" : "&") + urlEncode(k) + "=" + urlEncode(v);
  }
  return out;
}

// A browser's view of the console: one cookie, this server as Origin unless told otherwise.
class ConsoleClient {
 public:
  ConsoleClient(int port, const std::string& caFile) : port_(port), client_("127.0.0.1", port) {
    client_.set_ca_cert_path(caFile.c_str());
    client_.enable_server_certificate_verification(true);
    client_.set_follow_location(false);
    // As long as a browser waits: a large page under the sanitizer build on PostgreSQL
    // takes longer than the library's 5 s.
    client_.set_read_timeout(std::chrono::seconds(60));
  }
  std::string origin() const { return "https://127.0.0.1:" + std::to_string(port_); }

  httplib::Result get(const std::string& path) { return client_.Get(path.c_str(), headers({})); }

  // From the console's own origin.
  httplib::Result post(const std::string& path, const std::map<std::string, std::string>& fields) {
    return post(path, fields, origin());
  }
  // `originHeader`: "" sends none. (Not an optional defaulting to the console's origin: GCC
  // 12 at -O3 warns that such an optional string may be used uninitialized.)
  httplib::Result post(const std::string& path, const std::map<std::string, std::string>& fields,
                       const std::string& originHeader) {
    auto h = headers({});
    if (!originHeader.empty()) {
      h.emplace("Origin", originHeader);
    }
    auto r = client_.Post(path.c_str(), h, form(fields), "application/x-www-form-urlencoded");
    if (r && r->has_header("Set-Cookie")) {
      const auto c = r->get_header_value("Set-Cookie");
      cookie_ = c.substr(0, c.find(';'));
      lastSetCookie_ = c;
    }
    return r;
  }

  httplib::Result login(const std::string& name, std::string_view password = kPassword) {
    return post("/console/login",
                {{"name", name}, {"password", std::string(password)}, {"lang", "en"}});
  }

  // The CSRF token of a page (its hidden field).
  static std::string csrfOf(const std::string& html) {
    static const std::regex field(R"re(name="csrf" value="([0-9a-f]+)")re");
    std::smatch m;
    return std::regex_search(html, m, field) ? m[1].str() : std::string();
  }

  const std::string& cookie() const { return cookie_; }
  const std::string& lastSetCookie() const { return lastSetCookie_; }
  void setCookie(std::string c) { cookie_ = std::move(c); }

 private:
  httplib::Headers headers(httplib::Headers h) const {
    if (!cookie_.empty()) {
      h.emplace("Cookie", cookie_);
    }
    return h;
  }
  int port_;
  httplib::SSLClient client_;
  std::string cookie_;
  std::string lastSetCookie_;
};

// The fixture of a console test suite: one test PKI for the whole suite (making one takes a
// while), the test's own folder and central, and console clients signed in to it.
class ConsoleSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
    pki = nullptr;
    pkiDir = nullptr;
  }

  // A console client of `central`, signed in as `account`.
  std::unique_ptr<ConsoleClient> signedIn(const std::string& account) {
    auto b = std::make_unique<ConsoleClient>(central->port(), pki->caFile);
    auto r = b->login(account);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 303);
    return b;
  }

  static inline TempDir* pkiDir = nullptr;
  static inline Pki* pki = nullptr;
  TempDir dir;
  std::unique_ptr<CentralFixture> central;
};

}  // namespace kiosk::testing
