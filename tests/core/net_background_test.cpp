// Work started now and awaited later (core/net/background.hpp).
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/net/background.hpp"
#include "tests/core/support/run_coro.hpp"

namespace asio = boost::asio;
using ngsync::net::background;
using ngsync::test::run_coro;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

TEST_CASE("background: the starter goes on while the work runs, then gets its result") {
  asio::io_context ioc;
  std::vector<std::string> order;
  const int got = run_coro(ioc, [&]() -> asio::awaitable<int> {
    const auto ex = co_await asio::this_coro::executor;
    auto work = background<int>::start(ex, [&]() -> asio::awaitable<int> {
      co_await sleep_for(5ms);
      order.emplace_back("work done");
      co_return 42;
    });
    order.emplace_back("starter goes on");
    CHECK_FALSE(work->finished());
    const int v = co_await work->result();
    CHECK(work->finished());
    co_return v;
  }());
  CHECK(got == 42);
  CHECK(order == std::vector<std::string>{"starter goes on", "work done"});
}

TEST_CASE("background: a result asked for after the work finished comes at once") {
  asio::io_context ioc;
  const auto got = run_coro(ioc, [&]() -> asio::awaitable<std::string> {
    const auto ex = co_await asio::this_coro::executor;
    auto work = background<std::string>::start(
        ex, []() -> asio::awaitable<std::string> { co_return "ready"; });
    co_await sleep_for(5ms);
    CHECK(work->finished());
    auto v = co_await work->result();
    co_return v;
  }());
  CHECK(got == "ready");
}

TEST_CASE("background: the work's exception reaches the one awaiting its result") {
  asio::io_context ioc;
  CHECK_THROWS_WITH_AS(run_coro(ioc,
                                [&]() -> asio::awaitable<int> {
                                  const auto ex = co_await asio::this_coro::executor;
                                  auto work =
                                      background<int>::start(ex, []() -> asio::awaitable<int> {
                                        co_await sleep_for(1ms);
                                        throw std::runtime_error("query failed");
                                      });
                                  const int v = co_await work->result();
                                  co_return v;
                                }()),
                       "query failed", std::runtime_error);
}

TEST_CASE("background: a result without a default value moves through") {
  asio::io_context ioc;
  struct only_moves {
    explicit only_moves(int v) : value(std::make_unique<int>(v)) {}
    std::unique_ptr<int> value;
  };
  const int got = run_coro(ioc, [&]() -> asio::awaitable<int> {
    const auto ex = co_await asio::this_coro::executor;
    auto work = background<only_moves>::start(
        ex, []() -> asio::awaitable<only_moves> { co_return only_moves(7); });
    auto v = co_await work->result();
    REQUIRE(v.value);
    co_return *v.value;
  }());
  CHECK(got == 7);
}
