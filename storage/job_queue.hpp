#pragma once
// The job queue (sync-model.md §5): a Postgres table claimed in batches with FOR UPDATE SKIP
// LOCKED, leases that a crashed worker's jobs outlive, merging of waiting jobs by unique key,
// one running job per page, backoff with full jitter, Retry-After, dead jobs, and
// NOTIFY ngsync_jobs on every enqueue.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "storage/database.hpp"
#include "storage/job_channel.hpp"
#include "storage/pqxx_forward.hpp"
#include "storage/queue_owner.hpp"
#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

struct job_spec {
  std::string kind;
  boost::json::value payload = boost::json::object();
  std::optional<std::string> unique_key;  // waiting jobs with the same key merge
  std::optional<std::string> page_key;    // jobs with the same key never run together
  int priority = 0;                       // higher runs first
  std::optional<sys_time> run_at;         // default: now (queue clock)
  int max_attempts = 10;
  std::optional<std::string> sync_run_id;
};

struct enqueue_result {
  std::int64_t id = 0;
  bool merged = false;  // true when an existing waiting job absorbed this one
};

// What one enqueue_batch statement did.
struct batch_enqueue_result {
  std::int64_t inserted = 0;
  std::int64_t merged = 0;  // merged into waiting jobs (or into another spec of the batch)
};

struct claimed_job {
  std::int64_t id = 0;
  std::string kind;
  boost::json::value payload;
  std::optional<std::string> unique_key;
  std::optional<std::string> page_key;
  int priority = 0;
  int attempts = 0;  // including this one
  int max_attempts = 0;
  std::optional<std::string> sync_run_id;
  sys_time locked_until;
};

// Why a job failed, which decides when (and whether) it runs again.
struct job_failure {
  enum class kind_t { transient, retry_at, permanent };
  kind_t kind = kind_t::transient;
  sys_time at{};  // for retry_at

  // Backoff with full jitter; dead once attempts reach max_attempts.
  static job_failure transient() { return {kind_t::transient, {}}; }
  // The API said when to come back (Retry-After): the attempt is not counted.
  static job_failure retry_after(sys_time when) { return {kind_t::retry_at, when}; }
  // Retrying cannot help: straight to dead.
  static job_failure permanent() { return {kind_t::permanent, {}}; }
};

// What a failure turned the job into.
enum class failure_outcome { refused, retry_scheduled, dead, merged_into_waiting };

struct dead_job_filter {
  std::optional<std::int64_t> id;
  std::optional<std::string> kind;  // neither set: every dead job
};

struct queue_stats {
  // depth[state][kind] = number of jobs (completed jobs are not counted).
  std::map<std::string, std::map<std::string, std::int64_t>> depth;
  std::int64_t waiting = 0;                                 // available + retryable
  std::int64_t due = 0;                                     // waiting with run_at <= now
  std::optional<std::chrono::milliseconds> oldest_due_age;  // now - min(run_at) of due jobs
  std::optional<std::chrono::milliseconds> next_due_in;     // min(run_at) - now of the others
};

struct prune_result {
  std::int64_t jobs = 0;
  std::int64_t audit_rows = 0;
};

