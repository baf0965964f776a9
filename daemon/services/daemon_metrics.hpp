#pragma once
// The daemon's Prometheus metrics that are counted as things happen: API requests, polls, sync
// latency. One registry per process (`metrics()`), so each place that sees an event
// records it without threading a pointer through every constructor. Gauges that are read at
// scrape time (queue depth, tokens, pages in error, webhook
// counts kept by the receivers) are rendered by the /metrics route itself.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ratelimit/api_caller.hpp"

namespace ngsync::engine {

class daemon_metrics {
 public:
  daemon_metrics();
  ~daemon_metrics();
  daemon_metrics(const daemon_metrics&) = delete;
  daemon_metrics& operator=(const daemon_metrics&) = delete;

  // One API attempt (the api_caller observers call this next to the audit log).
  void api_attempt(const ratelimit::attempt_record& attempt);
  // One finished poll of a data source.
  void poll_finished(const std::string& data_source, std::chrono::duration<double> duration,
                     std::int64_t pages_seen);
  void poll_failed(const std::string& data_source);
  // A page whose change was seen at `seen_at` now has both sides written.
  void page_synced(std::chrono::system_clock::time_point seen_at);

  // The Prometheus text of everything above.
  std::string render() const;

 private:
  struct families;
  families* f_;
};

daemon_metrics& metrics();

// "read" for GET/HEAD, "write" for everything else: the split the rate limits care about.
std::string_view method_class(boost::beast::http::verb method);

}  // namespace ngsync::engine
