#pragma once
// The schedule of one data source's polls in `ngsync run`: a poll (daemon/engine/poller.hpp)
// every interval, on the replica that holds the data source's lease; a failed poll is logged,
// counted and recorded on the cursor (`ngsync status` shows it), and the next interval tries again.
#include <functional>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/engine/poller.hpp"
#include "storage/poll_port.hpp"

namespace ngsync::engine {

class poll_schedule {
 public:
  poll_schedule(poller& polled, storage::database& db, storage::job_queue& queue);

  // Polls every interval until stop().
  boost::asio::awaitable<void> run();
  // Ends run() after the poll in progress, without waiting for the next interval.
  void stop();
  // Replicas: run() polls only while `may_poll` says this process holds the data source's
  // leader lease; the other ticks pass without a call.
  void set_gate(std::function<bool()> may_poll) { gate_ = std::move(may_poll); }
  const poller& polled() const { return poller_; }

 private:
  poller& poller_;
  storage::poll_port cursor_;  // where a failed poll is recorded
  bool stopping_ = false;
  std::shared_ptr<boost::asio::steady_timer> timer_;
  std::function<bool()> gate_;
};

}  // namespace ngsync::engine
