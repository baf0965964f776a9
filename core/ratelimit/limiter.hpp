#pragma once
// The asynchronous gate every request of one API passes before it goes out: the api_budget's
// reservation (tokens, spacing, content windows, pauses) plus a cap on concurrent requests.
// Threading rule: like the HTTP client, one limiter lives on one single-threaded executor.
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/ratelimit/api_budget.hpp"

namespace ngsync::ratelimit {

class api_limiter;

// A concurrency slot; released on destruction or release().
class limiter_permit {
 public:
  limiter_permit() = default;
  explicit limiter_permit(api_limiter* owner) : owner_(owner) {}
  limiter_permit(limiter_permit&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)) {}
  limiter_permit& operator=(limiter_permit&& o) noexcept;
  ~limiter_permit() { release(); }
  void release();
  explicit operator bool() const { return owner_ != nullptr; }

 private:
  api_limiter* owner_ = nullptr;
};

struct limiter_grant {
  limiter_permit permit;                    // empty when the API is paused for too long
  std::optional<steady_time> paused_until;  // set when permit is empty
};

class api_limiter {
 public:
  api_limiter(boost::asio::any_io_executor executor, api_budget& budget,
              std::size_t max_concurrent);

  // Waits for a concurrency slot and for the budget. When the API is paused beyond
  // `max_pause_wait`, returns at once with the pause's end instead, so the job can be
  // rescheduled rather than hold a worker.
  boost::asio::awaitable<limiter_grant> acquire(request_traits traits,
                                                steady_clock::duration max_pause_wait);

  std::size_t in_flight() const { return in_flight_; }
  std::size_t waiting() const { return waiters_.size(); }
  api_budget& budget() { return budget_; }

 private:
  friend class limiter_permit;
  struct waiter {
    boost::asio::steady_timer timer;
    bool woken = false;
  };
  void release_slot();

  boost::asio::any_io_executor executor_;
  api_budget& budget_;
  std::size_t max_concurrent_;
  std::size_t in_flight_ = 0;
  std::deque<waiter*> waiters_;
};

}  // namespace ngsync::ratelimit
