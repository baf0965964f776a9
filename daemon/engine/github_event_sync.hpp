#pragma once
// Runs a `github_issue_event` job: mirrors a GitHub issue change into its Notion page (status on
// close/reopen, fields GitHub owns), and when GitHub changed a field Notion owns, hands the page
// to the Notion -> GitHub executor (a sync_page job with the hash forgotten) which restores it.
// Level-triggered: the event only names the issue; the job reads the issue, the page and the link
// as they are now, so late, duplicated or merged events are harmless.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "daemon/engine/mapping_binding.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace ngsync::engine {

struct github_event_counters {
  std::uint64_t events = 0;
  std::uint64_t notion_updates = 0;  // pages whose status or title were set from GitHub
  std::uint64_t restores = 0;        // pages handed back to restore Notion-owned fields
  std::uint64_t conflicts = 0;
  std::uint64_t unchanged = 0;  // echoes and events already reflected
};

class github_event_syncer {
 public:
  github_event_syncer(storage::database& db, storage::job_queue& queue, engine_ports& ports,
                      const std::map<std::string, mapping_binding>& mappings,
                      const config::config& c);

  boost::asio::awaitable<void> sync(storage::claimed_job job);
  const github_event_counters& counters() const { return counters_; }

 private:
  storage::database& db_;
  storage::job_queue& queue_;
  engine_ports& ports_;
  const std::map<std::string, mapping_binding>& mappings_;
  const config::config& c_;
  github_event_counters counters_;
};

}  // namespace ngsync::engine
