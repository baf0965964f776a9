#pragma once
// POST /webhooks/github: verifies the signature before anything else, answers ping, drops
// events the daemon caused itself, dedupes redeliveries, and turns an issue change into a
// `github_issue_event` job for the linked page. Answers in one database round trip; the work
// (reading the issue and the page, mirroring) happens on the queue.
#include <atomic>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/http/server.hpp"
#include "daemon/webhooks/own_identity.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::webhooks {

struct github_webhook_settings {
  std::string secret;  // the hook secret; empty refuses every delivery
  int max_attempts = 10;
};

struct github_webhook_counters {
  std::uint64_t refused = 0;     // bad or missing signature, malformed body
  std::uint64_t duplicates = 0;  // redeliveries acknowledged without work
  std::uint64_t own = 0;         // caused by the daemon itself
  std::uint64_t ignored = 0;     // other events, pull requests, unlinked issues
  std::uint64_t enqueued = 0;
};

class github_webhook_receiver {
 public:
  github_webhook_receiver(storage::database& db, storage::job_queue& queue,
                          github_webhook_settings settings, const own_identity& me);

  boost::asio::awaitable<http::server_response> handle(http::server_request req);
  const github_webhook_counters& counters() const { return counters_; }

 private:
  storage::database& db_;
  storage::job_queue& queue_;
  github_webhook_settings settings_;
  const own_identity& me_;
  github_webhook_counters counters_;
};

}  // namespace ngsync::webhooks
