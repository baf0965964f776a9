// Queue benchmark (scripts/bench-queue.sh): bulk insert of no-op jobs, drain rate with 1, 4
// and 16 concurrent workers (batch claims of 100, one complete_batch per batch), and
// enqueue-to-start latency of single jobs with a worker waiting on LISTEN/NOTIFY.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/job_waker.hpp"
#include "storage/migrator.hpp"
#include "tests/storage/sync_queue.hpp"

using namespace ngsync::storage;
using ngsync::storage::testing::sync_queue;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

void truncate_jobs(database& db) {
  db.run_sync([](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec("TRUNCATE jobs");
    t.commit();
    pqxx::nontransaction n(c);
    n.exec("VACUUM ANALYZE jobs");
  });
}

void bulk_insert(sync_queue& q, int total) {
  const auto start = steady::now();
  constexpr int chunk = 10'000;
  for (int done = 0; done < total; done += chunk) {
    std::vector<job_spec> specs(std::min(chunk, total - done));
    for (auto& s : specs) s.kind = "noop";
    q.enqueue_batch_sync(specs);
  }
  std::printf("  bulk insert: %d jobs in %.2f s (%.0f jobs/s)\n", total, seconds_since(start),
              total / seconds_since(start));
}

void drain(sync_queue& q, int workers, int total) {
  std::atomic<int> done{0};
  const auto start = steady::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      const std::string id = "bench" + std::to_string(w);
      while (done < total) {
        auto batch = q.claim_sync(id, 100, 60s);
        if (batch.empty()) continue;
        std::vector<std::int64_t> ids;
        ids.reserve(batch.size());
        for (auto& j : batch) ids.push_back(j.id);
        done += static_cast<int>(q.complete_batch_sync(ids, id).size());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double s = seconds_since(start);
  std::printf("  drain with %2d workers: %d jobs in %.2f s = %.0f jobs/s\n", workers, total, s,
              total / s);
}

void latency(database& db, sync_queue& q, const database_settings& settings, int samples) {
  truncate_jobs(db);
  job_waker waker(settings);
  while (!waker.listening()) std::this_thread::sleep_for(10ms);
  std::atomic<bool> stop{false};
  std::vector<double> ms;
  ms.reserve(samples);
  std::thread worker([&] {
    while (!stop) {
      const auto seen = waker.generation();
      auto batch = q.claim_sync("latency", 10, 60s);
      const auto now = steady::now().time_since_epoch().count();
      if (batch.empty()) {
        waker.wait_sync(seen, 1s);  // the poll fallback would be this timeout
        continue;
      }
      std::vector<std::int64_t> ids;
      for (auto& j : batch) {
        ms.push_back(static_cast<double>(now - j.payload.at("t").as_int64()) / 1e6);
        ids.push_back(j.id);
      }
      q.complete_batch_sync(ids, "latency");
    }
  });
  for (int i = 0; i < samples; ++i) {
    job_spec s;
    s.kind = "latency";
    s.payload = boost::json::object{{"t", steady::now().time_since_epoch().count()}};
    q.enqueue_sync(s);
    std::this_thread::sleep_for(3ms);
  }
  while (static_cast<int>(ms.size()) < samples) std::this_thread::sleep_for(10ms);
  stop = true;
  worker.join();
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[static_cast<std::size_t>(p * (ms.size() - 1))]; };
  std::printf("  enqueue-to-start latency over %d jobs: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              samples, pct(0.5), pct(0.99), ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  const char* url = argc > 1 ? argv[1] : std::getenv("NGSYNC_BENCH_DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "usage: ngsync_queue_bench POSTGRES_URL (or NGSYNC_BENCH_DATABASE_URL)\n");
    return 64;
  }
  const int total = argc > 2 ? std::atoi(argv[2]) : 100'000;
  database_settings settings;
  settings.url = url;
  settings.threads = 16;
  {
    auto c = database::open(settings);
    migrate(*c);
  }
  database db(settings);
  sync_queue q(db);
  std::printf("ngsync queue benchmark: %d no-op jobs, batch claim 100\n", total);
  for (int workers : {1, 4, 16}) {
    truncate_jobs(db);
    bulk_insert(q, total);
    drain(q, workers, total);
  }
  latency(db, q, settings, 1000);
  return 0;
}
