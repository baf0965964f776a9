#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "storage/job_queue.hpp"
#include "storage/job_waker.hpp"
#include "tests/skip.hpp"
#include "tests/storage/helper_process.hpp"
#include "tests/storage/scratch_database.hpp"
#include "tests/storage/sync_queue.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::sync_queue;
using namespace std::chrono_literals;
using ngsync::storage::testing::helper_process;
using ngsync::storage::testing::scratch_database;

namespace {

std::int64_t count_where(database& db, const std::string& where) {
  return db.run_sync([&](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return t.exec("SELECT count(*) FROM jobs WHERE " + where)[0][0].as<std::int64_t>();
  });
}

boost::asio::awaitable<void> wait_for_wake(job_waker& waker, std::uint64_t seen, bool& woken,
                                           std::chrono::steady_clock::time_point& at) {
  woken = co_await waker.wait(seen, 5s);
  at = std::chrono::steady_clock::now();
}

}  // namespace

TEST_CASE("queue: a NOTIFY wakes a waiting worker well before its poll timeout") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(1));  // one pooled connection, opened before measuring
  sync_queue q(db);
  job_waker waker(sdb.settings());
  for (int i = 0; i < 250 && !waker.listening(); ++i) std::this_thread::sleep_for(20ms);
  REQUIRE(waker.listening());
  q.stats_sync();  // opens the pool's connection, so the measurement is the wake-up alone
  std::this_thread::sleep_for(50ms);

  // Timeout path: nothing enqueued, wait returns false after the timeout.
  const auto seen0 = waker.generation();
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(waker.wait_sync(seen0, 100ms));
  CHECK(std::chrono::steady_clock::now() - t0 >= 100ms);

  boost::asio::io_context io;
  bool woken = false;
  std::chrono::steady_clock::time_point woke_at;
  const auto seen = waker.generation();
  boost::asio::co_spawn(io, wait_for_wake(waker, seen, woken, woke_at), boost::asio::detached);
  std::thread runner([&] { io.run(); });
  std::this_thread::sleep_for(100ms);
  const auto enqueued_at = std::chrono::steady_clock::now();
  job_spec s;
  s.kind = "wake";
  q.enqueue_sync(s);
  runner.join();
  CHECK(woken);
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(woke_at - enqueued_at);
  MESSAGE("enqueue-to-wake latency " << latency.count() << " ms");
  CHECK(latency < 250ms);  // the poll timeout was 5 s
}

// Helper mode for the SIGKILL test: run only as a child process (see below).
TEST_CASE("queue crash helper: claim jobs, report them, then hang" * doctest::skip()) {
  const char* url = std::getenv("NGSYNC_CRASH_HELPER_URL");
  REQUIRE(url != nullptr);
  database_settings s;
  s.url = url;
  s.threads = 1;
  database db(s);
  sync_queue q(db);
  auto jobs = q.claim_sync("doomed-worker", 3, 2s);
  std::string line = "CLAIMED";
  for (auto& j : jobs) line += " " + std::to_string(j.id);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  std::this_thread::sleep_for(120s);  // killed long before
}

TEST_CASE("queue: jobs of a worker killed with SIGKILL run again after lease expiry") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  std::atomic<std::int64_t> offset_us{0};
  queue_settings qs;
  qs.clock = [&] {
    return std::chrono::system_clock::now() + std::chrono::microseconds(offset_us.load());
  };
  qs.reclaim_interval = 0ms;
  sync_queue q(db, qs);
  std::vector<job_spec> specs(6);
  for (auto& s : specs) s.kind = "crashy";
  q.enqueue_batch_sync(specs);
  // A healthy worker holds two jobs with a long lease.
  auto healthy = q.claim_sync("healthy", 2, 10min);
  REQUIRE(healthy.size() == 2);

  helper_process helper("queue crash helper*", "NGSYNC_CRASH_HELPER_URL", sdb.url());
  const std::string text = helper.read_line_with("CLAIMED", 60s);
  helper.kill();
  const auto status = helper.reap();
  REQUIRE(status.has_value());
  CHECK(WIFSIGNALED(*status));
  REQUIRE_MESSAGE(text.find("CLAIMED") != std::string::npos, "the helper said: " << text);
  std::istringstream in(text.substr(text.find("CLAIMED") + 7));
  std::set<std::int64_t> doomed;
  for (std::int64_t id; in >> id;) doomed.insert(id);
  REQUIRE(doomed.size() == 3);

  // Before expiry nothing of theirs is claimable; only the one job left.
  auto before = q.claim_sync("rescuer", 10, 30s);
  REQUIRE(before.size() == 1);
  CHECK_FALSE(doomed.count(before[0].id));
  // After the 2 s lease (moved forward on the queue clock, no sleeping): they run again.
  offset_us = std::chrono::microseconds(3s).count();
  auto after = q.claim_sync("rescuer", 10, 30s);
  std::set<std::int64_t> rerun;
  for (auto& j : after) {
    rerun.insert(j.id);
    CHECK(j.attempts == 1);  // the killed run is not counted
  }
  CHECK(rerun == doomed);
  // The healthy worker's jobs were not touched.
  for (auto& h : healthy) CHECK(q.complete_sync(h.id, "healthy"));
}

