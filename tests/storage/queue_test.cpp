#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "storage/job_queue.hpp"
#include "tests/storage/scratch_database.hpp"
#include "tests/storage/sync_queue.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::sync_queue;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

namespace {

// A clock tests move by hand.
struct manual_clock {
  std::atomic<std::int64_t> us{to_epoch_us(std::chrono::system_clock::now())};
  sys_time now() const { return from_epoch_us(us.load()); }
  void advance(std::chrono::microseconds d) { us += d.count(); }
};

job_spec spec(std::string kind, std::optional<std::string> unique_key = std::nullopt,
              std::optional<std::string> page_key = std::nullopt) {
  job_spec s;
  s.kind = std::move(kind);
  s.unique_key = std::move(unique_key);
  s.page_key = std::move(page_key);
  return s;
}

std::string state_of(database& db, std::int64_t id) {
  return db.run_sync([id](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return t.exec_params1("SELECT state FROM jobs WHERE id = $1", id)[0].as<std::string>();
  });
}

std::int64_t count_where(database& db, const std::string& where) {
  return db.run_sync([&](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return t.exec("SELECT count(*) FROM jobs WHERE " + where)[0][0].as<std::int64_t>();
  });
}

// A free function, not a lambda: coroutine lambdas with captures outlive nothing safely.
boost::asio::awaitable<void> drain(job_queue& q, std::string id, std::atomic<int>& done) {
  for (;;) {
    auto batch = co_await q.claim(id, 20, 30s);
    if (batch.empty()) co_return;
    std::vector<std::int64_t> ids;
    for (auto& j : batch) ids.push_back(j.id);
    done += static_cast<int>((co_await q.complete_batch(ids, id)).size());
  }
}

}  // namespace

TEST_CASE("queue: N concurrent workers over M jobs run every job exactly once") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(6));
  sync_queue q(db);
  constexpr int jobs = 3000;
  std::vector<job_spec> specs;
  for (int i = 0; i < jobs; ++i) {
    auto s = spec("noop");
    s.payload = boost::json::object{{"n", i}};
    specs.push_back(s);
  }
  auto inserted = q.enqueue_batch_sync(specs);
  CHECK(inserted.inserted == jobs);

  std::mutex m;
  std::map<int, int> runs;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&, w] {
      const std::string id = "w" + std::to_string(w);
      for (;;) {
        auto batch = q.claim_sync(id, 25, 30s);
        if (batch.empty()) break;
        std::vector<std::int64_t> ids;
        {
          std::lock_guard lock(m);
          for (auto& j : batch) {
            ++runs[static_cast<int>(j.payload.at("n").as_int64())];
            ids.push_back(j.id);
          }
        }
        CHECK(q.complete_batch_sync(ids, id).size() == ids.size());
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(runs.size() == jobs);
  int more_than_once = 0;
  for (auto& [n, count] : runs) more_than_once += count != 1;
  CHECK(more_than_once == 0);
  CHECK(count_where(db, "state = 'completed'") == jobs);
}

TEST_CASE("queue: coroutine workers drain through the awaitable API") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(3));
  sync_queue q(db);
  std::vector<job_spec> specs(500, spec("noop"));
  q.enqueue_batch_sync(specs);
  boost::asio::io_context io;
  std::atomic<int> done{0};
  for (int w = 0; w < 3; ++w) {
    boost::asio::co_spawn(io, drain(q, "co" + std::to_string(w), done), boost::asio::detached);
  }
  io.run();  // one thread: every claim ran on the pool, not here
  CHECK(done == 500);
  auto stats = q.stats_sync();
  CHECK(stats.waiting == 0);
  CHECK(stats.depth.empty());
}

