#include "documents/code_sheet.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

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
  std::vector<devices::Invitation> invitations;
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
    auto qr = devices::encodeQr(token);
    if (!qr) {
      return makeError(qr.error().kind,
                       "encoding the QR code of " + g.bookingCode + ": " + qr.error().message);
    }
    const auto png = (out / (g.bookingCode + ".png")).string();
    if (auto written = devices::writeQrPng(*qr, png); !written) {
      return makeError(written.error().kind, "writing " + png + ": " + written.error().message);
    }
    csv << g.bookingCode << ',' << token << "\r\n";
    invitations.push_back(devices::Invitation{g, token});
  }
  csv.close();
  if (!csv) {
    return makeError(ErrorKind::kTransient, "writing " + csvPath + ": write failed (disk full?)");
  }
  if (!invitations.empty()) {
    const auto pdf = (out / "invitations.pdf").string();
    if (auto written = devices::writeInvitationsPdf(event, invitations, pdf); !written) {
      return makeError(written.error().kind, "writing " + pdf + ": " + written.error().message);
    }
  }
  return CodeSheet{invitations.size(), claims.notBefore, claims.notAfter};
}

}  // namespace kiosk::app
