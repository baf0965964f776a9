#pragma once
// Runs one awaitable to completion on an io_context of its own, in the calling thread, and
// returns its value (or rethrows its exception): how code without an event loop (the CLI's
// one-shot commands, tests, the bench) calls the queue, whose operations are awaitable only.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace ngsync::storage {

template <class T>
T blocking(boost::asio::awaitable<T> op) {
  boost::asio::io_context io;
  auto done = boost::asio::co_spawn(io, std::move(op), boost::asio::use_future);
  io.run();
  return done.get();
}

}  // namespace ngsync::storage
