#pragma once
// Runs a one-shot API call again after a rate-limit pause or a passing failure, as
// api::ride_out decides (core/api/ride_out.hpp): the daemon's start-up reads and the reads of
// `ngsync reconcile`. A failure it gives up on reaches the caller unchanged.
#include <chrono>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/api/ride_out.hpp"
#include "core/log/logging.hpp"

namespace ngsync::api {

// `what` names the call in the log line of each retry ("start-up read", "reconcile read").
template <class F>
boost::asio::awaitable<typename std::invoke_result_t<F&>::value_type> riding_out(
    F f, ride_out_policy policy, std::string subsystem, std::string what) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  ride_out tries(policy, std::chrono::steady_clock::now());
  for (;;) {
    std::chrono::milliseconds wait{};
    try {
      co_return co_await f();
    } catch (const api_exception& e) {
      const auto next = tries.wait_after(e.failure(), std::chrono::steady_clock::now(),
                                         std::chrono::system_clock::now());
      if (!next) throw;
      wait = *next;
      log::get(subsystem)->warn("{} failed, retrying in {} ms: {}", what, wait.count(),
                                e.failure().describe());
    }
    timer.expires_after(wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace ngsync::api
