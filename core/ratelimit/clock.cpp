#include "core/ratelimit/clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ngsync::ratelimit {

boost::asio::awaitable<void> sleep_on_steady_clock(steady_time until) {
  namespace net = boost::asio;
  net::steady_timer timer(co_await net::this_coro::executor, until);
  co_await timer.async_wait(net::as_tuple(net::use_awaitable));
}

}  // namespace ngsync::ratelimit
