#pragma once
// Wakes idle workers when a job is enqueued: a dedicated connection LISTENs on job_channel
// (on a thread of its own, since libpqxx blocks) and coroutines wait for the next
// notification or a timeout, whichever comes first.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "storage/database.hpp"
#include "storage/job_channel.hpp"

namespace ngsync::storage {

class job_waker {
 public:
  // Starts listening at once (reconnecting with backoff if Postgres is down).
  explicit job_waker(database_settings settings, std::string channel = job_channel);
  ~job_waker();
  job_waker(const job_waker&) = delete;
  job_waker& operator=(const job_waker&) = delete;

  // Incremented on every notification (and after a reconnect, when some may have been
  // missed). Read it before looking for work, then pass it to wait(): a notification that
  // arrives in between is not lost.
  std::uint64_t generation() const { return generation_.load(); }

  // Resumes when generation() differs from `seen` (true) or after `timeout` (false).
  net::awaitable<bool> wait(std::uint64_t seen, std::chrono::milliseconds timeout);

  // Blocking variant for threads without an io_context.
  bool wait_sync(std::uint64_t seen, std::chrono::milliseconds timeout);

  // True once the LISTEN is in place (tests wait for it before enqueueing).
  bool listening() const { return listening_.load(); }

 private:
  void listen_loop();
  void bump();

  database_settings settings_;
  std::string channel_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::weak_ptr<net::steady_timer>> waiters_;
  std::thread thread_;
};

}  // namespace ngsync::storage
