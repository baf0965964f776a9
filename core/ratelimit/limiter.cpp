#include "core/ratelimit/limiter.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ngsync::ratelimit {

namespace net = boost::asio;

limiter_permit& limiter_permit::operator=(limiter_permit&& o) noexcept {
  if (this != &o) {
    release();
    owner_ = std::exchange(o.owner_, nullptr);
  }
  return *this;
}

void limiter_permit::release() {
  if (auto* owner = std::exchange(owner_, nullptr)) owner->release_slot();
}

api_limiter::api_limiter(net::any_io_executor executor, api_budget& budget,
                         std::size_t max_concurrent)
    : executor_(std::move(executor)),
      budget_(budget),
      max_concurrent_(std::max<std::size_t>(1, max_concurrent)) {}

void api_limiter::release_slot() {
  // Hand the slot straight to the oldest waiter so a newcomer cannot overtake it.
  if (!waiters_.empty()) {
    auto* w = waiters_.front();
    waiters_.pop_front();
    w->woken = true;
    w->timer.cancel();
    return;
  }
  --in_flight_;
}

net::awaitable<limiter_grant> api_limiter::acquire(request_traits traits,
                                                   steady_clock::duration max_pause_wait) {
  const auto& clock = budget_.clock();
  auto too_long = [&](std::optional<steady_time> until) {
    return until && *until - clock.steady_now() > max_pause_wait;
  };
  if (auto until = budget_.paused_until(); too_long(until)) co_return limiter_grant{{}, until};

  if (in_flight_ >= max_concurrent_) {
    waiter w{net::steady_timer(executor_), false};
    w.timer.expires_at(steady_time::max());
    waiters_.push_back(&w);
    co_await w.timer.async_wait(net::as_tuple(net::use_awaitable));
    // Woken only by release_slot, which passed its slot on (in_flight_ unchanged).
  } else {
    ++in_flight_;
  }
  limiter_permit permit(this);

  for (;;) {
    if (auto until = budget_.paused_until(); too_long(until)) co_return limiter_grant{{}, until};
    const steady_time at = budget_.reserve(traits);
    // The wait follows the budget's clock (the steady clock in production, a test's clock there).
    if (at > clock.steady_now()) co_await clock.sleep_until(at);
    // A pause that began while we waited wins over our earlier reservation.
    if (!budget_.paused_until()) break;
  }
  co_return limiter_grant{std::move(permit), std::nullopt};
}

}  // namespace ngsync::ratelimit
