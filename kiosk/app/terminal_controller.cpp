#include "kiosk/app/terminal_controller.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "devices/camera/scan_pipeline.h"
#include "devices/printing/printer_test_page.h"
#include "documents/qr_code.h"
#include "kiosk/app/badge_words.h"
#include "kiosk/app/json_line.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/ids.h"
#include "kiosk/core/local_time.h"
#include "kiosk/core/staff.h"
#include "ui/spoken_text.h"

namespace kiosk::app {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

using nlohmann::json;

BadgeStage stageOf(devices::PrintJobState state) {
  switch (state) {
    case devices::PrintJobState::kQueued:
    case devices::PrintJobState::kSubmitting:
      return BadgeStage::kQueued;
    case devices::PrintJobState::kAccepted:
    case devices::PrintJobState::kPrinting:
      return BadgeStage::kPrinting;
    case devices::PrintJobState::kCompleted:
      return BadgeStage::kPrinted;
    case devices::PrintJobState::kWaitingForPrinter:
      return BadgeStage::kWaitingForPrinter;
    case devices::PrintJobState::kCancelled:
      return BadgeStage::kFailed;
  }
  return BadgeStage::kQueued;
}

// Self-service reprints a returning guest has used up (0 for any other decision). A read
// that fails is returned as the error: it stops the action instead of granting a reprint.
Result<int> selfReprintsUsed(WorkerContext& c, const ScanDecision& d) {
  if (!d.guest || d.outcome != ScanOutcome::kAlreadyCheckedIn) {
    return 0;
  }
  return c.store.countSelfReprints(c.event.id, d.guest->id);
}

// The decision for the flow, or the failure that stops it.
FlowEvent evaluated(WorkerContext& c, ScanDecision d) {
  auto used = selfReprintsUsed(c, d);
  if (!used) {
    return FlowEvent{ev::WorkFailed{"evaluate", used.error()}};
  }
  return FlowEvent{ev::Evaluated{std::move(d), *used}};
}

// One row per settled print attempt in print_jobs (detail = who asked: "guest" or
// "staff:<id>") with its audit row, in one transaction.
void recordPrintJob(WorkerContext& c, const devices::PrintJob& job, GuestId guestId, bool reprint,
                    const std::string& actor, const std::string& reason,
                    std::vector<WorkerResult>& out) {
  const auto now = c.clock.now();
  cache::PrintJobRecord row;
  row.id = newRecordId(now);
  row.badgeId = job.badgeId;
  row.guestId = guestId;
  row.reprint = reprint;
  row.state = devices::toString(job.state);
  row.printer = job.printer;
  row.requestedBy = actor;
  row.at = now;
  AuditEvent audit;
  audit.at = now;
  audit.terminal = c.settings.terminal;
  audit.actor = actor;
  audit.action = job.state == devices::PrintJobState::kCompleted
                     ? (reprint ? AuditAction::kBadgeReprinted : AuditAction::kBadgePrinted)
                     : AuditAction::kPrintFailed;
  audit.eventId = c.event.id;
  audit.guestId = guestId;
  audit.outcome = devices::toString(job.state);
  audit.reason = job.state == devices::PrintJobState::kCompleted ? reason : job.reason;
  audit.refId = job.badgeId;
  if (auto status = c.store.recordPrintJob(c.event.id, row, audit); !status) {
    out.push_back(WorkerLog{"print job not recorded: " + status.error().message});
  }
}

void savePhoto(WorkerContext& c, const CheckinRecord& record, const std::vector<std::uint8_t>& jpeg,
               std::vector<WorkerResult>& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::path(c.settings.dataDir) / "photos";
  fs::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  const fs::path path = dir / (record.id + ".jpg");
  const fs::path tmp = dir / (record.id + ".jpg.tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
    if (!f) {
      out.push_back(WorkerLog{"photo not saved: cannot write " + tmp.string()});
      return;
    }
  }
  ::chmod(tmp.c_str(), 0600);
  fs::rename(tmp, path, ec);
  if (ec) {
    out.push_back(WorkerLog{"photo not saved: " + ec.message()});
    return;
  }
  try {
    auto s = c.store.database().prepare(
        "INSERT OR REPLACE INTO photos (checkin_id, event_id, guest_id, path, taken_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, record.id)
        .bind(2, record.eventId)
        .bind(3, record.guestId)
        .bind(4, path.string())
        .bind(5, toUnixMillis(c.clock.now()));
    s.run();
  } catch (const cache::DatabaseError& e) {
    out.push_back(WorkerLog{std::string("photo not recorded: ") + e.what()});
  }
}

std::vector<std::uint8_t> loadPhoto(WorkerContext& c, const std::string& checkinId) {
  try {
    auto s = c.store.database().prepare("SELECT path FROM photos WHERE checkin_id = ?1");
    s.bind(1, checkinId);
    if (!s.step()) {
      return {};
    }
    std::ifstream f(s.columnText(0), std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), {});
  } catch (const cache::DatabaseError&) {
    return {};
  }
}

json guestFields(const Guest* g) {
  json j = json::object();
  if (g != nullptr && g->id != 0) {
    j["guest_id"] = g->id;
    j["booking_code"] = g->bookingCode;
  }
  return j;
}

}  // namespace

