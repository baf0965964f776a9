#pragma once
// Works the queue: claims due jobs in batches (up to `workers` at once), runs each in its own
// coroutine, keeps its lease alive while it runs, and settles it: complete, or fail as
// core/sync/queue_rules.hpp decides from the failure's class (throttled: back at the API's time,
// attempt not counted; transient: backoff; permanent: dead at once), which also says when a
// drain stops waiting. Idle, it sleeps until NOTIFY wakes it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/api/api_failure.hpp"
#include "core/sync/queue_rules.hpp"
#include "storage/group_commit.hpp"
#include "storage/job_queue.hpp"
#include "storage/job_waker.hpp"

namespace ngsync::engine {

// What running one job returns; exceptions (api::api_exception and others) are failures.
using job_handler = std::function<boost::asio::awaitable<void>(storage::claimed_job)>;
// Called after a job failed permanently or for the last time (to put the error on the page).
using dead_job_hook =
    std::function<boost::asio::awaitable<void>(storage::claimed_job, std::string error)>;

// host:pid, the worker id of this process's claims.
std::string default_worker_id();

// Called after a failed job was rescheduled (a retry or a rate-limit pause), with the API's
// failure when the job failed on an API call (to tell the page, issue 19).
using retry_job_hook = std::function<boost::asio::awaitable<void>(
    storage::claimed_job, std::optional<api::api_failure> failure)>;

struct job_runner_settings {
  int workers = 4;
  std::chrono::milliseconds lease{60'000};
  std::chrono::milliseconds idle_wait{1'000};  // longest sleep without a notification
  std::string worker_id;                       // host:pid by default
  // drain(): how long to wait for retrying jobs without any progress before giving up.
  std::chrono::milliseconds drain_patience{120'000};
};

struct job_runner_counters {
  std::uint64_t completed = 0;
  std::uint64_t failed_transient = 0;
  std::uint64_t failed_permanent = 0;
  std::uint64_t throttled = 0;
  std::uint64_t dead = 0;
  std::uint64_t lost_leases = 0;
};

class job_runner {
 public:
  job_runner(storage::job_queue& queue, storage::job_waker* waker, job_handler handler,
             job_runner_settings settings);

  void on_dead(dead_job_hook hook) { on_dead_ = std::move(hook); }
  void on_retry(retry_job_hook hook) { on_retry_ = std::move(hook); }

  // Works until stop(); then lets running jobs finish within `grace` and releases the rest
  // (their leases expire and another process takes them).
  boost::asio::awaitable<void> run();
  // Works until no job is due and none is running (sync-once mode).
  boost::asio::awaitable<void> drain();
  void stop();

  const job_runner_counters& counters() const { return counters_; }
  int running() const { return running_; }

 private:
  boost::asio::awaitable<void> work(bool until_empty);
  // Claims as many due jobs as there are free workers (none when the claim fails).
  boost::asio::awaitable<std::vector<storage::claimed_job>> claim_room();
  // drain(): true when it stops waiting (core/sync/queue_rules.hpp, drain_next).
  boost::asio::awaitable<bool> drained();
  // Sleeps until a job finishes, a notification arrives (`seen`: the waker's generation before
  // the claim), or the idle wait passes.
  boost::asio::awaitable<void> idle(std::uint64_t seen);
  boost::asio::awaitable<void> run_one(storage::claimed_job job);
  void keep_lease(std::int64_t id, std::shared_ptr<bool> done,
                  std::shared_ptr<boost::asio::steady_timer> timer);
  boost::asio::awaitable<void> settle_success(std::int64_t id);
  boost::asio::awaitable<void> settle_failure(const storage::claimed_job& job, std::string error,
                                              sync::job_retry retry,
                                              std::optional<api::api_failure> api_failed);
  // Marks a finished job completed; true when this worker still held it. Completions that
  // arrive while one is being written go together in the next statement (group commit): no
  // wait when the queue is quiet, one round trip for many jobs when it is busy.
  boost::asio::awaitable<bool> complete(std::int64_t id);
  using completions = storage::group_commit<std::int64_t, bool>;
  boost::asio::awaitable<void> flush_completions(std::vector<completions::entry>& entries);
  // A job finished or the runner stops: claim again now rather than after the idle wait.
  void wake();

  completions completions_;

  storage::job_queue& queue_;
  storage::job_waker* waker_;
  job_handler handler_;
  dead_job_hook on_dead_;
  retry_job_hook on_retry_;
  job_runner_settings settings_;
  job_runner_counters counters_;
  int running_ = 0;
  std::uint64_t wakes_ = 0;  // a wake while the loop was busy must not be lost
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_progress_{};
  std::shared_ptr<boost::asio::steady_timer> wakeup_;
};

}  // namespace ngsync::engine