TEST_CASE("queue: waiting jobs with a unique key merge, also under concurrent enqueues") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(4));
  manual_clock clock;
  queue_settings qs;
  qs.clock = [&] { return clock.now(); };
  sync_queue q(db, qs);

  auto a = spec("sync_page", "page:A", "A");
  a.priority = 1;
  a.run_at = clock.now() + 60s;
  auto first = q.enqueue_sync(a);
  CHECK_FALSE(first.merged);
  auto b = spec("sync_page", "page:A", "A");
  b.priority = 5;
  b.run_at = clock.now() + 10s;
  b.payload = boost::json::object{{"hint", "second"}};
  auto second = q.enqueue_sync(b);
  CHECK(second.merged);
  CHECK(second.id == first.id);
  db.run_sync([&](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    auto r = t.exec_params1(
        "SELECT priority, " + sql_us("run_at") + ", payload->>'hint' FROM jobs WHERE id = $1",
        first.id);
    CHECK(r[0].as<int>() == 5);
    CHECK(r[1].as<std::int64_t>() == to_epoch_us(clock.now() + 10s));  // min(run_at)
    CHECK(r[2].as<std::string>() == "second");
  });

  // 4 threads x 40 keys x 5 rounds: 40 rows in the end.
  std::vector<std::thread> threads;
  std::atomic<int> merged{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 5; ++round) {
        for (int k = 0; k < 40; ++k) {
          merged += q.enqueue_sync(spec("hint", "key" + std::to_string(k))).merged;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(count_where(db, "kind = 'hint'") == 40);
  CHECK(merged == 4 * 5 * 40 - 40);

  // A batch with duplicate keys merges too.
  std::vector<job_spec> batch = {spec("b", "x"), spec("b", "x"), spec("b", "y"), spec("b", "key1")};
  auto r = q.enqueue_batch_sync(batch);
  CHECK(r.inserted == 2);
  CHECK(r.merged == 2);
}

TEST_CASE("queue: a hint for a running job adds a waiting job that waits for the page") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  sync_queue q(db);
  auto first = q.enqueue_sync(spec("sync_page", "page:P", "P"));
  auto claimed = q.claim_sync("w1", 10, 30s);
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].id == first.id);

  auto again = q.enqueue_sync(spec("sync_page", "page:P", "P"));
  CHECK_FALSE(again.merged);  // the edit seen during the run is kept
  CHECK(again.id != first.id);
  q.enqueue_sync(spec("sync_page", "page:Q", "Q"));
  // Page P is busy: only Q is claimable.
  auto next = q.claim_sync("w2", 10, 30s);
  REQUIRE(next.size() == 1);
  CHECK(next[0].page_key == "Q");
  CHECK(q.claim_sync("w2", 10, 30s).empty());
  CHECK(q.complete_sync(first.id, "w1"));
  auto after = q.claim_sync("w2", 10, 30s);
  REQUIRE(after.size() == 1);
  CHECK(after[0].id == again.id);
}

TEST_CASE("queue: jobs of one page never run at the same time") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(4));
  sync_queue q(db);
  constexpr int pages = 5;
  std::vector<job_spec> specs;
  for (int i = 0; i < 400; ++i) {
    auto s = spec("sync_page", std::nullopt, "page" + std::to_string(i % pages));
    specs.push_back(s);
  }
  q.enqueue_batch_sync(specs);
  std::array<std::atomic<int>, pages> running{};
  std::atomic<int> overlaps{0}, done{0};
  std::vector<std::thread> workers;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      const std::string id = "w" + std::to_string(w);
      for (;;) {
        auto batch = q.claim_sync(id, 10, 30s);
        if (batch.empty()) {
          if (q.stats_sync().waiting == 0) break;
          // Waiting for another worker to finish a page: never past the deadline.
          if (std::chrono::steady_clock::now() > deadline) {
            FAIL_CHECK("worker " << id << " still waiting for jobs after 60 s");
            break;
          }
          std::this_thread::sleep_for(1ms);
          continue;
        }
        std::set<std::string> in_batch;
        for (auto& j : batch) CHECK(in_batch.insert(*j.page_key).second);
        std::vector<std::int64_t> ids;
        for (auto& j : batch) {
          const int p = std::stoi(j.page_key->substr(4));
          if (running[p].fetch_add(1) != 0) ++overlaps;
          ids.push_back(j.id);
        }
        std::this_thread::sleep_for(200us);
        for (auto& j : batch) running[std::stoi(j.page_key->substr(4))].fetch_sub(1);
        done += static_cast<int>(q.complete_batch_sync(ids, id).size());
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(overlaps == 0);
  CHECK(done == 400);
}