TerminalController::TerminalController(const Flow& flow, const Clock& clock, Event event,
                                       ControllerParts parts, ControllerSettings settings)
    : flow_(flow),
      clock_(clock),
      event_(std::move(event)),
      parts_(std::move(parts)),
      settings_(std::move(settings)),
      state_(flow.initial(clock.now())) {
  state_.lockout.restore(settings_.lockout, clock.now());
}

void TerminalController::emitJson(const std::string& line) const {
  if (parts_.jsonLine) {
    parts_.jsonLine(line);
  }
}

void TerminalController::announce() {
  emitJson(jsonLine(json{{"event", "state"},
                         {"t_ms", elapsedMs()},
                         {"state", screenName(state_.screen)},
                         {"language", flow_.screenLanguage(state_)}}));
}

// The needs editor shows a roster answer given as an id in words ("vegetarian" as 素食).
// Typing edits those words, not the id under them; saving the words unchanged keeps the
// id, so that the answer does not count as changed.
std::optional<std::string> TerminalController::needsDraftInWords(const FlowEvent& event) const {
  const auto* needs = std::get_if<flow::ConfirmNeeds>(&state_.screen);
  if (needs == nullptr || !needs->editing || parts_.catalogs == nullptr) {
    return std::nullopt;
  }
  static constexpr const char* kFields[] = {"diet", "allergies", "accessibility"};
  const char* field = kFields[static_cast<int>(*needs->editing)];
  const std::string language = flow_.screenLanguage(state_);
  const auto inWords = [&](const std::string& value) {
    return std::string(parts_.catalogs->valueText(language, field, value));
  };
  if (std::holds_alternative<ev::KeyText>(event) || std::holds_alternative<ev::Backspace>(event)) {
    const std::string words = inWords(needs->draft);
    return words != needs->draft ? std::optional(words) : std::nullopt;
  }
  const auto* tapped = std::get_if<ev::Tap>(&event);
  if (tapped != nullptr && tapped->action == Action::kNeedsSave && needs->decision.guest) {
    const SpecialNeeds& roster = needs->decision.guest->needs;
    const std::string& original = *needs->editing == NeedsField::kDiet ? roster.diet
                                  : *needs->editing == NeedsField::kAllergies
                                      ? roster.allergies
                                      : roster.accessibility;
    if (original != needs->draft && inWords(original) == needs->draft) {
      return original;
    }
  }
  return std::nullopt;
}

void TerminalController::apply(const FlowEvent& event) {
  if (auto draft = needsDraftInWords(event)) {
    apply(FlowEvent{ev::SetText{std::move(*draft)}});
  }
  const std::string beforeName = screenName(state_.screen);
  const Guest* beforeGuest = currentGuest(state_);
  const GuestId beforeId = beforeGuest != nullptr ? beforeGuest->id : 0;
  const std::string beforeLanguage = flow_.screenLanguage(state_);
  FlowStep next = flow_.step(state_, event, clock_.now());
  state_ = std::move(next.state);
  for (const auto& effect : next.effects) {
    run(effect);
  }
  const Guest* g = currentGuest(state_);
  const std::string name = screenName(state_.screen);
  if (name != beforeName || (g != nullptr ? g->id : 0) != beforeId ||
      flow_.screenLanguage(state_) != beforeLanguage) {
    json j = guestFields(g);
    j["event"] = "state";
    j["t_ms"] = elapsedMs();
    j["state"] = name;
    j["language"] = flow_.screenLanguage(state_);
    if (const auto* r = std::get_if<flow::Refused>(&state_.screen)) {
      j["outcome"] = toString(r->decision.outcome);
      j["staff_reason"] = toString(r->decision.staffReason);
    } else if (const auto* i = std::get_if<flow::Info>(&state_.screen)) {
      j["returning"] = i->returning;
      j["reprints_left"] = i->reprintsLeft;
      j["badge"] = toString(i->badge.stage);
    } else if (const auto* who = std::get_if<flow::ConfirmIdentity>(&state_.screen)) {
      j["returning"] = who->decision.outcome == ScanOutcome::kAlreadyCheckedIn;
    } else if (const auto* c = std::get_if<flow::Checking>(&state_.screen)) {
      j["source"] = toString(c->source);
    } else if (const auto* p = std::get_if<flow::Printing>(&state_.screen)) {
      j["reprint"] = p->badge.reprint;
    } else if (const auto* f = std::get_if<flow::Failure>(&state_.screen)) {
      j["message"] = f->what;
      j["detail"] = f->detail;
    }
    if (state_.staff) {
      j["staff_id"] = state_.staff->id;
    }
    emitJson(jsonLine(j));
    if (name == "info") {
      refreshPhoneQr();
    }
  }
  speak();
}

