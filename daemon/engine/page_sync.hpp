#pragma once
// Syncs one page (a `sync_page` job), level-triggered: reads the current Notion page, its link
// and, when needed, its GitHub issue; plans with the pure planner; applies the plan. Issue
// creation happens exactly once (sync-model.md §3): the intent is committed before the POST,
// and a retry that finds an intent without a number looks for the page's marker among the
// repository's issues before creating. Failures throw api::api_exception for the job runner.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/github_port.hpp"
#include "core/notion/notion_port.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/mapping_binding.hpp"
#include "core/sync/page_notice.hpp"
#include "core/sync/page_outcome.hpp"
#include "core/sync/sync_action.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "daemon/engine/issue_extras_sync.hpp"
#include "daemon/engine/repo_recovery.hpp"
#include "daemon/engine/sync_job.hpp"
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
  boost::asio::awaitable<sync::sync_plan> preview(sync_page_hint hint);
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
    sync_page_hint hint;
    const sync::mapping_binding* mapping = nullptr;
    notion::notion_page page;
    // When `page` was read from Notion: the poll's time for a snapshot carried in the hint, else
    // the time of the GET. A sync is recorded as verified as of this moment, never later, so an
    // edit made after the read, in the same Notion minute, still gets the poller's second look.
    std::chrono::system_clock::time_point read_at;
    std::optional<storage::page_link> link;
    std::optional<sync::link_state> state;
    std::string content;
    // The page's parent is none of the mapping's data sources: the job names the wrong mapping
    // (or the page moved). Nothing is synced under it.
    bool outside_mapping = false;
  };
  boost::asio::awaitable<page_context> load(sync_page_hint hint, std::string run);
  // sync() without its last resort: `unrecorded` holds an issue this sync created whose number
  // waits to be written with the in-sync state; when the sync stops before that, sync() writes
  // it on its own.
  boost::asio::awaitable<void> sync_rounds(storage::claimed_job job,
                                           std::optional<storage::created_issue>& unrecorded);
  // One job's sync as it goes (page_sync_steps.cpp): what was read, what it changed so far.
  struct job_state {
    std::string run_tag;
    notion::notion_port& notion;
    github::github_port& github;
    page_context ctx;
    std::optional<github::github_issue> issue;   // as GitHub answered it, when read
    std::optional<std::int64_t> created_number;  // an issue this job created or adopted
    std::string created_repo;
    std::optional<std::string> created_url;
    std::optional<std::string> notion_edited_after;  // last_edited_time after our write-back
    bool trash_replanned = false;
    std::optional<storage::created_issue>& unrecorded;
    std::string run;  // the sync run id of the round's plan (logs, extras)
  };
  // One round's carrying out of a plan.
  struct round_state {
    std::optional<std::string> error_message;  // the plan's mark_error
    bool extras_ran = false;
    bool extras_error_shown = false;  // written to the page with the plan's write-back
    std::optional<std::string> extras_error;
    // The name lists GitHub's answers showed for what this round's writes sent; what it
    // dropped is said on the page (core/sync/link_state.hpp).
    sync::github_applied_names applied;
  };
  // The page names its issue but the link table has none: adopt it, or say why not on the
  // page. False when the sync ends here (refused).
  boost::asio::awaitable<bool> correlate(job_state& js);
  // A link found for the page (correlated, or re-linked by the recovery scan): planned from now.
  static boost::asio::awaitable<void> take_link(job_state& js, storage::page_link link);
  // Nothing to do: the extras still run, and the link is marked verified.
  boost::asio::awaitable<void> settle_unchanged(job_state& js, const sync::sync_plan& plan,
                                                std::chrono::system_clock::time_point now);
  // Carries out the plan's actions in order. True when one taught something that needs a new
  // plan (an issue found or fetched, the page trashed meanwhile).
  boost::asio::awaitable<bool> carry_out(job_state& js, const sync::sync_plan& plan,
                                         round_state& rs,
                                         std::chrono::system_clock::time_point now);
  boost::asio::awaitable<void> adopt_by_marker(job_state& js,
                                               const sync::find_issue_by_marker_action& find,
                                               std::chrono::system_clock::time_point now);
  // False when the recovery scan re-linked the page instead (plan again).
  boost::asio::awaitable<bool> create_issue(job_state& js, const sync::create_issue_action& create,
                                            round_state& rs,
                                            std::chrono::system_clock::time_point now);
  boost::asio::awaitable<void> update_issue(job_state& js, const sync::update_issue_action& update,
                                            const sync::sync_plan& plan, round_state& rs,
                                            std::chrono::system_clock::time_point now);
  // False when the page was trashed meanwhile and was read again (plan again).
  boost::asio::awaitable<bool> write_back(job_state& js, const sync::write_back_action& wb,
                                          const sync::sync_plan& plan, round_state& rs);
  // The round's record: the page's error, or the in-sync state; then an extras error.
  boost::asio::awaitable<void> finish_round(job_state& js, const sync::sync_plan& plan,
                                            round_state& rs,
                                            std::chrono::system_clock::time_point now);
  // What the round's record is decided from (core/sync/page_outcome.hpp).
  static sync::round_facts facts_of(const job_state& js, std::chrono::system_clock::time_point now,
                                    sync::github_applied_names applied = {});
  // The linked issue the extras follow (just created, or on the link); none when not wanted.
  std::optional<linked_issue> extras_target(const job_state& js, const sync::sync_plan& plan) const;
  boost::asio::awaitable<std::optional<std::string>> run_extras(const job_state& js,
                                                                const sync::sync_plan& plan);

  // Shows an error from the issue's extras on the page (only when it shows something else) and
  // on the link.
  boost::asio::awaitable<void> report_extras_error(notion::notion_page page,
                                                   sync::mapping_rules rules, std::string error,
                                                   std::string run, bool show_on_page);

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
