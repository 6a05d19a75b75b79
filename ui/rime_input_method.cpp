#include "ui/rime_input_method.h"

#include <rime_api.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

namespace kiosk::ui {

namespace {

// X11 keysyms, as Rime takes them.
constexpr int kBackSpace = 0xff08;
constexpr int kPageUp = 0xff55;
constexpr int kPageDown = 0xff56;
constexpr int kSpace = 0x20;
// Four candidates fit the candidate bar at a readable size beside the pinyin and the
// page arrows, in portrait and in the half-width landscape keyboard.
constexpr int kCandidatesPerPage = 4;

}  // namespace

struct RimeInputMethod::Impl {
  RimeSettings settings;
  RimeApi* api = rime_get_api();
  std::atomic<bool> started{false};  // the start thread has finished (either way)
  bool engineUp = false;             // initialize() ran: finalize() at the end
  std::string problem;               // written before `started`, read after
  RimeSessionId session = 0;
  bool sessionTried = false;
  Composition composition;
  std::jthread starter;

  // On the start thread: checks the data, sets the engine up and deploys the schema.
  void start() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path shared(settings.sharedDataDir);
    if (api == nullptr) {
      problem = "the Rime library gave no API";
    } else if (!fs::is_regular_file(shared / "default.yaml", ec)) {
      problem =
          "no " + (shared / "default.yaml").string() + " (librime-data, rime-data-luna-pinyin)";
    } else if (!fs::is_regular_file(shared / (settings.schema + ".schema.yaml"), ec)) {
      problem = "no " + (shared / (settings.schema + ".schema.yaml")).string() +
                " (rime-data-luna-pinyin)";
    } else if (fs::create_directories(settings.userDataDir, ec); ec) {
      problem =
          "cannot create the Rime user data dir " + settings.userDataDir + ": " + ec.message();
    } else if (!writeCustomisation()) {
      problem = "cannot write the Rime settings in " + settings.userDataDir;
    } else {
      RIME_STRUCT(RimeTraits, traits);
      traits.shared_data_dir = settings.sharedDataDir.c_str();
      traits.user_data_dir = settings.userDataDir.c_str();
      traits.distribution_name = "Lobby kiosk";
      traits.distribution_code_name = "kiosk";
      traits.distribution_version = "1";
      traits.app_name = "rime.kiosk";
      traits.min_log_level = 2;  // errors only: what guests type never reaches a log
      traits.log_dir = "";       // stderr (journald), no log files of its own
      api->setup(&traits);
      api->initialize(&traits);
      engineUp = true;
      // A full check the first time: compiles what the user data dir lacks.
      if (api->start_maintenance(True) != 0) {
        api->join_maintenance_thread();
      }
    }
    started.store(true, std::memory_order_release);
  }

  // Only our schema is deployed (a second instead of every schema Debian ships), the
  // engine learns nothing from what it is given (guests' names stay theirs), and a page
  // holds what the candidate bar shows.
  bool writeCustomisation() const {
    const std::filesystem::path dir(settings.userDataDir);
    std::ofstream(dir / "default.custom.yaml")
        << "patch:\n  schema_list:\n    - schema: " << settings.schema << "\n";
    std::ofstream(dir / (settings.schema + ".custom.yaml"))
        << "patch:\n  translator/enable_user_dict: false\n  menu/page_size: " << kCandidatesPerPage
        << "\n";
    std::error_code ec;
    return std::filesystem::is_regular_file(dir / "default.custom.yaml", ec) &&
           std::filesystem::is_regular_file(dir / (settings.schema + ".custom.yaml"), ec);
  }

