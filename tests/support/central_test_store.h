// The database central's tests run on. The central suites are registered twice with ctest
// (tests/CMakeLists.txt, kiosk_add_gtest STORES): as they are, on a SQLite file, and with
// KIOSK_TEST_STORE=postgresql, on a fresh database of a private PostgreSQL server that the
// test process starts on first use (private_postgres.h) and stops at its exit.
#pragma once

#include <filesystem>
#include <string>

namespace kiosk::testing {

class PrivatePostgres;

// True when this process runs central's tests on PostgreSQL.
bool centralTestsOnPostgres();
// central's --db value for a test: `dir`/central.db, or a new empty PostgreSQL database.
// Throws std::runtime_error (with the server's reason) when PostgreSQL was asked for and
// cannot run: a suite meant for PostgreSQL never passes on SQLite instead.
std::string centralTestDatabase(const std::filesystem::path& dir);
// The private server behind centralTestDatabase, for fault tests (restart, kill); nullptr
// on SQLite or before the first centralTestDatabase call.
PrivatePostgres* centralTestPostgres();

}  // namespace kiosk::testing
