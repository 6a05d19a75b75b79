#include "ui/spoken_text.h"

#include <array>
#include <string_view>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

bool endsSentence(std::string_view text) {
  for (std::string_view end : {".", "!", "?", "。", "！", "？", "…", ":", "："}) {
    if (text.size() >= end.size() && text.substr(text.size() - end.size()) == end) {
      return true;
    }
  }
  return false;
}

struct Script {
  std::string id;
  std::vector<std::string> keys;
};

Script scriptFor(const FlowScreen& screen) {
  using namespace flow;
  if (std::holds_alternative<Attract>(screen)) {
    return {"attract", {"attract.title", "attract.subtitle"}};
  }
  if (const auto* f = std::get_if<FindBooking>(&screen)) {
    const bool byCode = f->mode == BookingSearchMode::kCode;
    if (f->notFound) {
      return {byCode ? "find/not_found_code" : "find/not_found_name",
              {byCode ? "find.not_found_code_title" : "find.not_found_name_title",
               byCode ? "find.not_found_code" : "find.not_found_name"}};
    }
    return {byCode ? "find/code" : "find/name",
            {"find.title", byCode ? "find.subtitle_code" : "find.subtitle_name"}};
  }
  if (std::holds_alternative<Checking>(screen)) {
    return {"checking", {"checking.title"}};
  }
  if (std::holds_alternative<ConfirmIdentity>(screen)) {
    return {"identity", {"identity.title", "identity.subtitle"}};
  }
  if (const auto* p = std::get_if<Photo>(&screen)) {
    if (p->captured) {
      return {"photo/captured", {"photo.captured_title", "photo.captured_subtitle"}};
    }
    return {"photo", {"photo.title", "photo.no_face"}};
  }
  if (const auto* n = std::get_if<ConfirmNeeds>(&screen)) {
    if (n->editing) {
      static constexpr std::array kFields{"diet", "allergies", "accessibility"};
      const std::string field = kFields[static_cast<std::size_t>(*n->editing)];
      return {"needs/" + field, {"needs.edit." + field, "needs.edit.subtitle"}};
    }
    return {"needs", {"needs.title", "needs.subtitle"}};
  }
  if (std::holds_alternative<Committing>(screen)) {
    return {"committing", {"committing.title"}};
  }
  if (const auto* p = std::get_if<Printing>(&screen)) {
    if (p->badge.stage == BadgeStage::kWaitingForPrinter || p->badge.stage == BadgeStage::kFailed) {
      return {"printing/trouble",
              {"printing.trouble.title", "printing.trouble.subtitle", "printing.trouble.body"}};
    }
    return {"printing", {"printing.title", "printing.subtitle"}};
  }
  if (const auto* i = std::get_if<Info>(&screen)) {
    Script s{"info", {i->returning ? "info.title_returning" : "info.title"}};
    if (i->badge.stage == BadgeStage::kPrinted) {
      s.id += "/printed";
      s.keys.emplace_back("info.badge_printed");
    } else if (i->badge.stage == BadgeStage::kWaitingForPrinter ||
               i->badge.stage == BadgeStage::kFailed) {
      s.id += "/waiting";
      s.keys.emplace_back("info.badge_waiting");
    }
    return s;
  }
  if (const auto* d = std::get_if<Done>(&screen)) {
    if (d->reported) {
      return {"done/reported", {"done.reported_title"}};
    }
    return {d->rating ? "done/rated" : "done",
            {"done.title", d->rating ? "done.rated" : "done.rate"}};
  }
  if (const auto* r = std::get_if<ReportProblem>(&screen)) {
    if (r->writing) {
      return {"report/writing", {"report.text_title", "report.text_subtitle"}};
    }
    return {"report", {"report.title", "report.subtitle"}};
  }
  if (const auto* r = std::get_if<Refused>(&screen)) {
    const std::string key = outcomeKey(r->decision);
    return {"refused/" + key, {key + ".title", key + ".body", "refused.next"}};
  }
  if (const auto* c = std::get_if<CallStaff>(&screen)) {
    static constexpr std::array kBodies{"call.body.refused", "call.body.not_me",
                                        "call.body.printer", "call.body.guest_asked",
                                        "call.body.failure"};
    const std::string body = kBodies[static_cast<std::size_t>(c->reason)];
    return {"call/" + body, {"call.title", body}};
  }
  if (const auto* f = std::get_if<Failure>(&screen)) {
    return {"failure/" + f->what, {"failure.title", f->what}};
  }
  return {};
}

}  // namespace

SpokenText spokenText(const FlowState& state, const Catalogs& catalogs,
                      const std::string& language) {
  Script script = scriptFor(state.screen);
  SpokenText out;
  out.id = std::move(script.id);
  out.language = language;
  for (const auto& key : script.keys) {
    const std::string_view text = catalogs.text(language, key);
    if (text.empty()) {
      continue;
    }
    if (!out.text.empty()) {
      out.text += ' ';
    }
    out.text += text;
    // A pause between the title and what follows, in either script.
    if (!endsSentence(text)) {
      out.text += static_cast<unsigned char>(text.back()) < 0x80 ? "." : "。";
    }
  }
  out.keys = std::move(script.keys);
  return out;
}

}  // namespace kiosk::ui
