#include "support/central_test_store.h"

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "support/private_postgres.h"

namespace kiosk::testing {

bool centralTestsOnPostgres() {
  const char* store = std::getenv("KIOSK_TEST_STORE");
  return store != nullptr && std::string_view(store) == "postgresql";
}

namespace {
std::unique_ptr<PrivatePostgres>& testServer() {
  static std::unique_ptr<PrivatePostgres> server;
  return server;
}
}  // namespace

PrivatePostgres* centralTestPostgres() {
  return testServer().get();
}

std::string centralTestDatabase(const std::filesystem::path& dir) {
  if (!centralTestsOnPostgres()) {
    return (dir / "central.db").string();
  }
  auto& server = testServer();
  if (!server) {
    std::string why;
    server = PrivatePostgres::start(why, KIOSK_TEST_POSTGRES_CLUSTER_CACHE);
    if (!server) {
      throw std::runtime_error("KIOSK_TEST_STORE=postgresql, but no private PostgreSQL: " + why);
    }
  }
  auto url = server->createDatabase();
  if (url.empty()) {
    throw std::runtime_error("cannot create a PostgreSQL database: " + server->log());
  }
  return url;
}

}  // namespace kiosk::testing