TEST_CASE("queue: the batch completion is planned once per connection, not per call") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(1));  // one connection: every statement below runs on it
  sync_queue q(db);
  // A queue of a first sync's size, analyzed (as autovacuum does during one).
  db.run_sync([](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec("INSERT INTO jobs (kind, payload) SELECT 'k', '{}' FROM generate_series(1, 3000)");
    t.exec("ANALYZE jobs");
    return 0;
  });
  int completed = 0;
  for (int round = 0; round < 20; ++round) {
    auto batch = q.claim_sync("w", 3, 30s);
    std::vector<std::int64_t> ids;
    for (auto& j : batch) ids.push_back(j.id);
    completed += static_cast<int>(q.complete_batch_sync(ids, "w").size());
  }
  CHECK(completed == 60);
  CHECK(count_where(db, "state = 'completed'") == 60);
  CHECK(count_where(db, "state = 'available'") == 2940);
  // Postgres tries five custom plans before it may settle on the generic one. The plain UPDATE
  // with its ids array kept winning as a custom plan, so every call was planned again.
  const auto [generic, custom] = db.run_sync([](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    const auto r = t.exec1(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
        "WHERE name = 'jobs_complete_batch'");
    return std::pair{r[0].as<int>(), r[1].as<int>()};
  });
  CHECK(custom <= 5);
  CHECK(generic >= 15);
}

TEST_CASE("queue: backoff with full jitter, Retry-After, dead after max attempts, retry_dead") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  manual_clock clock;
  double jitter = 1.0;
  queue_settings qs;
  qs.clock = [&] { return clock.now(); };
  qs.jitter = [&] { return jitter; };
  qs.backoff_base = 1s;
  qs.backoff_cap = 3s;
  sync_queue q(db, qs);

  auto s = spec("flaky");
  s.max_attempts = 4;
  const auto id = q.enqueue_sync(s).id;

  auto claim_one = [&] {
    auto b = q.claim_sync("w", 1, 30s);
    return b.empty() ? std::optional<claimed_job>{} : std::optional<claimed_job>{b[0]};
  };
  auto j = claim_one();
  REQUIRE(j);
  CHECK(j->attempts == 1);
  CHECK(q.fail_sync(id, "w", "timeout", job_failure::transient()) ==
        failure_outcome::retry_scheduled);
  // Window after attempt 1 is base * 2^0 = 1 s; with jitter 1.0 the job waits exactly 1 s.
  clock.advance(999ms);
  CHECK_FALSE(claim_one());
  clock.advance(1ms);
  j = claim_one();
  REQUIRE(j);
  CHECK(j->attempts == 2);

  // Full jitter: the wait is the drawn fraction of the window (2 s here).
  jitter = 0.25;
  q.fail_sync(id, "w", "timeout", job_failure::transient());
  clock.advance(499ms);
  CHECK_FALSE(claim_one());
  clock.advance(1ms);
  j = claim_one();
  REQUIRE(j);
  CHECK(j->attempts == 3);

  // Retry-After sets run_at and does not count the attempt.
  q.fail_sync(id, "w", "429", job_failure::retry_after(clock.now() + 30s));
  clock.advance(29s);
  CHECK_FALSE(claim_one());
  clock.advance(1s);
  j = claim_one();
  REQUIRE(j);
  CHECK(j->attempts == 3);

  // Window is capped at 3 s (base * 2^2 = 4 s > cap).
  jitter = 1.0;
  q.fail_sync(id, "w", "timeout", job_failure::transient());
  clock.advance(2999ms);
  CHECK_FALSE(claim_one());
  clock.advance(1ms);
  j = claim_one();
  REQUIRE(j);
  CHECK(j->attempts == 4);
  // The 4th of 4 attempts fails: dead, with its error kept.
  CHECK(q.fail_sync(id, "w", "still broken", job_failure::transient()) == failure_outcome::dead);
  CHECK(state_of(db, id) == "dead");
  clock.advance(1h);
  CHECK_FALSE(claim_one());
  db.run_sync([&](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    auto r = t.exec_params1("SELECT last_error FROM ops_dead_jobs WHERE id = $1", id);
    CHECK(r[0].as<std::string>() == "still broken");
  });

  // Permanent goes straight to dead.
  const auto perm = q.enqueue_sync(spec("bad_request")).id;
  REQUIRE(claim_one());
  CHECK(q.fail_sync(perm, "w", "422", job_failure::permanent()) == failure_outcome::dead);

  // retry_dead by kind, then by id.
  CHECK(q.retry_dead_sync({std::nullopt, std::string("bad_request")}) == 1);
  CHECK(state_of(db, perm) == "available");
  CHECK(state_of(db, id) == "dead");
  CHECK(q.retry_dead_sync({id, std::nullopt}) == 1);
  j = claim_one();
  REQUIRE(j);
  CHECK(j->attempts == 1);  // a fresh budget
  CHECK(q.retry_dead_sync({}) == 0);
}

