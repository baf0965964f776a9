#pragma once
// Collects one audit row per API attempt (from the api_callers' observers, on the I/O thread)
// and writes them to api_audit in batches from the database pool, so auditing never adds a
// database round trip to an API call.
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/ratelimit/api_caller.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"

namespace ngsync::engine {

class audit_recorder {
 public:
  explicit audit_recorder(storage::database& db) : db_(db) {}

  // Called by the api_caller observers. `response_excerpt` is kept for failed calls only.
  void record(const ratelimit::attempt_record& attempt, const std::string& response_excerpt);

  // Writes what is buffered. The flusher calls it every `interval`; shutdown calls it last.
  boost::asio::awaitable<void> flush();
  boost::asio::awaitable<void> run_flusher(std::chrono::milliseconds interval);
  // Ends the flusher now (its last flush still runs), not at its next tick.
  void stop() {
    stopping_ = true;
    if (timer_) timer_->cancel();
  }

  std::uint64_t rows_written() const { return written_; }

 private:
  storage::database& db_;
  std::vector<storage::api_call> pending_;
  std::uint64_t written_ = 0;
  bool stopping_ = false;
  std::shared_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace ngsync::engine
