// Claims tied to a live process (storage/queue_owner, migration 0012): the jobs of a process
// that is gone are free within seconds, without waiting for their lease and without counting
// the lost run; the jobs of a live process are never taken, whatever happens to its connections.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "storage/job_queue.hpp"
#include "storage/queue_owner.hpp"
#include "tests/storage/helper_process.hpp"
#include "tests/storage/scratch_database.hpp"
#include "tests/storage/sync_queue.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::sync_queue;
using namespace std::chrono_literals;
using ngsync::storage::testing::helper_process;
using ngsync::storage::testing::scratch_database;

namespace {

queue_owner_settings owner_settings(const std::string& url, const std::string& worker,
                                    const std::string& app = "ngsync-owner-test") {
  queue_owner_settings s;
  s.url = url;
  s.worker = worker;
  s.application_name = app;
  s.check_interval = 100ms;
  return s;
}

job_spec spec(std::string kind, std::optional<std::string> page_key = std::nullopt) {
  job_spec s;
  s.kind = std::move(kind);
  s.page_key = std::move(page_key);
  return s;
}

struct job_row {
  std::string state;
  int attempts = 0;
  std::string last_error;
};

job_row row_of(database& db, std::int64_t id) {
  return db.run_sync([id](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    auto r = t.exec_params1(
        "SELECT state, attempts, coalesce(last_error, '') FROM jobs WHERE id = $1", id);
    return job_row{r[0].as<std::string>(), r[1].as<int>(), r[2].as<std::string>()};
  });
}

// Closes every session of `application_name` from the server side, as a network failure or an
// administrator would; returns how many there were.
int terminate_sessions(const scratch_database& sdb, const std::string& application_name) {
  auto c = sdb.connect();
  pqxx::nontransaction t(*c);
  return t
      .exec_params1(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
          " WHERE application_name = $1 AND datname = current_database()",
          application_name)[0]
      .as<int>();
}

}  // namespace

// Helper mode for the SIGKILL test below: run only as a child process.
TEST_CASE("queue owner crash helper: own, claim, report, then hang" * doctest::skip()) {
  const char* url = std::getenv("NGSYNC_OWNER_HELPER_URL");
  REQUIRE(url != nullptr);
  database_settings s;
  s.url = url;
  s.threads = 1;
  database db(s);
  queue_owner owner(owner_settings(url, "doomed-process", "ngsync-owner-doomed"));
  REQUIRE(owner.id());
  sync_queue q(db);
  q.claim_for(&owner);
  auto jobs = q.claim_sync("doomed-process", 3, 10min);  // a lease far beyond the test
  std::string line = "CLAIMED";
  for (auto& j : jobs) line += " " + std::to_string(j.id);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  std::this_thread::sleep_for(120s);  // killed long before
}

TEST_CASE("queue: the jobs of a SIGKILLed process are free within seconds, attempts not counted") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  queue_settings qs;
  qs.reclaim_interval = 0ms;  // every claim sweeps
  qs.owner_grace = 1s;
  sync_queue q(db, qs);
  queue_owner me(owner_settings(sdb.url(), "rescuer"));
  REQUIRE(me.id());
  q.claim_for(&me);
  std::vector<job_spec> specs;
  for (int i = 0; i < 6; ++i) specs.push_back(spec("crashy", "page-" + std::to_string(i)));
  q.enqueue_batch_sync(specs);
  // This live process holds three jobs with a long lease; the child claims the other three.
  auto mine = q.claim_sync("rescuer", 3, 10min);
  REQUIRE(mine.size() == 3);

  // Another process claims three and is SIGKILLed while holding them.
  helper_process helper("queue owner crash helper*", "NGSYNC_OWNER_HELPER_URL", sdb.url());
  const std::string text = helper.read_line_with("CLAIMED", 60s);
  helper.kill();
  const auto killed_at = std::chrono::steady_clock::now();
  const auto status = helper.reap();
  REQUIRE(status.has_value());
  CHECK(WIFSIGNALED(*status));
  REQUIRE_MESSAGE(text.find("CLAIMED") != std::string::npos, "the helper said: " << text);
  std::istringstream in(text.substr(text.find("CLAIMED") + 7));
  std::set<std::int64_t> doomed;
  for (std::int64_t id; in >> id;) doomed.insert(id);
  REQUIRE(doomed.size() == 3);

  // Claim as a live process does; the dead one's jobs come back long before their 10 min lease.
  std::set<std::int64_t> rescued;
  while (rescued.size() < doomed.size() && std::chrono::steady_clock::now() - killed_at < 20s) {
    for (auto& j : q.claim_sync("rescuer", 10, 10min)) {
      CHECK(doomed.count(j.id) == 1);
      CHECK(j.attempts == 1);  // the killed run was not counted
      rescued.insert(j.id);
    }
    std::this_thread::sleep_for(100ms);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed_at);
  MESSAGE("jobs of the killed process free after " << took.count() << " ms (grace 1 s)");
  CHECK(rescued == doomed);
  CHECK(took < 10s);
  // This process's own jobs were never taken from it.
  for (auto& j : mine) CHECK(q.complete_sync(j.id, "rescuer"));
}