TEST_CASE("queue: only the lease holder completes or fails a job; leases extend") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  manual_clock clock;
  queue_settings qs;
  qs.clock = [&] { return clock.now(); };
  qs.reclaim_interval = 0ms;
  sync_queue q(db, qs);
  const auto id = q.enqueue_sync(spec("x")).id;
  REQUIRE(q.claim_sync("holder", 1, 10s).size() == 1);
  CHECK_FALSE(q.complete_sync(id, "other"));
  CHECK(q.fail_sync(id, "other", "e", job_failure::transient()) == failure_outcome::refused);
  CHECK(q.extend_lease_sync(id, "holder", 60s));
  clock.advance(30s);  // past the first lease, within the extended one
  CHECK(q.claim_sync("other", 1, 10s).empty());
  CHECK(state_of(db, id) == "running");
  clock.advance(31s);
  // Expired: reclaimed and claimed by someone else; the old holder is refused. The run that
  // stopped renewing its lease is not counted: this is the job's first counted attempt again.
  auto taken = q.claim_sync("other", 1, 10s);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].attempts == 1);
  CHECK_FALSE(q.complete_sync(id, "holder"));
  CHECK(q.complete_sync(id, "other"));
}

TEST_CASE("queue: stats and pruning") {
  scratch_database sdb;
  sdb.migrate();
  database db(sdb.settings(2));
  manual_clock clock;
  queue_settings qs;
  qs.clock = [&] { return clock.now(); };
  sync_queue q(db, qs);
  for (int i = 0; i < 3; ++i) q.enqueue_sync(spec("old"));
  auto batch = q.claim_sync("w", 10, 30s);
  REQUIRE(batch.size() == 3);
  q.complete_sync(batch[0].id, "w");
  q.complete_sync(batch[1].id, "w");
  clock.advance(48h);
  q.complete_sync(batch[2].id, "w");
  auto later = spec("later");
  later.run_at = clock.now() + 1h;
  q.enqueue_sync(later);
  q.enqueue_sync(spec("due"));
  clock.advance(5s);

  auto st = q.stats_sync();
  CHECK(st.waiting == 2);
  CHECK(st.due == 1);
  REQUIRE(st.oldest_due_age);
  CHECK(*st.oldest_due_age == 5000ms);
  CHECK(st.depth["available"]["later"] == 1);
  CHECK(st.depth["available"]["due"] == 1);

  db.run_sync([&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("INSERT INTO api_audit (at, api, method, path) VALUES (" + sql_ts(1) +
                      ", 'notion', 'GET', '/old'), (" + sql_ts(2) + ", 'notion', 'GET', '/new')",
                  to_epoch_us(clock.now() - 40 * 24h), to_epoch_us(clock.now()));
    t.commit();
  });
  auto pruned = q.prune_sync(std::chrono::hours(24), std::chrono::hours(24 * 30));
  CHECK(pruned.jobs == 2);
  CHECK(pruned.audit_rows == 1);
  CHECK(count_where(db, "state = 'completed'") == 1);
  CHECK(count_where(db, "true") == 3);
}
