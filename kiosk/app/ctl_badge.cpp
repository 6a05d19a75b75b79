// kioskctl badge: renders a guest's badge from the event database to a PDF of the
// exact stock size (and a PNG preview), and optionally sends it to a CUPS queue or a
// folder through the kiosk's print service to check a printer end to end.
//
//   kioskctl badge --db FILE --booking-code CODE --size cr80|4x3|62mm|a6 --out FILE.pdf
//                  [--png FILE.png] [--dpi 150] [--photo FILE.jpg] [--logo FILE.png]
//                  [--template FILE.toml] [--label TEXT] [--language TAG] [--qr-text TEXT]
//                  [--event ID]
//                  [--print QUEUE [--cups-server HOST:PORT|SOCKET] [--media NAME]]
//
// The QR code holds the guest's signed code when this database can issue codes (the same
// text as `codes issue` writes with its default validity: Ed25519 signatures are
// deterministic), else the booking code. The words on the badge (category, "Room",
// "Seat") are the terminal's, in the guest's roster language as the terminal picks it
// (assets/i18n, found like the terminal finds it). Prints one JSON line; exit status 0, 1 when the
// print job did not complete, 2 for bad input or an unreadable file.
#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "devices/printing/badge_renderer.h"
#include "devices/printing/cups_print_device.h"
#include "devices/printing/pdf_directory_printer.h"
#include "devices/printing/print_service.h"
#include "i18n/catalog.h"
#include "kiosk/app/assets_dir.h"
#include "kiosk/app/badge_words.h"
#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"
#include "kiosk/config/config.h"
#include "kiosk/core/flow.h"
#include "kiosk/core/token.h"

