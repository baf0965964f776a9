#include "daemon/services/job_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/sync/queue_rules.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

namespace {

// The queue's form of core's retry decision.
storage::job_failure queue_failure(const sync::job_retry& retry) {
  if (retry.kind == sync::job_retry_kind::at_time) {
    return storage::job_failure::retry_after(retry.at);
  }
  if (retry.kind == sync::job_retry_kind::never) return storage::job_failure::permanent();
  return storage::job_failure::transient();
}

}  // namespace

std::string default_worker_id() {
  std::array<char, 256> host{};
  ::gethostname(host.data(), host.size() - 1);
  return std::string(host.data()) + ":" + std::to_string(::getpid());
}

job_runner::job_runner(storage::job_queue& queue, storage::job_waker* waker, job_handler handler,
                       job_runner_settings settings)
    : completions_([this](auto& entries) { return flush_completions(entries); }, 64,
                   storage::busy_linger),
      queue_(queue),
      waker_(waker),
      handler_(std::move(handler)),
      settings_(std::move(settings)) {
  if (settings_.worker_id.empty()) settings_.worker_id = default_worker_id();
}

net::awaitable<bool> job_runner::complete(std::int64_t id) {
  co_return co_await completions_.submit(id);
}

net::awaitable<void> job_runner::flush_completions(std::vector<completions::entry>& entries) {
  std::vector<std::int64_t> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.push_back(e.item);
  auto worker = settings_.worker_id;
  auto op = queue_.complete_batch(std::move(ids), std::move(worker));
  const auto completed = co_await std::move(op);
  for (auto& e : entries)
    e.result = std::find(completed.begin(), completed.end(), e.item) != completed.end();
}

void job_runner::wake() {
  ++wakes_;
  if (wakeup_) wakeup_->cancel();
}

void job_runner::stop() {
  stopping_ = true;
  wake();
}

net::awaitable<void> job_runner::run() {
  co_await work(false);
}
net::awaitable<void> job_runner::drain() {
  co_await work(true);
}

net::awaitable<void> job_runner::work(bool until_empty) {
  auto ex = co_await net::this_coro::executor;
  wakeup_ = std::make_shared<net::steady_timer>(ex);
  last_progress_ = std::chrono::steady_clock::now();
  while (!stopping_) {
    const auto seen = waker_ ? waker_->generation() : 0;
    const auto woken = wakes_;
    auto jobs = co_await claim_room();
    for (auto& job : jobs) {
      ++running_;
      net::co_spawn(ex, run_one(std::move(job)), net::detached);
    }
    if (until_empty && jobs.empty() && running_ == 0) {
      const bool over = co_await drained();
      if (over) break;
    }
    if (!jobs.empty()) last_progress_ = std::chrono::steady_clock::now();
    if (!jobs.empty() && running_ < settings_.workers) continue;    // maybe more are due
    if (wakes_ != woken && running_ < settings_.workers) continue;  // woken meanwhile
    co_await idle(seen);
  }
}

net::awaitable<std::vector<storage::claimed_job>> job_runner::claim_room() {
  const int room = settings_.workers - running_;
  if (room <= 0) co_return std::vector<storage::claimed_job>{};
  try {
    auto jobs = co_await queue_.claim(settings_.worker_id, room, settings_.lease);
    co_return jobs;
  } catch (const std::exception& e) {
    log::get("queue")->warn("claim failed (retrying): {}", e.what());
  }
  co_return std::vector<storage::claimed_job>{};
}

net::awaitable<bool> job_runner::drained() {
  // Nothing claimable and nothing running: core/sync/queue_rules.hpp says whether to wait for
  // the jobs still queued (a retry's backoff or Retry-After, a crashed worker's lease).
  auto logger = log::get("queue");
  try {
    const auto stats = co_await queue_.stats();
    const sync::drain_view view{stats.waiting, stats.due, stats.next_due_in,
                                std::chrono::steady_clock::now() - last_progress_};
    switch (sync::drain_next(view, settings_.drain_patience)) {
      case sync::drain_step::done:
        co_return true;
      case sync::drain_step::not_due_soon:
        logger->info("drain: {} job(s) not due for {} s; leaving them for the next run",
                     stats.waiting, stats.next_due_in->count() / 1000);
        co_return true;
      case sync::drain_step::no_progress:
        logger->warn("drain: {} job(s) still waiting; leaving them for the next run",
                     stats.waiting);
        co_return true;
      case sync::drain_step::keep_waiting:
        break;
    }
  } catch (const std::exception& e) {
    logger->warn("queue stats failed (retrying): {}", e.what());
  }
  co_return false;
}

