// Several replicas on one database: the leader lease and the shared request budget, each
// exercised by several connections at once on the real Postgres.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "storage/leader_lease.hpp"
#include "storage/shared_rate_budget.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::storage;
using namespace std::chrono_literals;
using ngsync::storage::testing::scratch_database;

TEST_CASE("leader lease: acquire, renew, refuse a second holder, take over after expiry") {
  scratch_database sdb;
  sdb.migrate();
  auto a = sdb.connect();
  auto b = sdb.connect();
  CHECK(lease_holder(*a, "poll:ds") == "");
  CHECK(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
  CHECK_FALSE(try_hold_lease(*b, "poll:ds", "host:2:b", 600ms));
  CHECK(lease_holder(*b, "poll:ds") == "host:1:a");
  // Renewals keep it past its first expiry.
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(250ms);
    CHECK(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
    CHECK_FALSE(try_hold_lease(*b, "poll:ds", "host:2:b", 600ms));
  }
  // Another name is independent.
  CHECK(try_hold_lease(*b, "reconcile", "host:2:b", 600ms));
  // The holder stops renewing (killed): after the expiry the other takes over, and the old
  // holder cannot renew any more.
  std::this_thread::sleep_for(700ms);
  CHECK(lease_holder(*a, "poll:ds") == "");
  CHECK(try_hold_lease(*b, "poll:ds", "host:2:b", 600ms));
  CHECK_FALSE(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
  CHECK(lease_holder(*a, "poll:ds") == "host:2:b");
  // A clean stop hands it over at once.
  release_lease(*b, "poll:ds", "host:2:b");
  CHECK(try_hold_lease(*b, "reconcile", "host:2:b", 600ms));
  release_lease(*a, "reconcile", "host:1:a");  // not a's: nothing happens
  CHECK(lease_holder(*a, "reconcile") == "host:2:b");
  CHECK(try_hold_lease(*a, "poll:ds", "host:1:a", 600ms));
}

TEST_CASE("leader lease: replicas racing for a free or expired lease never both win") {
  scratch_database sdb;
  sdb.migrate();
  constexpr int replicas = 6;
  std::vector<std::unique_ptr<pqxx::connection>> conns;
  for (int i = 0; i < replicas; ++i) conns.push_back(sdb.connect());
  auto admin = sdb.connect();
  for (int round = 0; round < 15; ++round) {
    if (round > 0) {
      pqxx::work t(*admin);
      t.exec("UPDATE leader_leases SET expires_at = now() - interval '1 second'");
      t.commit();
    }
    std::atomic<int> ready{0};
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < replicas; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < replicas) std::this_thread::yield();
        if (try_hold_lease(*conns[i], "poll:ds", "replica-" + std::to_string(i), 5s)) ++winners;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(winners.load() == 1);
  }
}

namespace {

// Sends as fast as the budget allows from `n` threads, each with its own budget on one row;
// returns every send time, sorted.
std::vector<double> greedy_senders(int n, shared_budget_settings s,
                                   std::chrono::milliseconds run_for,
                                   std::vector<shared_budget_counters>& counters) {
  std::mutex m;
  std::vector<double> sends;
  const auto start = std::chrono::steady_clock::now();
  counters.assign(n, {});
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      shared_rate_budget budget(s, std::chrono::steady_clock::now());
      for (;;) {
        const auto at = budget.reserve(std::chrono::steady_clock::now(), 1);
        if (at - start > run_for) break;
        std::this_thread::sleep_until(at);
        // The granted time, not the wake-up: the budget's arithmetic, not the OS scheduler.
        std::lock_guard lock(m);
        sends.push_back(std::chrono::duration<double>(at - start).count());
      }
      counters[i] = budget.counters();
    });
  }
  for (auto& t : threads) t.join();
  std::sort(sends.begin(), sends.end());
  return sends;
}