void TerminalController::speak() {
  if (parts_.speech == nullptr || parts_.catalogs == nullptr) {
    return;
  }
  const auto stop = [&] {
    if (!spokenId_.empty()) {
      parts_.speech->cancel();
      if (parts_.sound != nullptr) {
        parts_.sound->stopSpeech(utterance_);
      }
      spokenId_.clear();
    }
  };
  if (!state_.prefs.readAloud || isStaffScreen(state_.screen)) {
    stop();
    return;
  }
  const std::string language = flow_.screenLanguage(state_);
  const auto spoken = ui::spokenText(state_, *parts_.catalogs, language);
  const std::string id = spoken.id + "/" + language;
  if (id == spokenId_) {
    return;
  }
  stop();
  if (spoken.text.empty()) {
    return;
  }
  spokenId_ = id;
  if (!parts_.speech->speaks(language)) {
    if (voiceless_.insert(language).second && parts_.log) {
      parts_.log("read aloud: no voice for " + language + " (espeak-ng-data)");
    }
    return;
  }
  utterance_ = parts_.speech->say(spoken.text, language);
  // Catalog keys only: what is spoken is never personal, and the line says which words.
  emitJson(jsonLine(json{{"event", "speech"},
                         {"t_ms", elapsed_ ? elapsed_() : 0.0},
                         {"state", screenName(state_.screen)},
                         {"spoken", spoken.id},
                         {"language", language},
                         {"keys", spoken.keys},
                         {"utterance", utterance_},
                         {"audio_frame", parts_.sound != nullptr ? parts_.sound->framesOut() : 0},
                         {"audio_rate", parts_.sound != nullptr ? parts_.sound->sampleRate() : 0},
                         {"volume", parts_.sound != nullptr ? parts_.sound->volume() : 0}}));
}

void TerminalController::refreshPhoneQr() {
  const auto* info = std::get_if<flow::Info>(&state_.screen);
  if (info == nullptr || !info->decision.guest) {
    return;
  }
  const Guest& g = *info->decision.guest;
  const std::string key = std::to_string(g.id) + "/" + state_.prefs.language;
  if (key == phoneQrKey_ && phoneQr_) {
    return;
  }
  phoneQrKey_ = key;
  auto qr = devices::encodeQr(phoneSummary(event_, g, *parts_.catalogs, state_.prefs.language),
                              devices::QrErrorCorrection::kLow);
  if (qr) {
    phoneQr_ = std::make_shared<const devices::QrMatrix>(std::move(*qr));
  } else {
    phoneQr_.reset();
    if (parts_.log) {
      parts_.log("phone summary QR: " + qr.error().message);
    }
  }
}

