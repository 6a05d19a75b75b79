#include "documents/code_sheet.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "documents/invitation_pdf.h"
#include "documents/qr_code.h"
#include "kiosk/core/local_time.h"

namespace kiosk::app {

Result<CodeSheet> writeCodeSheet(const Event& event, const SigningKey& key,
                                 std::vector<Guest> guests, const CodeSheetRequest& request,
                                 const RevocationCheck& isRevoked) {
  TokenClaims claims;
  claims.keyId = key.id;
  claims.eventId = event.id;
  claims.notBefore = event.startsAt - kCodesValidBeforeStart;
  claims.notAfter = event.endsAt + kCodesValidAfterEnd;
  for (auto [text, field, flag] :
       {std::tuple{&request.validFrom, &claims.notBefore, "--valid-from"},
        std::tuple{&request.validUntil, &claims.notAfter, "--valid-until"}}) {
    if (!text->empty()) {
      const auto t = parseLocalTime(*text, event.timezone);
      if (!t) {
        return makeError(ErrorKind::kInvalidInput,
                         std::string(flag) + ": '" + *text + "' is not an ISO 8601 date-time");
      }
      *field = *t;
    }
  }
  if (claims.notAfter <= claims.notBefore) {
    return makeError(ErrorKind::kInvalidInput,
                     "the codes would be valid until " + formatIso8601(claims.notAfter) +
                         ", before they become valid (" + formatIso8601(claims.notBefore) +
                         "): check --valid-from and --valid-until");
  }
  for (const auto& wanted : request.bookingCodes) {
    if (std::none_of(guests.begin(), guests.end(),
                     [&](const Guest& g) { return g.bookingCode == wanted; })) {
      return makeError(ErrorKind::kNotFound, "no guest with booking code " + wanted);
    }
  }
  const std::filesystem::path out(request.out);
  std::error_code ec;
  // Admission codes are bearer credentials: the folder is its owner's only, also when it
  // was there before.
  std::filesystem::create_directories(out, ec);
  if (!ec) {
    std::filesystem::permissions(out, std::filesystem::perms::owner_all, ec);
  }
  if (ec) {
    return makeError(ErrorKind::kPermanent, "creating " + request.out + ": " + ec.message());
  }
  if (!request.bookingCodes.empty()) {
    std::erase_if(guests, [&](const Guest& g) {
      return std::find(request.bookingCodes.begin(), request.bookingCodes.end(), g.bookingCode) ==
             request.bookingCodes.end();
    });
  }
  const auto csvPath = (out / "codes.csv").string();
  std::ofstream csv(csvPath, std::ios::binary | std::ios::trunc);
  csv << "booking_code,payload\r\n";
  std::vector<std::string> tokens;
  tokens.reserve(guests.size());
  for (const auto& g : guests) {
    TokenClaims own = claims;
    own.guestId = g.id;
    std::string token = issueToken(own, key);
    // Signatures are deterministic: the same claims give the same, revoked, code.
    for (int shift = 0;; ++shift) {
      const auto parsed = parseToken(token);
      auto revoked = isRevoked(std::get<ParsedToken>(parsed).tokenId());
      if (!revoked) {
        return revoked.error();
      }
      if (!*revoked) {
        break;
      }
      if (shift == 1000) {
        return makeError(ErrorKind::kPermanent,
                         "every code for " + g.bookingCode + " in this window is revoked");
      }
      own.notBefore += std::chrono::seconds(1);
      token = issueToken(own, key);
    }
    csv << g.bookingCode << ',' << token << "\r\n";
    tokens.push_back(std::move(token));
  }
  csv.close();
  if (!csv) {
    return makeError(ErrorKind::kTransient, "writing " + csvPath + ": write failed (disk full?)");
  }
  if (guests.empty()) {
    return CodeSheet{0, claims.notBefore, claims.notAfter};
  }

  // Encoding the codes and writing their PNGs is most of the work outside the PDF, and
  // each guest's is independent: workers take guests in order, the PDF (one Cairo surface,
  // single-threaded) is drawn here page by page as their codes become ready.
  std::vector<std::optional<Result<devices::QrMatrix>>> codes(guests.size());
  std::vector<std::atomic<bool>> ready(guests.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto encodeAndWrite = [&](std::size_t i) -> Result<devices::QrMatrix> {
    auto qr = devices::encodeQr(tokens[i]);
    if (!qr) {
      return makeError(qr.error().kind, "encoding the QR code of " + guests[i].bookingCode + ": " +
                                            qr.error().message);
    }
    const auto png = (out / (guests[i].bookingCode + ".png")).string();
    if (auto written = devices::writeQrPng(*qr, png); !written) {
      return makeError(written.error().kind, "writing " + png + ": " + written.error().message);
    }
    return qr;
  };
  const unsigned workerCount =
      request.workers > 0 ? request.workers : std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::jthread> workers;
  // Stops and joins the workers on every way out of this function.
  const auto stopWorkers = [&] {
    stop = true;
    workers.clear();
  };
  for (unsigned w = 0; w < workerCount; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < guests.size() && !stop; i = next++) {
        codes[i] = encodeAndWrite(i);
        ready[i] = true;
        ready[i].notify_all();
      }
    });
  }
  const auto pdf = (out / "invitations.pdf").string();
  std::optional<Error> guestFailure;
  const auto source = [&](std::size_t i) -> Result<devices::Invitation> {
    if (request.progress) {
      request.progress(i, guests.size());
    }
    ready[i].wait(false);
    auto& qr = *codes[i];
    if (!qr) {
      guestFailure = qr.error();
      return qr.error();
    }
    return devices::Invitation{guests[i], tokens[i], std::move(*qr)};
  };
  auto written = devices::writeInvitationsPdf(event, guests.size(), source, pdf);
  stopWorkers();
  if (guestFailure) {
    return *guestFailure;  // names the guest's file already
  }
  if (!written) {
    return makeError(written.error().kind, "writing " + pdf + ": " + written.error().message);
  }
  if (request.progress) {
    request.progress(guests.size(), guests.size());
  }
  return CodeSheet{guests.size(), claims.notBefore, claims.notAfter};
}

}  // namespace kiosk::app
