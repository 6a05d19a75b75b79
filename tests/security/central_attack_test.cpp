// kiosk-central as an attacker on the venue network meets it: a real server over TLS on
// loopback with two events, and enrolled terminals (or strangers) that lie. Each test
// makes one attack and asserts what central answered and what its database holds.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "offline-cache/http_client.h"
#include "offline-cache/json_codec.h"
#include "sync/sync_test_support.h"

namespace kiosk::central {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::Pki;
using kiosk::testing::TempDir;
using nlohmann::json;

// A TLS client on a raw socket, for requests no well-behaved client library sends: lying
// headers, bodies that never come, old cipher suites. No certificate check (the attacker
// does not care who answers). `from`: the loopback address it connects from (the whole
// of 127/8 is loopback on Linux), so that a test can play two clients.
class RawTls {
 public:
  explicit RawTls(int port, const char* tls12Ciphers = nullptr, const char* from = nullptr) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (tls12Ciphers != nullptr) {
      SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
      SSL_CTX_set_cipher_list(ctx_, tls12Ciphers);
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{0, 100'000};  // reads wake every 100 ms so that waits stay bounded
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (from != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, from, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        return;
      }
    }
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return;
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      const int r = SSL_connect(ssl_);
      if (r == 1) {
        connected_ = true;
        return;
      }
      const int e = SSL_get_error(ssl_, r);
      if (e != SSL_ERROR_WANT_READ && !(e == SSL_ERROR_SYSCALL && errno == EAGAIN)) {
        ERR_clear_error();
        return;
      }
    }
  }
  ~RawTls() {
    if (ssl_ != nullptr) {
      SSL_free(ssl_);
    }
    if (fd_ >= 0) {
      ::close(fd_);
    }
    SSL_CTX_free(ctx_);
  }
  RawTls(const RawTls&) = delete;
  RawTls& operator=(const RawTls&) = delete;

  bool connected() const { return connected_; }
  bool send(std::string_view bytes) {
    return connected_ && SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) > 0;
  }
  // The status of the next response, once its headers and Content-Length bytes arrived;
  // 0 when none came within `timeout` (or the connection ended first).
  int response(Millis timeout = std::chrono::seconds(3)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto headers = lower(buffer_.substr(0, end));
        std::size_t length = 0;
        if (const auto at = headers.find("content-length:"); at != std::string::npos) {
          length = std::stoul(headers.substr(at + 15));
        }
        if (buffer_.size() >= end + 4 + length) {
          const int status = std::stoi(buffer_.substr(9, 3));
          body_ = buffer_.substr(end + 4, length);
          buffer_.erase(0, end + 4 + length);
          return status;
        }
      }
      if (!readSome()) {
        if (closed_) {
          return 0;
        }
      }
    }
    return 0;
  }
  // True when the server closed the connection within `timeout`.
  bool closedByServer(Millis timeout = std::chrono::seconds(3)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
      readSome();
    }
    return closed_;
  }
  const std::string& body() const { return body_; }

 private:
  static std::string lower(std::string s) {
    for (auto& c : s) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
  }
  bool readSome() {
    if (!connected_ || closed_) {
      return false;
    }
    char chunk[16384];
    const int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    const int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_WANT_READ || (e == SSL_ERROR_SYSCALL && errno == EAGAIN)) {
      ERR_clear_error();
      return false;
    }
    closed_ = true;  // close_notify, reset or EOF
    ERR_clear_error();
    return false;
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
  std::string body_;
};

// Two events on one central: A (the fixture's) and B, each with guests and a staff member.
class CentralAttackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(kiosk::testing::makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
  }

  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 5, 2);
    const auto now = SystemClock().now();
    eventB.id = central->event().id ^ 0x5a5a5a5au;
    eventB.name = "Other Forum";
    eventB.startsAt = now - std::chrono::hours(2);
    eventB.endsAt = now + std::chrono::hours(48);
    auto store = central->open();
    ASSERT_TRUE(store->createEvent(eventB, generateSigningKey(eventB.id, 1, now), "", now));
    ASSERT_TRUE(store->upsertGuests(eventB.id, kiosk::testing::makeGuests(5), now));
    addStaff(*store, "staff-a", eventA());
    addStaff(*store, "staff-b", eventB.id);
  }

  static void addStaff(CentralStore& store, const std::string& id, EventId eventId) {
    ASSERT_TRUE(store.saveStaff(StaffMember{id, "Staff " + id, "reception", "", "", true, ""},
                                SystemClock().now(), eventId));
  }

  void start(ServerOptions options = {}) {
    central->start(options);
    cache::HttpOptions o;
    o.baseUrl = central->url();
    o.caFile = pki->caFile;
    o.requestTimeout = std::chrono::seconds(10);
    client = std::make_unique<cache::HttpClient>(o);
  }

  EventId eventA() const { return central->event().id; }

  std::string enroll(const std::string& terminal, EventId eventId) {
    auto code = central->open()->devices().createEnrollmentCode(
        terminal, eventId, std::chrono::hours(1), SystemClock().now());
    EXPECT_TRUE(code);
    auto r = client->request("POST", "/v1/enroll", json{{"code", code->code}}.dump());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body).at("token").get<std::string>();
  }

  static CheckinRecord checkin(EventId eventId, GuestId guest, TimePoint at = SystemClock().now()) {
    CheckinRecord r;
    r.id = newRecordId(at);
    r.eventId = eventId;
    r.guestId = guest;
    r.terminal = "lobby-1";
    r.scannedAt = at;
    return r;
  }

  // POSTs {field: items} and returns the per-item results (fails the test on a non-200).
  json push(const std::string& path, const std::string& field, const json& items,
            const std::string& token) {
    auto r = client->request("POST", path, json{{field, items}}.dump(), {}, token);
    EXPECT_TRUE(r);
    if (!r) {
      return json::array();
    }
    EXPECT_EQ(r->status, 200) << r->body;
    return r->status == 200 ? json::parse(r->body).at("results") : json::array();
  }
  json pushCheckins(const json& items, const std::string& token) {
    return push("/v1/checkins", "checkins", items, token);
  }

  // -1: no row; -2: the query failed (a table or column central lacks).
  std::int64_t scalar(const std::string& sql) {
    auto store = central->open();
    try {
      auto s = store->database().prepare(sql);
      return s.step() ? s.columnInt(0) : -1;
    } catch (const std::exception&) {
      return -2;
    }
  }
  // A field of a guest's stored record (a JSON pointer such as "/lodging/room"), read
  // without the engine's JSON functions so that it works on every store.
  std::string guestField(EventId eventId, GuestId guestId, const std::string& pointer) {
    const auto doc = text("SELECT doc FROM guests WHERE event_id = " + std::to_string(eventId) +
                          " AND guest_id = " + std::to_string(guestId));
    if (doc == "<none>" || doc == "<error>") {
      return doc;
    }
    const auto value = json::parse(doc).value(json::json_pointer(pointer), json());
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
  std::string text(const std::string& sql) {
    auto store = central->open();
    try {
      auto s = store->database().prepare(sql);
      return s.step() ? s.columnText(0) : std::string("<none>");
    } catch (const std::exception&) {
      return "<error>";
    }
  }
  static std::string q(const std::string& value) { return "'" + value + "'"; }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::unique_ptr<CentralFixture> central;
  std::unique_ptr<cache::HttpClient> client;
  Event eventB;
};