void TerminalController::run(const FlowEffect& effect) {
  ++effectsRun_;
  auto& worker = *parts_.worker;
  std::visit(
      Overloaded{
          [&](const fx::EvaluateCode& e) {
            worker.post([text = e.text, source = e.source](WorkerContext& c, auto& out) {
              auto d = c.service.evaluate(text, source);
              if (!d) {
                out.push_back(FlowEvent{ev::WorkFailed{"evaluate", d.error()}});
                return;
              }
              out.push_back(evaluated(c, std::move(*d)));
            });
          },
          [&](const fx::LookupBooking& e) {
            worker.post([name = e.name, tail = e.phoneTail](WorkerContext& c, auto& out) {
              // Two are enough to know the answer is not one guest.
              auto matches = c.store.findByNameAndPhoneTail(c.event.id, name, tail, 2);
              if (!matches) {
                out.push_back(FlowEvent{ev::WorkFailed{"lookup", matches.error()}});
                return;
              }
              if (matches->size() != 1) {
                out.push_back(FlowEvent{ev::BookingNotFound{}});
                return;
              }
              auto d = c.service.evaluate(matches->front().bookingCode, ScanSource::kTyped);
              if (!d) {
                out.push_back(FlowEvent{ev::WorkFailed{"evaluate", d.error()}});
                return;
              }
              out.push_back(evaluated(c, std::move(*d)));
            });
          },
          [&](const fx::RecordRefusal& e) {
            json j = guestFields(e.decision.guest ? &*e.decision.guest : nullptr);
            j["event"] = "refusal";
            j["outcome"] = toString(e.decision.outcome);
            emitJson(jsonLine(j));
            worker.post([d = e.decision](WorkerContext& c, auto& out) {
              if (auto status = c.service.reject(d); !status) {
                out.push_back(WorkerLog{"refusal not recorded: " + status.error().message});
              }
            });
          },
          [&](const fx::CommitCheckin& e) {
            std::shared_ptr<const std::vector<std::uint8_t>> jpeg;
            if (e.details.photoTaken) {
              jpeg = parts_.photo->snapshot().jpeg;
            }
            ConfirmDetails details = e.details;
            details.photoTaken = details.photoTaken && jpeg != nullptr;
            worker.post([d = e.decision, details, jpeg](WorkerContext& c, auto& out) {
              auto confirmed = c.service.confirm(d, details);
              if (!confirmed) {
                out.push_back(FlowEvent{ev::WorkFailed{"commit", confirmed.error()}});
                return;
              }
              if (confirmed->accepted() && confirmed->checkin && jpeg) {
                savePhoto(c, *confirmed->checkin, *jpeg, out);
              }
              out.push_back(FlowEvent{ev::Committed{std::move(*confirmed)}});
            });
          },
          [&](const fx::Photo& e) {
            if (parts_.photo != nullptr) {
              parts_.photo->command(e.command);
            }
            if (parts_.pipeline != nullptr) {
              // The photo needs the camera, not the decoder.
              parts_.pipeline->setScanning(e.command == PhotoCommand::kStop);
            }
          },
          [&](const fx::PrintBadge& e) {
            if (!e.decision.guest) {
              return;
            }
            std::shared_ptr<const std::vector<std::uint8_t>> jpeg;
            if (!e.reprint) {
              jpeg = photo_.jpeg;
            }
            const Guest& guest = *e.decision.guest;
            auto words =
                badgeWords(*parts_.catalogs, flow_.languageFor(guest.language), guest.category);
            worker.post([d = e.decision, reprint = e.reprint, actor = e.actor, reason = e.reason,
                         words = std::move(words), jpeg](WorkerContext& c, auto& out) {
              const Guest& g = *d.guest;
              const CheckinRecord* record = d.checkin    ? &*d.checkin
                                            : d.previous ? &*d.previous
                                                         : nullptr;
              if (record == nullptr) {
                out.push_back(BadgeFailed{g.id, "no check-in to print a badge for"});
                return;
              }
              auto data = devices::makeBadgeData(c.event, g, g.bookingCode);
              applyBadgeWords(data, words);
              data.language = g.language;
              data.photoJpeg = jpeg ? *jpeg : loadPhoto(c, record->id);
              auto pdf = c.renderer.renderPdf(data, c.settings.badgeSize);
              if (!pdf) {
                out.push_back(BadgeFailed{g.id, pdf.error().message});
                return;
              }
              RenderedBadge badge;
              badge.badgeId = record->id;
              badge.guestId = g.id;
              badge.reprint = reprint;
              badge.actor = actor;
              badge.reason = reason;
              badge.title = "Badge " + g.bookingCode;
              badge.pdf = std::move(*pdf);
              if (auto preview = c.renderer.renderRgba(data, c.settings.badgeSize, 150)) {
                badge.preview = std::make_shared<const devices::RgbaImage>(std::move(*preview));
              }
              out.push_back(std::move(badge));
            });
          },
          [&](const fx::RetryPrint& e) {
            auto it = badgeOfGuest_.find(e.guestId);
            if (it != badgeOfGuest_.end() && parts_.printer->retry(it->second)) {
              jobs_[it->second].recorded = false;
            }
          },
          [&](const fx::RecordFeedback& e) {
            emitJson(jsonLine(json{{"event", "feedback"},
                                   {"kind", toString(e.feedback.kind)},
                                   {"rating", e.feedback.rating.value_or(0)},
                                   {"category", e.feedback.category}}));
            worker.post([f = e.feedback](WorkerContext& c, auto& out) {
              const auto status = c.service.recordFeedback(f);
              if (!status) {
                out.push_back(WorkerLog{"feedback not recorded: " + status.error().message});
              }
              out.push_back(FlowEvent{ev::FeedbackRecorded{status.ok()}});
            });
          },
          [&](const fx::VerifyStaffBadge& e) {
            worker.post([text = e.text](WorkerContext& c, auto& out) {
              auto found = c.store.findStaffByBadgeHash(sha256Hex(text));
              if (!found) {
                out.push_back(FlowEvent{ev::WorkFailed{"staff", found.error()}});
                return;
              }
              std::optional<StaffSession> session;
              if (*found && (*found)->active) {
                session = StaffSession{
                    (*found)->id, (*found)->name, (*found)->role, {}, (*found)->language};
              }
              out.push_back(FlowEvent{ev::StaffVerified{session, true}});
            });
          },
          [&](const fx::VerifyStaffPin& e) {
            worker.post([pin = e.pin](WorkerContext& c, auto& out) {
              auto staff = c.store.listStaff();
              if (!staff) {
                out.push_back(FlowEvent{ev::WorkFailed{"staff", staff.error()}});
                return;
              }
              std::optional<StaffSession> session;
              for (const auto& m : *staff) {
                if (m.active && !m.pinHash.empty() && verifyPin(pin, m.pinHash)) {
                  session = StaffSession{m.id, m.name, m.role, {}, m.language};
                  break;
                }
              }
              out.push_back(FlowEvent{ev::StaffVerified{session, false}});
            });
          },
          [&](const fx::Audit& e) {
            emitJson(jsonLine(
                json{{"event", "audit"}, {"action", toString(e.action)}, {"actor", e.actor}}));
            worker.post([a = e](WorkerContext& c, auto& out) {
              AuditEvent audit;
              audit.at = c.clock.now();
              audit.terminal = c.settings.terminal;
              audit.actor = a.actor;
              audit.action = a.action;
              audit.eventId = c.event.id;
              audit.reason = a.reason;
              if (auto status = c.store.appendAudit(audit); !status) {
                out.push_back(WorkerLog{"audit not recorded: " + status.error().message});
              }
            });
          },
          [&](const fx::SearchGuests& e) {
            worker.post([query = e.query](WorkerContext& c, auto& out) {
              // One more than is shown, to know whether there are more.
              constexpr std::size_t kShown = 8;
              auto found = c.store.searchGuests(c.event.id, query, kShown + 1);
              if (!found) {
                out.push_back(FlowEvent{ev::WorkFailed{"search", found.error()}});
                return;
              }
              const bool more = found->size() > kShown;
              found->resize(std::min(found->size(), kShown));
              std::vector<GuestSummary> rows;
              for (const auto& g : *found) {
                auto active = c.store.findActiveCheckin(c.event.id, g.id);
                rows.push_back(GuestSummary{g.id, g.name, g.company, g.bookingCode, g.category,
                                            active && active->has_value()});
              }
              out.push_back(FlowEvent{ev::SearchResults{query, std::move(rows), more}});
            });
          },
          [&](const fx::LoadGuest& e) {
            worker.post([id = e.guestId](WorkerContext& c, auto& out) {
              auto g = c.store.findGuest(c.event.id, id);
              auto active = c.store.findActiveCheckin(c.event.id, id);
              if (!g || !active) {
                out.push_back(FlowEvent{ev::WorkFailed{"load", !g ? g.error() : active.error()}});
                return;
              }
              if (!*g) {
                out.push_back(FlowEvent{ev::WorkFailed{
                    "load", makeError(ErrorKind::kNotFound,
                                      "guest #" + std::to_string(id) + " is not in the roster")}});
                return;
              }
              out.push_back(FlowEvent{ev::GuestLoaded{**g, *active}});
            });
          },
          [&](const fx::StaffCheckIn& e) {
            worker.post([e](WorkerContext& c, auto& out) {
              const StaffTask task = e.method == CheckinMethod::kStaffOverride
                                         ? StaffTask::kOverride
                                         : StaffTask::kManualCheckin;
              auto d = c.service.checkInByStaff(e.guestId, e.staff, e.method);
              if (!d) {
                out.push_back(
                    FlowEvent{ev::StaffTaskDone{task, false, std::nullopt, d.error().message}});
                return;
              }
              out.push_back(FlowEvent{ev::StaffTaskDone{task, true, std::move(*d), ""}});
            });
          },
          [&](const fx::StaffUndo& e) {
            worker.post([e](WorkerContext& c, auto& out) {
              auto status = c.service.undo(e.checkinId, e.staff);
              out.push_back(FlowEvent{ev::StaffTaskDone{StaffTask::kUndo, status.ok(), std::nullopt,
                                                        status ? "" : status.error().message}});
            });
          },
          [&](const fx::RegisterWalkIn& e) {
            worker.post([e](WorkerContext& c, auto& out) {
              auto d = c.service.registerWalkIn(e.draft, e.staff);
              if (!d) {
                out.push_back(FlowEvent{
                    ev::StaffTaskDone{StaffTask::kWalkIn, false, std::nullopt, d.error().message}});
                return;
              }
              out.push_back(
                  FlowEvent{ev::StaffTaskDone{StaffTask::kWalkIn, true, std::move(*d), ""}});
            });
          },
          [&](const fx::SaveGuestEdit& e) {
            worker.post([e](WorkerContext& c, auto& out) {
              GuestEdit edit;
              edit.at = c.clock.now();
              edit.id = newRecordId(edit.at);
              edit.eventId = c.event.id;
              edit.guestId = e.guestId;
              edit.terminal = c.settings.terminal;
              edit.staffId = e.staff.staffId;
              edit.reason = e.staff.reason;
              edit.changes = e.changes;
              auto saved = c.store.commitGuestEdit(edit);
              out.push_back(
                  FlowEvent{ev::StaffTaskDone{StaffTask::kEditGuest, saved.ok(), std::nullopt,
                                              saved ? "" : saved.error().message}});
            });
          },
          [&](const fx::PrintTestPage& e) {
            const auto printers = parts_.printer->printers();
            if (e.printer < 0 || static_cast<std::size_t>(e.printer) >= printers.size()) {
              return;
            }
            const std::string name = printers[static_cast<std::size_t>(e.printer)].printer;
            testPages_[name] = TestPageSent{name, "", ""};  // shown as on its way
            worker.post([printer = parts_.printer, media = settings_.badgeMedia, name](
                            WorkerContext& c, auto& out) {
              auto job = devices::printTestPage(*printer, name, c.renderer.badgeTemplate(),
                                                c.settings.badgeSize, c.clock.now(), media);
              if (!job) {
                out.push_back(WorkerLog{"test page for " + name + ": " + job.error().message});
                out.push_back(TestPageSent{name, "", job.error().message});
                return;
              }
              out.push_back(TestPageSent{name, job->badgeId, ""});
            });
          },
          [&](const fx::SetVolume& e) {
            if (parts_.sound != nullptr) {
              parts_.sound->setVolume(e.percent);
              parts_.sound->play(Cue::kTap);  // staff hear the new level
            }
            emitJson(jsonLine(json{{"event", "volume"}, {"volume", e.percent}}));
            worker.post([percent = e.percent](WorkerContext& c, auto& out) {
              if (auto status = c.store.setSetting("audio.volume", std::to_string(percent));
                  !status) {
                out.push_back(WorkerLog{"volume not kept: " + status.error().message});
              }
            });
          },
          [&](const fx::Sound& e) {
            if (parts_.sound != nullptr) {
              parts_.sound->play(e.cue);
            }
          },
          [&](const fx::ReleasePersonalData&) {
            if (parts_.photo != nullptr) {
              parts_.photo->clear();
            }
            photo_ = PhotoSnapshot{};
            badgePreview_.reset();
            phoneQr_.reset();
            phoneQrKey_.clear();
            heldKeys_.clear();
            if (parts_.releaseUi) {
              parts_.releaseUi();
            }
          },
          [&](const fx::ResetScanner&) {
            // Only half-typed scanner input is dropped. The deduplicator keeps its memory:
            // the next guest's code is another text anyway, and the last guest's phone
            // still in view must not start a second journey at once.
            wedge_.reset();
            heldKeys_.clear();
          },
          [&](const fx::Quit& e) {
            emitJson(jsonLine(json{{"event", "quit"}, {"staff_id", e.staffId}}));
            quit_ = true;
          },
          [&](const fx::RestartToUpdate& e) {
            emitJson(jsonLine(json{{"event", "restart_to_update"}, {"staff_id", e.staffId}}));
            if (parts_.restartToUpdate) {
              parts_.restartToUpdate();
            }
          },
          [&](const fx::SaveLockout& e) {
            worker.post([lockout = e.lockout](WorkerContext& c, auto& out) {
              if (auto status = c.store.saveStaffLockout(lockout); !status) {
                out.push_back(WorkerLog{"staff lockout not kept: " + status.error().message});
              }
            });
          },
      },
      effect);
}