struct queue_settings {
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_cap{10 * 60'000};
  // Expired leases, and the jobs of processes that are gone, are swept at most this often by
  // claim() (0: every claim).
  std::chrono::milliseconds reclaim_interval{1'000};
  // How long a claim's owner lock (queue_owner) must be seen missing before its jobs are freed:
  // time for a live process to re-open its owner connection after a blip or a Postgres restart.
  std::chrono::milliseconds owner_grace{5'000};
  // Injected so tests of backoff and Retry-After need no sleeping.
  std::function<sys_time()> clock = [] { return std::chrono::system_clock::now(); };
  // A number in [0, 1]; the fraction of the backoff window a retry waits (full jitter).
  std::function<double()> jitter;  // default: uniform random
};

class job_queue {
 public:
  explicit job_queue(database& db, queue_settings settings = {});

  // Claims made from now on name this owner, so that they are freed within seconds once the
  // owner's process is gone (nullptr: lease expiry alone frees them). Not owned; must outlive
  // the claims made through this queue.
  void claim_for(const queue_owner* owner) { owner_ = owner; }

  // --- inside a caller's transaction (the poller enqueues with its watermark) ---
  enqueue_result enqueue(transaction t, const job_spec& spec);
  // One statement for many jobs; specs with the same unique_key are merged first.
  batch_enqueue_result enqueue_batch(transaction t, const std::vector<job_spec>& specs);

  // --- each in its own transaction on the pool; awaitable only (code without an event loop
  // uses storage/blocking.hpp; tests and the bench, tests/storage/sync_queue.hpp) ---
  net::awaitable<enqueue_result> enqueue(job_spec spec);
  net::awaitable<batch_enqueue_result> enqueue_batch(std::vector<job_spec> specs);

  // Claims up to max_jobs due jobs, at most one per page_key, none whose page already has a
  // running job with a live lease.
  net::awaitable<std::vector<claimed_job>> claim(std::string worker_id, int max_jobs,
                                                 std::chrono::milliseconds lease);
  // Each returns false when the worker no longer holds the job's lease.
  net::awaitable<bool> extend_lease(std::int64_t job_id, std::string worker_id,
                                    std::chrono::milliseconds lease);
  net::awaitable<bool> complete(std::int64_t job_id, std::string worker_id);
  // Returns the ids completed (those whose lease the worker still held).
  net::awaitable<std::vector<std::int64_t>> complete_batch(std::vector<std::int64_t> job_ids,
                                                           std::string worker_id);
  net::awaitable<failure_outcome> fail(std::int64_t job_id, std::string worker_id,
                                       std::string error, job_failure failure);

  // Running jobs whose lease expired, or whose owner process is gone, go back to waiting; the
  // lost run is not counted as an attempt. Returns how many.
  net::awaitable<std::int64_t> reclaim_expired();
  // Dead jobs back to available with a fresh attempt count; returns how many.
  net::awaitable<std::int64_t> retry_dead(dead_job_filter filter);
  net::awaitable<queue_stats> stats();
  net::awaitable<prune_result> prune(std::chrono::seconds completed_older_than,
                                     std::chrono::seconds audit_older_than);

  const queue_settings& settings() const { return settings_; }

 private:
  std::vector<claimed_job> claim_on(pqxx::connection& c, const std::string& worker_id, int max_jobs,
                                    std::chrono::milliseconds lease);
  bool complete_on(pqxx::connection& c, std::int64_t job_id, const std::string& worker_id);
  std::vector<std::int64_t> complete_batch_on(pqxx::connection& c,
                                              const std::vector<std::int64_t>& ids,
                                              const std::string& worker_id);
  failure_outcome fail_on(pqxx::connection& c, std::int64_t job_id, const std::string& worker_id,
                          const std::string& error, job_failure failure);
  bool extend_on(pqxx::connection& c, std::int64_t job_id, const std::string& worker_id,
                 std::chrono::milliseconds lease);
  std::int64_t reclaim_on(pqxx::connection& c);
  std::int64_t retry_dead_on(pqxx::connection& c, const dead_job_filter& filter);
  queue_stats stats_on(pqxx::connection& c);
  prune_result prune_on(pqxx::connection& c, std::chrono::seconds completed_older_than,
                        std::chrono::seconds audit_older_than);
  std::chrono::milliseconds backoff_for(int attempts);
  bool reclaim_due();

  database& db_;
  queue_settings settings_;
  const queue_owner* owner_ = nullptr;
  std::mutex reclaim_mutex_;
  std::chrono::steady_clock::time_point last_reclaim_{};
};

}  // namespace ngsync::storage