TempDir* CentralAttackTest::pkiDir = nullptr;
Pki* CentralAttackTest::pki = nullptr;

const std::string kJpeg("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);

// --- 1. event isolation ---

TEST_F(CentralAttackTest, ATerminalOfAnotherEventCannotUndoACheckin) {
  start();
  const auto tokenA = enroll("lobby-a", eventA());
  const auto tokenB = enroll("lobby-b", eventB.id);
  const auto c = checkin(eventA(), 1);
  ASSERT_EQ(pushCheckins(json::array({cache::toJson(c)}), tokenA)[0].at("status"), "accepted");

  // B names A's check-in in an undo of its own event, signed by its own staff member.
  api::UndoRecord undo{c.id, eventB.id, 1, SystemClock().now(), "staff-b", "forged", "lobby-b"};
  push("/v1/undos", "undos", json::array({api::toJson(undo)}), tokenB);
  EXPECT_EQ(scalar("SELECT undone_at IS NULL FROM checkins WHERE id = " + q(c.id)), 1);
  // A's own feed still shows the check-in in force.
  auto feed = client->request("GET", "/v1/changes", {}, {}, tokenA);
  ASSERT_TRUE(feed);
  const json changes = json::parse(feed->body);
  for (const auto& item : changes.at("checkins")) {
    if (item.at("id") == c.id) {
      EXPECT_FALSE(item.contains("undone_at") && !item.at("undone_at").is_null()) << item;
    }
  }
}

// A guest edit (issue 11 item 13) reaches only the device's own event's guests, in the
// name of that event's staff, with a reason, known fields and bounded text; the genuine
// one is applied, audited with the staff id and the enrolled terminal name, and fed.
TEST_F(CentralAttackTest, ATerminalOfAnotherEventCannotEditThisEventsGuest) {
  start();
  const auto tokenA = enroll("lobby-a", eventA());
  const auto tokenB = enroll("lobby-b", eventB.id);
  const auto roomOfA1 = [&] { return guestField(eventA(), 1, "/lodging/room"); };
  const std::string before = roomOfA1();
  ASSERT_NE(before, "<none>");
  auto edit = [&](EventId eventId, const std::string& staff, std::vector<GuestFieldChange> changes,
                  const std::string& reason = "guest asked for a quiet room") {
    GuestEdit e;
    e.id = newRecordId(SystemClock().now());
    e.eventId = eventId;
    e.guestId = 1;
    e.terminal = "forged-name";
    e.staffId = staff;
    e.reason = reason;
    e.at = SystemClock().now();
    e.changes = std::move(changes);
    return api::toJson(e);
  };
  // A value no random id or key in a feed can hold by chance (a bare "9901" was found
  // inside one).
  const std::vector<GuestFieldChange> room{{"lodging.room", "9901 quiet"}};
  // B claims A's event, then names A's guest id in its own event with its own staff.
  auto r =
      push("/v1/guest-edits", "edits",
           json::array({edit(eventA(), "staff-b", room), edit(eventA(), "staff-a", room)}), tokenB);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].at("status"), "rejected") << r[0];
  EXPECT_EQ(r[1].at("status"), "rejected") << r[1];
  EXPECT_EQ(roomOfA1(), before);

  // A's own terminal, but not as A's staff, without a reason, with unknown or oversized
  // fields, or with control characters.
  r = push("/v1/guest-edits", "edits",
           json::array({edit(eventA(), "staff-b", room), edit(eventA(), "nonexistent", room),
                        edit(eventA(), "staff-a", room, ""),
                        edit(eventA(), "staff-a", {{"name", "Mallory"}}),
                        edit(eventA(), "staff-a", {{"transport.9.driver", "Mallory"}}),
                        edit(eventA(), "staff-a", {{"lodging.room", std::string(300, '9')}}),
                        edit(eventA(), "staff-a", {{"lodging.room", "99\x1b[2J"}}),
                        edit(eventA(), "staff-a", {{"meeting.0.starts_at", "tomorrow"}})}),
           tokenA);
  ASSERT_EQ(r.size(), 8u);
  for (const auto& item : r) {
    EXPECT_EQ(item.at("status"), "rejected") << item;
  }
  EXPECT_EQ(roomOfA1(), before);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guest_edits"), 0);

  const auto genuine = edit(eventA(), "staff-a", room);
  r = push("/v1/guest-edits", "edits", json::array({genuine}), tokenA);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].at("status"), "accepted") << r[0];
  EXPECT_EQ(roomOfA1(), "9901 quiet");
  const auto id = genuine.at("id").get<std::string>();
  EXPECT_EQ(text("SELECT terminal FROM guest_edits WHERE id = " + q(id)), "lobby-a");
  const auto audit = central->open()->records().listAudit(eventA());
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().action, AuditAction::kGuestEdited);
  EXPECT_EQ(audit->front().actor, "staff:staff-a");
  EXPECT_EQ(audit->front().terminal, "lobby-a");
  EXPECT_EQ(audit->front().reason, "guest asked for a quiet room");
  // The same edit again changes nothing; B's feed never carries A's guest.
  r = push("/v1/guest-edits", "edits", json::array({genuine}), tokenA);
  EXPECT_EQ(r[0].at("status"), "accepted") << r[0];
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guest_edits"), 1);
  auto feed = client->request("GET", "/v1/changes", {}, {}, tokenB);
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->body.find("9901 quiet"), std::string::npos);
  feed = client->request("GET", "/v1/changes", {}, {}, tokenA);
  ASSERT_TRUE(feed);
  EXPECT_NE(feed->body.find("\"9901 quiet\""), std::string::npos);
}

