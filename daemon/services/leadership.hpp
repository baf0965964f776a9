#pragma once
// Which replica polls each data source and runs the periodic reconcile: this process contends
// for one leader lease per name (storage/leader_lease), renews the ones it holds every third of
// the lease and takes over those whose holder stopped renewing. Everything else (the queue,
// webhooks) runs on every replica.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "storage/database.hpp"

namespace ngsync::engine {

class leadership {
 public:
  leadership(storage::database& db, std::string holder, std::chrono::milliseconds lease);

  // "hostname:pid:random", unique per process start.
  static std::string make_holder_id();

  // Lease names this process contends for ("poll:<data source id>", "reconcile").
  void contend(std::string name);
  // True while this process holds `name`: renewed, and by our own clock still short of the
  // expiry the database set (measured from before the renewal was sent, minus a margin).
  bool leads(const std::string& name) const;
  std::function<bool()> gate(std::string name) const {
    return [this, name] { return leads(name); };
  }

  // Contends, renews and takes over until stop(); then gives up what it holds.
  boost::asio::awaitable<void> run();
  // Ends run() now instead of at its next renewal.
  void stop();
  // One round over every name (run() repeats it); public for tests.
  boost::asio::awaitable<void> renew_once();

  const std::string& holder() const { return holder_; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  storage::database& db_;
  std::string holder_;
  std::chrono::milliseconds lease_;
  std::vector<std::string> names_;
  std::map<std::string, std::chrono::steady_clock::time_point> held_until_;
  std::shared_ptr<boost::asio::steady_timer> timer_;
  bool stopping_ = false;
};

}  // namespace ngsync::engine
