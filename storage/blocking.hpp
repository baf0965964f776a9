#pragma once
// Runs one awaitable to completion and returns its value (or rethrows its exception): how code
// without an event loop (the CLI's one-shot commands, tests, the bench) calls the queue, whose
// operations are awaitable only.
//
// The awaitable runs on one event loop thread kept for the whole process, never on an
// io_context made for the call: the database thread that completes an operation may still be
// inside the io_context's wake-up (pthread_cond_signal) when the caller sees the result, and an
// io_context destroyed at that moment is a data race (ThreadSanitizer reported it on the queue
// tests). Never call it from that loop's own thread.
#include <thread>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace ngsync::storage {

namespace detail {

class blocking_loop {
 public:
  blocking_loop() : thread_([this] { io_.run(); }) {}
  ~blocking_loop() {
    guard_.reset();
    thread_.join();
  }
  blocking_loop(const blocking_loop&) = delete;
  blocking_loop& operator=(const blocking_loop&) = delete;
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  std::thread thread_;
};

inline boost::asio::io_context& blocking_io() {
  static blocking_loop loop;
  return loop.io();
}

}  // namespace detail

template <class T>
T blocking(boost::asio::awaitable<T> op) {
  return boost::asio::co_spawn(detail::blocking_io(), std::move(op), boost::asio::use_future).get();
}

}  // namespace ngsync::storage