void TerminalController::onResult(WorkerResult result) {
  std::visit(Overloaded{
                 [&](FlowEvent& e) {
                   if (const auto* f = std::get_if<ev::WorkFailed>(&e)) {
                     parts_.log(f->what + " failed: " + f->error.message);
                   }
                   if (const auto* c = std::get_if<ev::Committed>(&e); c && c->decision.checkin) {
                     const CheckinRecord& r = *c->decision.checkin;
                     emitJson(jsonLine(json{{"event", "checkin"},
                                            {"checkin_id", r.id},
                                            {"guest_id", r.guestId},
                                            {"method", toString(r.method)},
                                            {"scanned_at", formatIso8601(r.scannedAt, true)},
                                            {"needs_changed", r.needsChanged},
                                            {"photo", r.photoTaken}}));
                     if (parts_.wakeSync) {
                       parts_.wakeSync();
                     }
                   }
                   if (const auto* t = std::get_if<ev::StaffTaskDone>(&e)) {
                     if (t->task == StaffTask::kEditGuest && t->ok && parts_.wakeSync) {
                       parts_.wakeSync();  // other terminals should have it soon
                     }
                     json j{{"event", "staff_task"}, {"task", toString(t->task)}, {"ok", t->ok}};
                     if (t->decision && t->decision->checkin) {
                       j["guest_id"] = t->decision->checkin->guestId;
                       j["checkin_id"] = t->decision->checkin->id;
                       j["method"] = toString(t->decision->checkin->method);
                     }
                     if (!t->ok) {
                       j["error"] = t->error;
                     }
                     emitJson(jsonLine(j));
                     if (t->ok && parts_.wakeSync) {
                       parts_.wakeSync();
                     }
                   }
                   apply(e);
                 },
                 [&](RenderedBadge& b) {
                   badgePreview_ = b.preview;
                   devices::PrintRequest request{
                       b.badgeId, std::move(b.pdf), settings_.badgeMedia, b.title, {}};
                   const auto job = b.reprint ? parts_.printer->reprint(std::move(request))
                                              : parts_.printer->submit(std::move(request));
                   TrackedJob t;
                   t.guestId = b.guestId;
                   t.reprint = b.reprint;
                   t.actor = b.actor;
                   t.reason = b.reason;
                   jobs_[b.badgeId] = t;
                   badgeOfGuest_[b.guestId] = b.badgeId;
                   emitJson(jsonLine(json{{"event", "badge"},
                                          {"guest_id", b.guestId},
                                          {"stage", "submitted"},
                                          {"printer", job.printer},
                                          {"attempt", job.attempt},
                                          {"reprint", b.reprint}}));
                 },
                 [&](BadgeFailed& f) {
                   emitJson(jsonLine(
                       json{{"event", "badge"}, {"guest_id", f.guestId}, {"stage", "failed"}}));
                   apply(ev::BadgeUpdate{
                       BadgeProgress{f.guestId, BadgeStage::kFailed, "", f.detail, false}});
                 },
                 [&](StoreStats& s) { stats_ = s; },
                 [&](StockPreview& s) { stockPreview_ = std::move(s.image); },
                 [&](TestPageSent& t) {
                   emitJson(jsonLine(json{{"event", "test_page"},
                                          {"printer", t.printer},
                                          {"job", t.badgeId},
                                          {"error", t.error}}));
                   testPages_[t.printer] = std::move(t);
                 },
                 [&](WorkerLog& l) {
                   if (parts_.log) {
                     parts_.log(l.message);
                   }
                 },
             },
             result);
}

