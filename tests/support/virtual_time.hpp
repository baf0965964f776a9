#pragma once
// Virtual time for tests of code that waits: a clock that moves only when the test's driver
// moves it, the Asio timer that follows it, and a rate limiter's time_source on top of it.
// Waits that took real milliseconds take none, and what happens when is decided by the code under
// test alone, not by how busy the machine is.
//
// The driver runs everything that is ready at the current instant, then moves the clock one tick
// and repeats, until no work is left. Events at tick multiples happen exactly then. With real
// I/O in flight (a loopback server), each idle tick first waits a little real time for it, so a
// response usually lands at the instant it was awaited; when it is slower, virtual time moves on
// meanwhile, as network latency would.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ratelimit/clock.hpp"

namespace ngsync::test {

// A steady clock that starts at one hour (so no time is the zero "unset" value) and moves only
// by advance(). Static, as Asio's clock requirements are; tests run one at a time.
struct virtual_clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<virtual_clock>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept { return time_point(duration(ticks().load())); }
  static void advance(duration d) noexcept { ticks() += d.count(); }

 private:
  static std::atomic<rep>& ticks() noexcept {
    static std::atomic<rep> value{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
    return value;
  }
};

// The reactor must never sleep on a virtual deadline: it only checks, the driver moves time.
struct virtual_wait_traits {
  static virtual_clock::duration to_wait_duration(const virtual_clock::duration&) {
    return virtual_clock::duration::zero();
  }
  static virtual_clock::duration to_wait_duration(const virtual_clock::time_point&) {
    return virtual_clock::duration::zero();
  }
};

using virtual_timer = boost::asio::basic_waitable_timer<virtual_clock, virtual_wait_traits>;

// How the driver moves time: `tick` per step; `real_wait` of real time first when nothing is
// ready (0 when the test does no real I/O); `limit` of virtual time before it gives up.
struct virtual_run {
  virtual_clock::duration tick = std::chrono::milliseconds(1);
  std::chrono::microseconds real_wait{0};
  virtual_clock::duration limit = std::chrono::minutes(10);
};

// Runs `io` until it has no work left, in virtual time. False when `limit` passed first (the
// test should fail: something waits forever).
inline bool run_in_virtual_time(boost::asio::io_context& io, virtual_run how = {}) {
  const auto give_up = virtual_clock::now() + how.limit;
  io.restart();
  for (;;) {
    while (io.poll() > 0) {
    }
    if (io.stopped()) return true;
    if (how.real_wait.count() > 0 && io.run_one_for(how.real_wait) > 0) continue;
    if (io.stopped()) return true;
    if (virtual_clock::now() >= give_up) return false;
    virtual_clock::advance(how.tick);
  }
}

// run_coro (tests/core/support/run_coro.hpp) in virtual time.
template <class T>
T run_coro_in_virtual_time(boost::asio::io_context& io, boost::asio::awaitable<T> task,
                           virtual_run how = {}) {
  std::optional<T> value;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value.emplace(std::move(v));
  });
  if (!run_in_virtual_time(io, how)) throw std::runtime_error("virtual time limit passed");
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

// The rate limiter's view of virtual time: steady time is virtual time; system time starts at a
// fixed instant and moves with it; waits are virtual timers.
inline ratelimit::system_time virtual_system_epoch() {
  return ratelimit::system_time(std::chrono::seconds(1'700'000'000));
}

inline ratelimit::steady_time virtual_steady_now() {
  return ratelimit::steady_time(std::chrono::duration_cast<ratelimit::steady_clock::duration>(
      virtual_clock::now().time_since_epoch()));
}

inline ratelimit::time_source virtual_time_source() {
  ratelimit::time_source s;
  s.steady_now = virtual_steady_now;
  s.system_now = [] {
    return virtual_system_epoch() + std::chrono::duration_cast<ratelimit::system_time::duration>(
                                        virtual_clock::now().time_since_epoch());
  };
  s.sleep_until = [](ratelimit::steady_time until) -> boost::asio::awaitable<void> {
    virtual_timer timer(
        co_await boost::asio::this_coro::executor,
        virtual_clock::time_point(
            std::chrono::duration_cast<virtual_clock::duration>(until.time_since_epoch())));
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  };
  return s;
}

}  // namespace ngsync::test
