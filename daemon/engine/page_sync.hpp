#pragma once
// Syncs one page (a `sync_page` job), level-triggered: reads the current Notion page and its
// link, then carries out, one at a time, the steps core/sync/page_sync_steps decides (the plan,
// the create exactly once of sync-model.md §3, the write-back, the record), handing each answer
// back. Failures throw api::api_exception for the job runner.
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/github_port.hpp"
#include "core/notion/notion_port.hpp"
#include "core/sync/mapping_binding.hpp"
#include "core/sync/page_notice.hpp"
#include "core/sync/page_sync_steps.hpp"
#include "core/sync/sync_hint.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "daemon/engine/issue_extras_sync.hpp"
#include "daemon/engine/repo_recovery.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/link_port.hpp"

namespace ngsync::engine {

struct page_sync_counters {
  std::uint64_t pages_synced = 0;  // jobs that ended with the page in sync
  std::uint64_t issues_created = 0;
  // found by marker after an unknown outcome, or re-linked (the number the page carries, the
  // recovery scan of a lost database)
  std::uint64_t issues_adopted = 0;
  std::uint64_t issues_updated = 0;
  std::uint64_t issues_closed = 0;
  std::uint64_t issues_reopened = 0;
  std::uint64_t pages_written_back = 0;
  std::uint64_t pages_in_error = 0;
  std::uint64_t unchanged = 0;              // nothing to do
  std::uint64_t pages_outside_mapping = 0;  // jobs dropped: the page is not the mapping's
};

class page_syncer {
 public:
  // `extras` carries out a linked issue's project, milestone and comment work; nullptr runs
  // none (the engine's tests of the sync rules).
  page_syncer(storage::database& db, engine_ports& ports, issue_extras_syncer* extras,
              const std::map<std::string, sync::mapping_binding>& mappings);

  // Runs one job. Throws api::api_exception (classified) or std::exception on failure.
  boost::asio::awaitable<void> sync(storage::claimed_job job);
  // The plan the next sync of this page would apply, without changing anything (`ngsync plan`).
  boost::asio::awaitable<sync::sync_plan> preview(sync::sync_page_hint hint);
  // After a job failed: a transient failure shows Pending with the message on the page (first
  // attempt only, to avoid churn); a dead job shows Error and marks the link.
  boost::asio::awaitable<void> report_failure(storage::claimed_job job, std::string error,
                                              bool dead);

  // After a job was rescheduled (a retry or a rate-limit pause, see page_trouble.cpp): the page
  // shows Pending and why, once per change of cause (core/sync/page_notice).
  boost::asio::awaitable<void> report_trouble(storage::claimed_job job,
                                              std::optional<api::api_failure> failure);
  // Reads which pages were told about trouble (kept across restarts), so their next success
  // forgets it. Call once before jobs run.
  boost::asio::awaitable<void> load_page_notices();
  void set_notice_settings(sync::notice_settings s) { notice_settings_ = s; }

  const page_sync_counters& counters() const { return counters_; }
  // The daemon's GitHub login (engine/own_identity): issues and comments are adopted by their
  // marker only when it wrote them.
  void set_own_github_login(std::string login) {
    own_github_login_ = login;
    if (extras_) extras_->set_own_github_login(std::move(login));
  }

 private:
  struct page_context {
    sync::sync_page_hint hint;
    const sync::mapping_binding* mapping = nullptr;
    sync::page_reading reading;
    // The page's parent is none of the mapping's data sources: the job names the wrong mapping
    // (or the page moved). Nothing is synced under it.
    bool outside_mapping = false;
  };
  // Reads the page (or takes the poll's snapshot while it is current), its link and content.
  boost::asio::awaitable<page_context> load(sync::sync_page_hint hint, std::string run);
  // One job's ports and steps while it runs (page_steps.cpp carries out each step).
  struct job_run {
    std::string run_tag;
    notion::notion_port& notion;
    github::github_port& github;
    page_context ctx;
    sync::page_sync_steps steps;
    // The write-back Notion refused because the page is in the trash: the job's failure when the
    // second read says otherwise.
    std::optional<api::api_failure> write_refusal;
  };
  // sync() without its last resort: `unrecorded` holds an issue this sync created whose number
  // waits to be written with the in-sync state; when the sync stops before that, sync() writes
  // it on its own.
  boost::asio::awaitable<void> run_job(storage::claimed_job job,
                                       std::optional<sync::issue_created>& unrecorded);
  // The page names its issue but the link table has none: adopt it, or say why not on the
  // page. False when the sync ends here (refused).
  boost::asio::awaitable<bool> correlate(job_run& jr);
  // Carries out one step core/sync/page_sync_steps decided and hands back what it learned.
  boost::asio::awaitable<void> carry_out(job_run& jr, const sync::page_step& step);
  boost::asio::awaitable<void> find_own_issue(job_run& jr, const sync::find_own_issue_step& find);
  boost::asio::awaitable<void> scan_lost_links(job_run& jr, const sync::scan_lost_links_step& scan);
  boost::asio::awaitable<void> open_issue(job_run& jr, const sync::open_issue_step& open);
  boost::asio::awaitable<void> update_issue(job_run& jr, const sync::update_issue_step& step);
  boost::asio::awaitable<void> write_back(job_run& jr, const sync::write_back_step& wb);
  boost::asio::awaitable<void> record_end(job_run& jr, const sync::page_step& step);
  void count_end(const job_run& jr, sync::page_job_end end);

  // A sync_page job's page and its mapping's write-back properties (none: another kind, a payload
  // that does not parse, an unknown mapping).
  struct job_page {
    std::string id;
    const sync::write_back_properties* write_back = nullptr;
  };
  std::optional<job_page> page_of_job(const storage::claimed_job& job) const;
  // Writes `shown` on the page; false when the mapping writes none of its properties back.
  boost::asio::awaitable<bool> show_on_page(std::string page_id, sync::write_back_action shown,
                                            const sync::write_back_properties& wb, std::string run);
  // Shows an error from the issue's extras on the page (only when it shows something else) and
  // on the link.
  boost::asio::awaitable<void> report_extras_error(notion::notion_page page,
                                                   sync::mapping_rules rules, std::string error,
                                                   std::string run, bool on_page);

  storage::database& db_;
  engine_ports& ports_;
  const std::map<std::string, sync::mapping_binding>& mappings_;
  storage::link_port links_;  // group commit of the link reads and writes (see link_port.hpp)
  page_sync_counters counters_;
  issue_extras_syncer* extras_;  // project board, milestone and comments (issue #8)
  repo_recovery recovery_;       // one scan per repository of a database that lost its links
  std::string own_github_login_;
  // Pages with a row in page_notices: a success forgets the notice (one DELETE, only for them).
  boost::asio::awaitable<void> forget_trouble(std::string page_id);
  sync::notice_settings notice_settings_;
  std::mutex noticed_mutex_;
  std::set<std::string> noticed_pages_;
};

}  // namespace ngsync::engine