namespace kiosk::app {

namespace {

struct BadgeArgs {
  std::string db;
  std::string bookingCode;
  std::optional<EventId> event;
  std::string size = "cr80";
  std::string out;
  std::string png;
  double dpi = 150;
  std::string photo;
  std::string logo;
  std::string templatePath;
  std::string label;
  std::string language;
  std::string qrText;
  std::string printQueue;
  std::string cupsServer;
  std::string media;
};

std::vector<std::uint8_t> readFileOrExit(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    failWith(what, makeError(ErrorKind::kNotFound, "cannot open " + path));
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The guest's code as `codes issue` prints it, or the booking code when this database
// holds no secret key for the event.
std::pair<std::string, std::string> qrTextFor(cache::LocalStore& store, const Event& event,
                                              const Guest& guest) {
  const auto key = valueOrExit(store.issuingKey(event.id), "reading the signing key");
  if (!key) {
    return {guest.bookingCode, "booking-code"};
  }
  TokenClaims claims;
  claims.keyId = key->id;
  claims.eventId = event.id;
  claims.guestId = guest.id;
  claims.notBefore = event.startsAt - std::chrono::days(7);
  claims.notAfter = event.endsAt + std::chrono::days(1);
  return {issueToken(claims, *key), "guest-code"};
}

// "zh" of "zh-CN", "ko" of "KO_kr": whether a catalog speaks the language asked for.
std::string primaryLanguage(std::string_view tag) {
  std::string out(tag.substr(0, tag.find_first_of("-_")));
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

int printBadge(const BadgeArgs& a, std::vector<std::uint8_t> pdf, const Guest& guest,
               const devices::BadgeLayout& layout, nlohmann::ordered_json& out) {
  SystemClock clock;
  std::unique_ptr<devices::PrintDevice> device;
  if (a.printQueue.rfind("pdf:", 0) == 0) {
    device = std::make_unique<devices::PdfDirectoryDevice>(a.printQueue.substr(4));
  } else {
    devices::CupsPrinterConfig config;
    config.server = a.cupsServer;
    config.queue = a.printQueue;
    device = std::make_unique<devices::CupsPrintDevice>(config);
  }
  devices::PrintService service(std::move(device), nullptr, clock);
  devices::PrintRequest request;
  request.badgeId = std::to_string(guest.eventId) + "-" + std::to_string(guest.id);
  request.pdf = std::move(pdf);
  request.media = a.media.empty() ? layout.media : a.media;
  request.title = "Badge " + guest.name;
  service.submit(std::move(request));
  const auto job = service.waitUntilSettled(
      std::to_string(guest.eventId) + "-" + std::to_string(guest.id), std::chrono::minutes(2));
  nlohmann::ordered_json j;
  j["printer"] = job ? job->printer : a.printQueue;
  j["state"] = job ? devices::toString(job->state) : "timeout";
  j["job_id"] = job ? job->deviceJobId : 0;
  j["media"] = a.media.empty() ? layout.media : a.media;
  j["reason"] = job ? job->reason : "the job did not settle within 2 minutes";
  j["printer_state"] = devices::toString(service.printerStatus().state);
  out["print"] = j;
  return job && job->state == devices::PrintJobState::kCompleted ? 0 : 1;
}

int runBadge(const BadgeArgs& a) {
  const auto size = devices::parseBadgeSize(a.size);
  if (!size) {
    failWith("--size", makeError(ErrorKind::kInvalidInput,
                                 "'" + a.size + "' is not one of cr80, 4x3, 62mm, a6"));
  }
  auto badgeTemplate = a.templatePath.empty() ? devices::defaultBadgeTemplate()
                                              : devices::loadBadgeTemplate(a.templatePath);
  const devices::BadgeRenderer renderer(valueOrExit(std::move(badgeTemplate), "badge template"));

  auto store = openStoreOrExit(a.db);
  const Event event = resolveEventOrExit(*store, a.event);
  const auto code = normalizeBookingCode(a.bookingCode);
  if (!code) {
    failWith("--booking-code",
             makeError(ErrorKind::kInvalidInput, "'" + a.bookingCode + "' is not a booking code"));
  }
  const auto guest =
      valueOrExit(store->findGuestByBookingCode(event.id, *code), "finding the guest");
  if (!guest) {
    failWith("badge", makeError(ErrorKind::kNotFound, "no guest with booking code " + *code));
  }
  auto [qrText, qrKind] = a.qrText.empty() ? qrTextFor(*store, event, *guest)
                                           : std::pair{a.qrText, std::string("given")};
  // The terminal's languages: what a guest's tag maps to does not depend on which tool
  // prints the badge.
  const auto languages = TerminalConfig().languages;
  const std::string assets = findAssets();
  const auto catalogs =
      valueOrExit(i18n::Catalogs::load(assets + "/i18n", languages), "string catalogs");
  const std::string& tag = a.language.empty() ? guest->language : a.language;
  const std::string language = catalogLanguageFor(catalogs.languages(), languages.front(), tag);
  if (!a.language.empty() && primaryLanguage(language) != primaryLanguage(a.language)) {
    std::string known;
    for (const auto& l : catalogs.languages()) {
      known += (known.empty() ? "" : ", ") + l;
    }
    failWith("--language",
             makeError(ErrorKind::kInvalidInput, "no catalog for '" + a.language + "' in " +
                                                     assets + "/i18n (there are: " + known + ")"));
  }
  devices::BadgeData data = devices::makeBadgeData(event, *guest, qrText);
  applyBadgeWords(data, badgeWords(catalogs, language, guest->category));
  if (!a.label.empty()) {
    data.categoryLabel = a.label;
  }
  data.language = tag.empty() ? language : tag;
  data.logoPath = a.logo;
  if (!a.photo.empty()) {
    data.photoJpeg = readFileOrExit(a.photo, "--photo");
  }

  devices::BadgeReport report;
  auto pdf = valueOrExit(renderer.renderPdf(data, *size, &report), "rendering the badge");
  {
    std::ofstream file(a.out, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
    file.close();
    if (!file) {
      failWith("writing " + a.out, makeError(ErrorKind::kPermanent, "write failed"));
    }
  }
  if (!a.png.empty()) {
    checkOrExit(renderer.writePng(data, *size, a.dpi, a.png), "writing " + a.png);
  }

  nlohmann::ordered_json out;
  out["booking_code"] = guest->bookingCode;
  out["guest"] = guest->name;
  out["size"] = devices::toString(*size);
  out["width_mm"] = renderer.widthMm(*size);
  out["height_mm"] = renderer.heightMm(*size);
  out["pdf"] = a.out;
  if (!a.png.empty()) {
    out["png"] = a.png;
  }
  out["qr"] = qrKind;
  out["language"] = language;
  if (const auto* name = report.find("name")) {
    out["name_pt"] = name->fit.sizePt;
    out["name_lines"] = name->fit.lines;
    out["name_ellipsized"] = name->fit.ellipsized;
  }
  int missingGlyphs = 0;
  for (const auto& field : report.fields) {
    missingGlyphs += field.fit.unknownGlyphs;
  }
  out["missing_glyphs"] = missingGlyphs;
  out["warnings"] = report.warnings;
  int status = 0;
  if (!a.printQueue.empty()) {
    status = printBadge(a, std::move(pdf), *guest, renderer.badgeTemplate().layout(*size), out);
  }
  std::cout << out.dump() << "\n";
  return status;
}

}  // namespace

void addBadgeCommand(CLI::App& app) {
  auto a = std::make_shared<BadgeArgs>();
  auto* cmd = app.add_subcommand(
      "badge", "Render a guest's badge to PDF (exact stock size) and PNG; optionally print it");
  cmd->add_option("--db", a->db, "Event database file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--booking-code", a->bookingCode, "The guest's booking code")->required();
  cmd->add_option("--event", a->event, "Event id (default: the only event)");
  cmd->add_option("--size", a->size, "Badge stock: cr80, 4x3, 62mm or a6")->capture_default_str();
  cmd->add_option("--out", a->out, "PDF file to write")->required();
  cmd->add_option("--png", a->png, "Also write a PNG preview");
  cmd->add_option("--dpi", a->dpi, "Resolution of the PNG preview")
      ->capture_default_str()
      ->check(CLI::Range(10.0, 1200.0));
  cmd->add_option("--photo", a->photo, "Guest photo (JPEG); default: initials")
      ->check(CLI::ExistingFile);
  cmd->add_option("--logo", a->logo, "Event logo (PNG or JPEG)")->check(CLI::ExistingFile);
  cmd->add_option("--template", a->templatePath,
                  "Badge template (TOML); default: the built-in assets/badges/default.toml")
      ->check(CLI::ExistingFile);
  cmd->add_option("--label", a->label,
                  "Category label in the colour band (default: the catalog's, in the badge's "
                  "language)");
  cmd->add_option("--language", a->language,
                  "Language of the badge's words, one of the catalogs (default: the guest's "
                  "roster language, as the terminal picks it)");
  cmd->add_option("--qr-text", a->qrText, "Text of the QR code (default: the guest's code)");
  cmd->add_option("--print", a->printQueue,
                  "Also print: a CUPS queue name, or pdf:FOLDER for the PDF-folder printer");
  cmd->add_option("--cups-server", a->cupsServer,
                  "CUPS server host:port or socket path (default: libcups' default)");
  cmd->add_option("--media", a->media, "CUPS media keyword (default: the template's)");
  cmd->callback([a] {
    const int status = runBadge(*a);
    if (status != 0) {
      throw CtlExit{status};
    }
  });
}

}  // namespace kiosk::app
