// The console's "send invitation by e-mail" against the real kiosk-central over HTTPS on
// loopback and a real SMTP server (aiosmtpd, tests/console/smtp_sink.py) as a child process:
// what arrives is read back by Python's own e-mail parser (recipient, Chinese name and
// subject, text in both languages, the attached PDF), and the PDF's QR code, rasterised by
// poppler and read by the terminal's decoder, is the guest's code. Failures (a refused
// recipient, a mail server that is down) say why and lose nothing; no e-mail or no mail
// settings: no button; IT may not send; CSRF is refused. Also the [mail] settings file, and
// `kiosk-central serve --config` refusing a bad one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "central/mail_sender.h"
#include "console/console_test_support.h"
#include "devices/camera/frame_decoder.h"
#include "kiosk/core/token.h"
#include "support/loopback_port.h"
#include "support/run_command.h"

namespace kiosk::central::console {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::ConsoleClient;
using kiosk::testing::freeLoopbackPort;
using kiosk::testing::TempDir;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The SMTP server as a child process; what it received, as its JSON summaries.
class SmtpSink {
 public:
  // With `tls` (certificate, key): STARTTLS offered and required.
  explicit SmtpSink(const std::filesystem::path& folder,
                    std::optional<std::pair<std::string, std::string>> tls = std::nullopt)
      : folder_(folder) {
    std::filesystem::create_directories(folder_);
    std::vector<std::string> args{std::string(KIOSK_CONSOLE_TEST_DIR) + "/smtp_sink.py",
                                  folder_.string()};
    if (tls) {
      args.push_back(tls->first);
      args.push_back(tls->second);
    }
    child_ = kiosk::testing::spawnListening(args, (folder_ / "stderr.txt").string());
  }
  ~SmtpSink() { stop(); }
  void stop() {
    if (child_.pid > 0) {
      ::kill(child_.pid, SIGTERM);
      ::waitpid(child_.pid, nullptr, 0);
      child_.pid = -1;
    }
  }
  int port() const { return child_.port; }
  std::vector<nlohmann::json> received() const {
    std::vector<nlohmann::json> out;
    for (int n = 1;; ++n) {
      std::ifstream in(folder_ / (std::to_string(n) + ".json"));
      if (!in) {
        return out;
      }
      out.push_back(nlohmann::json::parse(in));
    }
  }

 private:
  std::filesystem::path folder_;
  kiosk::testing::Spawned child_;
};

class ConsoleMailTest : public kiosk::testing::ConsoleSuite {
 protected:
  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 0);
    Guest zhang;
    zhang.bookingCode = "ZW-2026";
    zhang.name = "张伟";
    zhang.email = "zhang.wei@example.cn";
    Guest garcia;
    garcia.bookingCode = "MGL-77";
    garcia.name = "María García López";
    Guest refused;
    refused.bookingCode = "RF-1";
    refused.name = "Refused Mailbox";
    refused.email = "refuse-me@example.org";
    Guest anna;
    anna.bookingCode = "AS-5";
    anna.name = "Anna Schmidt";
    anna.email = "anna.schmidt@example.de";
    anna.language = "de";
    auto saved = central->open()->upsertGuests(central->event().id, {zhang, garcia, refused, anna},
                                               SystemClock().now());
    ASSERT_TRUE(saved) << saved.error().message;
    zhangId = std::to_string(saved->at(0).id);
    garciaId = std::to_string(saved->at(1).id);
    refusedId = std::to_string(saved->at(2).id);
    annaId = std::to_string(saved->at(3).id);
  }

  MailSettings mailTo(int port) const {
    MailSettings m;
    m.url = "smtp://127.0.0.1:" + std::to_string(port);
    m.from = "reception@forum.example.cn";
    m.fromName = "论坛接待处";
    m.envelopeSender = "bounces@forum.example.cn";
    m.timeout = std::chrono::seconds(20);
    return m;
  }

  void start(std::optional<MailSettings> mail) {
    ServerOptions o;
    o.mail = std::move(mail);
    central->start(o);
    kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
    kiosk::testing::addAccount(*central, "it-desk", Role::kIt, central->event().id);
  }

  std::string eventQuery() const { return "?event=" + std::to_string(central->event().id); }

  std::string guestPage(ConsoleClient& b, const std::string& id) {
    auto r = b.get("/console/guests/view" + eventQuery() + "&id=" + id);
    EXPECT_TRUE(r);
    return r ? r->body : std::string();
  }

  // The POST the page's button makes (with the page's CSRF token unless told otherwise).
  httplib::Result send(ConsoleClient& b, const std::string& id,
                       std::optional<std::string> csrf = std::nullopt) {
    const auto page = guestPage(b, id);
    return b.post("/console/guests/invitation/send" + eventQuery(),
                  {{"csrf", csrf.value_or(ConsoleClient::csrfOf(page))}, {"id", id}});
  }

  std::int64_t auditRows(const std::string& action, const std::string& detailPart = {}) {
    auto store = central->open();
    auto s = store->database().prepare(
        "SELECT COUNT(*) FROM console_audit WHERE action = ?1 AND detail LIKE ?2 AND account "
        "<> ''");
    s.bind(1, action).bind(2, "%" + detailPart + "%");
    return s.step() ? s.columnInt(0) : -1;
  }

  std::string codeOf(const std::string& id) {
    const auto key = central->open()->issuingKey(central->event().id);
    EXPECT_TRUE(key && *key);
    TokenClaims claims;
    claims.keyId = (*key)->id;
    claims.eventId = central->event().id;
    claims.guestId = static_cast<GuestId>(std::stoul(id));
    claims.notBefore = central->event().startsAt - kCodesValidBeforeStart;
    claims.notAfter = central->event().endsAt + kCodesValidAfterEnd;
    return issueToken(claims, **key);
  }

  std::string zhangId;
  std::string garciaId;
  std::string refusedId;
  std::string annaId;
};

