#pragma once
// POST /webhooks/notion: stores the one-time verification token (never logged: the operator
// reads it with `ngsync status --show-notion-verification`), verifies X-Notion-Signature on every
// later event, drops events authored by the daemon's own bot, and turns `page.*` events into
// `sync_page` hints for the mapping that covers the page's data source.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/http/server.hpp"
#include "daemon/engine/mapping_binding.hpp"
#include "daemon/webhooks/own_identity.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::webhooks {

struct notion_webhook_counters {
  std::uint64_t verifications = 0;
  std::uint64_t refused = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t own = 0;
  std::uint64_t ignored = 0;
  std::uint64_t enqueued = 0;
};

class notion_webhook_receiver {
 public:
  notion_webhook_receiver(storage::database& db, storage::job_queue& queue,
                          const std::map<std::string, engine::mapping_binding>& mappings,
                          int max_attempts, const own_identity& me);

  boost::asio::awaitable<http::server_response> handle(http::server_request req);
  const notion_webhook_counters& counters() const { return counters_; }

 private:
  boost::asio::awaitable<std::optional<std::string>> token();

  storage::database& db_;
  storage::job_queue& queue_;
  const std::map<std::string, engine::mapping_binding>& mappings_;
  int max_attempts_;
  const own_identity& me_;
  std::optional<std::string> token_;  // cached after the first read
  notion_webhook_counters counters_;
};

}  // namespace ngsync::webhooks
