#pragma once
// Runs one coroutine to completion on a test's io_context and returns its value (rethrowing
// what it threw), so test bodies read top to bottom.
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace ngsync::test {

template <class T>
T run_coro(boost::asio::io_context& ioc, boost::asio::awaitable<T> task) {
  std::optional<T> value;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value.emplace(std::move(v));
  });
  ioc.restart();
  ioc.run();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

inline void run_coro(boost::asio::io_context& ioc, boost::asio::awaitable<void> task) {
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e) { error = e; });
  ioc.restart();
  ioc.run();
  if (error) std::rethrow_exception(error);
}

}  // namespace ngsync::test