TEST_F(ConsoleMailTest, TheInvitationArrivesWithTheGuestsCodeInItsPdf) {
  SmtpSink sink(dir.path() / "smtp");
  ASSERT_NE(sink.port(), 0) << "the SMTP server (python3-aiosmtpd) did not start";
  start(mailTo(sink.port()));
  auto desk = signedIn("desk");
  const auto page = guestPage(*desk, zhangId);
  EXPECT_TRUE(contains(page, "data-send-invitation")) << page;
  EXPECT_TRUE(contains(page, "Send invitation by e-mail"));

  auto r = send(*desk, zhangId);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303) << r->body;
  EXPECT_TRUE(contains(r->get_header_value("Location"), "done=mailed"));
  auto after = desk->get(r->get_header_value("Location"));
  ASSERT_TRUE(after);
  EXPECT_TRUE(contains(after->body, "The invitation was sent to the guest&#39;s e-mail address"))
      << after->body;
  EXPECT_EQ(auditRows("guest_invitation_mail", "zhang.wei@example.cn"), 1);
  EXPECT_TRUE(contains(guestPage(*desk, zhangId), "Invitation sent by e-mail"));

  const auto mails = sink.received();
  ASSERT_EQ(mails.size(), 1u);
  const auto& m = mails[0];
  EXPECT_EQ(m["mail_from"], "bounces@forum.example.cn");
  EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"zhang.wei@example.cn"}));
  EXPECT_EQ(m["to_address"], "zhang.wei@example.cn");
  EXPECT_EQ(m["to_name"], "张伟");
  EXPECT_TRUE(contains(m["from"].get<std::string>(), "论坛接待处")) << m["from"];
  EXPECT_EQ(m["subject"], "邀请函：Sync Test Forum / Invitation: Sync Test Forum");
  EXPECT_TRUE(contains(m["message_id"].get<std::string>(), "@forum.example.cn>"));
  EXPECT_TRUE(std::regex_match(m["date"].get<std::string>(),
                               std::regex(R"([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} .*\+0000)")))
      << m["date"];
  EXPECT_EQ(m["content_type"], "multipart/mixed");
  EXPECT_TRUE(m["defects"].empty()) << m["defects"];
  const auto text = m["text"].get<std::string>();
  EXPECT_TRUE(contains(text, "尊敬的张伟")) << text;
  EXPECT_TRUE(contains(text, "Dear 张伟")) << text;
  EXPECT_TRUE(contains(text, "Sync Test Forum"));

  ASSERT_EQ(m["attachments"].size(), 1u);
  const auto& pdf = m["attachments"][0];
  EXPECT_EQ(pdf["filename"], "invitation-ZW-2026.pdf");
  EXPECT_EQ(pdf["content_type"], "application/pdf");
  const auto png = dir.path() / "invitation";
  const auto raster = kiosk::testing::runCommand({"pdftoppm", "-png", "-r", "150", "-singlefile",
                                                  pdf["path"].get<std::string>(), png.string()},
                                                 dir.path());
  ASSERT_EQ(raster.status, 0) << raster.err;
  auto codes = devices::decodeImageFile(png.string() + ".png");
  ASSERT_TRUE(codes) << codes.error().message;
  ASSERT_FALSE(codes->empty());
  EXPECT_EQ(codes->front().text, codeOf(zhangId));

  // A guest whose language is neither gets English first.
  r = send(*desk, annaId);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303) << r->body;
  ASSERT_EQ(sink.received().size(), 2u);
  const auto anna = sink.received()[1];
  EXPECT_EQ(anna["to"], "Anna Schmidt <anna.schmidt@example.de>");
  EXPECT_EQ(anna["subject"], "Invitation: Sync Test Forum / 邀请函：Sync Test Forum");
  EXPECT_EQ(anna["text"].get<std::string>().rfind("Dear Anna Schmidt", 0), 0u) << anna["text"];
}