TEST_F(CentralAttackTest, PhotosBelongToTheTerminalsOwnCheckinsAndAreImages) {
  start();
  const auto tokenA = enroll("lobby-a", eventA());
  const auto tokenB = enroll("lobby-b", eventB.id);
  const auto c = checkin(eventA(), 1);
  pushCheckins(json::array({cache::toJson(c)}), tokenA);
  // A large genuine photo goes through (the limits on idle connections do not touch bodies).
  auto large = client->request("PUT", "/v1/photos/" + c.id, kJpeg + std::string(3'000'000, 'j'),
                               "image/jpeg", tokenA);
  ASSERT_TRUE(large);
  ASSERT_EQ(large->status, 200) << large->body;
  auto ok = client->request("PUT", "/v1/photos/" + c.id, kJpeg, "image/jpeg", tokenA);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;

  // Event B overwrites A's photo: refused, A's bytes stay.
  auto other = client->request("PUT", "/v1/photos/" + c.id, kJpeg + "B", "image/jpeg", tokenB);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404) << other->body;
  // A photo for a check-in that does not exist.
  auto none = client->request("PUT", "/v1/photos/" + newRecordId(SystemClock().now()), kJpeg,
                              "image/jpeg", tokenA);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404) << none->body;
  // Bytes that are no image, labelled as one.
  auto junk = client->request("PUT", "/v1/photos/" + c.id, "NOT-AN-IMAGE", "image/jpeg", tokenA);
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->status, 415) << junk->body;
  EXPECT_EQ(scalar("SELECT length(data) FROM photos WHERE checkin_id = " + q(c.id)),
            static_cast<std::int64_t>(kJpeg.size()));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM photos"), 1);
}

// Check-in ids are a terminal's ids within its event. Before, they were one key across
// central: a terminal of event B that pushed an id first took it from event A, whose
// genuine check-in was then refused as a conflict (and never counted).
TEST_F(CentralAttackTest, AnotherEventCannotTakeACheckinIdFromThisOne) {
  start();
  const auto tokenA = enroll("lobby-a", eventA());
  const auto tokenB = enroll("lobby-b", eventB.id);
  const auto now = SystemClock().now();
  // The id A's terminal will use next, pushed first by B for B's own guest.
  const auto nextOfA = checkin(eventA(), 2, now - std::chrono::minutes(1));
  auto squat = nextOfA;
  squat.eventId = eventB.id;
  squat.guestId = 1;
  auto b = pushCheckins(json::array({cache::toJson(squat)}), tokenB);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].at("status"), "accepted") << b[0];

  auto a = pushCheckins(json::array({cache::toJson(nextOfA)}), tokenA);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].at("status"), "accepted") << a[0];
  EXPECT_FALSE(a[0].value("flagged", false)) << a[0];
  auto countedA = central->open()->records().listCheckins(eventA());
  ASSERT_TRUE(countedA);
  ASSERT_EQ(countedA->size(), 1u);
  EXPECT_EQ(countedA->front().record.guestId, 2u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM conflicts"), 0);
  // B's record stays B's.
  const auto inB = " WHERE id = " + q(nextOfA.id) + " AND event_id = " + std::to_string(eventB.id);
  EXPECT_EQ(scalar("SELECT guest_id FROM checkins" + inB), 1);
  EXPECT_EQ(text("SELECT terminal FROM checkins" + inB), "lobby-b");

  // Each terminal's feed carries its own event's record under the id.
  auto feedOf = [&](const std::string& token) {
    auto r = client->request("GET", "/v1/changes", {}, {}, token);
    EXPECT_TRUE(r);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> found;  // (event, guest)
    for (const auto& item : json::parse(r->body).value("checkins", json::array())) {
      if (item.at("id") == nextOfA.id) {
        found.emplace_back(item.at("event_id").get<std::uint64_t>(),
                           item.at("guest_id").get<std::uint64_t>());
      }
    }
    return found;
  };
  EXPECT_EQ(feedOf(tokenA), (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{eventA(), 2}}));
  EXPECT_EQ(feedOf(tokenB), (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{eventB.id, 1}}));

  // B's undo and photo under the id touch B's check-in only.
  api::UndoRecord undo{nextOfA.id, eventB.id, 1,        SystemClock().now(),
                       "staff-b",  "mistake", "lobby-b"};
  EXPECT_EQ(push("/v1/undos", "undos", json::array({api::toJson(undo)}), tokenB)[0].at("status"),
            "accepted");
  EXPECT_EQ(scalar("SELECT undone_at IS NULL FROM checkins WHERE id = " + q(nextOfA.id) +
                   " AND event_id = " + std::to_string(eventA())),
            1);
  EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM checkins" + inB), 1);
  auto photoA =
      client->request("PUT", "/v1/photos/" + nextOfA.id, kJpeg + "A", "image/jpeg", tokenA);
  ASSERT_TRUE(photoA);
  EXPECT_EQ(photoA->status, 200) << photoA->body;
  auto photoB =
      client->request("PUT", "/v1/photos/" + nextOfA.id, kJpeg + "BB", "image/jpeg", tokenB);
  ASSERT_TRUE(photoB);
  EXPECT_EQ(photoB->status, 200) << photoB->body;
  EXPECT_EQ(scalar("SELECT length(data) FROM photos WHERE checkin_id = " + q(nextOfA.id) +
                   " AND event_id = " + std::to_string(eventA())),
            static_cast<std::int64_t>(kJpeg.size() + 1));
}

