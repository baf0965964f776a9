// Retention (issue 18): completed jobs, audit rows and webhook delivery ids past their retention
// go in bounded batches, each its own transaction; recent rows, waiting and dead jobs stay; a
// batch skips a row someone holds locked instead of waiting for it.
#include <doctest/doctest.h>

#include <chrono>
#include <future>

#include "storage/database.hpp"
#include "storage/retention.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

namespace {

std::int64_t count(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction t(c);
  return t.exec1(sql)[0].as<std::int64_t>();
}

void exec(pqxx::connection& c, const std::string& sql) {
  pqxx::work t(c);
  t.exec(sql);
  t.commit();
}

}  // namespace

TEST_CASE("retention: old rows go in batches of at most the limit, recent ones stay") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  // 2,500 old completed jobs, 3 recent ones, and old jobs in every other state.
  exec(*c,
       "INSERT INTO jobs (kind, state, finished_at) SELECT 'sync_page', 'completed', "
       "now() - interval '10 days' FROM generate_series(1, 2500)");
  exec(*c,
       "INSERT INTO jobs (kind, state, finished_at) SELECT 'sync_page', 'completed', "
       "now() - interval '1 hour' FROM generate_series(1, 3)");
  exec(*c,
       "INSERT INTO jobs (kind, state, created_at, finished_at, last_error) VALUES "
       "('sync_page', 'dead', now() - interval '10 days', now() - interval '10 days', 'x'), "
       "('sync_page', 'available', now() - interval '10 days', NULL, NULL)");
  exec(*c,
       "INSERT INTO api_audit (at, api, method, path) SELECT now() - interval '40 days', "
       "'notion', 'GET', '/old' FROM generate_series(1, 1200)");
  exec(*c, "INSERT INTO api_audit (at, api, method, path) VALUES (now(), 'github', 'GET', '/new')");
  exec(*c,
       "INSERT INTO webhook_deliveries (source, hook_id, delivery_id, received_at) SELECT "
       "'github', 'h', 'old-' || g, now() - interval '10 days' FROM generate_series(1, 1001) g");
  exec(*c,
       "INSERT INTO webhook_deliveries (source, hook_id, delivery_id) VALUES ('github', 'h', "
       "'new')");

  const auto week_ago = std::chrono::system_clock::now() - 7 * 24h;
  CHECK(prune_completed_jobs(*c, week_ago, 1000) == 1000);
  CHECK(prune_completed_jobs(*c, week_ago, 1000) == 1000);
  CHECK(prune_completed_jobs(*c, week_ago, 1000) == 500);
  CHECK(prune_completed_jobs(*c, week_ago, 1000) == 0);
  CHECK(count(*c, "SELECT count(*) FROM jobs WHERE state = 'completed'") == 3);
  CHECK(count(*c, "SELECT count(*) FROM jobs WHERE state <> 'completed'") == 2);

  const auto month_ago = std::chrono::system_clock::now() - 30 * 24h;
  CHECK(prune_audit_rows(*c, month_ago, 1000) == 1000);
  CHECK(prune_audit_rows(*c, month_ago, 1000) == 200);
  CHECK(count(*c, "SELECT count(*) FROM api_audit") == 1);
  // Outside the pruner's transaction the audit table still refuses DELETE.
  CHECK_THROWS(exec(*c, "DELETE FROM api_audit"));

  CHECK(prune_webhook_deliveries(*c, week_ago, 1000) == 1000);
  CHECK(prune_webhook_deliveries(*c, week_ago, 1000) == 1);
  CHECK(count(*c, "SELECT count(*) FROM webhook_deliveries") == 1);
  CHECK(count(*c, "SELECT count(*) FROM webhook_deliveries WHERE delivery_id = 'new'") == 1);
}

TEST_CASE("retention: a batch skips a completed job another session holds locked") {
  scratch_database sdb;
  sdb.migrate();
  auto c = sdb.connect();
  exec(*c,
       "INSERT INTO jobs (kind, state, finished_at) SELECT 'sync_page', 'completed', "
       "now() - interval '10 days' FROM generate_series(1, 5)");
  auto holder = sdb.connect();
  pqxx::work hold(*holder);
  hold.exec("SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE");
  // Run the batch off this thread so a wait would show as a timeout, not a hung test.
  auto pruned = std::async(std::launch::async, [&] {
    return prune_completed_jobs(*c, std::chrono::system_clock::now() - 24h, 1000);
  });
  REQUIRE(pruned.wait_for(5s) == std::future_status::ready);
  CHECK(pruned.get() == 4);
  hold.commit();
  CHECK(count(*c, "SELECT count(*) FROM jobs") == 1);
}