net::awaitable<void> job_runner::idle(std::uint64_t seen) {
  // Until a job finishes, a notification arrives, or the idle timeout passes.
  if (waker_ && running_ < settings_.workers) {
    const auto wait = running_ > 0 ? std::chrono::milliseconds(50) : settings_.idle_wait;
    co_await waker_->wait(seen, wait);
    co_return;
  }
  wakeup_->expires_after(settings_.idle_wait);
  boost::system::error_code ec;
  co_await wakeup_->async_wait(net::redirect_error(net::use_awaitable, ec));
}

void job_runner::keep_lease(std::int64_t id, std::shared_ptr<bool> done,
                            std::shared_ptr<net::steady_timer> timer) {
  // Rate-limit waits can be long: the lease is renewed every third of it while the job runs.
  // The executor first: the lambda below takes the timer.
  const auto ex = timer->get_executor();
  net::co_spawn(
      ex,
      [this, id, worker = settings_.worker_id, done = std::move(done),
       timer = std::move(timer)]() -> net::awaitable<void> {
        while (!*done) {
          timer->expires_after(settings_.lease / 3);
          boost::system::error_code ec;
          co_await timer->async_wait(net::redirect_error(net::use_awaitable, ec));
          if (*done) break;
          try {
            const bool held = co_await queue_.extend_lease(id, worker, settings_.lease);
            if (!held) ++counters_.lost_leases;
          } catch (const std::exception&) {
            // Postgres is away: the next renewal tries again; the lease is the backstop.
          }
        }
      },
      net::detached);
}

net::awaitable<void> job_runner::run_one(storage::claimed_job job) {
  auto ex = co_await net::this_coro::executor;
  auto done = std::make_shared<bool>(false);
  auto lease_timer = std::make_shared<net::steady_timer>(ex);
  keep_lease(job.id, done, lease_timer);

  std::string error;
  bool ok = false;
  auto retry = sync::retry_for_unclassified();
  std::optional<api::api_failure> api_failed;
  try {
    co_await handler_(job);
    ok = true;
  } catch (const api::api_exception& e) {
    error = e.what();
    api_failed = e.failure();
    retry = sync::retry_for(e.failure());
  } catch (const std::exception& e) {
    error = log::redact(e.what());
  }
  *done = true;
  lease_timer->cancel();

  try {
    if (ok) {
      co_await settle_success(job.id);
    } else {
      co_await settle_failure(job, std::move(error), retry, std::move(api_failed));
    }
  } catch (const std::exception& e) {
    // Postgres is away: the lease expires and the job runs again; nothing is lost.
    log::get("queue")->warn("job={} could not be settled ({}); it will run again after its lease",
                            job.id, e.what());
  }
  --running_;
  wake();
}

net::awaitable<void> job_runner::settle_success(std::int64_t id) {
  const bool held = co_await complete(id);
  if (held) {
    ++counters_.completed;
    co_return;
  }
  ++counters_.lost_leases;
  log::get("queue")->warn("job={} finished after its lease was lost; another worker owns it", id);
}

net::awaitable<void> job_runner::settle_failure(const storage::claimed_job& job, std::string error,
                                                sync::job_retry retry,
                                                std::optional<api::api_failure> api_failed) {
  const bool permanent = retry.kind == sync::job_retry_kind::never;
  if (retry.kind == sync::job_retry_kind::at_time) ++counters_.throttled;
  const auto outcome =
      co_await queue_.fail(job.id, settings_.worker_id, error, queue_failure(retry));
  ++(permanent ? counters_.failed_permanent : counters_.failed_transient);
  log::get("queue")->log(permanent ? spdlog::level::warn : spdlog::level::info,
                         "job={} kind={} run={} attempt={} failed: {}", job.id, job.kind,
                         job.sync_run_id.value_or(""), job.attempts, error);
  const bool dead = outcome == storage::failure_outcome::dead;
  if (dead) ++counters_.dead;
  const auto report = sync::report_after_failure(retry.kind, dead);
  if (report == sync::failure_report::dead && on_dead_) co_await on_dead_(job, error);
  if (report == sync::failure_report::retry && on_retry_) {
    co_await on_retry_(job, std::move(api_failed));
  }
}

}  // namespace ngsync::engine