void TerminalController::trackPrintJobs() {
  std::vector<FlowEvent> updates;
  for (auto& [badgeId, t] : jobs_) {
    const auto job = parts_.printer->job(badgeId);
    if (!job || job->revision == t.revision) {
      continue;
    }
    t.revision = job->revision;
    const BadgeStage stage = stageOf(job->state);
    const bool trouble = stage == BadgeStage::kWaitingForPrinter || stage == BadgeStage::kFailed;
    updates.push_back(ev::BadgeUpdate{BadgeProgress{
        t.guestId, stage, trouble ? devices::toString(job->printerState) : std::string(),
        job->reason, t.reprint}});
    emitJson(jsonLine(json{{"event", "badge"},
                           {"guest_id", t.guestId},
                           {"stage", toString(stage)},
                           {"printer", job->printer},
                           {"printer_state", devices::toString(job->printerState)},
                           {"attempt", job->attempt}}));
    if (devices::isSettled(job->state) && (!t.recorded || t.recordedState != job->state)) {
      t.recorded = true;
      t.recordedState = job->state;
      parts_.worker->post([j = *job, t](WorkerContext& c, auto& out) {
        recordPrintJob(c, j, t.guestId, t.reprint, t.actor, t.reason, out);
      });
    }
  }
  for (const auto& u : updates) {
    apply(u);
  }
}