TEST_F(ConsoleMailTest, ARefusedRecipientIsSaidInWordsAuditedAndTheDownloadStays) {
  SmtpSink sink(dir.path() / "smtp");
  ASSERT_NE(sink.port(), 0);
  start(mailTo(sink.port()));
  auto desk = signedIn("desk");
  auto r = send(*desk, refusedId);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_TRUE(contains(r->body, "the mail server refused the guest&#39;s e-mail address"))
      << r->body;
  EXPECT_TRUE(contains(r->body, "550")) << r->body;
  EXPECT_TRUE(contains(r->body, "no such mailbox")) << r->body;
  EXPECT_EQ(auditRows("guest_invitation_mail_failed", "recipient_refused"), 1);
  EXPECT_EQ(auditRows("guest_invitation_mail"), 0);
  EXPECT_TRUE(sink.received().empty());
  auto pdf = desk->get("/console/guests/invitation.pdf" + eventQuery() + "&id=" + refusedId);
  ASSERT_TRUE(pdf);
  EXPECT_EQ(pdf->status, 200);
  EXPECT_EQ(pdf->body.rfind("%PDF-", 0), 0u);
}

TEST_F(ConsoleMailTest, AMailServerThatIsDownIsSaidInWordsAndAudited) {
  start(mailTo(freeLoopbackPort()));
  auto desk = signedIn("desk");
  const auto before = std::chrono::steady_clock::now();
  auto r = send(*desk, zhangId);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_TRUE(contains(r->body, "the mail server could not be reached")) << r->body;
  EXPECT_EQ(auditRows("guest_invitation_mail_failed", "unreachable"), 1);
  // Refused at once, not after the timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(15));
  // The page still offers both ways.
  EXPECT_TRUE(contains(r->body, "data-send-invitation"));
  EXPECT_TRUE(contains(r->body, "/console/guests/invitation.pdf"));
}

