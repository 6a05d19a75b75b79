// `kiosk-central console-user add|list|disable`: the reception console's accounts. The
// password is read from standard input (one line) or, on a terminal, prompted for twice
// without echo; never from the command line, where other users see it in the process list.
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "central/admin_commands.h"
#include "central/central_store.h"
#include "central/console/console_store.h"
#include "offline-cache/postgres_database.h"

namespace kiosk::central {

namespace {

constexpr const char* kDbHelp = "Central database: a file, or postgresql://... for PostgreSQL";

// A database file that exists, or a PostgreSQL URL (checked when it is opened).
CLI::Validator databaseCheck() {
  return CLI::Validator(
      [](const std::string& value) {
        return cache::isPostgresUrl(value) ? std::string() : CLI::ExistingFile(value);
      },
      "FILE|URL");
}

using nlohmann::json;

[[noreturn]] void fail(const std::string& context, const std::string& message, int status = 2) {
  std::cerr << "kiosk-central: " << context << ": " << message << "\n";
  throw CentralExit{status};
}

std::unique_ptr<CentralStore> openStore(const std::string& path) {
  auto store = CentralStore::open(path);
  if (!store) {
    fail("opening " + path, store.error().message,
         store.error().kind == ErrorKind::kCorrupt ? 3 : 2);
  }
  return std::move(*store);
}

std::string promptSecret(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  return line;
}

std::string readPassword() {
  if (::isatty(STDIN_FILENO) == 0) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      fail("--password", "no password on standard input (one line)");
    }
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    return line;
  }
  auto first = promptSecret("Password: ");
  if (promptSecret("Again: ") != first) {
    fail("password", "the two passwords differ");
  }
  return first;
}

}  // namespace

void addConsoleUserCommands(CLI::App& app) {
  struct Options {
    std::string db;
    std::string name;
    std::string role = "reception";
    EventId event = 0;
    bool allEvents = false;
    std::string language;
  };
  auto o = std::make_shared<Options>();
  auto* users = app.add_subcommand("console-user", "Accounts of the reception console (web)");
  users->require_subcommand(1);

  auto* add = users->add_subcommand(
      "add", "Add an account; the password is read from standard input or prompted for");
  add->add_option("--db", o->db, kDbHelp)->required()->check(databaseCheck());
  add->add_option("name", o->name, "Account name: a-z, 0-9, '.', '-', '_'")->required();
  add->add_option("--role", o->role, "reception, supervisor or it")
      ->check(CLI::IsMember({"reception", "supervisor", "it"}));
  auto* event = add->add_option("--event", o->event, "The one event the account sees");
  auto* all = add->add_flag("--all-events", o->allEvents, "The account sees every event");
  event->excludes(all);
  add->add_option("--language", o->language, "zh-CN or en (default: the browser's)")
      ->check(CLI::IsMember({"zh-CN", "en"}));
  add->callback([o] {
    if (o->event == 0 && !o->allEvents) {
      fail("console-user add", "give --event ID or --all-events");
    }
    console::Account a;
    a.name = o->name;
    a.role = *console::parseRole(o->role);
    a.eventId = o->allEvents ? 0 : o->event;
    a.language = o->language;
    if (!console::isValidAccountName(a.name)) {
      fail("console-user add", "an account name is 1 to 64 of a-z, 0-9, '.', '-' and '_'");
    }
    const auto password = readPassword();
    auto store = openStore(o->db);
    console::ConsoleStore accounts(store->database());
    if (auto st = accounts.addAccount(a, password, SystemClock().now()); !st) {
      fail("adding the account", st.error().message);
    }
    std::cout << json{{"account", a.name}, {"role", o->role}, {"event_id", a.eventId}}.dump()
              << "\n";
  });

  auto db = std::make_shared<std::string>();
  auto* list = users->add_subcommand("list", "Print the accounts as JSON lines (no hashes)");
  list->add_option("--db", *db, kDbHelp)->required()->check(databaseCheck());
  list->callback([db] {
    auto store = openStore(*db);
    console::ConsoleStore accounts(store->database());
    auto listed = accounts.listAccounts();
    if (!listed) {
      fail("listing accounts", listed.error().message);
    }
    for (const auto& a : *listed) {
      std::cout << json{{"account", a.name},
                        {"role", console::toString(a.role)},
                        {"event_id", a.eventId},
                        {"language", a.language},
                        {"disabled", a.disabledAt.has_value()}}
                       .dump()
                << "\n";
    }
  });

  auto d = std::make_shared<Options>();
  auto* disable = users->add_subcommand("disable", "Disable an account and end its sessions");
  disable->add_option("--db", d->db, kDbHelp)->required()->check(databaseCheck());
  disable->add_option("name", d->name, "Account name")->required();
  disable->callback([d] {
    auto store = openStore(d->db);
    console::ConsoleStore accounts(store->database());
    if (auto st = accounts.disableAccount(d->name, SystemClock().now()); !st) {
      fail("disabling the account", st.error().message);
    }
    std::cout << json{{"account", d->name}, {"disabled", true}}.dump() << "\n";
  });
}

}  // namespace kiosk::central