void TerminalController::requestStats() {
  parts_.worker->post([](WorkerContext& c, auto& out) {
    StoreStats s;
    if (auto counts = c.store.outboxCounts()) {
      s.outboxDepth = counts->total;
      s.oldestQueued = counts->oldest;
    }
    if (auto n = c.store.guestCount(c.event.id)) {
      s.guests = *n;
    }
    s.diskFree = freeDiskBytes(c.settings.dataDir);
    out.push_back(s);
  });
}

void TerminalController::poll() {
  if (parts_.pipeline != nullptr) {
    while (auto scan = parts_.pipeline->pollScan()) {
      apply(ev::CodeScanned{scan->text, scan->source});
    }
  }
  for (auto& r : parts_.worker->drain()) {
    onResult(std::move(r));
  }
  if (!stockPreviewAsked_) {
    // Once, on the worker: rendering takes tens of milliseconds, not for the UI thread.
    stockPreviewAsked_ = true;
    parts_.worker->post([](WorkerContext& c, auto& out) {
      devices::BadgeData data;
      data.eventName = c.event.name;
      data.guestName = "Zoë 王㛃";  // Latin with a diacritic and a rare CJK character
      data.company = "Sample";
      data.category = GuestCategory::kBusiness;
      data.categoryLabel = devices::defaultCategoryLabel(GuestCategory::kBusiness);
      data.qrText = "SAMPLE";
      if (auto image = c.renderer.renderRgba(data, c.settings.badgeSize, 96)) {
        out.push_back(StockPreview{std::make_shared<const devices::RgbaImage>(std::move(*image))});
      }
    });
  }
  if (parts_.photo != nullptr) {
    auto snap = parts_.photo->snapshot();
    if (std::holds_alternative<flow::Photo>(state_.screen)) {
      const auto& p = std::get<flow::Photo>(state_.screen);
      if (snap.hint != p.hint || snap.countdown != p.countdown || snap.captured != p.captured) {
        photo_ = snap;
        apply(ev::PhotoUpdate{snap.hint, snap.countdown, snap.captured});
      }
    }
    photo_ = std::move(snap);
  }
  trackPrintJobs();
  if (parts_.pipeline != nullptr && parts_.log) {
    // Staff read the camera's trouble translated; the log keeps the technical words.
    auto reason = parts_.pipeline->status().camera.reason;
    if (reason != cameraReasonLogged_) {
      if (!reason.empty()) {
        parts_.log("camera: " + reason);
      }
      cameraReasonLogged_ = std::move(reason);
    }
  }
  const auto now = std::chrono::steady_clock::now();
  static_assert(std::chrono::steady_clock::is_steady);
  if (lastStatsSteady_ == std::chrono::steady_clock::time_point{} ||
      now - lastStatsSteady_ > std::chrono::seconds(3)) {
    lastStatsSteady_ = now;
    requestStats();
  }
  apply(ev::Tick{});
}

void TerminalController::flushKeys(TimePoint now) {
  if (heldKeys_.empty() || wedge_.assembling(now)) {
    return;
  }
  auto keys = std::move(heldKeys_);
  heldKeys_.clear();
  for (const auto& [text, at] : keys) {
    apply(ev::KeyText{text});
  }
}

void TerminalController::keyText(const std::string& text, TimePoint at) {
  wedge_.onText(text, at);
  heldKeys_.emplace_back(text, at);
}

void TerminalController::keyEnter(TimePoint at) {
  if (auto code = wedge_.onEnter(at)) {
    heldKeys_.clear();
    if (parts_.dedup == nullptr || parts_.dedup->accept(code->text, at)) {
      apply(ev::CodeScanned{code->text, ScanSource::kWedgeScanner});
    }
    return;
  }
  flushKeys(at + std::chrono::hours(1));
  apply(ev::EnterKey{});
}

void TerminalController::keyBackspace(TimePoint at) {
  wedge_.onOtherKey(at);
  flushKeys(at + std::chrono::hours(1));
  apply(ev::Backspace{});
}

void TerminalController::keyOther(TimePoint at) {
  wedge_.onOtherKey(at);
  flushKeys(at + std::chrono::hours(1));
}