TEST_F(CentralAttackTest, ACheckinIdOfAnotherEventIsNoOracle) {
  start();
  const auto tokenA = enroll("lobby-a", eventA());
  const auto tokenB = enroll("lobby-b", eventB.id);
  const auto now = SystemClock().now();
  const auto first = checkin(eventA(), 1, now - std::chrono::minutes(2));
  const auto second = checkin(eventA(), 1, now - std::chrono::minutes(1));
  auto a = pushCheckins(json::array({cache::toJson(first), cache::toJson(second)}), tokenA);
  ASSERT_EQ(a[1].value("flagged", false), true);

  // B re-sends A's flagged id under its own event: before, it was told "flagged" (A's
  // state) and its record silently dropped. Now the answer is about B's records only.
  auto forged = second;
  forged.eventId = eventB.id;
  forged.guestId = 3;
  auto b = pushCheckins(json::array({cache::toJson(forged)}), tokenB);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].at("status"), "accepted") << b[0];
  EXPECT_FALSE(b[0].value("flagged", false)) << b[0];
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE id = " + q(second.id) +
                   " AND event_id = " + std::to_string(eventB.id) + " AND guest_id = 3"),
            1);
  // A's check-in unchanged.
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q(second.id) +
                   " AND event_id = " + std::to_string(eventA())),
            1);
}

// --- 2. records are bound to the device that sent them ---

TEST_F(CentralAttackTest, TheTerminalNameComesFromTheEnrollment) {
  start();
  const auto token = enroll("lobby-a", eventA());
  auto c = checkin(eventA(), 1);
  c.terminal = "lobby-2\n2026-01-01  guest 1  forged";
  ASSERT_EQ(pushCheckins(json::array({cache::toJson(c)}), token)[0].at("status"), "accepted");
  EXPECT_EQ(text("SELECT terminal FROM checkins WHERE id = " + q(c.id)), "lobby-a");
  EXPECT_EQ(
      cache::checkinFromJson(json::parse(text("SELECT doc FROM checkins WHERE id = " + q(c.id))))
          .terminal,
      "lobby-a");
}

TEST_F(CentralAttackTest, StaffIdsMustNameStaffOfTheDevicesEvent) {
  start();
  const auto token = enroll("lobby-a", eventA());
  auto unknown = checkin(eventA(), 1);
  unknown.method = CheckinMethod::kStaffOverride;
  unknown.staffId = "nonexistent-staff";
  unknown.overrideReason = "forged";
  auto otherEvents = checkin(eventA(), 2);
  otherEvents.method = CheckinMethod::kStaffManual;
  otherEvents.staffId = "staff-b";
  otherEvents.overrideReason = "borrowed";
  auto nobody = checkin(eventA(), 3);
  nobody.method = CheckinMethod::kStaffManual;  // a staff method without a staff member
  auto genuine = checkin(eventA(), 4);
  genuine.method = CheckinMethod::kStaffOverride;
  genuine.staffId = "staff-a";
  genuine.overrideReason = "document checked";
  auto r = pushCheckins(json::array({cache::toJson(unknown), cache::toJson(otherEvents),
                                     cache::toJson(nobody), cache::toJson(genuine)}),
                        token);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].at("status"), "rejected") << r[0];
  EXPECT_NE(r[0].value("detail", "").find("staff"), std::string::npos) << r[0];
  EXPECT_EQ(r[1].at("status"), "rejected") << r[1];
  EXPECT_EQ(r[2].at("status"), "rejected") << r[2];
  EXPECT_EQ(r[3].at("status"), "accepted") << r[3];
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 1);

  // Undos: any terminal of the event may undo its check-ins, but only in the name of one of
  // the event's staff members and with a reason.
  const auto c = checkin(eventA(), 5);
  const auto other = enroll("lobby-a2", eventA());
  pushCheckins(json::array({cache::toJson(c)}), token);
  api::UndoRecord forged{c.id, eventA(), 5, SystemClock().now(), "nonexistent-staff", "x", ""};
  api::UndoRecord noReason{c.id, eventA(), 5, SystemClock().now(), "staff-a", "", ""};
  auto u =
      push("/v1/undos", "undos", json::array({api::toJson(forged), api::toJson(noReason)}), other);
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].at("status"), "rejected") << u[0];
  EXPECT_EQ(u[1].at("status"), "rejected") << u[1];
  EXPECT_EQ(scalar("SELECT undone_at IS NULL FROM checkins WHERE id = " + q(c.id)), 1);
  api::UndoRecord real{c.id, eventA(), 5, SystemClock().now(), "staff-a", "wrong guest", ""};
  u = push("/v1/undos", "undos", json::array({api::toJson(real)}), other);
  EXPECT_EQ(u[0].at("status"), "accepted") << u[0];
  EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM checkins WHERE id = " + q(c.id)), 1);
}

