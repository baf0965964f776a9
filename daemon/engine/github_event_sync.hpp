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
#include "core/sync/github_event_planner.hpp"
#include "core/sync/mapping_binding.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/link_port.hpp"
#include "storage/mirror_port.hpp"

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
                      const std::map<std::string, sync::mapping_binding>& mappings,
                      const config::config& c);

  boost::asio::awaitable<void> sync(storage::claimed_job job);
  const github_event_counters& counters() const { return counters_; }

 private:
  // The event a job carries (the webhook receiver's or reconcile's payload).
  struct issue_event {
    std::string repo;
    std::int64_t number = 0;
    std::string action;
    std::string run;
  };
  static issue_event event_of(const storage::claimed_job& job);
  // The issue as GitHub has it now; nullopt when it is gone (the link then says so).
  boost::asio::awaitable<std::optional<github::github_issue>> read_issue(
      github::github_port& github_api, const issue_event& ev, const storage::page_link& link);
  // A transferred issue answers from its new place: the link and the event move with it.
  boost::asio::awaitable<void> follow_transfer(issue_event& ev, storage::page_link& link,
                                               const github::github_issue& issue);
  // The page is in the trash: nothing is written to it; the link records what the issue shows.
  boost::asio::awaitable<void> hold_trashed(const issue_event& ev, const storage::page_link& link,
                                            const github::github_issue& issue);
  // Plans the mirror (core/sync/github_event_planner), writes the page, records the outcome.
  boost::asio::awaitable<void> mirror(const issue_event& ev, const storage::page_link& link,
                                      const sync::mapping_binding& binding,
                                      const github::github_issue& issue,
                                      const notion::notion_page& page,
                                      notion::notion_port& notion_api);
  // Provenance, conflicts, and a restore job when GitHub changed what Notion owns: one
  // transaction.
  boost::asio::awaitable<void> record_mirror(const issue_event& ev, const storage::page_link& link,
                                             const sync::mapping_binding& binding,
                                             const github::github_issue& issue,
                                             const notion::notion_page& page,
                                             const sync::notion_mirror_plan& plan,
                                             boost::json::object to_notion, const std::string& now);

  storage::link_port links_;
  storage::mirror_port mirrors_;  // the mirror's record and its restore job commit together
  engine_ports& ports_;
  const std::map<std::string, sync::mapping_binding>& mappings_;
  const config::config& c_;
  github_event_counters counters_;
};

}  // namespace ngsync::engine
