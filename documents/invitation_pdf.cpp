#include "documents/invitation_pdf.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "documents/badge_template.h"
#include "documents/canvas.h"
#include "documents/qr_code.h"
#include "kiosk/core/local_time.h"

namespace kiosk::devices {

namespace {

constexpr double kA4Width = 210.0;
constexpr double kA4Height = 297.0;
constexpr double kMargin = 18.0;
constexpr const char* kMonoFamilies = "Noto Sans Mono, DejaVu Sans Mono, monospace";

std::string offsetLabel(const Event& event) {
  const auto minutes = utcOffsetMinutes(event.timezone, event.startsAt);
  if (!minutes) {
    return event.timezone;
  }
  const int m = std::abs(*minutes);
  char label[16];
  if (m % 60 != 0) {
    std::snprintf(label, sizeof label, "UTC%c%d:%02d", *minutes < 0 ? '-' : '+', m / 60, m % 60);
  } else {
    std::snprintf(label, sizeof label, "UTC%c%d", *minutes < 0 ? '-' : '+', m / 60);
  }
  return label;
}

std::string eventDates(const Event& event) {
  const std::string zone = event.timezone;
  const std::string startDay = formatLocal(event.startsAt, zone, "yyyy-MM-dd");
  const std::string endDay = formatLocal(event.endsAt, zone, "yyyy-MM-dd");
  std::string text = startDay + " " + formatLocal(event.startsAt, zone, "HH:mm") + " – ";
  if (endDay != startDay) {
    text += endDay + " ";
  }
  text += formatLocal(event.endsAt, zone, "HH:mm") + " (" + offsetLabel(event) + ")";
  return text;
}

// Booking codes are upper-case letters, digits and '-': spacing them out a little keeps
// 0/O and 1/I apart for someone reading the code to a receptionist.
TextStyle codeStyle(Rgb color) {
  TextStyle s;
  s.family = kMonoFamilies;
  s.bold = true;
  s.maxPt = 34;
  s.minPt = 14;
  s.halign = HAlign::kCenter;
  s.letterSpacingPt = 4;
  s.color = color;
  return s;
}

TextStyle infoStyle(const BadgeTemplate& colors) {
  TextStyle info;
  info.maxPt = 12;
  info.minPt = 8;
  info.halign = HAlign::kCenter;
  info.color = colors.text;
  return info;
}

TextStyle mutedStyle(const BadgeTemplate& colors) {
  TextStyle muted = infoStyle(colors);
  muted.maxPt = 11;
  muted.maxLines = 2;
  muted.color = colors.muted;
  return muted;
}

// What every invitation of the event shows alike: drawn once into a layer that each page
// refers to.
void drawEventLayer(Canvas& canvas, const Event& event, const BadgeTemplate& colors) {
  const double inner = kA4Width - 2 * kMargin;
  canvas.fillRect(RectMm{0, 0, kA4Width, 44}, colors.header);

  TextStyle label;
  label.maxPt = 12;
  label.minPt = 8;
  label.halign = HAlign::kCenter;
  label.color = colors.headerText;
  canvas.drawText(RectMm{kMargin, 6, inner, 7}, "邀请函 · Invitation", label);

  TextStyle eventStyle;
  eventStyle.bold = true;
  eventStyle.maxPt = 24;
  eventStyle.minPt = 12;
  eventStyle.maxLines = 2;
  eventStyle.halign = HAlign::kCenter;
  eventStyle.color = colors.headerText;
  canvas.drawText(RectMm{kMargin, 14, inner, 26}, event.name, eventStyle);

  const TextStyle info = infoStyle(colors);
  canvas.drawText(RectMm{kMargin, 50, inner, 7}, eventDates(event), info);
  std::string venue = event.venue;
  if (!event.venueAddress.empty()) {
    venue += (venue.empty() ? "" : " · ") + event.venueAddress;
  }
  const TextStyle muted = mutedStyle(colors);
  canvas.drawText(RectMm{kMargin, 57, inner, 11}, venue, muted);

  canvas.strokeLine(kMargin + 30, 72, kA4Width - kMargin - 30, 72, 0.3, colors.muted);

  TextStyle codeLabel = info;
  codeLabel.maxPt = 10;
  codeLabel.color = colors.muted;
  canvas.drawText(RectMm{kMargin, 202, inner, 6}, "预订码 · Booking code", codeLabel);

  canvas.fillRoundedRect(RectMm{kMargin, 232, inner, 24}, 3, tint(colors.header, 0.9));
  TextStyle instruction = info;
  instruction.bold = true;
  instruction.maxPt = 15;
  instruction.minPt = 9;
  canvas.drawText(RectMm{kMargin + 4, 234, inner - 8, 10}, kInvitationInstructionZh, instruction);
  instruction.bold = false;
  instruction.maxPt = 13;
  canvas.drawText(RectMm{kMargin + 4, 244, inner - 8, 10}, kInvitationInstructionEn, instruction);

  std::string footer;
  for (const auto& contact : event.emergencyContacts) {
    footer += (footer.empty() ? "" : "   ") + contact.label + " " + contact.phone;
  }
  TextStyle small = muted;
  small.maxPt = 9;
  small.minPt = 7;
  canvas.drawText(RectMm{kMargin, 270, inner, 10}, footer, small);
}

// The guest's own part of the page.
void drawGuest(Canvas& canvas, const Invitation& invitation, const BadgeTemplate& colors) {
  const double inner = kA4Width - 2 * kMargin;
  const Guest& guest = invitation.guest;
  TextStyle name;
  name.bold = true;
  name.maxPt = 30;
  name.minPt = 14;
  name.wrapBelowPt = 20;
  name.maxLines = 2;
  name.halign = HAlign::kCenter;
  name.color = colors.text;
  canvas.setLanguage("");
  canvas.drawText(RectMm{kMargin, 76, inner, 24}, guest.name, name);
  std::string affiliation = guest.title;
  if (!guest.company.empty()) {
    affiliation += (affiliation.empty() ? "" : " · ") + guest.company;
  }
  canvas.drawText(RectMm{kMargin, 100, inner, 8}, affiliation, mutedStyle(colors));

  const double qrSide = 84;
  const RectMm qrBox{(kA4Width - qrSide) / 2, 112, qrSide, qrSide};
  canvas.drawQr(qrBox, *invitation.qr, colors.text, 4);

  canvas.drawText(RectMm{kMargin, 208, inner, 16}, guest.bookingCode, codeStyle(colors.text));
}

// An invitation without a scannable code is worse than none.
Result<Invitation> checked(Invitation invitation) {
  if (invitation.codeText.empty()) {
    return makeError(ErrorKind::kInvalidInput,
                     "invitation of " + invitation.guest.bookingCode + ": empty code");
  }
  if (!invitation.qr) {
    auto qr = encodeQr(invitation.codeText);
    if (!qr) {
      return makeError(ErrorKind::kInvalidInput,
                       "invitation of " + invitation.guest.bookingCode + ": " + qr.error().message);
    }
    invitation.qr = std::move(*qr);
  }
  return invitation;
}

Status drawInvitations(Canvas& canvas, const Event& event, std::size_t count,
                       const InvitationSource& source) {
  if (count == 0) {
    return makeError(ErrorKind::kInvalidInput, "no invitations to write");
  }
  canvas.useQrFont();  // thousands of pages on office printers (canvas.h)
  canvas.useObjectStreams();
  auto colors = defaultBadgeTemplate();
  if (!colors) {
    return colors.error();
  }
  auto layer = Canvas::layer(kA4Width, kA4Height);
  if (!layer) {
    return layer.error();
  }
  drawEventLayer(*layer, event, *colors);
  for (std::size_t i = 0; i < count; ++i) {
    auto invitation = source(i);
    if (!invitation) {
      return invitation.error();
    }
    if (i > 0) {
      canvas.newPage();
    }
    canvas.drawLayer(*layer);
    drawGuest(canvas, *invitation, *colors);
  }
  return okStatus();
}

// All codes checked before the first page, so that a bad one leaves no partial document.
Result<InvitationSource> checkedSource(const std::vector<Invitation>& invitations) {
  auto all = std::make_shared<std::vector<Invitation>>();
  for (const auto& invitation : invitations) {
    auto ok = checked(invitation);
    if (!ok) {
      return ok.error();
    }
    all->push_back(std::move(*ok));
  }
  return InvitationSource([all](std::size_t i) -> Result<Invitation> { return (*all)[i]; });
}

}  // namespace

Result<std::vector<std::uint8_t>> renderInvitationsPdf(const Event& event,
                                                       const std::vector<Invitation>& invitations) {
  auto source = checkedSource(invitations);
  if (!source) {
    return source.error();
  }
  auto canvas = Canvas::pdf(kA4Width, kA4Height);
  if (!canvas) {
    return canvas.error();
  }
  if (auto status = drawInvitations(*canvas, event, invitations.size(), *source); !status) {
    return status.error();
  }
  return canvas->finishPdf();
}

Status writeInvitationsPdf(const Event& event, const std::vector<Invitation>& invitations,
                           const std::string& path) {
  auto source = checkedSource(invitations);
  if (!source) {
    return source.error();
  }
  return writeInvitationsPdf(event, invitations.size(), *source, path);
}

Status writeInvitationsPdf(const Event& event, std::size_t count, const InvitationSource& source,
                           const std::string& path) {
  auto canvas = Canvas::pdf(kA4Width, kA4Height, path);
  if (!canvas) {
    return canvas.error();
  }
  const InvitationSource checkedEach = [&source](std::size_t i) -> Result<Invitation> {
    auto invitation = source(i);
    if (!invitation) {
      return invitation.error();
    }
    return checked(std::move(*invitation));
  };
  if (auto status = drawInvitations(*canvas, event, count, checkedEach); !status) {
    return status;
  }
  auto written = canvas->finishPdf();
  if (!written) {
    return written.error();
  }
  return okStatus();
}

}  // namespace kiosk::devices