// It stops the test Postgres: no other test case may run meanwhile (tests/discover_test_cases.py).
TEST_CASE("queue: workers survive a Postgres restart and finish every job" *
          doctest::test_suite("runs alone")) {
  const char* dir = std::getenv("NGSYNC_TEST_PG_DIR");
  if (!dir) {
    ngsync::testing::skip("NGSYNC_TEST_PG_DIR is not set (scripts/test.sh sets it)");
    return;
  }
  scratch_database sdb;
  sdb.migrate();
  auto settings = sdb.settings(4);
  settings.retry_for = 60s;
  database db(settings);
  queue_settings qs;
  qs.reclaim_interval = 200ms;
  sync_queue q(db, qs);
  constexpr int total = 1500;
  std::vector<job_spec> specs(total);
  for (auto& s : specs) s.kind = "survive";
  q.enqueue_batch_sync(specs);

  std::atomic<int> executed{0}, errors{0};
  std::atomic<bool> finished{false};
  const auto deadline = std::chrono::steady_clock::now() + 50s;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      const std::string id = "survivor" + std::to_string(w);
      while (!finished && std::chrono::steady_clock::now() < deadline) {
        try {
          auto batch = q.claim_sync(id, 10, 2s);
          if (batch.empty()) {
            if (count_where(db, "state <> 'completed'") == 0) finished = true;
            std::this_thread::sleep_for(50ms);
            continue;
          }
          std::this_thread::sleep_for(2ms);  // "work"
          executed += static_cast<int>(batch.size());
          std::vector<std::int64_t> ids;
          for (auto& j : batch) ids.push_back(j.id);
          q.complete_batch_sync(ids, id);
        } catch (const std::exception& e) {
          ++errors;  // in doubt: the lease expires and the job runs again
        }
      }
    });
  }
  // Some work done before the outage; with a deadline, so workers that cannot start end the test.
  while (executed < 300 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  if (executed < 300) {
    finished = true;
    for (auto& w : workers) w.join();
    FAIL("the workers executed " << executed.load() << " jobs before their deadline, errors "
                                 << errors.load());
  }
  const std::string script = std::string(NGSYNC_SOURCE_DIR) + "/scripts/pg-private.sh";
  REQUIRE(std::system(("bash " + script + " stop " + dir).c_str()) == 0);
  std::this_thread::sleep_for(2s);
  REQUIRE(std::system(("bash " + script + " start " + dir + " >/dev/null").c_str()) == 0);
  for (auto& w : workers) w.join();
  MESSAGE("executions " << executed.load() << " for " << total << " jobs; errors surfaced "
                        << errors.load());
  CHECK(count_where(db, "state = 'completed'") == total);
  CHECK(executed >= total);
}

TEST_CASE("database: the pool's connections open at once in the background") {
  scratch_database sdb;
  sdb.migrate();
  database_settings s;
  s.url = sdb.url();
  s.threads = 3;
  s.application_name = "ngsync-warm-up-test";
  database db(s);
  auto c = sdb.connect();
  auto open_now = [&] {
    pqxx::read_transaction t(*c);
    return t
        .exec1(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
            "'ngsync-warm-up-test'")[0]
        .as<int>();
  };
  CHECK(open_now() == 0);  // the pool opens connections lazily
  db.open_connections_in_background();
  int open = 0;
  for (int i = 0; i < 100 && (open = open_now()) < 3; ++i) std::this_thread::sleep_for(50ms);
  CHECK(open == 3);  // one per pool thread, before any work asked for one
  // Work runs on them afterwards, without opening more.
  CHECK(count_where(db, "true") == 0);
  CHECK(open_now() == 3);
}