ui::TerminalView TerminalController::view() const {
  ui::TerminalView v;
  v.state = &state_;
  v.flow = &flow_;
  v.event = &event_;
  v.now = clock_.now();
  v.camera.mirrored = settings_.mirrorPreview;
  if (parts_.pipeline != nullptr) {
    const auto st = parts_.pipeline->status();
    v.camera.preview = parts_.pipeline->latestPreview();
    v.camera.streaming = st.camera.state == devices::CameraState::kStreaming;
    v.camera.state = devices::toString(st.camera.state);
    v.camera.problem = devices::toString(st.camera.problem);
    v.camera.reason = st.camera.reason;
    v.camera.source = st.source;
    v.camera.fps = st.framesPerSecond;
    v.camera.decodeMillis = st.decodeMillisMedian;
    v.camera.scanning = st.scanning;
  } else {
    v.camera.state = "no_camera";
    v.camera.problem = devices::toString(devices::CameraProblem::kNotConfigured);
    v.camera.reason = "no camera configured ([camera] device = none)";
  }
  v.photo.face = photo_.face;
  v.photo.captured = photo_.preview;
  v.badgePreview = badgePreview_;
  v.stockPreview = stockPreview_;
  v.phoneQr = phoneQr_;
  for (const auto& p : parts_.printer->printers()) {
    ui::PrinterView printer;
    printer.name = p.printer;
    printer.state = devices::toString(p.state);
    printer.reason = p.reason;
    printer.usable = devices::isUsable(p.state);
    printer.mediaFit = devices::toString(p.mediaFit);
    // Staff read the size a PWG media name ends with ("oe_cr80-card_2.125x3.37in").
    const auto sizeText = [](const std::string& keyword) {
      const auto underscore = keyword.rfind('_');
      return underscore == std::string::npos ? keyword : keyword.substr(underscore + 1);
    };
    printer.loadedMedia = p.mediaReady.empty() ? std::string() : sizeText(p.mediaReady.front());
    printer.badgeMedia = sizeText(settings_.badgeMedia);
    if (const auto t = testPages_.find(p.printer); t != testPages_.end()) {
      const auto job =
          t->second.badgeId.empty() ? std::nullopt : parts_.printer->job(t->second.badgeId);
      printer.testPage = toString(!t->second.error.empty() ? BadgeStage::kFailed
                                  : job                    ? stageOf(job->state)
                                                           : BadgeStage::kQueued);
      printer.testPageDetail = job ? job->reason : t->second.error;
    }
    v.printers.push_back(std::move(printer));
  }
  if (parts_.syncStatus) {
    v.sync = parts_.syncStatus();
  }
  if (parts_.updateStatus) {
    v.update = parts_.updateStatus();
  }
  if (!v.sync.running) {
    v.sync.outboxDepth = stats_.outboxDepth;
    v.sync.oldestQueued = stats_.oldestQueued;
  }
  v.diskFreeBytes = stats_.diskFree;
  v.guestCount = stats_.guests;
  v.terminalName = settings_.terminalName;
  v.version = settings_.version;
  v.rendererName = renderer_;
  v.soundStatus = parts_.sound != nullptr ? parts_.sound->status() : std::string("off");
  v.soundDetail = parts_.sound != nullptr ? parts_.sound->detail() : std::string();
  v.speechStatus = settings_.speechStatus;
  v.speechDetail = settings_.speechDetail;
  v.volume = parts_.sound != nullptr ? parts_.sound->volume() : 0;
  return v;
}

std::string phoneSummary(const Event& event, const Guest& g, const ui::Catalogs& catalogs,
                         const std::string& language) {
  const auto tr = [&](std::string_view key) { return std::string(catalogs.text(language, key)); };
  const auto when = [&](TimePoint t) {
    return formatLocal(t, event.timezone, "MM-dd HH:mm", language);
  };
  std::string out = event.name + "\n" + g.name + " (" + g.bookingCode + ")\n";
  const auto& l = g.lodging;
  if (!l.room.empty() || !l.hotel.empty()) {
    out += tr("info.room") + ": " + l.room + (l.floor.empty() ? "" : " (" + l.floor + "F)") +
           (l.hotel.empty() ? "" : ", " + l.hotel) + "\n";
  }
  if (!event.wifiSsid.empty()) {
    out += tr("info.wifi") + ": " + event.wifiSsid + " / " + event.wifiPassword + "\n";
  }
  // A line for what each leg has: a flight-only leg has no pick-up line.
  const auto joined = [](std::initializer_list<std::string> parts) {
    std::string text;
    for (const auto& part : parts) {
      if (!part.empty()) {
        text += (text.empty() ? "" : ", ") + part;
      }
    }
    return text;
  };
  for (const auto& leg : g.transport) {
    if (!leg.flight.empty()) {
      out += tr("info.flight") + ": " + leg.flight + "\n";
    }
    const std::string at = joined({leg.pickupTime ? when(*leg.pickupTime) : "", leg.pickupPlace});
    const std::string ride =
        joined({leg.vehicle, leg.driverPhone.empty() ? "" : leg.driver + " " + leg.driverPhone});
    if (!at.empty()) {
      out += tr("info.pickup") + ": " + joined({at, ride}) + "\n";
    } else if (!ride.empty()) {
      out += tr("info.vehicle") + ": " + ride + "\n";
    }
  }
  for (const auto& m : g.meetings) {
    out += tr("info.meeting") + ": " + m.name + (m.startsAt ? " " + when(*m.startsAt) : "") +
           (m.room.empty() ? "" : ", " + m.room) + (m.seat.empty() ? "" : ", " + m.seat) + "\n";
  }
  if (!event.emergencyContacts.empty()) {
    out += tr("info.contact") + ": " + event.emergencyContacts.front().phone + "\n";
  }
  if (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

}  // namespace kiosk::app
