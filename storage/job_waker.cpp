#include "storage/job_waker.hpp"

#include <condition_variable>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "core/time/backoff.hpp"

namespace ngsync::storage {
namespace {

class wake_receiver : public pqxx::notification_receiver {
 public:
  wake_receiver(pqxx::connection_base& c, const std::string& channel, std::function<void()> on)
      : pqxx::notification_receiver(c, channel), on_(std::move(on)) {}
  void operator()(const std::string&, int) override { on_(); }

 private:
  std::function<void()> on_;
};

}  // namespace

job_waker::job_waker(database_settings settings, std::string channel)
    : settings_(std::move(settings)), channel_(std::move(channel)) {
  thread_ = std::thread([this] { listen_loop(); });
}

job_waker::~job_waker() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void job_waker::bump() {
  ++generation_;
  std::vector<std::shared_ptr<net::steady_timer>> timers;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : waiters_) {
      if (auto t = w.lock()) timers.push_back(std::move(t));
    }
    waiters_.clear();
  }
  changed_.notify_all();
  // A timer may only be touched on its own executor; the shared_ptr keeps it alive until then.
  for (auto& t : timers) {
    net::post(t->get_executor(), [t] { t->cancel(); });
  }
}

void job_waker::listen_loop() {
  auto logger = log::get("queue");
  time::doubling_backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(2000));
  while (!stop_) {
    try {
      auto c = database::open(settings_);
      wake_receiver receiver(*c, channel_, [this] { bump(); });
      c->get_notifs();  // sends the LISTEN
      listening_ = true;
      // Anything enqueued while we were not listening must not wait for a timeout.
      bump();
      backoff.reset();
      while (!stop_) {
        // Short waits so the destructor is never held up for long.
        c->await_notification(0, 200'000);
      }
      listening_ = false;
    } catch (const std::exception& e) {
      listening_ = false;
      if (stop_) break;
      const auto wait = backoff.next();
      logger->warn("notification listener lost its connection backoff_ms={} error=\"{}\"",
                   wait.count(), log::redact(e.what()));
      auto until = std::chrono::steady_clock::now() + wait;
      while (!stop_ && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
}

net::awaitable<bool> job_waker::wait(std::uint64_t seen, std::chrono::milliseconds timeout) {
  auto executor = co_await net::this_coro::executor;
  auto timer = std::make_shared<net::steady_timer>(executor, timeout);
  {
    std::lock_guard lock(mutex_);
    if (generation_.load() != seen) co_return true;
    std::erase_if(waiters_, [](const auto& w) { return w.expired(); });
    waiters_.push_back(timer);
  }
  co_await timer->async_wait(net::as_tuple(net::use_awaitable));
  co_return generation_.load() != seen;
}

bool job_waker::wait_sync(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return generation_.load() != seen; });
}

}  // namespace ngsync::storage