// The most sends in any window, less what the rate allows for the window's length.
double worst_excess(const std::vector<double>& sends, double rate) {
  double worst = 0;
  for (std::size_t i = 0; i < sends.size(); ++i) {
    for (std::size_t j = i; j < sends.size(); ++j) {
      const double count = static_cast<double>(j - i + 1);
      worst = std::max(worst, count - rate * (sends[j] - sends[i]));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("shared budget: three replicas on one row stay within rate * t + burst together") {
  scratch_database sdb;
  sdb.migrate();
  shared_budget_settings s;
  s.database_url = sdb.url();
  s.api = "github";
  s.rate_per_second = 40;
  s.burst = 10;
  s.batch = 1;  // exact accounting: every token is spent the moment it is paid for
  std::vector<shared_budget_counters> counters;
  const auto sends = greedy_senders(3, s, 1500ms, counters);
  const double excess = worst_excess(sends, s.rate_per_second);
  MESSAGE("sends=" << sends.size() << " worst burst=" << excess);
  CHECK(excess <= s.burst + 0.5);  // 0.5: clock differences between round trips
  // Three local buckets would have sent about three times as much.
  CHECK(static_cast<double>(sends.size()) <= s.burst + s.rate_per_second * 1.5 + 1);
  CHECK(static_cast<double>(sends.size()) >= 0.8 * (s.burst + s.rate_per_second * 1.5));
  for (const auto& c : counters) CHECK(c.failures == 0);
}

TEST_CASE("shared budget: batched leases save round trips and bound the excess by the batches") {
  scratch_database sdb;
  sdb.migrate();
  shared_budget_settings s;
  s.database_url = sdb.url();
  s.api = "notion";
  s.rate_per_second = 40;
  s.burst = 10;
  s.batch = 4;
  std::vector<shared_budget_counters> counters;
  const auto sends = greedy_senders(2, s, 1500ms, counters);
  const double excess = worst_excess(sends, s.rate_per_second);
  std::uint64_t leases = 0;
  for (const auto& c : counters) {
    CHECK(c.failures == 0);
    leases += c.leases;
  }
  MESSAGE("sends=" << sends.size() << " leases=" << leases << " worst burst=" << excess);
  // A replica may spend up to batch-1 leased tokens after the row refilled without them.
  CHECK(excess <= s.burst + 2 * (s.batch - 1) + 0.5);
  CHECK(static_cast<double>(sends.size()) <= s.burst + s.rate_per_second * 1.5 + 2 * s.batch);
  CHECK(leases * 3 <= sends.size());  // about one round trip per batch
}

TEST_CASE("shared budget: a pause one replica saw reaches the others") {
  scratch_database sdb;
  sdb.migrate();
  shared_budget_settings s;
  s.database_url = sdb.url();
  s.api = "github";
  shared_rate_budget a(s, std::chrono::steady_clock::now());
  shared_rate_budget b(s, std::chrono::steady_clock::now());
  CHECK_FALSE(b.share_pause(std::nullopt));
  const auto until = std::chrono::system_clock::now() + 3s;
  auto seen_by_a = a.share_pause(until);
  REQUIRE(seen_by_a);
  auto seen_by_b = b.share_pause(std::nullopt);
  REQUIRE(seen_by_b);
  CHECK(std::chrono::abs(*seen_by_b - until) < 200ms);
  // An earlier pause does not shorten it.
  auto still = b.share_pause(std::chrono::system_clock::now() + 1s);
  REQUIRE(still);
  CHECK(std::chrono::abs(*still - until) < 200ms);
  // The other API is not paused.
  s.api = "notion";
  shared_rate_budget n(s, std::chrono::steady_clock::now());
  CHECK_FALSE(n.share_pause(std::nullopt));
}

TEST_CASE("shared budget: an unreachable database falls back to a local share of the rate") {
  shared_budget_settings s;
  s.database_url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1";
  s.api = "github";
  s.rate_per_second = 30;
  s.burst = 9;
  s.fallback_share = 1.0 / 3;
  const auto t0 = std::chrono::steady_clock::now();
  shared_rate_budget budget(s, t0);
  // burst 3 at once, then 10/s.
  for (int i = 0; i < 3; ++i) CHECK(budget.reserve(t0, 1) == t0);
  const auto fourth = budget.reserve(t0, 1);
  CHECK(fourth > t0 + 90ms);
  CHECK(fourth < t0 + 110ms);
  CHECK(budget.counters().failures == 1);  // then no retry until retry_after_failure
}