  // On the UI thread once the start thread is done: the session with our schema.
  void openSession() {
    sessionTried = true;
    if (!problem.empty() || !engineUp) {
      return;
    }
    session = api->create_session();
    if (session == 0) {
      problem = "Rime could not open a session";
      return;
    }
    char current[128] = {};
    if (api->select_schema(session, settings.schema.c_str()) == 0 ||
        api->get_current_schema(session, current, sizeof current) == 0 ||
        settings.schema != current) {
      problem =
          "Rime could not load the schema " + settings.schema + " from " + settings.sharedDataDir;
      api->destroy_session(session);
      session = 0;
      return;
    }
    api->set_option(session, "simplification", settings.simplified ? True : False);
    api->set_option(session, "ascii_mode", False);
  }

  InputMethod::State state() {
    if (!started.load(std::memory_order_acquire)) {
      return State::kStarting;
    }
    if (!sessionTried) {
      openSession();
    }
    return session != 0 ? State::kReady : State::kUnavailable;
  }

  std::string key(int keysym) {
    if (state() != State::kReady) {
      return {};
    }
    api->process_key(session, keysym, 0);
    std::string committed;
    RIME_STRUCT(RimeCommit, commit);
    if (api->get_commit(session, &commit) != 0) {
      committed = commit.text != nullptr ? commit.text : "";
      api->free_commit(&commit);
    }
    refresh();
    return committed;
  }

  void refresh() {
    composition = {};
    RIME_STRUCT(RimeContext, context);
    if (api->get_context(session, &context) == 0) {
      return;
    }
    if (context.composition.preedit != nullptr) {
      composition.preedit = context.composition.preedit;
    }
    for (int i = 0; i < context.menu.num_candidates; ++i) {
      composition.candidates.emplace_back(
          context.menu.candidates[i].text != nullptr ? context.menu.candidates[i].text : "");
    }
    composition.page = context.menu.page_no;
    composition.lastPage = context.menu.is_last_page != 0;
    api->free_context(&context);
  }
};

RimeInputMethod::RimeInputMethod(RimeSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
  impl_->starter = std::jthread([impl = impl_.get()] { impl->start(); });
}

RimeInputMethod::~RimeInputMethod() {
  if (impl_->starter.joinable()) {
    impl_->starter.join();
  }
  if (impl_->session != 0) {
    impl_->api->destroy_session(impl_->session);
  }
  if (impl_->engineUp) {
    impl_->api->finalize();
  }
}

InputMethod::State RimeInputMethod::waitUntilStarted() {
  if (impl_->starter.joinable()) {
    impl_->starter.join();
  }
  return state();
}

InputMethod::State RimeInputMethod::state() {
  return impl_->state();
}

std::string RimeInputMethod::problem() const {
  return impl_->started.load(std::memory_order_acquire) ? impl_->problem : std::string();
}

std::string RimeInputMethod::letter(char lowercase) {
  if (lowercase < 'a' || lowercase > 'z') {
    return std::string(1, lowercase);
  }
  return impl_->key(lowercase);
}

std::string RimeInputMethod::space() {
  if (!impl_->composition.composing()) {
    return " ";
  }
  return impl_->key(kSpace);
}

bool RimeInputMethod::backspace() {
  if (!impl_->composition.composing()) {
    return false;
  }
  impl_->key(kBackSpace);
  return true;
}

std::string RimeInputMethod::pick(std::size_t index) {
  if (state() != State::kReady || index >= impl_->composition.candidates.size()) {
    return {};
  }
  impl_->api->select_candidate_on_current_page(impl_->session, index);
  std::string committed;
  RIME_STRUCT(RimeCommit, commit);
  if (impl_->api->get_commit(impl_->session, &commit) != 0) {
    committed = commit.text != nullptr ? commit.text : "";
    impl_->api->free_commit(&commit);
  }
  impl_->refresh();
  return committed;
}

void RimeInputMethod::page(bool forward) {
  if (impl_->composition.composing()) {
    impl_->key(forward ? kPageDown : kPageUp);
  }
}

void RimeInputMethod::reset() {
  if (impl_->session != 0) {
    impl_->api->clear_composition(impl_->session);
  }
  impl_->composition = {};
}

const Composition& RimeInputMethod::composition() const {
  return impl_->composition;
}

}  // namespace kiosk::ui
