#pragma once
// Work started now and awaited later: a coroutine runs on its own while the one that started it
// goes on, and hands over its result (or its exception) when asked. The poller uses it to overlap
// its steps: the next query page is fetched while the current one is handled, and a batch is
// written to the queue while the next page is read and planned.
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ngsync::net {

template <class T>
class background {
 public:
  explicit background(const boost::asio::any_io_executor& ex) : done_(ex) {
    // Never expires on its own: cancel() is the signal that the work finished.
    done_.expires_at(boost::asio::steady_timer::time_point::max());
  }

  // Starts `work` (a callable returning boost::asio::awaitable<T>) on `ex`. The work owns a
  // reference to the object, so dropping the handle does not cut it short.
  template <class Work>
  static std::shared_ptr<background> start(const boost::asio::any_io_executor& ex, Work work) {
    auto b = std::make_shared<background>(ex);
    boost::asio::co_spawn(
        ex,
        [b, work = std::move(work)]() mutable -> boost::asio::awaitable<void> {
          try {
            // Its own statement: GCC 12 mishandles a co_await inside a call's argument list.
            auto value = co_await work();
            b->value_.emplace(std::move(value));
          } catch (...) {
            b->error_ = std::current_exception();
          }
          b->finished_ = true;
          b->done_.cancel();
        },
        boost::asio::detached);
    return b;
  }

  bool finished() const { return finished_; }

  // The result once the work is done, or its exception if it failed. Call once.
  boost::asio::awaitable<T> result() {
    while (!finished_) {
      boost::system::error_code ec;
      co_await done_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    if (error_) std::rethrow_exception(error_);
    co_return std::move(*value_);
  }

 private:
  std::optional<T> value_;
  std::exception_ptr error_;
  bool finished_ = false;
  boost::asio::steady_timer done_;
};

}  // namespace ngsync::net