// --- 3. a terminal's clock cannot rewrite history ---

TEST_F(CentralAttackTest, AnImplausibleScanTimeNeverTakesOverTheAdmission) {
  start();
  const auto token = enroll("lobby-a", eventA());
  const auto genuine = checkin(eventA(), 1, SystemClock().now() - std::chrono::minutes(3));
  ASSERT_EQ(pushCheckins(json::array({cache::toJson(genuine)}), token)[0].at("status"), "accepted");
  // Three lying clocks: the epoch, year 0000 and year 9999.
  std::vector<std::string> liars;
  json items = json::array();
  for (const char* when :
       {"1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
    auto c = checkin(eventA(), 1);
    auto j = cache::toJson(c);
    j["scanned_at"] = when;
    items.push_back(j);
    liars.push_back(c.id);
  }
  auto r = pushCheckins(items, token);
  ASSERT_EQ(r.size(), 3u);
  for (std::size_t i = 0; i < r.size(); ++i) {
    // Recorded (a check-in is a fact) and flagged as the second admission it is.
    EXPECT_EQ(r[i].at("status"), "accepted") << r[i];
    EXPECT_EQ(r[i].value("flagged", false), true) << r[i];
    EXPECT_EQ(scalar("SELECT skewed FROM checkins WHERE id = " + q(liars[i])), 1);
  }
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q(genuine.id)), 0);
  auto dups = central->open()->records().listDuplicates(eventA());
  ASSERT_TRUE(dups);
  ASSERT_EQ(dups->size(), 3u);
  for (const auto& d : *dups) {
    EXPECT_EQ(d.admissionId, genuine.id);
  }
}

// --- 4. same id, different content ---

TEST_F(CentralAttackTest, IdsMustBeTheTerminalsRecordIds) {
  start();
  const auto token = enroll("lobby-a", eventA());
  json items = json::array();
  for (const std::string& id : {std::string(), std::string("abc\0def", 7), std::string("c-1"),
                                std::string(36, 'a'), std::string(5000, '7')}) {
    auto j = cache::toJson(checkin(eventA(), 1));
    j["id"] = id;
    items.push_back(j);
  }
  auto r = pushCheckins(items, token);
  ASSERT_EQ(r.size(), items.size());
  for (const auto& item : r) {
    EXPECT_EQ(item.at("status"), "rejected") << item;
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 0);
}

TEST_F(CentralAttackTest, AReSentIdWithOtherContentIsAConflictStaffCanSee) {
  start();
  const auto token = enroll("lobby-a", eventA());
  const auto c = checkin(eventA(), 1);
  ASSERT_EQ(pushCheckins(json::array({cache::toJson(c)}), token)[0].at("status"), "accepted");
  // The same record again is a repeat: same answer.
  EXPECT_EQ(pushCheckins(json::array({cache::toJson(c)}), token)[0].at("status"), "accepted");
  auto other = c;
  other.guestId = 2;
  auto r = pushCheckins(json::array({cache::toJson(other)}), token);
  EXPECT_EQ(r[0].at("status"), "rejected") << r[0];
  EXPECT_NE(r[0].value("detail", "").find("conflict"), std::string::npos) << r[0];
  EXPECT_EQ(scalar("SELECT guest_id FROM checkins WHERE id = " + q(c.id)), 1);

  // Listed by the admin command, with the record that was refused.
  auto listed = kiosk::testing::runCommand({std::string(KIOSK_BINARY_DIR) + "/kiosk-central",
                                            "conflicts", "--db", central->database(), "--json"},
                                           dir.path());
  ASSERT_EQ(listed.status, 0) << listed.err;
  ASSERT_EQ(listed.lines().size(), 1u) << listed.out;
  const auto line = json::parse(listed.lines()[0]);
  EXPECT_EQ(line["id"], c.id);
  EXPECT_EQ(line["kind"], "checkin");
  EXPECT_EQ(line["terminal"], "lobby-a");
  EXPECT_EQ(line["record"]["guest_id"], 2);
}

// --- 5. limits on everything a client sends ---

TEST_F(CentralAttackTest, OversizedAndControlCharacterFieldsAreRefusedOneByOne) {
  start();
  const auto token = enroll("lobby-a", eventA());
  auto feedback = [&](const std::string& category, const std::string& text) {
    Feedback f;
    f.id = newRecordId(SystemClock().now());
    f.eventId = eventA();
    f.at = SystemClock().now();
    f.kind = FeedbackKind::kComplaint;
    f.category = category;
    f.text = text;
    return api::toJson(f);
  };
  auto r = push("/v1/feedback", "feedback",
                json::array({feedback("room", std::string(8 * 1024 * 1024, 'x')),
                             feedback("\x1b[31mroom", "red"), feedback("room", "cold\x1b]0;x\x07"),
                             feedback("room", "the air conditioning\nis loud")}),
                token);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].at("status"), "rejected") << r[0];
  EXPECT_EQ(r[1].at("status"), "rejected") << r[1];
  EXPECT_EQ(r[2].at("status"), "rejected") << r[2];
  EXPECT_EQ(r[3].at("status"), "accepted") << r[3];
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM feedback"), 1);
  // The refusal names the field and the limit, never the value.
  EXPECT_EQ(r[1].value("detail", "").find("\x1b"), std::string::npos);

  // A 5 MB heartbeat detail, a version with a line break.
  api::Heartbeat hb;
  hb.version = "1.0";
  hb.terminalTime = SystemClock().now();
  hb.printer = {"no_media", std::string(5 * 1024 * 1024, 'p')};
  auto big = client->request("POST", "/v1/heartbeat", cache::dump(api::toJson(hb)), {}, token);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 400);
  hb.printer = {"no_media", "load cards"};
  hb.version = "1.0\nforged";
  auto newline = client->request("POST", "/v1/heartbeat", cache::dump(api::toJson(hb)), {}, token);
  ASSERT_TRUE(newline);
  EXPECT_EQ(newline->status, 400);
  EXPECT_EQ(scalar("SELECT length(health) < 100 FROM devices"), 1);

  // Terminal names are chosen at central, and bounded there too.
  auto store = central->open();
  EXPECT_FALSE(store->devices().createEnrollmentCode(std::string(1024 * 1024, 'n'), eventA(),
                                                     std::chrono::hours(1), SystemClock().now()));
  EXPECT_FALSE(store->devices().createEnrollmentCode("lobby\n2026-01-01  guest 1", eventA(),
                                                     std::chrono::hours(1), SystemClock().now()));
}

