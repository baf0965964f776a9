#include "daemon/services/leadership.hpp"

#include <unistd.h>

#include <random>

#include <fmt/format.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log/logging.hpp"
#include "storage/leader_lease.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

leadership::leadership(storage::database& db, std::string holder, std::chrono::milliseconds lease)
    : db_(db), holder_(std::move(holder)), lease_(lease) {}

std::string leadership::make_holder_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return fmt::format("{}:{}:{:08x}", host, ::getpid(), rd());
}

void leadership::contend(std::string name) {
  names_.push_back(std::move(name));
}

bool leadership::leads(const std::string& name) const {
  auto it = held_until_.find(name);
  return it != held_until_.end() && std::chrono::steady_clock::now() < it->second;
}

net::awaitable<void> leadership::renew_once() {
  auto logger = log::get("leader");
  for (const auto& name : names_) {
    // Our copy of the lease ends before the database's: that one is set from a moment after
    // `sent`, and the margin covers clock-rate differences between replicas.
    const auto sent = std::chrono::steady_clock::now();
    const bool was = leads(name);
    bool holds = false;
    try {
      auto hold = [name, holder = holder_, lease = lease_](storage::session s) {
        return storage::try_hold_lease(s, name, holder, lease);
      };
      holds = co_await db_.on_session(std::move(hold), storage::retry_policy::once);
    } catch (const std::exception& e) {
      logger->warn("lease={} renewal failed: {}", name, log::redact(e.what()));
      continue;  // keep what we had until our copy runs out
    }
    if (holds) {
      held_until_[name] = sent + lease_ - lease_ / 6;
      if (!was) logger->info("lease={} acquired holder={}", name, holder_);
    } else {
      held_until_.erase(name);
      if (was) logger->warn("lease={} lost holder={}", name, holder_);
    }
  }
}

void leadership::stop() {
  stopping_ = true;
  if (timer_) timer_->cancel();
}

net::awaitable<void> leadership::run() {
  timer_ = std::make_shared<net::steady_timer>(co_await net::this_coro::executor);
  auto timer = timer_;  // keeps the timer alive for this frame
  while (!stopping_) {
    co_await renew_once();
    if (stopping_) break;
    timer->expires_after(lease_ / 3);
    boost::system::error_code ec;
    co_await timer->async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  for (const auto& name : names_) {
    if (!leads(name)) continue;
    held_until_.erase(name);
    try {
      auto release = [name, holder = holder_](storage::session s) {
        storage::release_lease(s, name, holder);
      };
      co_await db_.on_session(std::move(release), storage::retry_policy::once);
    } catch (const std::exception&) {
      // It expires on its own.
    }
  }
}

}  // namespace ngsync::engine