// A server that offers STARTTLS gets it, with its certificate checked against ca_file: one
// from another CA is a TLS failure, said in words, and nothing is sent in clear.
TEST_F(ConsoleMailTest, StartTlsIsUsedAndTheServersCertificateChecked) {
  SmtpSink sink(dir.path() / "smtp", std::pair(pki->certFile, pki->keyFile));
  ASSERT_NE(sink.port(), 0);
  auto trusted = mailTo(sink.port());
  trusted.caFile = pki->caFile;
  MailSender good(trusted);
  MailMessage m;
  m.to = "zhang.wei@example.cn";
  m.subject = "TLS";
  m.text = "over TLS";
  auto sent = good.send(m, SystemClock().now());
  EXPECT_TRUE(sent.sent()) << toString(sent.failure) << ": " << sent.detail;
  EXPECT_EQ(sink.received().size(), 1u);

  auto strange = mailTo(sink.port());
  strange.caFile = pki->otherCaFile;
  sent = MailSender(strange).send(m, SystemClock().now());
  EXPECT_EQ(sent.failure, MailFailure::kTls) << sent.detail;
  EXPECT_EQ(sink.received().size(), 1u);

  // Through the console: the receptionist reads why.
  start(strange);
  auto desk = signedIn("desk");
  auto r = send(*desk, zhangId);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_TRUE(contains(r->body, "no secure connection to the mail server could be made"))
      << r->body;
  EXPECT_EQ(auditRows("guest_invitation_mail_failed", "tls"), 1);
  EXPECT_EQ(sink.received().size(), 1u);
}

TEST_F(ConsoleMailTest, NoEmailOrNoMailSettingsMeansNoButton) {
  SmtpSink sink(dir.path() / "smtp");
  ASSERT_NE(sink.port(), 0);
  start(mailTo(sink.port()));
  auto desk = signedIn("desk");
  EXPECT_FALSE(contains(guestPage(*desk, garciaId), "data-send-invitation"));
  auto r = send(*desk, garciaId);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_TRUE(contains(r->body, "cannot be sent by e-mail"));
  EXPECT_TRUE(sink.received().empty());
}

TEST_F(ConsoleMailTest, WithoutMailSettingsThereIsNoButton) {
  start(std::nullopt);
  auto desk = signedIn("desk");
  const auto page = guestPage(*desk, zhangId);
  EXPECT_TRUE(contains(page, "/console/guests/invitation.pdf"));
  EXPECT_FALSE(contains(page, "data-send-invitation"));
  auto r = send(*desk, zhangId);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
}