TEST_F(CentralAttackTest, UntrustedTextIsPrintedEscapedByTheCli) {
  start();
  const auto token = enroll("lobby-a", eventA());
  const auto c = checkin(eventA(), 1);
  pushCheckins(json::array({cache::toJson(c)}), token);
  // A name stored before names were checked (an older central) holds a line break and a
  // terminal escape: the listing shows them escaped, one line per check-in.
  {
    auto store = central->open();
    auto doc = json::parse(text("SELECT doc FROM checkins WHERE id = '" + c.id + "'"));
    doc["terminal"] = "lobby-2\n2026-01-01T00:00:00Z  guest 9  \x1b[2Jforged";
    store->database()
        .prepare("UPDATE checkins SET doc = ?1 WHERE id = ?2")
        .bind(1, doc.dump())
        .bind(2, c.id)
        .run();
  }
  auto listed = kiosk::testing::runCommand(
      {std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "checkins", "--db", central->database()},
      dir.path());
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_EQ(listed.lines().size(), 1u) << listed.out;
  EXPECT_EQ(listed.out.find('\x1b'), std::string::npos);
  EXPECT_NE(listed.out.find("lobby-2\\x0a"), std::string::npos) << listed.out;
}

TEST_F(CentralAttackTest, WalkInsStayInTheTerminalsRangeAndTheirOwnGuest) {
  start();
  const auto token = enroll("lobby-a", eventA());
  auto walkIn = [&](GuestId guestId, GuestId checkinGuest, auto&& change) {
    Guest g;
    g.eventId = eventA();
    g.id = guestId;
    g.bookingCode = "WALK-" + randomCode(6);
    g.name = "Walk In";
    change(g);
    auto c = checkin(eventA(), checkinGuest);
    c.method = CheckinMethod::kWalkIn;
    c.staffId = "staff-a";
    c.overrideReason = "no invitation";
    return json{{"guest", cache::toJson(g)}, {"checkin", cache::toJson(c)}};
  };
  const GuestId walkInId = 0x80000123u;
  auto r = push(
      "/v1/walk-ins", "walk_ins",
      json::array(
          {walkIn(3, 3, [](Guest&) {}),  // central's range: would overwrite guest 3
           walkIn(walkInId, walkInId + 1, [](Guest&) {}),
           walkIn(walkInId + 2, walkInId + 2, [](Guest& g) { g.status = GuestStatus::kBlocked; }),
           walkIn(walkInId + 3, walkInId + 3,
                  [](Guest& g) { g.hostContact = "https://attacker.example/hook"; }),
           walkIn(walkInId + 4, walkInId + 4, [](Guest&) {})}),
      token);
  ASSERT_EQ(r.size(), 5u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r[i].at("status"), "rejected") << i << " " << r[i];
  }
  EXPECT_EQ(r[4].at("status"), "accepted") << r[4];
  EXPECT_EQ(guestField(eventA(), 3, "/name"), central->guests().at(2).name);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM walk_ins"), 1);
}

// A VIP has a host who is told on arrival; hosts are set at central, so a terminal cannot
// make a walk-in a VIP (before, `category: vip` was accepted and the guest fed as a VIP to
// every terminal of the event).
TEST_F(CentralAttackTest, AWalkInCannotBeMadeAVip) {
  start();
  const auto token = enroll("lobby-a", eventA());
  auto walkIn = [&](GuestId id, GuestCategory category) {
    Guest g;
    g.eventId = eventA();
    g.id = id;
    g.bookingCode = "WALK-" + randomCode(6);
    g.name = "Walk In";
    g.category = category;
    auto c = checkin(eventA(), id);
    c.method = CheckinMethod::kWalkIn;
    c.staffId = "staff-a";
    c.overrideReason = "no invitation";
    return json{{"guest", cache::toJson(g)}, {"checkin", cache::toJson(c)}};
  };
  const GuestId vip = 0x80000200u;
  const GuestId press = 0x80000201u;
  auto r = push(
      "/v1/walk-ins", "walk_ins",
      json::array({walkIn(vip, GuestCategory::kVip), walkIn(press, GuestCategory::kPress)}), token);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].at("status"), "rejected") << r[0];
  EXPECT_NE(r[0].value("detail", "").find("VIP guests are made at central"), std::string::npos)
      << r[0];
  EXPECT_EQ(r[1].at("status"), "accepted") << r[1];
  const auto inA = " AND event_id = " + std::to_string(eventA());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guests WHERE guest_id = " + std::to_string(vip) + inA), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE guest_id = " + std::to_string(vip) + inA),
            0);
  EXPECT_EQ(guestField(eventA(), press, "/category"), "press");
}

