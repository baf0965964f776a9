#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "core/hash/sha256.hpp"
#include "core/sync/synced_fields.hpp"
#include "storage/migrator.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::scratch_database;

namespace {

int count_rows(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction t(c);
  return t.exec(sql)[0][0].as<int>();
}

std::vector<migration> toy_set() {
  return {make_migration("0001_a.sql", "CREATE TABLE a (x int);"),
          make_migration("0002_b.sql", "CREATE TABLE b (y int); INSERT INTO b VALUES (1);")};
}

}  // namespace

TEST_CASE("migrations: the embedded set applies on an empty database, then is a no-op") {
  scratch_database db;
  auto c = db.connect();
  const auto& all = embedded_migrations();
  REQUIRE(all.size() >= 2);
  CHECK(all.front().name == "0001_initial_schema");
  CHECK_FALSE(schema_is_current(*c));
  CHECK(pending_migrations(*c).size() == all.size());

  auto first = migrate(*c);
  CHECK(first.applied.size() == all.size());
  CHECK(first.schema_version == all.back().version);
  CHECK(schema_is_current(*c));
  CHECK(pending_migrations(*c).empty());
  for (const char* table : {"page_links", "poll_cursors", "jobs", "api_audit", "webhook_deliveries",
                            "notion_webhook_tokens", "leader_leases", "rate_budget"}) {
    CHECK_MESSAGE(count_rows(*c, std::string("SELECT count(*) FROM ") + table) == 0, table);
  }
  for (const char* view : {"ops_queue_depth", "ops_dead_jobs", "ops_pages_in_error",
                           "ops_links_sync_age", "ops_api_error_rate_last_hour"}) {
    CHECK_MESSAGE(count_rows(*c, std::string("SELECT count(*) FROM ") + view) == 0, view);
  }
  CHECK(count_rows(*c, "SELECT count(*) FROM ops_links_not_synced_since('1 hour')") == 0);

  // Checksums recorded are the files' sha256.
  {
    pqxx::read_transaction t(*c);
    auto r = t.exec_params1("SELECT checksum FROM schema_migrations WHERE version = 1");
    CHECK(r[0].as<std::string>() == ngsync::hash::sha256_hex(all.front().sql));
  }

  auto second = migrate(*c);
  CHECK(second.applied.empty());
  CHECK(count_rows(*c, "SELECT count(*) FROM schema_migrations") == static_cast<int>(all.size()));
}

TEST_CASE("migrations: concurrent migrators leave one consistent schema") {
  scratch_database db;
  constexpr int migrators = 4;
  std::vector<migration_report> reports(migrators);
  std::vector<std::string> errors(migrators);
  std::vector<std::thread> threads;
  for (int i = 0; i < migrators; ++i) {
    threads.emplace_back([&, i] {
      try {
        auto c = db.connect();
        reports[i] = migrate(*c);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::size_t total_applied = 0;
  for (int i = 0; i < migrators; ++i) {
    CHECK_MESSAGE(errors[i].empty(), errors[i]);
    total_applied += reports[i].applied.size();
  }
  // Each migration was applied by exactly one of them.
  CHECK(total_applied == embedded_migrations().size());
  auto c = db.connect();
  CHECK(schema_is_current(*c));
  CHECK(count_rows(*c, "SELECT count(*) FROM schema_migrations") ==
        static_cast<int>(embedded_migrations().size()));
}

TEST_CASE("migrations: an edited applied file is refused, naming the file") {
  scratch_database db;
  auto c = db.connect();
  auto set = toy_set();
  CHECK(migrate(*c, set).applied == std::vector<std::string>{"0001_a", "0002_b"});

  auto edited = set;
  edited[1] = make_migration("0002_b.sql", "CREATE TABLE b (y bigint);");
  CHECK_FALSE(schema_is_current(*c, edited));
  try {
    migrate(*c, edited);
    FAIL("an edited migration was accepted");
  } catch (const migration_error& e) {
    CHECK(std::string(e.what()).find("0002_b.sql") != std::string::npos);
    CHECK(std::string(e.what()).find("changed after it was applied") != std::string::npos);
  }
  // A new file after the applied ones is fine.
  auto extended = set;
  extended.push_back(make_migration("0003_c.sql", "CREATE TABLE c (z int);"));
  CHECK(pending_migrations(*c, extended).size() == 1);
  CHECK(migrate(*c, extended).applied == std::vector<std::string>{"0003_c"});
}

TEST_CASE("migrations: a migration in the database but missing from the binary is an error") {
  scratch_database db;
  auto c = db.connect();
  auto set = toy_set();
  migrate(*c, set);
  set.pop_back();
  CHECK_FALSE(schema_is_current(*c, set));
  CHECK_THROWS_WITH_AS(migrate(*c, set), doctest::Contains("0002_b"), migration_error);
}

TEST_CASE("migrations: a failing migration rolls back alone and names itself") {
  scratch_database db;
  auto c = db.connect();
  std::vector<migration> set = {make_migration("0001_a.sql", "CREATE TABLE a (x int);"),
                                make_migration("0002_bad.sql", "CREATE TABLE b (; ")};
  CHECK_THROWS_WITH_AS(migrate(*c, set), doctest::Contains("0002_bad"), migration_error);
  CHECK(count_rows(*c, "SELECT count(*) FROM schema_migrations") == 1);
  CHECK(count_rows(
            *c, "SELECT count(*) FROM to_regclass('b') WHERE to_regclass('b') IS NOT NULL") == 0);
  CHECK_THROWS_AS(make_migration("bad_name.sql", ""), migration_error);
}

TEST_CASE("schema: api_audit refuses UPDATE and DELETE outside the pruner") {
  scratch_database db;
  db.migrate();
  auto c = db.connect();
  {
    pqxx::work t(*c);
    t.exec("INSERT INTO api_audit (api, method, path, status) VALUES ('github', 'GET', '/x', 200)");
    t.commit();
  }
  {
    pqxx::work t(*c);
    CHECK_THROWS_AS(t.exec("UPDATE api_audit SET status = 500"), pqxx::sql_error);
  }
  {
    pqxx::work t(*c);
    CHECK_THROWS_AS(t.exec("DELETE FROM api_audit"), pqxx::sql_error);
  }
  CHECK(count_rows(*c, "SELECT count(*) FROM api_audit") == 1);
}