TEST_F(ConsoleMailTest, ItMayNotSendAndCsrfIsRefused) {
  SmtpSink sink(dir.path() / "smtp");
  ASSERT_NE(sink.port(), 0);
  start(mailTo(sink.port()));
  auto it = signedIn("it-desk");
  auto r = send(*it, zhangId);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  {
    auto store = central->open();
    auto s = store->database().prepare(
        "SELECT COUNT(*) FROM console_audit WHERE action = 'forbidden' AND target = "
        "'guest_invitation_mail' AND account = 'it-desk'");
    EXPECT_TRUE(s.step());
    EXPECT_EQ(s.columnInt(0), 1);
  }

  auto desk = signedIn("desk");
  r = send(*desk, zhangId, std::string("00"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  const auto csrf = ConsoleClient::csrfOf(guestPage(*desk, zhangId));
  r = desk->post("/console/guests/invitation/send" + eventQuery(),
                 {{"csrf", csrf}, {"id", zhangId}}, "https://evil.example");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(auditRows("guest_invitation_mail"), 0);
  EXPECT_TRUE(sink.received().empty());
}

// The [mail] table: what it takes, and each kind of bad value named with its key.
TEST(MailSettingsTest, TheMailTableIsReadAndBadValuesAreNamed) {
  TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  const auto password = write("password", "s3cret\n");
  auto good =
      loadMailSettings(write("good.toml",
                             "[mail]\nurl = \"smtp://mail.example.org:587\"\nfrom = "
                             "\"desk@example.org\"\nfrom_name = \"接待处\"\nuser = \"desk\"\n"
                             "password_file = \"" +
                                 password + "\"\ntimeout_s = 12\n"));
  ASSERT_TRUE(good) << good.error().message;
  ASSERT_TRUE(*good);
  EXPECT_EQ((*good)->password, "s3cret");
  EXPECT_EQ((*good)->fromName, "接待处");
  EXPECT_EQ((*good)->timeout, std::chrono::seconds(12));
  auto none = loadMailSettings(write("none.toml", "# nothing yet\n"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"url = \"http://x\"\nfrom = \"a@b.c\"", "url"},
           {"url = \"smtp://x\"\nfrom = \"a b@c\"", "from"},
           {"url = \"smtp://x\"\nfrom = \"a@b.c\"\nport = 25", "port"},
           {"url = \"smtp://x\"\nfrom = \"a@b.c\"\nuser = \"u\"", "password_file"},
           {"url = \"smtp://x\"\nfrom = \"a@b.c\"\npassword_file = \"p\"", "user"},
           {"url = \"smtp://x\"\nfrom = \"a@b.c\"\nuser = \"u\"\npassword_file = \"/nonexistent\"",
            "password_file"},
           {"url = \"smtp://x\"\nfrom = \"a@b.c\"\ntimeout_s = 0", "timeout_s"}}) {
    auto bad = loadMailSettings(write("bad.toml", "[mail]\n" + text + "\n"));
    ASSERT_FALSE(bad) << text;
    EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
    EXPECT_TRUE(contains(bad.error().message, "[mail] " + key)) << bad.error().message;
  }
  EXPECT_TRUE(mailNeedsStartTls("smtp://mail.example.org:587"));
  EXPECT_TRUE(mailNeedsStartTls("smtp://10.0.0.5"));
  EXPECT_FALSE(mailNeedsStartTls("smtp://127.0.0.1:2525"));
  EXPECT_FALSE(mailNeedsStartTls("smtp://[::1]:25"));
  EXPECT_FALSE(mailNeedsStartTls("smtp://localhost"));
}

// RFC 2047: each encoded-word is whole UTF-8 on its own (readers may decode them one by one)
// and at most 75 characters, on lines of at most 78.
TEST(MailComposeTest, LongChineseHeadersSplitBetweenCharacters) {
  MailSettings s;
  s.from = "desk@example.org";
  MailMessage m;
  m.to = "guest@example.org";
  m.toName = "欧阳娜娜·阿卜杜拉·穆罕默德·张伟·李娜·王芳";
  m.subject = "邀请函：2026 华东电力年度合作伙伴大会（上海）/ Invitation";
  const auto mail = composeMail(s, m, SystemClock().now());
  std::string subject;
  std::string toName;
  std::istringstream in(mail.substr(0, mail.find("\r\n\r\n") + 2));
  std::string* into = nullptr;
  for (std::string line; std::getline(in, line);) {
    ASSERT_EQ(line.back(), '\r');
    line.pop_back();
    EXPECT_LE(line.size(), 78u) << line;
    if (line.rfind("Subject: ", 0) == 0) {
      into = &subject;
    } else if (line.rfind("To: ", 0) == 0) {
      into = &toName;
    } else if (line.empty() || line[0] != ' ') {
      into = nullptr;
    }
    static const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
    for (std::sregex_iterator it(line.begin(), line.end(), word), end; into && it != end; ++it) {
      EXPECT_LE((*it)[0].length(), 75);
      const auto b64 = (*it)[1].str();
      std::string bytes(b64.size(), '\0');
      std::size_t n = 0;
      ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(),
                                  b64.c_str(), b64.size(), nullptr, &n, nullptr,
                                  sodium_base64_VARIANT_ORIGINAL),
                0);
      bytes.resize(n);
      // Whole characters: no word starts with a continuation byte or ends inside one.
      EXPECT_NE(static_cast<unsigned char>(bytes.front()) & 0xC0, 0x80) << line;
      const auto last = static_cast<unsigned char>(bytes.back());
      EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80) << line;
      *into += bytes;
    }
  }
  EXPECT_EQ(subject, m.subject);
  EXPECT_EQ(toName, m.toName);
}

TEST(MailSettingsTest, ServeRefusesABadSettingsFileWithItsReason) {
  TempDir dir;
  std::ofstream(dir.file("central.toml")) << "[mail]\nurl = \"smtp://x\"\nfrom = \"nobody\"\n";
  const auto run =
      kiosk::testing::runCommand({std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "serve", "--db",
                                  dir.file("c.db"), "--cert", dir.file("central.toml"), "--key",
                                  dir.file("central.toml"), "--config", dir.file("central.toml")},
                                 dir.path());
  EXPECT_EQ(run.status, 2);
  EXPECT_TRUE(contains(run.err, "[mail] from: expected one e-mail address")) << run.err;
}

}  // namespace
}  // namespace kiosk::central::console