TEST_F(CentralAttackTest, ArrivalNoticesOnlyForKnownCheckinsAndOnlyToCentralsHost) {
  start();
  const auto token = enroll("lobby-a", eventA());
  const auto& hosted = central->guests().at(1);  // guest 2 has a host
  ASSERT_FALSE(hosted.hostContact.empty());
  const auto c = checkin(eventA(), hosted.id);
  pushCheckins(json::array({cache::toJson(c)}), token);
  api::ArrivalNotice unknownGuest{newRecordId(SystemClock().now()),
                                  newRecordId(SystemClock().now()),
                                  eventA(),
                                  999,
                                  "Host",
                                  "https://attacker.example/hook",
                                  "lobby-a",
                                  SystemClock().now()};
  api::ArrivalNotice forgedHost{
      newRecordId(SystemClock().now()), c.id,      eventA(),           hosted.id, "Someone",
      "https://attacker.example/hook",  "lobby-a", SystemClock().now()};
  auto r = push("/v1/arrival-notices", "notices",
                json::array({api::toJson(unknownGuest), api::toJson(forgedHost)}), token);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].at("status"), "rejected") << r[0];
  EXPECT_EQ(r[1].at("status"), "accepted") << r[1];
  auto notices = central->open()->notices().list();
  ASSERT_TRUE(notices);
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ(notices->front().notice.hostContact, hosted.hostContact);
  EXPECT_EQ(notices->front().notice.host, hosted.host);
}

TEST_F(CentralAttackTest, UndosOfUnknownCheckinsWaitButOnlySoMany) {
  start();
  const auto token = enroll("lobby-a", eventA());
  auto undos = [&](std::size_t n) {
    json items = json::array();
    for (std::size_t i = 0; i < n; ++i) {
      api::UndoRecord u{newRecordId(SystemClock().now()),
                        eventA(),
                        1,
                        SystemClock().now(),
                        "staff-a",
                        "mistake",
                        ""};
      items.push_back(api::toJson(u));
    }
    return push("/v1/undos", "undos", items, token);
  };
  auto first = undos(1000);
  ASSERT_EQ(first.size(), 1000u);
  EXPECT_EQ(first[999].at("status"), "accepted");
  auto more = undos(1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].at("status"), "rejected") << more[0];
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM undos"), 1000);
}

// --- 6. no work for strangers ---

std::string postHead(const std::string& path, const std::string& extraHeaders) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         extraHeaders + "\r\n";
}

TEST_F(CentralAttackTest, AStrangersBodyIsNeverRead) {
  start();
  // 50 MB announced, a trickle sent: the answer comes before the body, and the
  // connection is closed rather than the rest read.
  RawTls big(central->port());
  ASSERT_TRUE(big.connected());
  ASSERT_TRUE(big.send(
      postHead("/v1/checkins", "Authorization: Bearer guessed\r\nContent-Length: 50000000\r\n") +
      std::string(1000, '{')));
  EXPECT_EQ(big.response(), 401) << big.body();
  EXPECT_TRUE(big.closedByServer());

  // Chunked, so that no Content-Length limit applies: refused before the first chunk.
  RawTls chunked(central->port());
  ASSERT_TRUE(chunked.connected());
  ASSERT_TRUE(chunked.send(postHead("/v1/checkins", "Transfer-Encoding: chunked\r\n") +
                           "100000\r\n" + std::string(4096, ' ')));
  EXPECT_EQ(chunked.response(), 401);
  EXPECT_TRUE(chunked.closedByServer());
}

TEST_F(CentralAttackTest, ChunkedAndCompressedBodiesAreRefusedEvenWithAToken) {
  start();
  const auto token = enroll("lobby-a", eventA());
  RawTls chunked(central->port());
  ASSERT_TRUE(chunked.connected());
  ASSERT_TRUE(chunked.send(postHead("/v1/checkins", "Authorization: Bearer " + token +
                                                        "\r\nTransfer-Encoding: chunked\r\n") +
                           "100000\r\n" + std::string(4096, ' ')));
  EXPECT_EQ(chunked.response(), 411) << chunked.body();
  EXPECT_TRUE(chunked.closedByServer());

  // A gzip body (a bomb inflates 1000-fold): refused without inflating it.
  const std::string gzipHeader("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  RawTls gzip(central->port());
  ASSERT_TRUE(gzip.connected());
  ASSERT_TRUE(gzip.send(postHead("/v1/checkins", "Authorization: Bearer " + token +
                                                     "\r\nContent-Encoding: gzip\r\nContent-"
                                                     "Length: 51000\r\n") +
                        gzipHeader));
  EXPECT_EQ(gzip.response(), 415) << gzip.body();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 0);
}

TEST_F(CentralAttackTest, TheBearerSchemeIsCaseInsensitive) {
  start();
  const auto token = enroll("lobby-a", eventA());
  RawTls raw(central->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.send("GET /v1/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: bearer " +
                       token + "\r\n\r\n"));
  EXPECT_EQ(raw.response(), 200) << raw.body();
}