TEST_CASE("queue: a closed owner session frees its claims; a failed run after that still counts") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  queue_settings qs;
  qs.reclaim_interval = 0ms;
  qs.owner_grace = 0ms;
  sync_queue q(db, qs);
  auto gone = std::make_unique<queue_owner>(owner_settings(sdb.url(), "gone"));
  q.claim_for(gone.get());
  const auto id = q.enqueue_sync(spec("x")).id;
  REQUIRE(q.claim_sync("gone", 1, 10min).size() == 1);
  // The owner's session ends (the process exited); nothing is claimable until a sweep sees it.
  q.claim_for(nullptr);
  gone.reset();
  std::vector<claimed_job> again;
  for (int i = 0; i < 50 && again.empty(); ++i) {  // the server ends the session within moments
    again = q.claim_sync("next", 1, 10min);
    if (again.empty()) std::this_thread::sleep_for(100ms);
  }
  REQUIRE(again.size() == 1);
  CHECK(row_of(db, id).last_error.find("claim released") != std::string::npos);
  CHECK(again[0].id == id);
  CHECK(again[0].attempts == 1);
  // A genuine failure is still an attempt: the backoff grows from it.
  CHECK(q.fail_sync(id, "next", "boom", job_failure::transient()) ==
        failure_outcome::retry_scheduled);
  const auto row = row_of(db, id);
  CHECK(row.state == "retryable");
  CHECK(row.attempts == 1);
}

TEST_CASE("queue: a live owner's claims are never freed, even while its connections re-open") {
  scratch_database sdb;
  sdb.migrate();
  auto pool = sdb.settings(2);
  pool.application_name = "ngsync-owner-test-pool";
  database db(pool);
  queue_settings qs;
  qs.reclaim_interval = 0ms;
  qs.owner_grace = 3s;
  sync_queue q(db, qs);
  queue_owner alive(owner_settings(sdb.url(), "alive"));
  REQUIRE(alive.id());
  q.claim_for(&alive);
  for (int i = 0; i < 3; ++i) q.enqueue_sync(spec("held", "page-" + std::to_string(i)));
  auto held = q.claim_sync("alive", 3, 10min);
  REQUIRE(held.size() == 3);

  // Another replica sweeps and claims all along.
  database other_db(sdb.settings(1));
  sync_queue other(other_db, qs);
  queue_owner other_owner(owner_settings(sdb.url(), "other", "ngsync-owner-other"));
  other.claim_for(&other_owner);
  REQUIRE(other.claim_sync("other", 10, 10min).empty());

  // Every connection the claims were made on is closed, and the owner's session too.
  CHECK(terminate_sessions(sdb, "ngsync-owner-test-pool") >= 1);
  CHECK(terminate_sessions(sdb, "ngsync-owner-test") == 1);
  // Sweeps for longer than the grace: the owner re-opens its session in time.
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < until) {
    CHECK(other.claim_sync("other", 10, 10min).empty());
    std::this_thread::sleep_for(200ms);
  }
  CHECK(alive.sessions() == 2);
  CHECK(alive.holding());
  for (auto& j : held) {
    const auto row = row_of(db, j.id);
    CHECK(row.state == "running");
    CHECK(row.attempts == 1);
    CHECK(q.complete_sync(j.id, "alive"));  // on a re-opened pool connection
  }
}

TEST_CASE("queue: an expired lease is not a failed attempt and never makes a job dead") {
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
  auto s = spec("last-chance");
  s.max_attempts = 1;
  const auto id = q.enqueue_sync(s).id;
  // Claimed by a worker without an owner that then hangs: only the lease frees it.
  REQUIRE(q.claim_sync("hung", 1, 2s).size() == 1);
  offset_us = std::chrono::microseconds(3s).count();
  auto again = q.claim_sync("next", 1, 2s);
  REQUIRE(again.size() == 1);  // before: dead, "no attempts left"
  CHECK(again[0].id == id);
  CHECK(again[0].attempts == 1);
  CHECK(q.complete_sync(id, "next"));
}
