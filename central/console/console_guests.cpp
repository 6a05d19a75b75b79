#include "central/console/console_guests.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "central/central_log.h"
#include "central/console/console_page.h"
#include "documents/invitation_pdf.h"
#include "kiosk/core/local_time.h"
#include "kiosk/core/sodium_init.h"
#include "kiosk/core/text_search.h"
#include "offline-cache/json_codec.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central::console {

using cache::guarded;

bool mayHandleGuests(Role role) {
  return role == Role::kReception || role == Role::kSupervisor;
}

namespace {

// Fields the desk edits beyond the terminal's staff fields (kStaffEditFields, which the wire
// contract's guest_edit names): they reach terminals only in the fed guest document.
std::string* deskField(Guest& g, std::string_view field) {
  if (field == "lodging.floor") {
    return &g.lodging.floor;
  }
  if (field == "lodging.door_card_pickup") {
    return &g.lodging.doorCardPickup;
  }
  if (field == "transport.0.flight" && !g.transport.empty()) {
    return &g.transport[0].flight;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> editableValue(const Guest& guest, std::string_view field) {
  Guest copy = guest;
  if (const auto* text = deskField(copy, field)) {
    return *text;
  }
  return fieldValue(guest, field);
}

std::vector<std::string> editableFields(const Guest& guest) {
  std::vector<std::string> out;
  for (auto field : kStaffEditFields) {
    if (fieldValue(guest, field)) {
      out.emplace_back(field);
    }
    if (field == "lodging.room") {
      out.emplace_back("lodging.floor");
      out.emplace_back("lodging.door_card_pickup");
    }
    if (field == "transport.0.pickup_place" && !guest.transport.empty()) {
      out.emplace_back("transport.0.flight");
    }
  }
  return out;
}

namespace {

// The search keys of an event's guests, kept in memory: central keeps no search index of
// its own (the terminal's is in its cache), and computing pinyin for 10,000 names on every
// search would cost a large part of a second. The index follows the feed: when a guest of the
// event was fed after it was built, the changed guests are read again (an unchanged doc keeps
// its keys), so every instance of central sees every change, including the terminals'.
class GuestIndex {
 public:
  struct Snapshot {
    std::int64_t stamp = -1;
    std::vector<Guest> guests;                        // by name, then id
    std::vector<std::pair<std::string, std::size_t>>  // (key, index in guests), sorted
        keys;
    std::map<GuestId, std::string> docs;
  };

  Result<std::shared_ptr<const Snapshot>> forEvent(cache::Database& db, EventId eventId) {
    return guarded("reading the guests", [&] {
      std::int64_t stamp = 0;
      {
        auto s = db.prepare(
            "SELECT COALESCE(MAX(seq), 0) FROM feed WHERE event_id = ?1 AND kind = 'guests'");
        s.bind(1, eventId);
        if (s.step()) {
          stamp = s.columnInt(0);
        }
      }
      std::shared_ptr<const Snapshot> old;
      {
        std::lock_guard lock(mutex_);
        auto it = events_.find(eventId);
        if (it != events_.end()) {
          if (it->second->stamp == stamp) {
            return it->second;
          }
          old = it->second;
        }
      }
      auto fresh = build(db, eventId, stamp, old.get());
      std::lock_guard lock(mutex_);
      auto& slot = events_[eventId];
      if (!slot || slot->stamp < fresh->stamp) {
        slot = fresh;
      }
      return std::shared_ptr<const Snapshot>(fresh);
    });
  }

 private:
  static std::shared_ptr<Snapshot> build(cache::Database& db, EventId eventId, std::int64_t stamp,
                                         const Snapshot* old) {
    auto out = std::make_shared<Snapshot>();
    out->stamp = stamp;
    std::map<GuestId, std::size_t> oldIndex;
    std::vector<std::vector<std::string>> oldKeys;
    if (old) {
      oldKeys.resize(old->guests.size());
      for (const auto& [key, i] : old->keys) {
        oldKeys[i].push_back(key);
      }
      for (std::size_t i = 0; i < old->guests.size(); ++i) {
        oldIndex[old->guests[i].id] = i;
      }
    }
    std::vector<std::pair<Guest, std::vector<std::string>>> rows;
    auto s = db.prepare("SELECT guest_id, doc FROM guests WHERE event_id = ?1");
    s.bind(1, eventId);
    while (s.step()) {
      const auto id = static_cast<GuestId>(s.columnInt(0));
      auto doc = s.columnText(1);
      auto known = old ? old->docs.find(id) : std::map<GuestId, std::string>::const_iterator{};
      if (old && known != old->docs.end() && known->second == doc) {
        const auto i = oldIndex.at(id);
        rows.emplace_back(old->guests[i], oldKeys[i]);
      } else {
        auto guest = cache::guestFromJson(cache::parseJson(doc));
        auto keys = searchKeysFor(guest);
        rows.emplace_back(std::move(guest), std::move(keys));
      }
      out->docs.emplace(id, std::move(doc));
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.name, a.first.id) < std::tie(b.first.name, b.first.id);
    });
    out->guests.reserve(rows.size());
    for (auto& [guest, keys] : rows) {
      for (auto& k : keys) {
        out->keys.emplace_back(std::move(k), out->guests.size());
      }
      out->guests.push_back(std::move(guest));
    }
    std::sort(out->keys.begin(), out->keys.end());
    return out;
  }

  std::mutex mutex_;
  std::map<EventId, std::shared_ptr<const Snapshot>> events_;
};

// Indexes (into Snapshot::guests) of the guests with a key that starts with one of `keys`.
std::set<std::size_t> matching(const GuestIndex::Snapshot& index,
                               const std::vector<std::string>& keys) {
  std::set<std::size_t> out;
  for (const auto& k : keys) {
    for (auto it = std::lower_bound(index.keys.begin(), index.keys.end(),
                                    std::pair<std::string, std::size_t>(k, 0));
         it != index.keys.end() && it->first.compare(0, k.size(), k) == 0; ++it) {
      out.insert(it->second);
    }
  }
  return out;
}

std::vector<std::size_t> search(const GuestIndex::Snapshot& index, const std::string& query) {
  std::set<std::size_t> hits;
  if (query.find_first_not_of(" \t") == std::string::npos) {
    std::vector<std::size_t> all(index.guests.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      all[i] = i;
    }
    return all;
  }
  if (auto split = splitNameAndNumber(query)) {
    const auto byName = matching(index, nameQueryKeysFor(split->name));
    const auto byNumber = matching(index, numberQueryKeysFor(split->number));
    std::set_intersection(byName.begin(), byName.end(), byNumber.begin(), byNumber.end(),
                          std::inserter(hits, hits.end()));
  } else {
    hits = matching(index, queryKeysFor(query));
  }
  return {hits.begin(), hits.end()};
}

std::optional<std::size_t> parseCount(const std::string& text) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return n;
}

std::optional<GuestId> parseGuestId(const std::string& text) {
  auto n = parseCount(text);
  if (!n || *n == 0 || *n > 0xffffffffu) {
    return std::nullopt;
  }
  return static_cast<GuestId>(*n);
}

std::optional<Guest> readGuest(cache::Database& db, EventId eventId, GuestId id) {
  auto s = db.prepare("SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
  s.bind(1, eventId).bind(2, id);
  if (!s.step()) {
    return std::nullopt;
  }
  return cache::guestFromJson(cache::parseJson(s.columnText(0)));
}

std::string auditTarget(GuestId id) {
  return "guest:" + std::to_string(id);
}

std::string methodWords(const CheckinRecord& r) {
  std::string out = toString(r.method);
  if (!r.staffId.empty()) {
    out += " · " + r.staffId;
  }
  if (!r.overrideReason.empty()) {
    out += " · " + r.overrideReason;
  }
  return out;
}

// The page of one guest: the guest as central has them now, and everything that happened
// to them - admissions and undos from terminals, edits at terminals, the desk's changes.
Result<std::optional<GuestPageView>> guestPage(cache::Database& db, EventId eventId, GuestId id) {
  return guarded("reading the guest", [&]() -> std::optional<GuestPageView> {
    auto guest = readGuest(db, eventId, id);
    if (!guest) {
      return std::nullopt;
    }
    GuestPageView v;
    v.guest = std::move(*guest);
    {
      auto s = db.prepare(
          "SELECT doc, terminal FROM checkins WHERE event_id = ?1 AND guest_id = ?2 ORDER BY "
          "order_at");
      s.bind(1, eventId).bind(2, id);
      while (s.step()) {
        auto r = cache::checkinFromJson(cache::parseJson(s.columnText(0)));
        const auto terminal = s.columnText(1);
        v.trail.push_back({r.scannedAt, "trail.admitted", terminal, methodWords(r)});
        if (r.needsChanged) {
          v.trail.push_back(
              {r.scannedAt, "trail.needs_changed", terminal,
               describeNeedsChange(r.confirmedNeeds, r.previousNeeds.value_or(SpecialNeeds{}))});
          v.needsChange = r;
        }
        if (r.undoneAt) {
          v.trail.push_back({*r.undoneAt, "trail.undone", terminal,
                             r.undoneBy + (r.undoReason.empty() ? "" : " · " + r.undoReason)});
        }
      }
    }
    {
      auto s = db.prepare(
          "SELECT doc FROM guest_edits WHERE event_id = ?1 AND guest_id = ?2 ORDER BY "
          "received_at");
      s.bind(1, eventId).bind(2, id);
      while (s.step()) {
        const auto edit = api::guestEditFromJson(cache::parseJson(s.columnText(0)));
        std::string detail;
        for (const auto& c : edit.changes) {
          detail += (detail.empty() ? "" : "; ") + c.field + " = " + c.value;
        }
        detail += " · " + edit.reason;
        v.trail.push_back(
            {edit.at, "trail.terminal_edit", edit.terminal + " · " + edit.staffId, detail});
      }
    }
    {
      auto s = db.prepare(
          "SELECT at, account, action, detail FROM console_audit WHERE event_id = ?1 AND "
          "target = ?2 ORDER BY at");
      s.bind(1, eventId).bind(2, auditTarget(id));
      while (s.step()) {
        v.trail.push_back({fromUnixMillis(s.columnInt(0)), "trail.console." + s.columnText(2),
                           s.columnText(1), s.columnText(3)});
      }
    }
    std::stable_sort(v.trail.begin(), v.trail.end(),
                     [](const TrailItem& a, const TrailItem& b) { return a.at < b.at; });
    return v;
  });
}

// The guest's code as `codes issue` signs it with the event's default window (signatures are
// deterministic), moved on by a second past every revoked one: the code on the guest's
// invitation, or the new one after a revoke. kNotFound when the event has no issuing key.
Result<std::string> currentCode(CentralStore& store, const Event& event, GuestId guestId) {
  auto key = store.issuingKey(event.id);
  if (!key) {
    return key.error();
  }
  if (!*key) {
    return makeError(ErrorKind::kNotFound, "the event has no issuing key");
  }
  TokenClaims claims;
  claims.keyId = (*key)->id;
  claims.eventId = event.id;
  claims.guestId = guestId;
  claims.notBefore = event.startsAt - kCodesValidBeforeStart;
  claims.notAfter = event.endsAt + kCodesValidAfterEnd;
  for (int shift = 0; shift < 1000; ++shift) {
    auto token = issueToken(claims, **key);
    const auto parsed = parseToken(token);
    auto revoked = store.isTokenRevoked(event.id, std::get<ParsedToken>(parsed).tokenId());
    if (!revoked) {
      return revoked.error();
    }
    if (!*revoked) {
      return token;
    }
    claims.notBefore += std::chrono::seconds(1);
  }
  return makeError(ErrorKind::kPermanent, "every code of the guest in this window is revoked");
}

// The invitation mail's subject and text in both of the console's languages: Chinese first,
// English first for a guest whose roster language is another one.
std::array<Lang, 2> mailLanguages(const Guest& guest) {
  const bool chineseFirst = guest.language.empty() || guest.language.rfind("zh", 0) == 0;
  return chineseFirst ? std::array{Lang::kZh, Lang::kEn} : std::array{Lang::kEn, Lang::kZh};
}

std::string invitationSubject(const Event& event, const Guest& guest) {
  const auto [first, second] = mailLanguages(guest);
  return std::string(text(first, "mail.subject")) + event.name + " / " +
         std::string(text(second, "mail.subject")) + event.name;
}

std::string invitationText(const Event& event, const Guest& guest) {
  std::string out;
  for (auto lang : mailLanguages(guest)) {
    auto line = [&](std::string_view key, const std::string& value) {
      if (!value.empty()) {
        out += std::string(text(lang, key)) + value + "\n";
      }
    };
    line("mail.greeting", guest.name);
    out += "\n";
    line("mail.event", event.name);
    line("mail.starts", formatLocal(event.startsAt, event.timezone, "yyyy-MM-dd HH:mm", tag(lang)));
    line("mail.venue", event.venue);
    line("mail.address", event.venueAddress);
    out += "\n" + std::string(text(lang, "mail.body")) + "\n\n";
  }
  return out;
}

std::string tokenIdOf(const std::string& token) {
  return std::get<ParsedToken>(parseToken(token)).tokenId();
}

// A walk-in's booking code: "WI-" and 6 letters and digits that cannot be misread (no 0/O,
// 1/I/L), about 10^9 of them.
std::string walkInCode() {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  ensureSodium();
  std::string out = "WI-";
  for (int i = 0; i < 6; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  return text.substr(first);
}

class GuestPages {
 public:
  GuestPages(PageHost& host, std::optional<MailSettings> mail) : host_(host) {
    if (mail) {
      mail_ = std::make_unique<MailSender>(std::move(*mail));
    }
  }

  bool allowed(Page& p, std::string_view what) {
    if (mayHandleGuests(p.frame.account.role)) {
      return true;
    }
    host_.audit(p, "forbidden", std::string(what));
    host_.sendMessage(p, 403, "error.forbidden");
    return false;
  }

  void searchPage(Page& p) {
    if (!allowed(p, "guests")) {
      return;
    }
    auto index = index_.forEvent(p.store.database(), p.frame.event.id);
    if (!index) {
      centralLog().error("console: {}", index.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return;
    }
    GuestSearchView v;
    v.query = p.req.get_param_value("q");
    if (v.query.size() > 200) {
      v.query.resize(200);
    }
    const auto hits = search(**index, v.query);
    v.total = hits.size();
    const auto pages = (v.total + kGuestsPerPage - 1) / kGuestsPerPage;
    v.page =
        std::min(parseCount(p.req.get_param_value("page")).value_or(0), pages == 0 ? 0 : pages - 1);
    for (std::size_t i = v.page * kGuestsPerPage;
         i < hits.size() && i < (v.page + 1) * kGuestsPerPage; ++i) {
      v.hits.push_back((*index)->guests[hits[i]]);
    }
    p.frame.current = "guests";
    p.frame.back = "/console/guests?event=" + std::to_string(p.frame.event.id);
    host_.sendPage(p, 200, "guests.title", guestsMain(p.frame, v));
  }

  void showGuest(Page& p, std::string_view noticeKey = {}, bool isError = false, int status = 200,
                 std::string_view noticeDetail = {}) {
    if (!allowed(p, "guest")) {
      return;
    }
    const auto id = parseGuestId(p.req.get_param_value("id"));
    if (!id) {
      host_.sendMessage(p, 404, "error.not_found");
      return;
    }
    auto view = guestPage(p.store.database(), p.frame.event.id, *id);
    if (!view) {
      centralLog().error("console: {}", view.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return;
    }
    if (!*view) {
      host_.sendMessage(p, 404, "error.not_found");
      return;
    }
    auto& v = **view;
    v.issuedCode = issuedCode_;
    v.mailOffered = mayMail(v.guest);
    const auto done = p.req.get_param_value("done");
    if (!noticeKey.empty()) {
      v.noticeKey = noticeKey;
      v.noticeIsError = isError;
      v.noticeDetail = noticeDetail;
    } else if (done == "saved" || done == "unchanged" || done == "cancelled" ||
               done == "restored" || done == "walk_in" || done == "mailed") {
      v.noticeKey = "guest.done." + done;
    }
    p.frame.current = "guests";
    p.frame.back = "/console/guests/view?event=" + std::to_string(p.frame.event.id) +
                   "&id=" + std::to_string(*id);
    host_.sendPage(p, status, "guest.title", guestMain(p.frame, v));
  }

  // Changes one guest of the event in one transaction (re-read inside it, so an edit a
  // terminal pushed meanwhile is not lost) and feeds them to the terminals. `change` returns
  // a catalog key when it refuses, "" when it changed the guest.
  void changeGuest(Page& p, std::string_view action,
                   const std::function<std::string(Guest&, std::string& detail)>& change) {
    if (!allowed(p, action)) {
      return;
    }
    const auto id = parseGuestId(p.req.get_param_value("id"));
    if (!id) {
      host_.sendMessage(p, 404, "error.not_found");
      return;
    }
    enum class Outcome { kNotFound, kRefused, kUnchanged, kSaved };
    std::string refusal;
    std::string detail;
    auto outcome = guarded("changing the guest", [&] {
      return p.store.database().transaction([&] {
        auto guest = readGuest(p.store.database(), p.frame.event.id, *id);
        if (!guest) {
          return Outcome::kNotFound;
        }
        const auto before = *guest;
        refusal = change(*guest, detail);
        if (!refusal.empty()) {
          return Outcome::kRefused;
        }
        if (cache::dump(cache::toJson(*guest)) == cache::dump(cache::toJson(before))) {
          return Outcome::kUnchanged;
        }
        p.store.upsertGuest(p.frame.event.id, *guest, p.now);
        return Outcome::kSaved;
      });
    });
    if (!outcome) {
      centralLog().error("console: {}", outcome.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return;
    }
    switch (*outcome) {
      case Outcome::kNotFound:
        host_.sendMessage(p, 404, "error.not_found");
        return;
      case Outcome::kRefused:
        showGuest(p, refusal, true, 400);
        return;
      case Outcome::kUnchanged:
        redirect(p.res, guestPath(p, *id) + "&done=unchanged");
        return;
      case Outcome::kSaved:
        host_.audit(p, std::string(action), auditTarget(*id), detail);
        redirect(p.res, guestPath(p, *id) + "&done=" +
                            (action == "guest_cancel"    ? "cancelled"
                             : action == "guest_restore" ? "restored"
                                                         : "saved"));
        return;
    }
  }

  void edit(Page& p) {
    const auto field = p.req.get_param_value("field");
    auto value = p.req.get_param_value("value");
    changeGuest(p, "guest_edit", [&](Guest& g, std::string& detail) -> std::string {
      const auto fields = editableFields(g);
      if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
        return "guest.bad_field";
      }
      if (value.size() > kMaxGuestFieldBytes ||
          value.find_first_of("\r\n\t") != std::string::npos) {
        return "guest.bad_value";
      }
      if (isTimeField(field) && !value.empty()) {
        // The form's local time is the event's wall time.
        auto at = parseLocalTime(value, p.frame.event.timezone);
        if (!at) {
          return "guest.bad_time";
        }
        value = formatIso8601(*at);
      }
      const auto old = editableValue(g, field).value_or("");
      if (auto* text = deskField(g, field)) {
        *text = value;
      } else if (applyFieldChange(g, GuestFieldChange{field, value})) {
        return "guest.bad_value";
      }
      detail = field + ": " + (old.empty() ? "-" : old) + " -> " + (value.empty() ? "-" : value);
      return {};
    });
  }

  void setStatus(Page& p, GuestStatus to, std::string_view action) {
    changeGuest(p, action, [&](Guest& g, std::string& detail) -> std::string {
      detail = std::string(toString(g.status)) + " -> " + toString(to);
      g.status = to;
      return {};
    });
  }

  // Revokes the guest's current code (the booking code with it, as `codes revoke --code`
  // does) and shows the next one, with its QR code; terminals learn the revocation from the
  // feed.
  void reissue(Page& p) {
    if (!allowed(p, "guest_reissue")) {
      return;
    }
    auto guest = postedGuest(p);
    if (!guest) {
      return;
    }
    auto old = currentCode(p.store, p.frame.event, guest->id);
    if (!old) {
      showGuest(p, "guest.no_key", true, 409);
      return;
    }
    if (auto st = p.store.revokeToken(p.frame.event.id, tokenIdOf(*old),
                                      "revoked in the console by " + p.frame.account.name, p.now,
                                      guest->id);
        !st) {
      centralLog().error("console: {}", st.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return;
    }
    auto fresh = currentCode(p.store, p.frame.event, guest->id);
    if (!fresh) {
      host_.sendMessage(p, 503, "error.internal");
      return;
    }
    host_.audit(p, "guest_reissue", auditTarget(guest->id),
                tokenIdOf(*old) + " -> " + tokenIdOf(*fresh));
    issuedCode_ = *fresh;
    showGuest(p, "guest.done.reissued");
    issuedCode_.clear();
  }

  // The guest of the request's id in this event; answers 404 or 503 itself when there is none.
  std::optional<Guest> postedGuest(Page& p) {
    const auto id = parseGuestId(p.req.get_param_value("id"));
    if (!id) {
      host_.sendMessage(p, 404, "error.not_found");
      return std::nullopt;
    }
    auto guest = guarded("reading the guest",
                         [&] { return readGuest(p.store.database(), p.frame.event.id, *id); });
    if (!guest) {
      centralLog().error("console: {}", guest.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return std::nullopt;
    }
    if (!*guest) {
      host_.sendMessage(p, 404, "error.not_found");
    }
    return *guest;
  }

  struct InvitationDocument {
    std::string code;
    std::string pdf;
  };
  // The guest's invitation with their current code, as the download and the mail carry it;
  // answers 409 or 503 itself when there is none.
  std::optional<InvitationDocument> invitationOf(Page& p, const Guest& guest) {
    auto code = currentCode(p.store, p.frame.event, guest.id);
    if (!code) {
      showGuest(p, "guest.no_key", true, 409);
      return std::nullopt;
    }
    auto pdf = devices::renderInvitationsPdf(p.frame.event,
                                             {devices::Invitation{guest, *code, std::nullopt}});
    if (!pdf) {
      centralLog().error("console: invitation of guest {}: {}", guest.id, pdf.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return std::nullopt;
    }
    return InvitationDocument{*code, std::string(pdf->begin(), pdf->end())};
  }

  static std::string invitationFileName(const Guest& guest) {
    return "invitation-" + guest.bookingCode + ".pdf";
  }

  // The guest's invitation as a PDF to print.
  void invitation(Page& p) {
    if (!allowed(p, "guest_invitation")) {
      return;
    }
    auto guest = postedGuest(p);
    if (!guest) {
      return;
    }
    auto doc = invitationOf(p, *guest);
    if (!doc) {
      return;
    }
    host_.audit(p, "guest_invitation", auditTarget(guest->id), tokenIdOf(doc->code));
    p.res.set_header("Content-Disposition",
                     "attachment; filename=\"" + invitationFileName(*guest) + "\"");
    p.res.set_content(std::move(doc->pdf), "application/pdf");
  }

  bool mayMail(const Guest& guest) const {
    return mail_ && !guest.email.empty() && guest.status == GuestStatus::kActive;
  }

  // The invitation to the guest's e-mail address, sent while the receptionist waits (at most
  // the mail settings' timeout; MailSender lets only a few sends hold request threads at
  // once), so the page says at once whether it went and, if not, why. Each try is audited;
  // a failure changes nothing and the download stays.
  void sendInvitation(Page& p) {
    if (!allowed(p, "guest_invitation_mail")) {
      return;
    }
    auto guest = postedGuest(p);
    if (!guest) {
      return;
    }
    if (!mayMail(*guest)) {
      showGuest(p, "guest.mail_unavailable", true, 409);
      return;
    }
    auto doc = invitationOf(p, *guest);
    if (!doc) {
      return;
    }
    MailMessage m;
    m.to = guest->email;
    m.toName = guest->name;
    m.subject = invitationSubject(p.frame.event, *guest);
    m.text = invitationText(p.frame.event, *guest);
    m.attachments.push_back({invitationFileName(*guest), "application/pdf", std::move(doc->pdf)});
    const auto sent = mail_->send(m, p.now);
    if (!sent.sent()) {
      // The server's words may name the address: they go to the audit, not to the log.
      centralLog().warn("console: invitation mail for guest {} not sent: {}", guest->id,
                        toString(sent.failure));
      host_.audit(p, "guest_invitation_mail_failed", auditTarget(guest->id),
                  std::string(toString(sent.failure)) + ": " + sent.detail);
      showGuest(p, std::string("mail.failed.") + toString(sent.failure), true,
                sent.failure == MailFailure::kBusy ? 503 : 502, sent.detail);
      return;
    }
    host_.audit(p, "guest_invitation_mail", auditTarget(guest->id),
                guest->email + " · " + tokenIdOf(doc->code));
    redirect(p.res, guestPath(p, guest->id) + "&done=mailed");
  }

  // A guest who came without an invitation: a new guest of the event with a booking code of
  // their own (a VIP is made at central's roster, as at the terminal: isWalkInCategory).
  void walkIn(Page& p) {
    if (!allowed(p, "guest_walk_in")) {
      return;
    }
    Guest g;
    g.name = trimmed(p.req.get_param_value("name"));
    g.phone = trimmed(p.req.get_param_value("phone"));
    g.company = trimmed(p.req.get_param_value("company"));
    const auto category = parseGuestCategory(p.req.get_param_value("category"));
    auto refuse = [&](std::string_view key) {
      GuestSearchView v;
      v.noticeKey = key;
      v.noticeIsError = true;
      p.frame.current = "guests";
      host_.sendPage(p, 400, "guests.title", guestsMain(p.frame, v));
    };
    if (g.name.empty() || g.name.size() > 200 || g.phone.size() > 40 || g.company.size() > 200) {
      refuse("guests.walk_in_bad");
      return;
    }
    if (!category || !isWalkInCategory(*category)) {
      refuse("guests.walk_in_bad_category");
      return;
    }
    g.category = *category;
    auto saved = guarded("registering the walk-in", [&] {
      return p.store.database().transaction([&] {
        for (;;) {
          g.bookingCode = walkInCode();
          auto s = p.store.database().prepare(
              "SELECT 1 FROM guests WHERE event_id = ?1 AND booking_code = ?2");
          s.bind(1, p.frame.event.id).bind(2, g.bookingCode);
          if (!s.step()) {
            break;
          }
        }
        auto out = p.store.upsertGuests(p.frame.event.id, {g}, p.now);
        if (!out) {
          throw cache::DatabaseError(out.error().kind, out.error().message);
        }
        return out->at(0);
      });
    });
    if (!saved) {
      centralLog().error("console: {}", saved.error().message);
      host_.sendMessage(p, 503, "error.internal");
      return;
    }
    host_.audit(p, "guest_walk_in", auditTarget(saved->id), saved->bookingCode);
    redirect(p.res, guestPath(p, saved->id) + "&done=walk_in");
  }

  static std::string guestPath(const Page& p, GuestId id) {
    return "/console/guests/view?event=" + std::to_string(p.frame.event.id) +
           "&id=" + std::to_string(id);
  }

 private:
  PageHost& host_;
  GuestIndex index_;
  std::unique_ptr<MailSender> mail_;  // none: mail is not configured
  // The code reissue() shows; set for the length of that one call (per thread: several
  // requests run at once).
  static thread_local std::string issuedCode_;
};

thread_local std::string GuestPages::issuedCode_;

}  // namespace

void addGuestsRoutes(httplib::Server& server, PageHost& host, std::optional<MailSettings> mail) {
  // The routes hold the pages; the host outlives them (it holds its own routes).
  auto pages = std::make_shared<GuestPages>(host, std::move(mail));
  host.route(server, "/console/guests", Kind::kHtml, [pages](Page& p) { pages->searchPage(p); });
  host.route(server, "/console/guests/view", Kind::kHtml,
             [pages](Page& p) { pages->showGuest(p); });
  host.route(server, "/console/guests/edit", Kind::kPost, [pages](Page& p) { pages->edit(p); });
  host.route(server, "/console/guests/cancel", Kind::kPost,
             [pages](Page& p) { pages->setStatus(p, GuestStatus::kCancelled, "guest_cancel"); });
  host.route(server, "/console/guests/restore", Kind::kPost,
             [pages](Page& p) { pages->setStatus(p, GuestStatus::kActive, "guest_restore"); });
  host.route(server, "/console/guests/reissue", Kind::kPost,
             [pages](Page& p) { pages->reissue(p); });
  host.route(server, "/console/guests/invitation.pdf", Kind::kHtml,
             [pages](Page& p) { pages->invitation(p); });
  host.route(server, "/console/guests/invitation/send", Kind::kPost,
             [pages](Page& p) { pages->sendInvitation(p); });
  host.route(server, "/console/guests/walk-in", Kind::kPost,
             [pages](Page& p) { pages->walkIn(p); });
}

}  // namespace kiosk::central::console