TEST_F(CentralAttackTest, TlsOffersOnlyAeadSuites) {
  start();
  RawTls cbc(central->port(),
             "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:AES128-SHA:AES256-SHA");
  EXPECT_FALSE(cbc.connected());
  RawTls gcm(central->port(), "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_TRUE(gcm.connected());
}

TEST_F(CentralAttackTest, TokenGuessingIsLimitedPerAddressButTerminalsAreNot) {
  start();
  const auto token = enroll("lobby-a", eventA());
  int unauthorized = 0;
  int limited = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = client->request("GET", "/v1/changes", {}, {}, "guess-" + std::to_string(i));
    ASSERT_TRUE(r);
    unauthorized += r->status == 401 ? 1 : 0;
    limited += r->status == 429 ? 1 : 0;
  }
  EXPECT_LE(unauthorized, 15);
  EXPECT_GE(limited, 185);
  // The terminal behind the same address still gets in.
  auto ok = client->request("GET", "/v1/changes", {}, {}, token);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(CentralAttackTest, SlowClientsCannotHoldTheServer) {
  // A small pool and a short header time so that the test stays short; the defaults are
  // 64 threads and 10 s.
  ServerOptions options;
  options.threads = 8;
  options.headerTimeout = std::chrono::seconds(2);
  start(options);
  // Twice as many connections as threads, each sending a header line every 500 ms for up
  // to 8 s: before, they held every thread for as long as they kept trickling.
  std::vector<std::unique_ptr<RawTls>> slow;
  for (int i = 0; i < 16; ++i) {
    slow.push_back(std::make_unique<RawTls>(central->port()));
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (auto& c : slow) {
      c->send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(8);
    while (!done && std::chrono::steady_clock::now() < until) {
      for (auto& c : slow) {
        c->send("X-Slow: 1\r\n");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  // A health check gets through within the header time and a little.
  const auto asked = std::chrono::steady_clock::now();
  cache::HttpOptions o;
  o.baseUrl = central->url();
  o.caFile = pki->caFile;
  o.requestTimeout = std::chrono::seconds(6);
  auto health = cache::HttpClient(o).request("GET", "/v1/health");
  const auto waited = std::chrono::steady_clock::now() - asked;
  done = true;
  trickle.join();
  ASSERT_TRUE(health) << health.error().message;
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(waited, std::chrono::seconds(5));
  // And the slow ones were cut off.
  int closed = 0;
  for (auto& c : slow) {
    closed += c->closedByServer(std::chrono::milliseconds(200)) ? 1 : 0;
  }
  EXPECT_EQ(closed, 16);
}

// Connections count per client address. Before, one address opening more trickling
// connections than central has threads held every thread until its header time ran out
// (10 s by default) and nobody else was answered meanwhile.
TEST_F(CentralAttackTest, OneAddressCannotHoldEveryConnection) {
  ServerOptions options;
  options.threads = 8;
  options.maxConnectionsPerAddress = 4;
  start(options);  // the default header time: 10 s
  // 16 connections from 127.0.0.2, opened at once (a handshake waits up to 5 s for a thread).
  std::vector<std::unique_ptr<RawTls>> slow(16);
  {
    std::vector<std::thread> openers;
    for (auto& c : slow) {
      openers.emplace_back([&c, port = central->port()] {
        c = std::make_unique<RawTls>(port, nullptr, "127.0.0.2");
      });
    }
    for (auto& t : openers) {
      t.join();
    }
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (auto& c : slow) {
      c->send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(8);
    while (!done && std::chrono::steady_clock::now() < until) {
      for (auto& c : slow) {
        c->send("X-Slow: 1\r\n");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  // A client at another address (127.0.0.1) is answered at once.
  const auto asked = std::chrono::steady_clock::now();
  cache::HttpOptions o;
  o.baseUrl = central->url();
  o.caFile = pki->caFile;
  o.requestTimeout = std::chrono::seconds(6);
  auto health = cache::HttpClient(o).request("GET", "/v1/health");
  const auto waited = std::chrono::steady_clock::now() - asked;
  done = true;
  trickle.join();
  ASSERT_TRUE(health) << health.error().message;
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(waited, std::chrono::seconds(2));
  // The address got its four connections; the others were closed before their handshake.
  int connected = 0;
  for (const auto& c : slow) {
    connected += c->connected() ? 1 : 0;
  }
  EXPECT_EQ(connected, 4);
}

// A refused connection's socket number is given to the next connection as soon as it is
// closed, while the thread that served it is still finishing. Many refusals in a row from
// several clients: none of the new connections may pass for the closed one and escape the
// cap (before, one in many did).
TEST_F(CentralAttackTest, TheCapHoldsWhileRefusedConnectionsComeAndGo) {
  ServerOptions options;
  options.threads = 8;
  options.maxConnectionsPerAddress = 2;
  options.headerTimeout = std::chrono::seconds(120);  // the two held ones stay for the test
  start(options);
  RawTls first(central->port(), nullptr, "127.0.0.2");
  RawTls second(central->port(), nullptr, "127.0.0.2");
  ASSERT_TRUE(first.connected());
  ASSERT_TRUE(second.connected());
  first.send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  second.send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  std::atomic<int> passed{0};
  std::atomic<int> tried{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, port = central->port()] {
      for (int i = 0; i < 100; ++i) {
        RawTls c(port, nullptr, "127.0.0.2");
        ++tried;
        passed += c.connected() ? 1 : 0;
      }
    });
  }
  for (auto& t : clients) {
    t.join();
  }
  EXPECT_EQ(tried.load(), 600);
  EXPECT_EQ(passed.load(), 0) << "connections of an address at its cap got their handshake";
  // The two held connections are still served.
  first.send("\r\n");
  EXPECT_EQ(first.response(), 200);
}

TEST_F(CentralAttackTest, EndlessHeadersAreCutOff) {
  start();
  // cpp-httplib limits each header line, not their number: 2 MB of header lines, fast.
  RawTls raw(central->port());
  ASSERT_TRUE(raw.connected());
  raw.send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  const std::string line = "X-Pad: " + std::string(8000, 'p') + "\r\n";
  for (int i = 0; i < 256 && raw.send(line); ++i) {
  }
  raw.send("\r\n");
  EXPECT_EQ(raw.response(), 0) << "answered after 2 MB of headers";
  EXPECT_TRUE(raw.closedByServer());
  // An ordinary request still gets its answer.
  RawTls ok(central->port());
  ASSERT_TRUE(ok.connected());
  ok.send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(ok.response(), 200);
}

}  // namespace
}  // namespace kiosk::central
